// JSON merge patch (RFC 7386) and a small JSON patch (RFC 6902: add, remove, replace, test) for the fake API.

type Json = unknown;

export function mergePatch(target: Json, patch: Json): Json {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, Json> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, Json>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, Json>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface Op { op: string; path: string; value?: Json }

export function applyJsonPatch(target: Json, ops: Json): Json {
  let doc = structuredClone(target);
  for (const op of ops as Op[]) {
    const parts = op.path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (parts.length === 0) {
      if (op.op === 'replace' || op.op === 'add') doc = structuredClone(op.value);
      continue;
    }
    let parent = doc as Record<string, Json> | Json[];
    for (const seg of parts.slice(0, -1)) parent = (parent as Record<string, Json>)[seg] as Record<string, Json>;
    const last = parts[parts.length - 1]!;
    if (typeof parent !== 'object' || parent === null) throw new Error(`path ${op.path} not found`);
    switch (op.op) {
      case 'add':
        if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, structuredClone(op.value));
        else parent[last] = structuredClone(op.value);
        break;
      case 'replace':
        (parent as Record<string, Json>)[last] = structuredClone(op.value);
        break;
      case 'remove':
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
        break;
      case 'test':
        if (JSON.stringify((parent as Record<string, Json>)[last]) !== JSON.stringify(op.value)) throw new Error(`test failed at ${op.path}`);
        break;
      default:
        throw new Error(`unsupported JSON patch op ${op.op}`);
    }
  }
  return doc;
}
