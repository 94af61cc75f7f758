// What a CustomResourceDefinition serves: one ResourceInfo per served version, plus the
// per-version schema, printer columns and subresources the API server needs for its objects.
import type { ResourceInfo, SubresourceInfo } from '../../api/resources/types.js';
import type { KubeObject } from '../../api/types.js';
import type { PrinterColumn } from '../tables/index.js';

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export interface ScaleSpec { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string }

export interface CustomResourceVersion {
  info: ResourceInfo;
  /** The version's openAPIV3Schema (structural). */
  schema?: Obj;
  printerColumns?: PrinterColumn[];
  scale?: ScaleSpec;
  storage: boolean;
}

export interface CustomResourceDefinitionView {
  name: string;
  uid: string;
  group: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  versions: CustomResourceVersion[];
  storageVersion: string;
}

const customVerbs = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

export function viewOf(crd: KubeObject): CustomResourceDefinitionView {
  const spec = rec(crd.spec);
  const names = rec(spec.names);
  const group = String(spec.group ?? '');
  const plural = String(names.plural ?? '');
  const kind = String(names.kind ?? '');
  const singular = String(names.singular ?? '') || kind.toLowerCase();
  const namespaced = spec.scope !== 'Cluster';
  const versions = (Array.isArray(spec.versions) ? spec.versions.map(rec) : []);
  const view: CustomResourceDefinitionView = {
    name: crd.metadata?.name ?? '', uid: crd.metadata?.uid ?? '', group, plural, singular, kind,
    listKind: String(names.listKind ?? '') || `${kind}List`,
    shortNames: strs(names.shortNames), categories: strs(names.categories), namespaced,
    versions: [], storageVersion: String(versions.find((v) => v.storage === true)?.name ?? versions[0]?.name ?? ''),
  };
  for (const v of versions) {
    if (v.served === false) continue;
    const sub = rec(v.subresources);
    const subresources: SubresourceInfo[] = [];
    if (sub.status !== undefined) subresources.push({ name: 'status', verbs: ['get', 'patch', 'update'] });
    let scale: ScaleSpec | undefined;
    if (sub.scale !== undefined) {
      const s = rec(sub.scale);
      scale = { specReplicasPath: String(s.specReplicasPath ?? '.spec.replicas'), statusReplicasPath: String(s.statusReplicasPath ?? '.status.replicas'), ...(s.labelSelectorPath ? { labelSelectorPath: String(s.labelSelectorPath) } : {}) };
      subresources.push({ name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    }
    const info: ResourceInfo = {
      group, version: String(v.name), resource: plural, singular, kind, listKind: view.listKind, namespaced,
      shortNames: view.shortNames, categories: view.categories, verbs: customVerbs,
      ...(subresources.length ? { subresources } : {}),
    };
    const columns = Array.isArray(v.additionalPrinterColumns) ? (v.additionalPrinterColumns as PrinterColumn[]) : undefined;
    view.versions.push({ info, schema: rec(rec(v.schema).openAPIV3Schema), printerColumns: columns, scale, storage: v.storage === true });
  }
  return view;
}

/** Conditions of a CRD's status, upstream's names and reasons. */
export function condition(type: string, status: 'True' | 'False', reason: string, message: string, now: string): Obj {
  return { type, status, lastTransitionTime: now, reason, message };
}
