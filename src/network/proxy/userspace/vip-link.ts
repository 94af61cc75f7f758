// The link that makes service VIPs local addresses. A dummy link, as kube-proxy's IPVS mode uses
// (kube-ipvs0); kernels built without the dummy driver (some containers and minimal VMs) get an
// empty bridge instead, whose addresses are just as local (as docker0's is with no container).
import { ensureDummyLink, linkExists, runHostCommand, HostCommandError } from '../../host/index.js';

export async function ensureVIPLink(name: string, opts: { netns?: string }): Promise<'dummy' | 'bridge'> {
  try {
    await ensureDummyLink(name, opts);
    return 'dummy';
  } catch (err) {
    if (!(err instanceof HostCommandError) || !/unknown device type|not supported/i.test(err.stderr)) throw err;
  }
  if (!(await linkExists(name, opts))) await runHostCommand('ip', ['link', 'add', name, 'type', 'bridge'], opts);
  await runHostCommand('ip', ['link', 'set', name, 'up'], opts);
  return 'bridge';
}
