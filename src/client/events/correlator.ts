// Client-side event correlation as upstream's record.EventCorrelator: a per-object spam filter
// (token bucket: 25 events, then one more every 5 minutes) and deduplication — the same
// (source, involvedObject, type, reason, message) seen again within the window bumps `count` and
// `lastTimestamp` on the existing Event instead of creating another one; ten different messages
// for the same (object, type, reason) fold into one "(combined from similar events)" Event.
import type { Clock } from '../clock.js';
import type { CoreEvent } from './types.js';

export interface CorrelatorOptions {
  clock: Clock;
  /** Spam filter burst per involved object (upstream 25). */
  burst?: number;
  /** Spam filter refill rate in tokens a second (upstream 1/300). */
  qps?: number;
  /** How long an Event stays the target of repeats (upstream's aggregation interval, 10 minutes). */
  dedupWindowMs?: number;
  /** Upstream keeps 4096 entries in its LRU caches. */
  cacheSize?: number;
}

export type Correlation =
  | { action: 'create'; event: CoreEvent }
  | { action: 'patch'; event: CoreEvent; patch: { count: number; lastTimestamp: string; message: string } }
  | { action: 'drop' };

interface Seen { name: string; count: number; firstTimestamp: string; lastSeenMs: number }
interface Bucket { tokens: number; lastMs: number }

/** upstream's aggregator: this many distinct messages for one (object, type, reason) fold into one event. */
const maxSimilarEvents = 10;
const combinedPrefix = '(combined from similar events): ';

interface Similar { messages: Set<string>; lastMs: number }

export class EventCorrelator {
  private readonly seen = new Map<string, Seen>();
  private readonly similar = new Map<string, Similar>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly qps: number;
  private readonly windowMs: number;
  private readonly cacheSize: number;

  constructor(private readonly opts: CorrelatorOptions) {
    this.burst = opts.burst ?? 25;
    this.qps = opts.qps ?? 1 / 300;
    this.windowMs = opts.dedupWindowMs ?? 600_000;
    this.cacheSize = opts.cacheSize ?? 4096;
  }

  /** Decides what to write for a freshly built Event (count 1, first = last timestamp). */
  correlate(event: CoreEvent): Correlation {
    const now = this.opts.clock.now();
    if (!this.allow(spamKey(event), now)) return { action: 'drop' };
    const { event: ev, key } = this.aggregate(event, now);
    event = ev;
    const prev = this.seen.get(key);
    if (prev && now - prev.lastSeenMs < this.windowMs) {
      prev.count++;
      prev.lastSeenMs = now;
      touch(this.seen, key, prev);
      const merged: CoreEvent = {
        ...event,
        metadata: { ...event.metadata, name: prev.name },
        count: prev.count,
        firstTimestamp: prev.firstTimestamp,
      };
      return { action: 'patch', event: merged, patch: { count: prev.count, lastTimestamp: event.lastTimestamp, message: event.message } };
    }
    touch(this.seen, key, { name: event.metadata.name, count: 1, firstTimestamp: event.firstTimestamp, lastSeenMs: now });
    evict(this.seen, this.cacheSize);
    return { action: 'create', event };
  }

  /**
   * upstream EventAggregator: events for one object with the same type and reason but many
   * different messages (a FailedScheduling message that changes as nodes come and go) become one
   * "(combined from similar events): …" event, deduplicated by the message-less key.
   */
  private aggregate(event: CoreEvent, now: number): { event: CoreEvent; key: string } {
    const aggKey = [objectPart(event), event.type, event.reason, event.reportingComponent, event.reportingInstance].join('\u0000');
    let rec = this.similar.get(aggKey);
    if (!rec || now - rec.lastMs > this.windowMs) rec = { messages: new Set(), lastMs: now };
    rec.messages.add(event.message);
    rec.lastMs = now;
    touch(this.similar, aggKey, rec);
    evict(this.similar, this.cacheSize);
    if (rec.messages.size < maxSimilarEvents) return { event, key: dedupKey(event) };
    // Keep the set just under the threshold, as upstream pops one key each time.
    rec.messages.delete(rec.messages.values().next().value as string);
    return { event: { ...event, message: combinedPrefix + event.message }, key: `combined\u0000${aggKey}` };
  }

  private allow(key: string, now: number): boolean {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.burst, lastMs: now };
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.lastMs) / 1000) * this.qps);
      b.lastMs = now;
    }
    touch(this.buckets, key, b);
    evict(this.buckets, this.cacheSize);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

/** Moves a key to the young end of an insertion-ordered Map (LRU). */
function touch<V>(m: Map<string, V>, key: string, v: V): void {
  m.delete(key);
  m.set(key, v);
}

function evict<V>(m: Map<string, V>, max: number): void {
  while (m.size > max) m.delete(m.keys().next().value as string);
}

function objectPart(e: CoreEvent): string {
  const o = e.involvedObject;
  return [e.source.component, e.source.host ?? '', o.kind, o.namespace ?? '', o.name, o.uid ?? '', o.apiVersion ?? ''].join('\u0000');
}

/** upstream getSpamKey: the source and the involved object. */
export function spamKey(e: CoreEvent): string {
  return objectPart(e);
}

/** upstream getEventKey: source, involved object (with fieldPath), type, reason and message. */
export function dedupKey(e: CoreEvent): string {
  return [objectPart(e), e.involvedObject.fieldPath ?? '', e.type, e.reason, e.message].join('\u0000');
}
