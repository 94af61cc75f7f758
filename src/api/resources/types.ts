// What the API serves: one entry per built-in resource (group, versions, names, scope, verbs,
// subresources). Discovery, routing, storage keys and `kubectl api-resources` all read this table.

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export const allVerbs: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface SubresourceInfo {
  /** e.g. "status", "scale", "eviction", "binding", "log", "exec", "attach", "portforward", "proxy", "token", "approval", "ephemeralcontainers", "resize" */
  name: string;
  /** Group/version/kind of the subresource's body when it differs from the parent (Scale, Eviction, Binding, TokenRequest). */
  group?: string;
  version?: string;
  kind?: string;
  verbs: string[];
}

export interface ResourceInfo {
  group: string;          // "" for core
  version: string;        // served version
  /** The plural resource name, e.g. "deployments". */
  resource: string;
  singular: string;
  kind: string;
  listKind?: string;      // default `${kind}List`
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: Verb[] | string[];
  subresources?: SubresourceInfo[];
  /**
   * Where objects of this resource live in storage when several served versions share one
   * stored form (autoscaling/v1 and v2 HorizontalPodAutoscalers): the stored version.
   */
  storageVersion?: string;
  /** Virtual resources (reviews) are created and answered but never stored. */
  virtual?: boolean;
}
