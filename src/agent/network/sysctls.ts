// Kernel settings pods need, as kubelet/kube-proxy and the CNI bridge plugin expect them:
// forwarding between the bridge and the world, and bridged pod-to-pod traffic passing iptables
// (Service DNAT for a pod talking to a pod on the same bridge). Each change is logged.
import type { Logger } from '../../api/log.js';
import { readSysctl, runHostCommand, writeSysctl } from '../../network/host/index.js';

export const podNetworkSysctls: ReadonlyArray<[string, string]> = [
  ['net.ipv4.ip_forward', '1'],
  // Needs br_netfilter; without it bridged traffic skips iptables and same-node Services break.
  ['net.bridge.bridge-nf-call-iptables', '1'],
];

export async function ensurePodNetworkSysctls(log: Logger, opts: { netns?: string } = {}): Promise<void> {
  for (const [key, want] of podNetworkSysctls) {
    let have = await readSysctl(key, opts);
    if (have === undefined && key.startsWith('net.bridge.')) {
      // br_netfilter provides /proc/sys/net/bridge; load it as kubeadm's preflight asks users to.
      await runHostCommand('modprobe', ['br_netfilter']).catch((e: unknown) => log.warn('could not load br_netfilter', { err: e }));
      have = await readSysctl(key, opts);
    }
    if (have === undefined) {
      log.warn('sysctl not available; pod networking may not work fully', { sysctl: key, want });
      continue;
    }
    if (have === want) continue;
    await writeSysctl(key, want, opts);
    log.info('set sysctl for the pod network', { sysctl: key, from: have, to: want });
  }
}
