// Matching rules shared by several plugins: tolerations against taints (upstream
// v1helper.TolerationsTolerateTaint) and node selector terms (component-helpers nodeaffinity).
import type { NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration } from './types.js';

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  // An empty key with Exists tolerates everything (of the effect).
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

export function tolerated(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  if (!tolerations) return false;
  for (const t of tolerations) if (tolerates(t, taint)) return true;
  return false;
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const has = value !== undefined;
  switch (r.operator) {
    case 'In': return has && (r.values ?? []).includes(value);
    case 'NotIn': return !has || !(r.values ?? []).includes(value);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt': case 'Lt': {
      if (!has || (r.values ?? []).length !== 1) return false;
      if (!/^-?\d+$/.test(value) || !/^-?\d+$/.test(r.values![0]!)) return false;
      const a = Number(value), b = Number(r.values![0]);
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default: return false;
  }
}

/** A term matches when all its expressions and fields match; an empty term matches nothing. */
export function termMatchesNode(term: NodeSelectorTerm, labels: Record<string, string>, nodeName: string): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const r of exprs) if (!requirementMatches(r, labels[r.key])) return false;
  for (const r of fields) {
    // metadata.name is the only supported field.
    if (r.key !== 'metadata.name') return false;
    if (r.operator !== 'In' && r.operator !== 'NotIn') return false;
    if (!requirementMatches(r, nodeName)) return false;
  }
  return true;
}

export function anyTermMatchesNode(terms: readonly NodeSelectorTerm[], labels: Record<string, string>, nodeName: string): boolean {
  for (const t of terms) if (termMatchesNode(t, labels, nodeName)) return true;
  return false;
}
