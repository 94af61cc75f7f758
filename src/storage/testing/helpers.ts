// Small helpers for store tests: byte values, and a watch recorder with bounded waits.
import type { Store, StoreEvent, Watcher } from '../store.js';

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Resolves once `cond()` holds; rejects after `timeoutMs` so a broken store fails instead of hanging. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000, poll?: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await poll?.();
    if (cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export interface Recorder {
  prefix: string;
  events: StoreEvent[];
  errors: Error[];
  progress: number[];
  watcher: Watcher;
  /** Waits until at least `n` events arrived. */
  waitEvents(n: number, timeoutMs?: number): Promise<StoreEvent[]>;
  waitError(timeoutMs?: number): Promise<Error>;
}

export function record(store: Store, prefix: string, afterRevision: number, onEvent?: (ev: StoreEvent) => void): Recorder {
  const events: StoreEvent[] = [];
  const errors: Error[] = [];
  const progress: number[] = [];
  const watcher = store.watch(prefix, {
    afterRevision,
    onEvent: (ev) => { events.push(ev); onEvent?.(ev); },
    onError: (err) => { errors.push(err); },
    onProgress: (rev) => { progress.push(rev); },
  });
  return {
    prefix, events, errors, progress, watcher,
    async waitEvents(n, timeoutMs) {
      await waitFor(() => events.length >= n || errors.length > 0, `${n} events under ${prefix}`, timeoutMs);
      if (events.length < n) throw errors[0];
      return events;
    },
    async waitError(timeoutMs) {
      await waitFor(() => errors.length > 0, `a watch error under ${prefix}`, timeoutMs);
      return errors[0];
    },
  };
}

/** A compact, comparable view of an event: "PUT key=value@mod(create) prev=value@mod". */
export function describeEvent(ev: StoreEvent): string {
  const kv = `${ev.kv.key}=${dec(ev.kv.value)}@${ev.kv.modRevision}(${ev.kv.createRevision})`;
  return ev.prevKv ? `${ev.type} ${kv} prev=${dec(ev.prevKv.value)}@${ev.prevKv.modRevision}(${ev.prevKv.createRevision})` : `${ev.type} ${kv}`;
}

/** Lets pending watch dispatch rounds run (they are scheduled with setImmediate). */
export const settle = async (rounds = 5): Promise<void> => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};
