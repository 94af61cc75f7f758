// Per-service chain names exactly as upstream kube-proxy derives them, so `iptables-save` output
// reads the same as on any Kubernetes node and tools that know the names keep working: the first
// 16 characters of base32(sha256(servicePortName + lower-case protocol [+ "ip:port"])).
import { createHash } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (the alphabet Go's base32.StdEncoding uses; padding is never reached here). */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

function hash16(text: string): string {
  return base32(createHash('sha256').update(text).digest()).slice(0, 16);
}

/** `servicePortName` is upstream ServicePortName.String() ("ns/name:port" or "ns/name"). */
export function portProtoHash(servicePortName: string, protocol: string): string {
  return hash16(servicePortName + protocol.toLowerCase());
}

export const chainPrefixes = { cluster: 'KUBE-SVC-', local: 'KUBE-SVL-', external: 'KUBE-EXT-', firewall: 'KUBE-FW-', endpoint: 'KUBE-SEP-' } as const;

export interface ServiceChainNames { cluster: string; local: string; external: string; firewall: string }

export function serviceChainNames(servicePortName: string, protocol: string): ServiceChainNames {
  const h = portProtoHash(servicePortName, protocol);
  return { cluster: chainPrefixes.cluster + h, local: chainPrefixes.local + h, external: chainPrefixes.external + h, firewall: chainPrefixes.firewall + h };
}

/** KUBE-SEP chain of one endpoint ("ip:port") of a service port. */
export function endpointChainName(servicePortName: string, protocol: string, endpoint: string): string {
  return chainPrefixes.endpoint + hash16(servicePortName + protocol.toLowerCase() + endpoint);
}

/** A per-service chain this proxy owns (stale ones are deleted on sync). */
export function isServiceChainName(chain: string): boolean {
  return Object.values(chainPrefixes).some((p) => chain.startsWith(p));
}
