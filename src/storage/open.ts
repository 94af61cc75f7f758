// Chooses and opens the store backend from `--datastore-endpoint`, as k3s does:
//   (none)                 SQLite at <dataDir>/server/db/state.db (k3s' own default path)
//   sqlite:///abs/path.db  SQLite at that file
//   memory://              in memory, lost on exit (tests, throwaway clusters)
// etcd (http://, https://) comes later; it is refused with a clear message rather than ignored.
import path from 'node:path';
import type { Logger } from '../api/log.js';
import type { Store } from './store.js';
import { SqliteStore, type SqliteStoreOptions } from './backends/sqlite/index.js';
import { MemoryStore } from './backends/memory/index.js';

/**
 * storeFsync — the durability the embedded store gives: SQLite in WAL mode with
 * `synchronous=FULL`, so the WAL is fsynced before a write's Promise resolves, and an
 * acknowledged write (an API response that was sent) survives `kill -9` and power loss.
 * Writes issued in the same event-loop turn share one transaction and one fsync (group commit).
 * `memory://` gives no durability at all.
 */
export const storeFsync = 'sqlite: WAL, synchronous=FULL, fsync before each acknowledged write (group commit); memory: none';

export interface OpenStoreOptions {
  /** `--datastore-endpoint`; absent for the embedded SQLite default. */
  endpoint?: string;
  dataDir: string;
  log: Logger;
  /** Tuning for the SQLite backend (compaction window, watch ring …). */
  sqlite?: Omit<SqliteStoreOptions, 'path' | 'log'>;
}

export function defaultSqlitePath(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'server', 'db', 'state.db');
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const log = opts.log.child('store');
  const endpoint = opts.endpoint?.trim();
  if (!endpoint) return openSqlite(defaultSqlitePath(opts.dataDir), opts, log);
  if (endpoint.startsWith('sqlite://')) {
    const file = decodeURIComponent(endpoint.slice('sqlite://'.length).split('?')[0]);
    if (!path.isAbsolute(file)) {
      throw new Error(`datastore endpoint ${endpoint}: the SQLite path must be absolute, as in sqlite:///var/lib/kites/state.db`);
    }
    return openSqlite(file, opts, log);
  }
  if (endpoint === 'memory://' || endpoint === 'memory:') {
    log.warn('using the in-memory store: cluster state is lost when the server stops');
    return new MemoryStore({ log });
  }
  if (/^(https?|etcd|unix|unixs):\/\//.test(endpoint)) {
    throw new Error(`datastore endpoint ${endpoint}: etcd support is not implemented yet (it comes later); use the embedded SQLite store (no --datastore-endpoint) or sqlite:///path/to/state.db`);
  }
  throw new Error(`datastore endpoint ${endpoint} is not supported: use sqlite:///abs/path.db or memory:// (etcd comes later)`);
}

function openSqlite(file: string, opts: OpenStoreOptions, log: Logger): Store {
  const store = new SqliteStore({ ...opts.sqlite, path: file, log });
  log.info('opened store', { backend: 'sqlite', path: file });
  return store;
}
