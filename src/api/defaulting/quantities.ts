// Quantities are stored and served in upstream's canonical form ("0.5" → "500m", "1024Mi" →
// "1Gi", 1 → "1"), as Go's resource.Quantity re-serialises every value it decodes. Values that do
// not parse are left for validation to report.
import { canonicalQuantity } from '../quantity.js';
import { existing, items, type J } from './util.js';

function canonical(v: unknown): unknown {
  if (typeof v !== 'string' && typeof v !== 'number') return v;
  try {
    return canonicalQuantity(v);
  } catch {
    return v;
  }
}

/** Canonicalises the quantity at o[key]. */
export function canonicalizeQuantity(o: J | undefined, key: string): void {
  if (o && o[key] !== undefined && o[key] !== null) o[key] = canonical(o[key]);
}

/** Canonicalises every value of the resource list (map) at o[key]. */
export function canonicalizeResourceList(o: J | undefined, key: string): void {
  const list = o ? existing(o, key) : undefined;
  if (!list) return;
  for (const k of Object.keys(list)) list[k] = canonical(list[k]);
}

export function canonicalizeRequirements(o: J | undefined, key: string): void {
  const res = o ? existing(o, key) : undefined;
  canonicalizeResourceList(res, 'limits');
  canonicalizeResourceList(res, 'requests');
}

function canonicalizeDownwardItems(src: J | undefined): void {
  for (const it of items(src, 'items')) canonicalizeQuantity(existing(it, 'resourceFieldRef'), 'divisor');
}

/** Every quantity a PodSpec holds. */
export function canonicalizePodSpecQuantities(spec: J): void {
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of items(spec, list)) {
      canonicalizeRequirements(c, 'resources');
      for (const ev of items(c, 'env')) {
        const vf = existing(ev, 'valueFrom');
        canonicalizeQuantity(vf ? existing(vf, 'resourceFieldRef') : undefined, 'divisor');
      }
    }
  }
  canonicalizeResourceList(spec, 'overhead');
  canonicalizeRequirements(spec, 'resources');
  for (const v of items(spec, 'volumes')) {
    canonicalizeQuantity(existing(v, 'emptyDir'), 'sizeLimit');
    canonicalizeDownwardItems(existing(v, 'downwardAPI'));
    const proj = existing(v, 'projected');
    for (const s of items(proj, 'sources')) canonicalizeDownwardItems(existing(s, 'downwardAPI'));
    const eph = existing(v, 'ephemeral');
    const tpl = eph ? existing(eph, 'volumeClaimTemplate') : undefined;
    canonicalizeRequirements(tpl ? existing(tpl, 'spec') : undefined, 'resources');
  }
}

export function canonicalizeClaimQuantities(pvc: J): void {
  canonicalizeRequirements(existing(pvc, 'spec'), 'resources');
  const st = existing(pvc, 'status');
  canonicalizeResourceList(st, 'capacity');
  canonicalizeResourceList(st, 'allocatedResources');
}

export function canonicalizeLimitRange(o: J): void {
  for (const item of items(existing(o, 'spec'), 'limits')) {
    for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) canonicalizeResourceList(item, k);
  }
}

export function canonicalizeQuota(o: J): void {
  canonicalizeResourceList(existing(o, 'spec'), 'hard');
  const st = existing(o, 'status');
  canonicalizeResourceList(st, 'hard');
  canonicalizeResourceList(st, 'used');
}

export function canonicalizeNodeQuantities(o: J): void {
  const st = existing(o, 'status');
  canonicalizeResourceList(st, 'capacity');
  canonicalizeResourceList(st, 'allocatable');
}

export function canonicalizeHPAQuantities(o: J): void {
  for (const m of items(existing(o, 'spec'), 'metrics')) {
    for (const src of ['object', 'pods', 'resource', 'external', 'containerResource']) {
      const s = existing(m, src);
      const target = s ? existing(s, 'target') : undefined;
      canonicalizeQuantity(target, 'value');
      canonicalizeQuantity(target, 'averageValue');
    }
  }
}

