// Counters and a histogram for the per-query path. prom-client's own label children hash their
// label set on every inc()/observe() (about a microsecond each, several percent of a query's
// budget); these keep plain numbers per child and hand prom-client's registry the same shape its
// own metrics produce when scraped.
import type { Metric, Registry } from 'prom-client';

type Labels = Record<string, string>;

interface MetricValue { value: number; labels: Labels; metricName?: string }

abstract class RegisteredMetric {
  constructor(readonly name: string, readonly help: string, readonly type: 'counter' | 'histogram', registry: Registry) {
    registry.registerMetric(this as unknown as Metric<string>);
  }

  readonly aggregator = 'sum';

  protected abstract values(): MetricValue[];

  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: MetricValue[] }> {
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.values() });
  }

  reset(): void {}
}

export class FastCounterChild {
  value = 0;
  constructor(readonly labels: Labels) {}
  inc(v = 1): void { this.value += v; }
}

export class FastCounter extends RegisteredMetric {
  private readonly children: FastCounterChild[] = [];

  constructor(name: string, help: string, registry: Registry) {
    super(name, help, 'counter', registry);
  }

  /** A child for a label set; keep it: each call makes a new series handle. */
  child(labels: Labels): FastCounterChild {
    const c = new FastCounterChild(labels);
    this.children.push(c);
    return c;
  }

  protected values(): MetricValue[] {
    const sums = new Map<string, MetricValue>();
    for (const c of this.children) {
      const k = JSON.stringify(c.labels);
      const v = sums.get(k);
      if (v) v.value += c.value;
      else sums.set(k, { value: c.value, labels: { ...c.labels } });
    }
    return [...sums.values()];
  }
}

export class FastHistogramChild {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(readonly labels: Labels, private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(v: number): void {
    this.sum += v;
    this.count++;
    const b = this.bounds;
    for (let i = 0; i < b.length; i++) {
      if (v <= b[i]!) { this.counts[i]!++; return; }
    }
  }
}

export class FastHistogram extends RegisteredMetric {
  private readonly children: FastHistogramChild[] = [];

  constructor(name: string, help: string, private readonly buckets: readonly number[], registry: Registry) {
    super(name, help, 'histogram', registry);
  }

  child(labels: Labels): FastHistogramChild {
    const c = new FastHistogramChild(labels, this.buckets);
    this.children.push(c);
    return c;
  }

  protected values(): MetricValue[] {
    const out: MetricValue[] = [];
    for (const c of this.children) {
      let acc = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        acc += c.counts[i]!;
        out.push({ metricName: `${this.name}_bucket`, labels: { ...c.labels, le: String(this.buckets[i]) }, value: acc });
      }
      out.push({ metricName: `${this.name}_bucket`, labels: { ...c.labels, le: '+Inf' }, value: c.count });
      out.push({ metricName: `${this.name}_sum`, labels: { ...c.labels }, value: c.sum });
      out.push({ metricName: `${this.name}_count`, labels: { ...c.labels }, value: c.count });
    }
    return out;
  }
}
