// List-map keys with schema defaults. Upstream identifies a keyed list element by its key fields,
// taking a key field's OpenAPI default when the element omits it (so an applied port
// `{containerPort: 80}` is the live, defaulted `{containerPort: 80, protocol: TCP}`). The built-in
// schema table has no defaults, so the ones that exist on list-map keys are listed here; schemas
// that carry a `default` on the key field (custom resources) are used as they are.

import { fieldElement, listElement, childTypeInfo, type Path, type TypeInfo } from '../fieldmanager/index.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Defaults of key fields, by the element message's short name. */
const keyDefaults: Record<string, Record<string, unknown>> = {
  ContainerPort: { protocol: 'TCP' },
  ServicePort: { protocol: 'TCP' },
};

/** The defaults of a keyed list's key fields (those that have one). */
export function keyDefaultsFor(info: TypeInfo): Record<string, unknown> | undefined {
  if (info.kind !== 'keyedList' || info.element.kind !== 'struct') return undefined;
  const node = info.element.node;
  const name = node.message?.name ?? '';
  const known = keyDefaults[name.slice(name.lastIndexOf('.') + 1)] ?? {};
  const out: Record<string, unknown> = {};
  for (const k of info.keys) {
    // A schema that carries defaults (custom resources) names them on the key field itself.
    const fromSchema = (node.field(k)?.schema as { default?: unknown } | undefined)?.default;
    if (fromSchema !== undefined) out[k] = fromSchema;
    else if (k in known) out[k] = known[k];
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A copy of the applied configuration with defaulted key fields filled in, and the paths of the
 * fields filled (they are not the applier's: it did not specify them).
 */
export function fillKeyDefaults(config: unknown, info: TypeInfo): { config: unknown; filled: Path[] } {
  const filled: Path[] = [];
  const out = fill(config, info, [], filled);
  return { config: out, filled };
}

function fill(v: unknown, info: TypeInfo, path: Path, filled: Path[]): unknown {
  if (isObj(v) && (info.kind === 'struct' || info.kind === 'map' || info.kind === 'deduced')) {
    let out: Obj | undefined;
    for (const [k, child] of Object.entries(v)) {
      const next = fill(child, childTypeInfo(info, k), [...path, fieldElement(k)], filled);
      if (next !== child) {
        out ??= { ...v };
        out[k] = next;
      }
    }
    return out ?? v;
  }
  if (Array.isArray(v) && info.kind === 'keyedList') {
    const defaults = keyDefaultsFor(info);
    return v.map((item) => {
      if (!isObj(item)) return item;
      let el = item;
      const added: string[] = [];
      if (defaults) {
        for (const [k, d] of Object.entries(defaults)) {
          if (el[k] === undefined) {
            if (el === item) el = { ...item };
            el[k] = d;
            added.push(k);
          }
        }
      }
      const pe = listElement(info, el);
      for (const k of added) filled.push([...path, pe, fieldElement(k)]);
      return fill(el, info.element, [...path, pe], filled);
    });
  }
  return v;
}

