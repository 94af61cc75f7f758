// The informer's cache: objects keyed "namespace/name" plus secondary indexes (by namespace, by
// spec.nodeName, by owner …) kept in step on every change, as upstream's cache.Indexer.
import type { KubeObject } from '../api/types.js';
import { objectKey } from './paths.js';
import { Selector, parseSelector } from './label-selector.js';

/** Returns the index values an object files under (may be several, or none). */
export type IndexFunc<T> = (obj: T) => string[];

export const namespaceIndex = 'namespace';
export const indexByNamespace: IndexFunc<KubeObject> = (obj) => [obj.metadata?.namespace ?? ''];

/** An index over a field reached by `get`, skipping objects where it is empty (e.g. unscheduled pods by spec.nodeName). */
export function indexByField<T>(get: (obj: T) => string | undefined | null): IndexFunc<T> {
  return (obj) => {
    const v = get(obj);
    return v ? [v] : [];
  };
}

export class Indexer<T extends KubeObject> {
  private items = new Map<string, T>();
  private indexFuncs = new Map<string, IndexFunc<T>>();
  /** index name → index value → keys */
  private indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.addIndexers({ [namespaceIndex]: indexByNamespace as IndexFunc<T>, ...indexers });
  }

  /** Adds indexes (also after objects are cached: they are indexed at once). Re-adding a name is a no-op. */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.indexFuncs.has(name)) continue;
      this.indexFuncs.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.indices.set(name, index);
      for (const [key, obj] of this.items) for (const v of fn(obj)) addTo(index, v, key);
    }
  }

  /** Inserts or replaces an object; returns the previous one. */
  set(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexFuncs) for (const v of fn(obj)) addTo(this.indices.get(name)!, v, key);
    return old;
  }

  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  list(): T[] {
    return [...this.items.values()];
  }

  get size(): number {
    return this.items.size;
  }

  /** Objects filed under `value` in the named index. */
  byIndex(indexName: string, value: string): T[] {
    return this.indexKeys(indexName, value).map((k) => this.items.get(k)!);
  }

  indexKeys(indexName: string, value: string): string[] {
    const index = this.indices.get(indexName);
    if (!index) throw new Error(`index "${indexName}" does not exist`);
    return [...(index.get(value) ?? [])];
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexFuncs) {
      const index = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const set = index.get(v);
        if (!set) continue;
        set.delete(key);
        if (set.size === 0) index.delete(v);
      }
    }
  }
}

function addTo(index: Map<string, Set<string>>, value: string, key: string): void {
  let set = index.get(value);
  if (!set) index.set(value, (set = new Set()));
  set.add(key);
}

/** Read-only view of an informer's cache, as controllers use it in reconcile. */
export class Lister<T extends KubeObject> {
  constructor(private readonly indexer: Indexer<T>) {}

  get(namespace: string | undefined, name: string): T | undefined {
    return this.indexer.get(namespace ? `${namespace}/${name}` : name);
  }

  /** All cached objects (optionally in one namespace) whose labels match the selector. */
  list(opts: { namespace?: string; selector?: Selector | string } = {}): T[] {
    const sel = typeof opts.selector === 'string' ? parseSelector(opts.selector) : opts.selector;
    const objs = opts.namespace !== undefined ? this.indexer.byIndex(namespaceIndex, opts.namespace) : this.indexer.list();
    return sel ? objs.filter((o) => sel.matches(o.metadata?.labels)) : objs;
  }

  byIndex(indexName: string, value: string): T[] {
    return this.indexer.byIndex(indexName, value);
  }
}
