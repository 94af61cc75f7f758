// A pod's resolv.conf settings, as upstream kubelet's DNS configurer (pkg/kubelet/network/dns):
// the dnsPolicy picks a base (cluster DNS, the host's resolv.conf, or nothing), spec.dnsConfig is
// merged on top, and the result is trimmed to what resolvers accept, with a DNSConfigForming
// event saying what was dropped. The runtime writes it into the sandbox's /etc/resolv.conf.
import { readFile } from 'node:fs/promises';
import type { PodDNSConfig } from 'kubernetes-types/core/v1.js';
import type { DNSConfig } from '../runtime/types.js';
import type { AnyPod } from './pod-types.js';

/** glibc's limits, which upstream enforces (validation.MaxDNSNameservers, MaxDNSSearchPaths, MaxDNSSearchListChars). */
export const maxDnsNameservers = 3;
export const maxDnsSearchPaths = 32;
export const maxDnsSearchListChars = 2048;
/** Upstream's options for ClusterFirst: short names try the search list first. */
const clusterFirstOptions = ['ndots:5'];

export type DnsEvent = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

export interface PodDnsOptions {
  /** kubelet --cluster-dns. */
  clusterDns: string[];
  /** kubelet --cluster-domain (e.g. cluster.local). */
  clusterDomain: string;
  /**
   * Contents of the host's resolv.conf (kubelet --resolv-conf). Undefined means kubelet ran with
   * --resolv-conf="": host-policy pods then get 127.0.0.1 and the search ".", as upstream.
   */
  hostResolvConf?: string;
  /** Where MissingClusterDNS / DNSConfigForming events go (the pod's event recorder). */
  event?: DnsEvent;
}

/** A parsed resolv.conf: nameservers, search domains, options. */
export function parseResolvConf(text: string): DNSConfig {
  const servers: string[] = [];
  let searches: string[] = [];
  const options: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const fields = line.split(/\s+/).filter(Boolean);
    if (fields.length === 0) continue;
    const [key, ...rest] = fields;
    if (key === 'nameserver' && rest[0]) servers.push(rest[0]);
    // The last search line wins (resolv.conf(5)); a trailing dot names the same domain.
    else if (key === 'search') searches = rest.map((d) => (d === '.' ? d : d.replace(/\.$/, '')));
    else if (key === 'options') options.push(...rest);
  }
  return { servers, searches, options };
}

type DnsType = 'cluster' | 'host' | 'none';

/** Upstream getPodDNSType: ClusterFirst on the host network means Default. */
function dnsType(pod: AnyPod): DnsType {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  switch (policy) {
    case 'None': return 'none';
    case 'ClusterFirstWithHostNet': return 'cluster';
    case 'Default': return 'host';
    default: return pod.spec?.hostNetwork ? 'host' : 'cluster';
  }
}

const omitDuplicates = (xs: string[]) => [...new Set(xs)];

/** Options by name ("ndots:2" overrides "ndots:5"); pod options win, order of first appearance kept. */
function mergeOptions(base: string[], pod: NonNullable<PodDNSConfig['options']>): string[] {
  const byName = new Map<string, string>();
  for (const o of base) byName.set(o.split(':')[0]!, o);
  for (const o of pod) {
    if (!o.name) continue;
    byName.set(o.name, o.value !== undefined && o.value !== null ? `${o.name}:${o.value}` : o.name);
  }
  return [...byName.values()];
}

function podRef(pod: AnyPod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;
}

/** The DNS settings for a pod's sandbox (upstream Configurer.GetPodDNS). */
export function podDnsConfig(pod: AnyPod, opts: PodDnsOptions): DNSConfig | undefined {
  let type = dnsType(pod);
  if (type === 'cluster' && opts.clusterDns.length === 0) {
    opts.event?.('Warning', 'MissingClusterDNS', `pod: "${podRef(pod)}". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`);
    type = 'host';
  }
  const host: DNSConfig = opts.hostResolvConf === undefined
    ? { servers: ['127.0.0.1'], searches: ['.'], options: [] }
    : parseResolvConf(opts.hostResolvConf);
  let cfg: DNSConfig;
  if (type === 'none') cfg = { servers: [], searches: [], options: [] };
  else if (type === 'host') cfg = host;
  else {
    const domain = opts.clusterDomain;
    const ns = pod.metadata?.namespace ?? 'default';
    const clusterSearch = domain ? [`${ns}.svc.${domain}`, `svc.${domain}`, domain] : [];
    const hostSearch = opts.hostResolvConf === undefined ? [] : host.searches;
    cfg = { servers: [...opts.clusterDns], searches: omitDuplicates([...clusterSearch, ...hostSearch]), options: [...clusterFirstOptions] };
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    cfg = {
      servers: omitDuplicates([...cfg.servers, ...(extra.nameservers ?? [])]),
      searches: omitDuplicates([...cfg.searches, ...(extra.searches ?? [])]),
      options: mergeOptions(cfg.options, extra.options ?? []),
    };
  }
  return fitLimits(cfg, opts.event);
}

/** Upstream formDNSConfigFitsLimits: drop what resolvers would ignore, and say so. */
function fitLimits(cfg: DNSConfig, event?: DnsEvent): DNSConfig {
  let { servers, searches } = cfg;
  if (servers.length > maxDnsNameservers) {
    servers = servers.slice(0, maxDnsNameservers);
    event?.('Warning', 'DNSConfigForming', `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${servers.join(' ')}`);
  }
  let trimmed = false;
  if (searches.length > maxDnsSearchPaths) {
    searches = searches.slice(0, maxDnsSearchPaths);
    trimmed = true;
  }
  // Some resolvers abort on a search domain past 253 characters (upstream filters them out).
  if (searches.some((d) => d.length > 253)) {
    searches = searches.filter((d) => d.length <= 253);
    trimmed = true;
  }
  while (searches.length > 0 && searches.join(' ').length > maxDnsSearchListChars) {
    searches = searches.slice(0, -1);
    trimmed = true;
  }
  if (trimmed) event?.('Warning', 'DNSConfigForming', `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${searches.join(' ')}`);
  return { servers, searches, options: cfg.options };
}

const isLoopback = (ip: string) => /^127\./.test(ip) || ip === '::1';

/**
 * The host resolv.conf to give pods (kubelet --resolv-conf, chosen as k3s does): /etc/resolv.conf,
 * unless its nameservers are all loopback addresses (systemd-resolved's 127.0.0.53, a local
 * dnsmasq) that mean nothing inside a pod's network namespace; then systemd-resolved's upstream
 * list. Returns the contents, or undefined (with a warning) when no usable file exists.
 */
export async function readHostResolvConf(
  warn: (msg: string, fields?: Record<string, unknown>) => void,
  candidates: string[] = ['/etc/resolv.conf', '/run/systemd/resolve/resolv.conf'],
): Promise<string | undefined> {
  for (const path of candidates) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    const servers = parseResolvConf(text).servers;
    if (servers.length > 0 && servers.every(isLoopback)) continue;
    return text;
  }
  warn('no host resolv.conf with a nameserver pods can reach; pods with dnsPolicy Default get 127.0.0.1', { candidates });
  return undefined;
}
