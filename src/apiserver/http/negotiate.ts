// Content negotiation: which response form a client asked for in Accept, and which body format
// it sent. kubectl asks for Tables (as=Table;g=meta.k8s.io;v=v1) and aggregated discovery
// (as=APIGroupDiscoveryList;g=apidiscovery.k8s.io;v=v2); everything else gets JSON.

export interface MediaType { type: string; params: Record<string, string> }

export function parseMediaTypes(header: string | undefined): MediaType[] {
  if (!header) return [];
  return header.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const i = kv.indexOf('=');
      if (i > 0) p[kv.slice(0, i).trim().toLowerCase()] = kv.slice(i + 1).trim().replace(/^"|"$/g, '');
    }
    return { type: (type ?? '').toLowerCase(), params: p };
  }).filter((m) => m.type);
}

export type ObjectForm = 'object' | 'table' | 'partial';

/** The first acceptable form among the client's preferences, in its order. */
export function negotiateObjectForm(accept: string | undefined): ObjectForm {
  for (const m of parseMediaTypes(accept)) {
    if (m.params.as === 'Table' && (m.params.g ?? 'meta.k8s.io') === 'meta.k8s.io') return 'table';
    if ((m.params.as === 'PartialObjectMetadata' || m.params.as === 'PartialObjectMetadataList') && (m.params.g ?? 'meta.k8s.io') === 'meta.k8s.io') return 'partial';
    if (!m.params.as && (m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*' || m.type === 'application/yaml' || m.type === 'application/vnd.kubernetes.protobuf')) return 'object';
  }
  return 'object';
}

/** Aggregated discovery (apidiscovery.k8s.io v2 or v2beta1) when asked for before plain JSON. */
export function negotiateDiscovery(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const m of parseMediaTypes(accept)) {
    if (m.params.g === 'apidiscovery.k8s.io' && m.params.as === 'APIGroupDiscoveryList') {
      if (m.params.v === 'v2') return 'v2';
      if (m.params.v === 'v2beta1') return 'v2beta1';
      continue;
    }
    if (!m.params.as) return undefined;
  }
  return undefined;
}

export function wantsYaml(accept: string | undefined): boolean {
  const first = parseMediaTypes(accept)[0];
  return first?.type === 'application/yaml';
}

/** The `includeObject` table option (None | Metadata | Object) from the query. */
export function tableIncludeObject(query: URLSearchParams): 'None' | 'Metadata' | 'Object' {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}
