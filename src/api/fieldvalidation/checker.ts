// Field validation of a decoded request body against the built-in schemas, as kube-apiserver's
// strict JSON decoding does it (sigs.k8s.io/json with DisallowUnknownFields):
//  - unknown fields (case-sensitive) are collected as `unknown field "spec.template.spec.foo"`
//    (keys joined by ".", list indices as "[0]", map keys as ".key"); fieldValidation=Strict turns
//    them into a 400, Warn into Warning headers, Ignore drops them. Values of unknown fields are
//    not looked into; RawExtension / JSON / FieldsV1 positions are free-form.
//  - values of the wrong JSON type (a string where an int32 is, an object where a list is),
//    int32 overflow, bad quantities, times, durations and base64 are decode errors whatever
//    the mode: upstream answers 400 "<Kind> in version "v1" cannot be handled as a <Kind>: …".
//    `null` is accepted anywhere (Go leaves the zero value).
import { FieldError, fieldErrors } from '../errors.js';
import type { SchemaRegistry } from '../schema/types.js';
import { MessageCompiler, goTypeName, type CompiledField, type CompiledMessage, type ValueShape } from './compiled.js';
import { base64Error, durationError, quantityError, timeError } from './formats.js';

export type FieldValidationMode = 'Strict' | 'Warn' | 'Ignore';

export interface FieldCheckResult {
  /** Strict mode: the unknown-field messages (`unknown field "spec.foo"`), in document order. */
  errors: string[];
  /** Warn mode: the same messages, each to become one Warning header. */
  warnings: string[];
  /** Wrong-typed values, whatever the mode; the request must not reach storage. */
  typeErrors: FieldError[];
  /** Upstream's decoder message for the first type error (what follows "cannot be handled as a <Kind>: "). */
  decodeError?: string;
}

export interface FieldChecker {
  check(group: string, version: string, kind: string, obj: unknown, mode: FieldValidationMode): FieldCheckResult;
  /**
   * Checks `obj` against one message (by proto name), e.g. ObjectMeta of a custom resource;
   * `at` is the path of `obj` in the whole body ("metadata", "spec.template.metadata").
   */
  checkMessage(messageName: string, obj: unknown, mode: FieldValidationMode, at?: string): FieldCheckResult;
}

/** Upstream's strict decoder stops collecting after this many. */
const maxStrictErrors = 100;

/** A step of the path from the root, rendered only when something is reported. */
interface PathNode { parent: PathNode | undefined; name: string; kind: 'field' | 'index' | 'key' }

function strictPath(node: PathNode | undefined): string {
  if (!node) return '';
  const parent = strictPath(node.parent);
  if (node.kind === 'index') return `${parent}[${node.name}]`;
  return parent ? `${parent}.${node.name}` : node.name;
}

/** field.Path form: spec.containers[0].image, metadata.labels[app]. */
function fieldPath(node: PathNode | undefined): string {
  if (!node) return '';
  const parent = fieldPath(node.parent);
  if (node.kind === 'field') return parent ? `${parent}.${node.name}` : node.name;
  return `${parent}[${node.name}]`;
}

/** Go's decode error context: struct field names only. */
function goPath(node: PathNode | undefined): string {
  const names: string[] = [];
  for (let n = node; n; n = n.parent) if (n.kind === 'field') names.push(n.name);
  return names.reverse().join('.');
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // string | number
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Walk {
  readonly unknown: string[] = [];
  readonly typeErrors: FieldError[] = [];
  decodeError?: string;

  constructor(private readonly compiler: MessageCompiler, private readonly collectUnknown: boolean) {}

  private typeError(node: PathNode | undefined, value: unknown, detail: string, decodeMessage: string): void {
    const shown = value === null || typeof value !== 'object' ? value : jsonKind(value);
    this.typeErrors.push(fieldErrors.typeInvalid(fieldPath(node), shown, detail));
    this.decodeError ??= decodeMessage;
  }

  /** "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32" */
  private unmarshalError(node: PathNode | undefined, struct: string, value: unknown, goType: string): void {
    const what = typeof value === 'number' ? `number ${String(value)}` : jsonKind(value);
    const field = goPath(node);
    const msg = field || struct
      ? `json: cannot unmarshal ${what} into Go struct field ${struct}.${field} of type ${goType}`
      : `json: cannot unmarshal ${what} into Go value of type ${goType}`;
    this.typeError(node, value, `must be of type ${goType}`, msg);
  }

  object(obj: Record<string, unknown>, message: CompiledMessage, node: PathNode | undefined): void {
    for (const key of Object.keys(obj)) {
      const field = message.fields.get(key);
      if (!field) {
        if (this.collectUnknown && this.unknown.length < maxStrictErrors) {
          const parent = strictPath(node);
          // strconv.Quote of the path, as sigs.k8s.io/json writes it.
          this.unknown.push(`unknown field ${JSON.stringify(parent ? `${parent}.${key}` : key)}`);
        }
        continue;
      }
      const value = obj[key];
      if (value === null || value === undefined) continue;
      this.field(value, field, { parent: node, name: key, kind: 'field' }, message.goName);
    }
  }

  private field(value: unknown, field: CompiledField, node: PathNode, struct: string): void {
    if (field.container === 'single') {
      if (field.wrapped) this.array(value, field.value, node, struct, field.go);
      else this.value(value, field.value, node, struct);
      return;
    }
    if (field.container === 'array') {
      if (!Array.isArray(value)) { this.unmarshalError(node, struct, value, field.go); return; }
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        if (v === null) continue;
        const child: PathNode = { parent: node, name: String(i), kind: 'index' };
        if (field.wrapped) this.array(v, field.value, child, struct, `[]${field.value.go}`);
        else this.value(v, field.value, child, struct);
      }
      return;
    }
    if (!isObject(value)) { this.unmarshalError(node, struct, value, field.go); return; }
    for (const key of Object.keys(value)) {
      const v = value[key];
      if (v === null) continue;
      const child: PathNode = { parent: node, name: key, kind: 'key' };
      if (field.wrapped) this.array(v, field.value, child, struct, `[]${field.value.go}`);
      else this.value(v, field.value, child, struct);
    }
  }

  private array(value: unknown, shape: ValueShape, node: PathNode, struct: string, goType: string): void {
    if (!Array.isArray(value)) { this.unmarshalError(node, struct, value, goType); return; }
    for (let i = 0; i < value.length; i++) {
      if (value[i] !== null) this.value(value[i], shape, { parent: node, name: String(i), kind: 'index' }, struct);
    }
  }

  private value(v: unknown, shape: ValueShape, node: PathNode, struct: string): void {
    switch (shape.kind) {
      case 'any':
        return;
      case 'string':
        if (typeof v !== 'string') this.unmarshalError(node, struct, v, shape.go);
        return;
      case 'bool':
        if (typeof v !== 'boolean') this.unmarshalError(node, struct, v, shape.go);
        return;
      case 'number':
        if (typeof v !== 'number') this.unmarshalError(node, struct, v, shape.go);
        return;
      case 'int32':
        if (typeof v !== 'number' || !Number.isInteger(v) || v > 2147483647 || v < -2147483648) this.unmarshalError(node, struct, v, shape.go);
        return;
      case 'int64':
        if (typeof v !== 'number' || !Number.isInteger(v)) this.unmarshalError(node, struct, v, shape.go);
        return;
      case 'bytes': {
        if (typeof v !== 'string') { this.unmarshalError(node, struct, v, shape.go); return; }
        const err = base64Error(v);
        if (err) this.typeError(node, v, err, err);
        return;
      }
      case 'quantity': {
        // Quantity.UnmarshalJSON parses strings and bare numbers alike; anything else fails the format.
        const err = typeof v === 'string' ? quantityError(v) : typeof v === 'number' ? quantityError(String(v)) : quantityError(JSON.stringify(v));
        if (err) this.typeError(node, v, err, err);
        return;
      }
      case 'intOrString': {
        if (typeof v === 'string') return;
        if (typeof v === 'number' && Number.isInteger(v) && v <= 2147483647 && v >= -2147483648) return;
        const what = typeof v === 'number' ? `number ${String(v)}` : jsonKind(v);
        this.typeError(node, v, 'must be an integer or a string', `json: cannot unmarshal ${what} into Go value of type int32`);
        return;
      }
      case 'time':
      case 'duration': {
        if (typeof v !== 'string') {
          this.typeError(node, v, 'must be a string', `json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
          return;
        }
        const err = shape.kind === 'time' ? timeError(v, shape.micro) : durationError(v);
        if (err) this.typeError(node, v, err, err);
        return;
      }
      case 'message': {
        const message = this.compiler.get(shape.name);
        if (!message) return;
        if (!isObject(v)) { this.unmarshalError(node, struct, v, shape.go); return; }
        this.object(v, message, node);
        return;
      }
    }
  }
}

/** Builds a checker over a registry; compiled message tables are cached in the returned instance. */
export function createFieldChecker(schemas: SchemaRegistry): FieldChecker {
  const compiler = new MessageCompiler(schemas);
  const run = (messageName: string | undefined, obj: unknown, mode: FieldValidationMode, at?: string): FieldCheckResult => {
    const result: FieldCheckResult = { errors: [], warnings: [], typeErrors: [] };
    const compiled = messageName ? compiler.get(messageName) : undefined;
    if (!compiled || obj === null || obj === undefined) return result; // no schema (custom resources): nothing to say here
    const walk = new Walk(compiler, mode !== 'Ignore');
    const root: PathNode | undefined = at ? { parent: undefined, name: at, kind: 'field' } : undefined;
    if (!isObject(obj)) {
      const what = typeof obj === 'number' ? `number ${String(obj)}` : jsonKind(obj);
      walk.typeErrors.push(fieldErrors.typeInvalid(at ?? '', jsonKind(obj), 'must be of type object'));
      walk.decodeError = `json: cannot unmarshal ${what} into Go value of type ${goTypeName(messageName!)}`;
    } else {
      walk.object(obj, compiled, root);
    }
    if (mode === 'Strict') result.errors = walk.unknown;
    else if (mode === 'Warn') result.warnings = walk.unknown;
    result.typeErrors = walk.typeErrors;
    if (walk.decodeError !== undefined) result.decodeError = walk.decodeError;
    return result;
  };
  return {
    check: (group, version, kind, obj, mode) => run(schemas.kindMessage(group, version, kind)?.name, obj, mode),
    checkMessage: (messageName, obj, mode, at) => run(messageName, obj, mode, at),
  };
}

/**
 * One-shot form. Prefer `createFieldChecker` and keep the instance: it caches compiled tables.
 * This keeps one checker per registry object in a WeakMap so repeated calls stay fast.
 */
const checkersByRegistry = new WeakMap<SchemaRegistry, FieldChecker>();

export function checkFields(
  schemas: SchemaRegistry, group: string, version: string, kind: string, obj: unknown, mode: FieldValidationMode,
): FieldCheckResult {
  let checker = checkersByRegistry.get(schemas);
  if (!checker) {
    checker = createFieldChecker(schemas);
    checkersByRegistry.set(schemas, checker);
  }
  return checker.check(group, version, kind, obj, mode);
}
