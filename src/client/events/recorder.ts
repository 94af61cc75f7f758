// An EventRecorder as upstream's client-go tools/record: `event()` builds a core/v1 Event for an
// object, runs it through the correlator (spam filter, dedup into count/lastTimestamp) and writes
// it in the background. It never blocks and never throws into the caller; `stop()` flushes.
import type { KubeObject } from '../../api/types.js';
import type { Logger } from '../../api/log.js';
import { silentLogger } from '../../api/log.js';
import { realClock, sleep, type Clock } from '../clock.js';
import { RestClient, type ResourceClient } from '../rest-client.js';
import { isNotFound, isAlreadyExists } from '../status.js';
import type { RestTransport } from '../transport.js';
import { EventCorrelator, dedupKey, type Correlation, type CorrelatorOptions } from './correlator.js';
import type { CoreEvent, EventType, ObjectReference } from './types.js';

export interface EventRecorderOptions {
  transport: RestTransport;
  /** source.component and reportingComponent, e.g. "default-scheduler". */
  component: string;
  /** source.host (the node, for kubelet events). */
  host?: string;
  /** reportingInstance; upstream uses the host name (or component-host). */
  reportingInstance?: string;
  clock?: Clock;
  log?: Logger;
  correlator?: Omit<CorrelatorOptions, 'clock'>;
  /** Events waiting to be written beyond this are dropped (upstream buffers 1000 per watcher). */
  maxQueued?: number;
  /** Writes in flight at once. */
  concurrency?: number;
  /** Write attempts per event (upstream: 12, ten seconds apart). */
  maxTries?: number;
  retryDelayMs?: number;
}

export interface EventOptions {
  /** involvedObject.fieldPath, e.g. spec.containers{app}. */
  fieldPath?: string;
}

const eventsRef = { group: '', version: 'v1', resource: 'events', namespaced: true } as const;

/** metav1.Time: RFC 3339 with second precision. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An ObjectReference for any API object (upstream ref.GetReference). */
export function referenceTo(obj: KubeObject, fieldPath?: string): ObjectReference {
  const m = obj.metadata ?? {};
  const ref: ObjectReference = { kind: obj.kind ?? '', name: m.name ?? '' };
  if (m.namespace) ref.namespace = m.namespace;
  if (m.uid) ref.uid = m.uid;
  if (obj.apiVersion) ref.apiVersion = obj.apiVersion;
  if (m.resourceVersion) ref.resourceVersion = m.resourceVersion;
  if (fieldPath) ref.fieldPath = fieldPath;
  return ref;
}

export class EventRecorder {
  private readonly events: ResourceClient<CoreEvent>;
  private readonly correlator: EventCorrelator;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly queue: Correlation[] = [];
  /** The write chain per dedup key, so a repeat's PATCH follows its CREATE. */
  private readonly chains = new Map<string, Promise<void>>();
  private inFlight = 0;
  private seq = 0;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  private readonly abort = new AbortController();

  constructor(private readonly opts: EventRecorderOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = (opts.log ?? silentLogger).child('events');
    this.events = new RestClient(opts.transport, { fieldManager: opts.component }).resource<CoreEvent>(eventsRef);
    this.correlator = new EventCorrelator({ ...opts.correlator, clock: this.clock });
  }

  /** Records an event about `obj`. Never throws and never waits. */
  event(obj: KubeObject, type: EventType, reason: string, message: string, options: EventOptions = {}): void {
    try {
      if (this.stopped) return;
      const built = this.build(obj, type, reason, message, options.fieldPath);
      const c = this.correlator.correlate(built);
      if (c.action === 'drop') {
        this.log.debug('event dropped by the spam filter', { reason, object: built.involvedObject.name });
        return;
      }
      if (this.queue.length >= (this.opts.maxQueued ?? 10_000)) {
        this.log.warn('event queue full; dropping event', { reason, object: built.involvedObject.name });
        return;
      }
      this.queue.push(c);
      this.pump();
    } catch (e) {
      this.log.error('could not record event', { err: e, reason });
    }
  }

  /** Stops taking events and waits (up to `timeoutMs`) for those queued to be written. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopped = true;
    if (this.queue.length === 0 && this.inFlight === 0) return;
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    const timedOut = await Promise.race([idle.then(() => false), sleep(this.clock, timeoutMs).then(() => true)]);
    if (timedOut) this.log.warn('events not flushed before stop', { queued: this.queue.length, inFlight: this.inFlight });
    this.abort.abort();
  }

  private build(obj: KubeObject, type: EventType, reason: string, message: string, fieldPath?: string): CoreEvent {
    const ref = referenceTo(obj, fieldPath);
    const now = this.clock.now();
    const ts = rfc3339(now);
    // upstream names events <object>.<UnixNano in hex>; a sequence keeps names unique within a millisecond.
    const nanos = BigInt(now) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
    return {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name: `${ref.name}.${nanos.toString(16)}`, namespace: ref.namespace || 'default' },
      involvedObject: ref,
      reason, message,
      source: this.opts.host ? { component: this.opts.component, host: this.opts.host } : { component: this.opts.component },
      firstTimestamp: ts, lastTimestamp: ts, count: 1, type, eventTime: null,
      reportingComponent: this.opts.component,
      reportingInstance: this.opts.reportingInstance ?? this.opts.host ?? this.opts.component,
    };
  }

  private pump(): void {
    const max = this.opts.concurrency ?? 8;
    while (this.inFlight < max && this.queue.length > 0) {
      const c = this.queue.shift()!;
      if (c.action === 'drop') continue;
      const key = dedupKey(c.event);
      const prev = this.chains.get(key) ?? Promise.resolve();
      this.inFlight++;
      const next = prev.then(() => this.write(c)).catch((e) => this.log.warn('could not write event', { err: e })).finally(() => {
        this.inFlight--;
        if (this.chains.get(key) === next) this.chains.delete(key);
        this.pump();
        if (this.inFlight === 0 && this.queue.length === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
      this.chains.set(key, next);
    }
  }

  private async write(c: Exclude<Correlation, { action: 'drop' }>): Promise<void> {
    const tries = this.opts.maxTries ?? 3;
    const ns = c.event.metadata.namespace;
    for (let attempt = 1; ; attempt++) {
      try {
        if (c.action === 'patch') {
          try {
            await this.events.patch(ns, c.event.metadata.name, 'strategic', c.patch, { signal: this.abort.signal });
            return;
          } catch (e) {
            // The Event may have expired (TTL) or its create failed: write it afresh, as upstream.
            if (!isNotFound(e)) throw e;
          }
        }
        await this.events.create(ns, c.event, { signal: this.abort.signal });
        return;
      } catch (e) {
        if (isAlreadyExists(e)) return;
        if (attempt >= tries || this.abort.signal.aborted) throw e;
        await sleep(this.clock, (this.opts.retryDelayMs ?? 250) * attempt, this.abort.signal);
      }
    }
  }
}
