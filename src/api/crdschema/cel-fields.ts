// Compile-time check of field selections in rules against the schema, as cel-go's type checker
// does with the schema's declared types: `self.spec.replicaz` on an object whose properties are
// known fails with "undefined field 'replicaz'". Only closed objects are checked (declared
// properties, no additionalProperties, no x-kubernetes-preserve-unknown-fields, not embedded);
// anything not reached from `self`/`oldSelf` through fields and indexes (macro variables, call
// results) is left to run time.
import { additionalSchema, isObj, type JSONSchemaProps } from './schema.js';

interface AstNode { op: string; args: unknown; start?: number; end?: number }

const isNode = (v: unknown): v is AstNode => isObj(v) && typeof (v as { op?: unknown }).op === 'string';
// Fields every resource root and embedded resource has in its CEL type.
const typeMetaFields = new Set(['apiVersion', 'kind', 'metadata']);

function closed(s: JSONSchemaProps): boolean {
  return s.type === 'object' && Object.keys(s.properties ?? {}).length > 0 && s.additionalProperties === undefined
    && s['x-kubernetes-preserve-unknown-fields'] !== true && s['x-kubernetes-embedded-resource'] !== true;
}

function location(src: string, offset: number): string {
  const before = src.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `<input>:${line}:${col}`;
}

/** The first undefined field selected in `ast` (rule source `src`, evaluated at schema `s`), as cel-go words it. */
export function undefinedField(ast: unknown, s: JSONSchemaProps, src: string): string | undefined {
  let found: string | undefined;
  const children = (n: AstNode): AstNode[] => {
    const out: AstNode[] = [];
    const add = (v: unknown) => { if (isNode(v)) out.push(v); else if (Array.isArray(v)) v.forEach(add); };
    if (Array.isArray(n.args)) n.args.forEach(add);
    return out;
  };
  const resolve = (n: AstNode): JSONSchemaProps | undefined => {
    if (found) return undefined;
    const args = Array.isArray(n.args) ? n.args : [];
    if (n.op === 'id') return n.args === 'self' || n.args === 'oldSelf' ? s : undefined;
    if ((n.op === '.' || n.op === '.?') && isNode(args[0]) && typeof args[1] === 'string') {
      const base = resolve(args[0]);
      const name = args[1];
      if (!base) return undefined;
      if (closed(base) && !(name in (base.properties ?? {})) && !typeMetaFields.has(name)) {
        const dot = src.indexOf('.', args[0].end ?? 0);
        found = `ERROR: ${location(src, dot < 0 ? n.start ?? 0 : dot)}: undefined field '${name}'`;
        return undefined;
      }
      return base.properties?.[name] ?? additionalSchema(base);
    }
    if (n.op === '[]' && isNode(args[0])) {
      const base = resolve(args[0]);
      if (isNode(args[1])) resolve(args[1]);
      if (!base) return undefined;
      if (base.type === 'array') return isObj(base.items) ? base.items : undefined;
      return additionalSchema(base);
    }
    for (const c of children(n)) resolve(c);
    return undefined;
  };
  if (isNode(ast)) resolve(ast);
  return found;
}
