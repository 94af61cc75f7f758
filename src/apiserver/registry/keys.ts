// Storage keys: /registry/<group or "core">/<resource>/[<namespace>/]<name>. One prefix per
// resource lists everything; one per namespace lists a namespace.

export interface KeyScope { group: string; resource: string; namespaced: boolean }

export function resourcePrefix(s: KeyScope): string {
  return `/registry/${s.group || 'core'}/${s.resource}/`;
}

export function namespacePrefix(s: KeyScope, namespace: string): string {
  return s.namespaced && namespace ? `${resourcePrefix(s)}${namespace}/` : resourcePrefix(s);
}

export function objectKey(s: KeyScope, namespace: string, name: string): string {
  return s.namespaced ? `${resourcePrefix(s)}${namespace}/${name}` : `${resourcePrefix(s)}${name}`;
}
