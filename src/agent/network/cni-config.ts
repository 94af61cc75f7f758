// The node's CNI network configuration, which containerd's CRI plugin reads from its conf dir and
// runs for every pod sandbox: a Linux bridge (cni0) with host-local addresses from the node's pod
// CIDR, then portmap for hostPorts. As k3s's default (flannel's cbr0 minus the overlay): pods of
// one node share a bridge whose address (.1) is their gateway.
import { mkdirSync, renameSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * CNI spec 1.0.0: containerd 1.6 (libcni 1.1) and Debian's plugins 1.1.1 both speak it
 * (`CNI_COMMAND=VERSION /usr/lib/cni/bridge` lists 0.1.0 … 1.0.0).
 */
export const cniVersion = '1.0.0';
export const conflistName = '10-kites.conflist';
export const networkName = 'kites';

export interface PodNetworkConfigOptions {
  /** The node's spec.podCIDR, e.g. 10.42.0.0/24. */
  podCidr: string;
  /** Its first address, the bridge's and the pods' default gateway. */
  gateway: string;
  /** Bridge name (default cni0). */
  bridge: string;
  /** host-local's allocation records (<dataDir>/agent/cni/ipam), kept with the agent's data. */
  ipamDataDir: string;
}

export interface CniPluginConfig { type: string; [key: string]: unknown }
export interface CniConfList { cniVersion: string; name: string; plugins: CniPluginConfig[] }

export function podNetworkConflist(o: PodNetworkConfigOptions): CniConfList {
  return {
    cniVersion,
    name: networkName,
    plugins: [
      {
        type: 'bridge',
        bridge: o.bridge,
        isGateway: true,
        // Pod traffic leaving the pod CIDR is masqueraded to the node's address.
        ipMasq: true,
        // A pod reaching itself through a Service (DNAT back to its own IP) needs its packets sent
        // back out the port they came in on: hairpin on each veth port, kubelet's
        // --hairpin-mode=hairpin-veth and k3s's choice. (The bridge plugin refuses hairpinMode
        // together with promiscMode, the promiscuous-bridge alternative.)
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: o.podCidr, gateway: o.gateway }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: o.ipamDataDir,
        },
      },
      // hostPort: containerd passes the sandbox's port mappings as runtimeConfig.portMappings.
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
    ],
  };
}

/**
 * Writes the conflist into the CNI conf dir, atomically (containerd watches the directory and
 * must never load half a file; the temporary name lacks a .conf/.conflist/.json extension so it
 * is never loaded either). Returns the path; unchanged content is not rewritten.
 */
export function writeConflist(confDir: string, conflist: CniConfList): string {
  mkdirSync(confDir, { recursive: true });
  const path = join(confDir, conflistName);
  const content = `${JSON.stringify(conflist, null, 2)}\n`;
  try {
    if (readFileSync(path, 'utf8') === content) return path;
  } catch {
    // not written yet
  }
  const tmp = join(confDir, `.${conflistName}.${process.pid}.tmp`);
  writeFileSync(tmp, content, { mode: 0o644 });
  renameSync(tmp, path);
  return path;
}
