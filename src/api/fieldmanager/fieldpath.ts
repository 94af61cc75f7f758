// Field paths and sets of them, the currency of managedFields (structured-merge-diff's fieldpath).
// A path element is kept in its FieldsV1 spelling, which is also a canonical identity:
//   f:<name>            a field of an object (struct field or map key)
//   k:{"name":"x"}      an element of a keyed list (key fields sorted by name, compact JSON)
//   v:<json>            an element of a set list, by value
//   i:<n>               an element of a list by index (not produced for managedFields, parsed only)
// A PathSet is a trie: `members` are elements whose path is in the set, `children` hold longer
// paths. In FieldsV1 a member that also has children is written as a child object with ".".

export type PathElement = string;
export type Path = readonly PathElement[];

/** `f:<name>` */
export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** `k:{…}` for a keyed list element, from its key field values. */
export function keyElement(fields: Record<string, unknown>): PathElement {
  return `k:${canonicalJson(fields)}`;
}

/** `v:<json>` for a set element. */
export function valueElement(value: unknown): PathElement {
  return `v:${canonicalJson(value)}`;
}

export function indexElement(i: number): PathElement {
  return `i:${i}`;
}

/** Compact JSON with object keys sorted: the canonical form of key and value elements. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** Parses and canonicalizes one FieldsV1 key; throws on an unknown prefix or bad JSON. */
export function parsePathElement(s: string): PathElement {
  const kind = s.slice(0, 2);
  const rest = s.slice(2);
  switch (kind) {
    case 'f:':
      return s;
    case 'k:': {
      const v: unknown = JSON.parse(rest);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`invalid key element ${s}`);
      return keyElement(v as Record<string, unknown>);
    }
    case 'v:':
      return valueElement(JSON.parse(rest));
    case 'i:':
      if (!/^\d+$/.test(rest)) throw new Error(`invalid index element ${s}`);
      return s;
    default:
      throw new Error(`unknown path element kind in ${JSON.stringify(s)}`);
  }
}

export function pathToString(path: Path): string {
  return path.map((e) => `.${e}`).join('') || '.';
}

// ---- ordering (upstream sorts elements: fields, then keys, then values, then indices) ----

const kindRank: Record<string, number> = { 'f:': 0, 'k:': 1, 'v:': 2, 'i:': 3 };

function valueRank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null && typeof v === 'object') return 4;
  return 5;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareValues(a: unknown, b: unknown): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return compareStrings(canonicalJson(a), canonicalJson(b));
}

export function comparePathElements(a: PathElement, b: PathElement): number {
  const ka = kindRank[a.slice(0, 2)] ?? 9;
  const kb = kindRank[b.slice(0, 2)] ?? 9;
  if (ka !== kb) return ka - kb;
  const ra = a.slice(2);
  const rb = b.slice(2);
  switch (a.slice(0, 2)) {
    case 'k:': {
      const fa = Object.entries(JSON.parse(ra) as Record<string, unknown>).sort(([x], [y]) => compareStrings(x, y));
      const fb = Object.entries(JSON.parse(rb) as Record<string, unknown>).sort(([x], [y]) => compareStrings(x, y));
      for (let i = 0; i < Math.max(fa.length, fb.length); i++) {
        if (i >= fa.length) return -1;
        if (i >= fb.length) return 1;
        const c = compareStrings(fa[i][0], fb[i][0]) || compareValues(fa[i][1], fb[i][1]);
        if (c !== 0) return c;
      }
      return 0;
    }
    case 'v:':
      return compareValues(JSON.parse(ra), JSON.parse(rb));
    case 'i:':
      return Number(ra) - Number(rb);
    default:
      return compareStrings(ra, rb);
  }
}

/** A set of field paths (structured-merge-diff's fieldpath.Set). Operations return new sets. */
export class PathSet {
  private readonly members = new Set<PathElement>();
  private readonly children = new Map<PathElement, PathSet>();

  static of(...paths: Path[]): PathSet {
    const s = new PathSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path (mutates; the empty path is ignored, the root is never a member). */
  insert(path: Path): this {
    if (path.length === 0) return this;
    if (path.length === 1) {
      this.members.add(path[0]);
      return this;
    }
    let child = this.children.get(path[0]);
    if (!child) {
      child = new PathSet();
      this.children.set(path[0], child);
    }
    child.insert(path.slice(1));
    return this;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    if (path.length === 1) return this.members.has(path[0]);
    return this.children.get(path[0])?.has(path.slice(1)) ?? false;
  }

  empty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.empty()) return false;
    return true;
  }

  /** The number of paths in the set. */
  size(): number {
    let n = this.members.size;
    for (const c of this.children.values()) n += c.size();
    return n;
  }

  /** Every path, in upstream's element order (a member before its children). */
  *paths(prefix: Path = []): Generator<Path> {
    const keys = [...new Set([...this.members, ...this.children.keys()])].sort(comparePathElements);
    for (const k of keys) {
      if (this.members.has(k)) yield [...prefix, k];
      const c = this.children.get(k);
      if (c) yield* c.paths([...prefix, k]);
    }
  }

  [Symbol.iterator](): Iterator<Path> {
    return this.paths();
  }

  /** The subtree under one element (undefined if none). */
  child(element: PathElement): PathSet | undefined {
    return this.children.get(element);
  }

  clone(): PathSet {
    return new PathSet().unionInPlace(this);
  }

  union(other: PathSet): PathSet {
    return this.clone().unionInPlace(other);
  }

  private unionInPlace(other: PathSet): this {
    for (const m of other.members) this.members.add(m);
    for (const [k, c] of other.children) {
      const mine = this.children.get(k);
      this.children.set(k, mine ? mine.union(c) : c.clone());
    }
    return this;
  }

  intersection(other: PathSet): PathSet {
    const out = new PathSet();
    for (const m of this.members) if (other.members.has(m)) out.members.add(m);
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      if (!o) continue;
      const i = c.intersection(o);
      if (!i.empty()) out.children.set(k, i);
    }
    return out;
  }

  /** Removes exactly the paths of `other` (children of a removed path stay). */
  difference(other: PathSet): PathSet {
    const out = new PathSet();
    for (const m of this.members) if (!other.members.has(m)) out.members.add(m);
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      const d = o ? c.difference(o) : c.clone();
      if (!d.empty()) out.children.set(k, d);
    }
    return out;
  }

  /** Removes the paths of `other` and everything below any of them. */
  recursiveDifference(other: PathSet): PathSet {
    const out = new PathSet();
    for (const m of this.members) if (!other.members.has(m)) out.members.add(m);
    for (const [k, c] of this.children) {
      if (other.members.has(k)) continue;
      const o = other.children.get(k);
      const d = o ? c.recursiveDifference(o) : c.clone();
      if (!d.empty()) out.children.set(k, d);
    }
    return out;
  }

  equals(other: PathSet): boolean {
    return this.difference(other).empty() && other.difference(this).empty();
  }

  /** The FieldsV1 JSON object of this set. */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const keys = [...new Set([...this.members, ...this.children.keys()])].sort(comparePathElements);
    for (const k of keys) {
      const c = this.children.get(k);
      const sub = c && !c.empty() ? c.toFieldsV1() : undefined;
      if (sub) out[k] = this.members.has(k) ? { '.': {}, ...sub } : sub;
      else if (this.members.has(k)) out[k] = {};
    }
    return out;
  }

  /** Parses FieldsV1 JSON; throws an Error describing the first malformed entry. */
  static fromFieldsV1(fields: unknown): PathSet {
    const s = new PathSet();
    s.readFieldsV1(fields);
    return s;
  }

  private readFieldsV1(fields: unknown): void {
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw new Error('FieldsV1 must be a JSON object');
    for (const [k, v] of Object.entries(fields as Record<string, unknown>)) {
      if (k === '.') continue;
      const pe = parsePathElement(k);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`FieldsV1 entry ${k} must be a JSON object`);
      const entries = Object.keys(v);
      if (entries.length === 0 || entries.includes('.')) this.members.add(pe);
      if (entries.some((e) => e !== '.')) {
        const child = new PathSet();
        child.readFieldsV1(v);
        if (!child.empty()) this.children.set(pe, child.union(this.children.get(pe) ?? new PathSet()));
      }
    }
  }
}
