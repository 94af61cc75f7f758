// The pod's /etc/hosts, managed by the node agent as upstream kubelet does: localhost lines, the
// pod's own name on its IPs (with the FQDN <hostname>.<subdomain>.<ns>.svc.<domain> when the pod
// has a subdomain), then spec.hostAliases. Written to <podDir>/etc-hosts and bind-mounted at
// /etc/hosts into every container (kubelet's makeMounts). Host-network pods get the node's own
// /etc/hosts plus their aliases.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostAlias } from 'kubernetes-types/core/v1.js';
import type { AnyPod } from './pod-types.js';

export const managedHostsHeader = '# Kubernetes-managed hosts file.\n';
export const managedHostsHeaderHostNetwork = '# Kubernetes-managed hosts file (host network).\n';
export const etcHostsPath = '/etc/hosts';

/** Longest pod hostname (a DNS label). */
const maxHostnameLength = 63;

/**
 * The pod's hostname and its domain (upstream GeneratePodHostNameAndDomain): spec.hostname or the
 * pod name, truncated to 63 characters without a trailing '-' or '.'; the domain is
 * <subdomain>.<namespace>.svc.<clusterDomain> when spec.subdomain is set.
 */
export function podHostnameAndDomain(pod: AnyPod, clusterDomain: string): { hostname: string; domain?: string } {
  let hostname = pod.spec?.hostname || pod.metadata?.name || '';
  if (hostname.length > maxHostnameLength) hostname = hostname.slice(0, maxHostnameLength).replace(/[-.]+$/, '');
  const sub = pod.spec?.subdomain;
  const domain = sub ? `${sub}.${pod.metadata?.namespace ?? 'default'}.svc.${clusterDomain}` : undefined;
  return { hostname, domain };
}

/**
 * The hostname the sandbox gets: with setHostnameAsFQDN the FQDN (upstream refuses one longer
 * than 64 characters, which the caller should surface as a sandbox failure).
 */
export function podSandboxHostname(pod: AnyPod, clusterDomain: string): string {
  const { hostname, domain } = podHostnameAndDomain(pod, clusterDomain);
  if (!pod.spec?.setHostnameAsFQDN || !domain) return hostname;
  const fqdn = `${hostname}.${domain}`;
  if (fqdn.length > 64) throw new Error(`failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (64 characters is the max, ${fqdn.length} characters requested)`);
  return fqdn;
}

function hostAliasLines(aliases: HostAlias[] | undefined): string {
  if (!aliases || aliases.length === 0) return '';
  let out = '\n# Entries added by HostAliases.\n';
  for (const a of aliases) out += `${a.ip ?? ''}\t${(a.hostnames ?? []).join('\t')}\n`;
  return out;
}

/** The managed hosts file of a pod on the pod network. */
export function etcHostsContent(pod: AnyPod, podIPs: string[], clusterDomain: string): string {
  const { hostname, domain } = podHostnameAndDomain(pod, clusterDomain);
  let out = managedHostsHeader
    + '127.0.0.1\tlocalhost\n'
    + '::1\tlocalhost ip6-localhost ip6-loopback\n'
    + 'fe00::0\tip6-localnet\n'
    + 'fe00::0\tip6-mcastprefix\n'
    + 'fe00::1\tip6-allnodes\n'
    + 'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) out += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  return out + hostAliasLines(pod.spec?.hostAliases);
}

/** The managed hosts file of a host-network pod: the node's /etc/hosts plus the pod's aliases. */
export function hostNetworkEtcHostsContent(pod: AnyPod, nodeHosts: string): string {
  return managedHostsHeaderHostNetwork + nodeHosts + (nodeHosts.endsWith('\n') || nodeHosts === '' ? '' : '\n') + hostAliasLines(pod.spec?.hostAliases);
}

export interface WriteEtcHostsOptions {
  podIPs: string[];
  clusterDomain: string;
  /** The node's hosts file, for host-network pods (default /etc/hosts). */
  nodeHostsFile?: string;
}

/**
 * Writes <podDir>/etc-hosts and returns its path, to be bind-mounted at /etc/hosts into each
 * container. An existing file is rewritten in place, never replaced: a bind mount follows the
 * inode, so a renamed-over file would leave running containers on the old one. (Upstream writes
 * it once; rewriting keeps it right when a new sandbox gets a new IP.)
 */
export function writeEtcHosts(podDir: string, pod: AnyPod, opts: WriteEtcHostsOptions): string {
  let content: string;
  if (pod.spec?.hostNetwork) {
    let nodeHosts = '';
    try {
      nodeHosts = readFileSync(opts.nodeHostsFile ?? etcHostsPath, 'utf8');
    } catch {
      // A node without /etc/hosts: the file holds just the header and the aliases.
    }
    content = hostNetworkEtcHostsContent(pod, nodeHosts);
  } else {
    content = etcHostsContent(pod, opts.podIPs, opts.clusterDomain);
  }
  mkdirSync(podDir, { recursive: true });
  const path = join(podDir, 'etc-hosts');
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== content) writeFileSync(path, content, { mode: 0o644 });
  return path;
}

/**
 * Whether a container gets the managed /etc/hosts (kubelet makeMounts): the pod has IPs and the
 * container does not mount something of its own at /etc/hosts.
 */
export function mountsEtcHosts(container: { volumeMounts?: Array<{ mountPath: string }> }, podIPs: string[]): boolean {
  return podIPs.length > 0 && !(container.volumeMounts ?? []).some((m) => m.mountPath === etcHostsPath);
}

/**
 * The /etc/hosts mount for one container (kubelet makeMounts → makeHostsMount): writes the pod's
 * file and returns the bind mount, or undefined when the container gets none. Call it once the
 * sandbox has its IPs (host-network pods: the node's IPs).
 */
export function etcHostsMount(
  podDir: string, pod: AnyPod, container: { volumeMounts?: Array<{ mountPath: string }> }, opts: WriteEtcHostsOptions,
): { containerPath: string; hostPath: string; readOnly: boolean } | undefined {
  if (!mountsEtcHosts(container, opts.podIPs)) return undefined;
  return { containerPath: etcHostsPath, hostPath: writeEtcHosts(podDir, pod, opts), readOnly: false };
}
