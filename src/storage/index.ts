// The storage surface other components use: the Store interface and errors, and openStore.
// Only the API server (and server wiring) should import this; everyone else goes through the API.
export * from './store.js';
export { StoreFutureRevisionError } from './errors.js';
export { openStore, defaultSqlitePath, storeFsync, type OpenStoreOptions } from './open.js';
export { SqliteStore, type SqliteStoreOptions } from './backends/sqlite/index.js';
export { MemoryStore, type MemoryStoreOptions } from './backends/memory/index.js';
export type { CompactorOptions } from './compactor.js';
