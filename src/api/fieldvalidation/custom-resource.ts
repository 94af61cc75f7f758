// Unknown fields of a custom resource, as apiextensions-apiserver finds them while pruning with
// the CRD version's structural schema: fields not in `properties` (and not matched by
// `additionalProperties`) are unknown unless `x-kubernetes-preserve-unknown-fields` is set;
// apiVersion/kind/metadata are allowed at the root and in `x-kubernetes-embedded-resource`
// objects; metadata itself is checked against ObjectMeta. The pruned paths come sorted, after
// the metadata ones, as upstream reports them.
import type { SchemaRegistry } from '../schema/types.js';
import { createFieldChecker, type FieldChecker, type FieldCheckResult, type FieldValidationMode } from './checker.js';

/** The parts of a JSONSchemaProps that decide pruning. */
interface StructuralSchema {
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema | boolean;
  items?: StructuralSchema | StructuralSchema[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
}

const metaFields = new Set(['apiVersion', 'kind', 'metadata']);
const objectMeta = 'k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asSchema(v: unknown): StructuralSchema | undefined {
  return isObject(v) ? (v as StructuralSchema) : undefined;
}

function join(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

class Pruner {
  readonly unknown: string[] = [];
  readonly embeddedMeta: Array<{ path: string; metadata: unknown }> = [];

  prune(x: unknown, s: StructuralSchema | undefined, path: string, root: boolean): void {
    if (s?.['x-kubernetes-preserve-unknown-fields']) { this.skip(x, s, path); return; }
    if (isObject(x)) {
      if (!s) {
        for (const k of Object.keys(x)) this.unknown.push(join(path, k));
        return;
      }
      const embedded = root || s['x-kubernetes-embedded-resource'] === true;
      for (const k of Object.keys(x)) {
        if (embedded && metaFields.has(k)) {
          if (!root && k === 'metadata') this.embeddedMeta.push({ path: join(path, k), metadata: x[k] });
          continue;
        }
        const prop = s.properties?.[k];
        if (prop) { this.prune(x[k], asSchema(prop), join(path, k), false); continue; }
        const extra = s.additionalProperties;
        if (extra === true) continue;
        if (extra) { this.prune(x[k], asSchema(extra), join(path, k), false); continue; }
        this.unknown.push(join(path, k));
      }
      return;
    }
    if (Array.isArray(x)) {
      const items = Array.isArray(s?.items) ? undefined : asSchema(s?.items);
      x.forEach((v, i) => this.prune(v, s ? items : undefined, `${path}[${i}]`, false));
    }
  }

  /** Under preserve-unknown-fields nothing is pruned, but known properties below are still pruned. */
  private skip(x: unknown, s: StructuralSchema, path: string): void {
    if (isObject(x)) {
      const embedded = s['x-kubernetes-embedded-resource'] === true;
      for (const k of Object.keys(x)) {
        if (embedded && metaFields.has(k)) {
          if (k === 'metadata') this.embeddedMeta.push({ path: join(path, k), metadata: x[k] });
          continue;
        }
        const prop = s.properties?.[k];
        if (prop) this.prune(x[k], asSchema(prop), join(path, k), false);
        else if (isObject(s.additionalProperties)) this.prune(x[k], asSchema(s.additionalProperties), join(path, k), false);
      }
      return;
    }
    if (Array.isArray(x)) {
      const items = Array.isArray(s.items) ? undefined : asSchema(s.items);
      if (items) x.forEach((v, i) => this.skip(v, items, `${path}[${i}]`));
    }
  }
}

export interface CustomResourceFieldChecker {
  /**
   * `schema`: the CRD version's openAPIV3Schema (undefined: the CRD preserves unknown fields).
   * Type errors are left to the CRD's schema validation (422s), so `typeErrors` only covers metadata.
   */
  check(schema: object | undefined, obj: unknown, mode: FieldValidationMode): FieldCheckResult;
}

export function createCustomResourceFieldChecker(schemas: SchemaRegistry): CustomResourceFieldChecker {
  const builtin: FieldChecker = createFieldChecker(schemas);
  const metadataOf = (metadata: unknown, at: string, mode: FieldValidationMode): FieldCheckResult =>
    builtin.checkMessage(objectMeta, metadata, mode, at);
  return {
    check(schema, obj, mode) {
      const result: FieldCheckResult = { errors: [], warnings: [], typeErrors: [] };
      if (!isObject(obj)) return result;
      const unknown: string[] = [];
      if (obj.metadata !== undefined) {
        const m = metadataOf(obj.metadata, 'metadata', mode === 'Ignore' ? 'Strict' : mode);
        unknown.push(...m.errors, ...m.warnings);
        result.typeErrors.push(...m.typeErrors);
        if (m.decodeError !== undefined) result.decodeError = m.decodeError;
      }
      if (schema && !(schema as StructuralSchema)['x-kubernetes-preserve-unknown-fields']) {
        const pruner = new Pruner();
        pruner.prune(obj, schema as StructuralSchema, '', true);
        // apiextensions formats these with "%s" (no escaping), unlike the built-in decoder.
        unknown.push(...pruner.unknown.sort().map((p) => `unknown field "${p}"`));
        for (const e of pruner.embeddedMeta) {
          const m = metadataOf(e.metadata, e.path, 'Strict');
          unknown.push(...m.errors);
          result.typeErrors.push(...m.typeErrors);
        }
      }
      if (mode === 'Strict') result.errors = unknown;
      else if (mode === 'Warn') result.warnings = unknown;
      return result;
    },
  };
}
