// The shared service proxy conformance suite against the iptables mode, in throwaway netns.
import { existsSync } from 'node:fs';
import { describeServiceProxyConformance } from '../testing/conformance.js';

const hasIptables = ['/usr/sbin/iptables-restore', '/sbin/iptables-restore', '/usr/bin/iptables-restore'].some((p) => existsSync(p));

describeServiceProxyConformance({ mode: 'iptables', skipReason: hasIptables ? undefined : 'needs iptables-restore', verbose: !!process.env.KITES_PROXY_DEBUG });
