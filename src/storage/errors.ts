// Store errors beyond the ones src/storage/store.ts defines.

/**
 * A read asked for a revision the store has not reached yet. The API server maps it to upstream's
 * "Too large resource version" (504 with cause ResourceVersionTooLarge), which clients retry.
 */
export class StoreFutureRevisionError extends Error {
  constructor(readonly requested: number, readonly current: number) {
    super(`requested revision ${requested} is newer than the current revision ${current}`);
    this.name = 'StoreFutureRevisionError';
  }
}
