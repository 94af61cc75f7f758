// Finds the watchers whose prefix a key starts with, without testing every watcher: watchers are
// grouped by prefix, and a key is looked up once per distinct prefix length in use. Kubernetes
// watch prefixes come in few lengths (/registry/<resource>/, …/<namespace>/, one object's key),
// so an event costs a handful of map lookups however many watchers there are.
export class PrefixIndex<T> {
  private readonly byPrefix = new Map<string, Set<T>>();
  /** Distinct prefix lengths in use → how many prefixes have that length. */
  private readonly lengths = new Map<number, number>();
  private sortedLengths: number[] = [];
  private count = 0;

  get size(): number { return this.count; }

  add(prefix: string, item: T): void {
    let set = this.byPrefix.get(prefix);
    if (!set) {
      set = new Set();
      this.byPrefix.set(prefix, set);
      const n = this.lengths.get(prefix.length) ?? 0;
      this.lengths.set(prefix.length, n + 1);
      if (n === 0) this.sortedLengths = [...this.lengths.keys()].sort((a, b) => a - b);
    }
    if (!set.has(item)) {
      set.add(item);
      this.count++;
    }
  }

  delete(prefix: string, item: T): boolean {
    const set = this.byPrefix.get(prefix);
    if (!set || !set.delete(item)) return false;
    this.count--;
    if (set.size === 0) {
      this.byPrefix.delete(prefix);
      const n = (this.lengths.get(prefix.length) ?? 1) - 1;
      if (n === 0) {
        this.lengths.delete(prefix.length);
        this.sortedLengths = [...this.lengths.keys()].sort((a, b) => a - b);
      } else {
        this.lengths.set(prefix.length, n);
      }
    }
    return true;
  }

  /** The items whose prefix `key` starts with (a fresh array: callers may change the index). */
  matches(key: string): T[] {
    const out: T[] = [];
    for (const len of this.sortedLengths) {
      if (len > key.length) break;
      const set = this.byPrefix.get(len === key.length ? key : key.slice(0, len));
      if (set) for (const item of set) out.push(item);
    }
    return out;
  }

  values(): T[] {
    const out: T[] = [];
    for (const set of this.byPrefix.values()) for (const item of set) out.push(item);
    return out;
  }
}
