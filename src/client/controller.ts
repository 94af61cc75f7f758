// Runs reconcile workers over a work queue, the loop every controller shares: take a key,
// reconcile it, forget its failures on success, retry it with backoff on error.
import type { Logger } from '../api/log.js';
import { silentLogger } from '../api/log.js';
import type { WorkQueue } from './workqueue.js';
import { isConflict } from './status.js';
import { objectKey } from './paths.js';
import type { EventHandler } from './informer.js';
import type { KubeObject } from '../api/types.js';

/** What reconcile may ask for besides success: look at the key again after a while. */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

export type Reconcile<T> = (key: T) => Promise<void | ReconcileResult>;

export interface RunWorkersOptions {
  log?: Logger;
  /** Drop an item after this many failed retries (upstream controllers differ; default: never). */
  maxRetries?: number;
}

/**
 * Starts `workers` concurrent workers; resolves when the queue is shut down (which happens when
 * `signal` aborts) and every worker has finished its current item.
 */
export async function runWorkers<T>(
  queue: WorkQueue<T>,
  workers: number,
  reconcile: Reconcile<T>,
  signal: AbortSignal,
  opts: RunWorkersOptions = {},
): Promise<void> {
  const log = opts.log ?? silentLogger;
  const onAbort = () => queue.shutDown();
  if (signal.aborted) queue.shutDown();
  else signal.addEventListener('abort', onAbort, { once: true });

  const worker = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      if (signal.aborted) {
        // The queue would hand out what is left (upstream drains); a stopped controller should not act.
        queue.done(key);
        return;
      }
      try {
        const result = await reconcile(key);
        queue.forget(key);
        if (result && result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
      } catch (e) {
        const retries = queue.numRequeues(key);
        if (opts.maxRetries !== undefined && retries >= opts.maxRetries) {
          log.warn('dropping item out of the queue after too many retries', { queue: queue.name, key: String(key), err: e });
          queue.forget(key);
        } else {
          // Conflicts are routine (a newer version exists; the retry reads it), so they stay quiet.
          const level = isConflict(e) ? 'debug' : 'warn';
          log[level]('reconcile failed; will retry', { queue: queue.name, key: String(key), retries, err: e });
          queue.addRateLimited(key);
        }
      } finally {
        queue.done(key);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, workers) }, () => worker()));
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Event handlers that enqueue the changed object's "namespace/name" key, as most controllers do
 * for their primary resource. `keyOf` maps an object to the key to reconcile (e.g. its owner's);
 * returning undefined skips it.
 */
export function enqueueHandler<T extends KubeObject>(queue: WorkQueue<string>, keyOf: (obj: T) => string | undefined = objectKey): EventHandler<T> {
  const add = (obj: T) => {
    const key = keyOf(obj);
    if (key !== undefined) queue.add(key);
  };
  return { onAdd: add, onUpdate: (_old, obj) => add(obj), onDelete: add };
}

export interface RunControllerOptions<T> {
  informers: { start(signal: AbortSignal): void; waitForCacheSync(signal?: AbortSignal): Promise<boolean> };
  queue: WorkQueue<T>;
  workers: number;
  reconcile: Reconcile<T>;
  signal: AbortSignal;
  log?: Logger;
  /** Runs once the workers have stopped (e.g. flushing an event recorder the controller owns). */
  onStop?: () => Promise<void> | void;
}

/**
 * The life of a controller: start its informers, wait for their caches, run the workers until
 * `signal` aborts, then clean up — what every controller's start(signal) does.
 */
export async function runController<T>(o: RunControllerOptions<T>): Promise<void> {
  o.informers.start(o.signal);
  try {
    if (!(await o.informers.waitForCacheSync(o.signal))) return;
    await runWorkers(o.queue, o.workers, o.reconcile, o.signal, { log: o.log });
  } finally {
    await o.onStop?.();
  }
}
