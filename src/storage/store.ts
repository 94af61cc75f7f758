// The Store: a revisioned key-value log with watch, like etcd's MVCC (and kine over SQL).
// Every write gets the next global revision; that revision is the object's resourceVersion.
// Values are opaque bytes to the store (the API server keeps JSON in them).

export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** Revision of the write that created this key (the current incarnation). */
  createRevision: number;
  /** Revision of the last write to this key. */
  modRevision: number;
}

export type StoreEventType = 'PUT' | 'DELETE';

export interface StoreEvent {
  type: StoreEventType;
  /** For PUT the new value; for DELETE the key with modRevision = the delete's revision and the last value. */
  kv: KeyValue;
  /** The value before this write (absent for a create). */
  prevKv?: KeyValue;
}

export interface ListOptions {
  /** Read as of this revision (0 or absent: the current one). Older than the compacted revision: StoreCompactedError. */
  revision?: number;
  /** At most this many items; `more` tells whether others follow. */
  limit?: number;
  /** Start listing at this key (inclusive), for continue tokens. */
  startKey?: string;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the list is consistent at. */
  revision: number;
  more: boolean;
  /** Items after the returned ones (when `more`), for remainingItemCount. */
  remaining?: number;
}

export interface Watcher {
  /** Stops delivery; idempotent. */
  close(): void;
}

export interface WatchOptions {
  /** Deliver every event with a revision strictly greater than this. */
  afterRevision: number;
  /** Called in revision order. */
  onEvent: (ev: StoreEvent) => void;
  /** Called once when the watch ends abnormally (compacted history, store closed, overflow). */
  onError?: (err: Error) => void;
  /** Called when the store's revision advances with no event for this prefix (for bookmarks). */
  onProgress?: (revision: number) => void;
}

export interface Store {
  /** Creates `key`; StoreKeyExistsError if it exists. Returns the new revision. */
  create(key: string, value: Uint8Array): Promise<number>;
  get(key: string): Promise<KeyValue | undefined>;
  /** Keys with `prefix`, in key order, consistent at one revision. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Number of keys with `prefix` now. */
  count(prefix: string): Promise<number>;
  /**
   * Replaces `key` if its modRevision equals `expectedRevision`; otherwise StoreConflictError
   * carrying the current KeyValue (or StoreNotFoundError). Returns the new revision.
   */
  update(key: string, value: Uint8Array, expectedRevision: number): Promise<number>;
  /** Deletes `key` (only at `expectedRevision` when given). Returns the delete's revision and the last value. */
  delete(key: string, expectedRevision?: number): Promise<{ revision: number; prevKv: KeyValue }>;
  /** Streams every change under `prefix` after `afterRevision`. StoreCompactedError if that history is gone. */
  watch(prefix: string, options: WatchOptions): Watcher;
  /** The newest revision. */
  currentRevision(): Promise<number>;
  /** The oldest revision still readable (everything at or below it may be gone). */
  compactedRevision(): Promise<number>;
  /** Drops history at or below `revision` that is not the latest value of a live key. */
  compact(revision: number): Promise<void>;
  /** Stops background work, ends watches with an error, flushes and closes. */
  close(): Promise<void>;
}

export class StoreKeyExistsError extends Error {
  constructor(readonly key: string) { super(`key exists: ${key}`); this.name = 'StoreKeyExistsError'; }
}
export class StoreNotFoundError extends Error {
  constructor(readonly key: string) { super(`key not found: ${key}`); this.name = 'StoreNotFoundError'; }
}
export class StoreConflictError extends Error {
  constructor(readonly key: string, readonly current: KeyValue) {
    super(`revision conflict on ${key}: current ${current.modRevision}`); this.name = 'StoreConflictError';
  }
}
export class StoreCompactedError extends Error {
  constructor(readonly requested: number, readonly compacted: number) {
    super(`required revision ${requested} has been compacted (oldest available ${compacted + 1})`); this.name = 'StoreCompactedError';
  }
}
export class StoreClosedError extends Error {
  constructor() { super('store closed'); this.name = 'StoreClosedError'; }
}
