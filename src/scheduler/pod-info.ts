// A pod with what the plugins need precomputed once: resource requests, parsed affinity terms,
// host ports. Built when the pod enters the queue or the cache, never per node.
import { labelSelectorFromObject, nothingSelector, type LabelSelector } from '../api/selectors/index.js';
import type { Pod, PodAffinityTerm } from './api-types.js';
import { podRequests, type PodRequests, type QuantityParser } from './resources.js';

export interface AffinityTerm {
  selector: LabelSelector;
  /** Explicit namespaces; the pod's own when neither list nor selector is given. */
  namespaces: Set<string>;
  /** null: no selector; an empty selector matches every namespace. */
  namespaceSelector: LabelSelector | null;
  topologyKey: string;
  weight: number;
}

export interface HostPort { ip: string; protocol: string; port: number }

export interface PodInfo {
  pod: Pod;
  key: string;
  requests: PodRequests;
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: AffinityTerm[];
  preferredAntiAffinity: AffinityTerm[];
  hostPorts: HostPort[];
}

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

function safeSelector(obj: Parameters<typeof labelSelectorFromObject>[0]): LabelSelector {
  try {
    return labelSelectorFromObject(obj);
  } catch {
    // Validation rejects bad selectors; one that slips through matches nothing.
    return nothingSelector();
  }
}

/** upstream newAffinityTerm, including matchLabelKeys/mismatchLabelKeys folded into the selector. */
export function affinityTerm(pod: Pod, term: PodAffinityTerm, weight = 1): AffinityTerm {
  let selObj = term.labelSelector ?? null;
  const labels = pod.metadata.labels ?? {};
  const extra: { key: string; operator: string; values: string[] }[] = [];
  for (const k of term.matchLabelKeys ?? []) if (k in labels) extra.push({ key: k, operator: 'In', values: [labels[k]!] });
  for (const k of term.mismatchLabelKeys ?? []) if (k in labels) extra.push({ key: k, operator: 'NotIn', values: [labels[k]!] });
  if (extra.length && selObj) selObj = { ...selObj, matchExpressions: [...(selObj.matchExpressions ?? []), ...extra] };
  const namespaces = new Set(term.namespaces ?? []);
  const namespaceSelector = term.namespaceSelector ? safeSelector(term.namespaceSelector) : null;
  if (namespaces.size === 0 && !namespaceSelector) namespaces.add(pod.metadata.namespace);
  return { selector: safeSelector(selObj), namespaces, namespaceSelector, topologyKey: term.topologyKey, weight };
}

/** Whether `term` (of some pod) selects `target`; `nsLabels` gives a namespace's labels. */
export function termMatches(term: AffinityTerm, target: Pod, nsLabels: (ns: string) => Record<string, string> | undefined): boolean {
  const ns = target.metadata.namespace;
  if (!term.namespaces.has(ns)) {
    if (!term.namespaceSelector) return false;
    if (!term.namespaceSelector.empty() && !term.namespaceSelector.matches(nsLabels(ns))) return false;
  }
  return term.selector.matches(target.metadata.labels);
}

export function newPodInfo(parser: QuantityParser, pod: Pod): PodInfo {
  const a = pod.spec.affinity;
  const req = (xs: PodAffinityTerm[] | undefined) => (xs ?? []).map((t) => affinityTerm(pod, t));
  const pref = (xs: { weight: number; podAffinityTerm: PodAffinityTerm }[] | undefined) =>
    (xs ?? []).filter((w) => w.weight !== 0).map((w) => affinityTerm(pod, w.podAffinityTerm, w.weight));
  const hostPorts: HostPort[] = [];
  for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      hostPorts.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return {
    pod, key: podKey(pod), requests: podRequests(parser, pod),
    requiredAffinity: req(a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    requiredAntiAffinity: req(a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    preferredAffinity: pref(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: pref(a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    hostPorts,
  };
}

export function hasAffinityTerms(p: PodInfo): boolean {
  return p.requiredAffinity.length + p.requiredAntiAffinity.length + p.preferredAffinity.length + p.preferredAntiAffinity.length > 0;
}
