// The shared service proxy conformance suite against the userspace mode, in throwaway netns: the
// proxy's sockets are opened inside the node namespace by a helper process (sockets.ts), its
// ClusterIPs go on a dummy link there.
import { describeServiceProxyConformance } from '../testing/conformance.js';

describeServiceProxyConformance({
  mode: 'userspace',
  capabilities: {
    // A user-space proxy opens its own connection to the endpoint: the client's address is lost.
    sourceIPPreservation: false,
    podToService: false,
  },
  verbose: !!process.env.KITES_PROXY_DEBUG,
});
