/**
 * The HTTP request-duration histogram, recorded on the request hot path at the cost of a Map
 * lookup and a few array writes (prom-client's Histogram hashes the label object on every
 * observation, which costs a measurable share of a health probe's throughput). It is exposed
 * through prom-client's registry as a regular histogram (`_bucket`, `_sum`, `_count`).
 */
import type { Metric, Registry } from 'prom-client';

interface Series {
  labels: { method: string; route: string; status_code: string };
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

interface MetricValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

export class RequestHistogram {
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    /** Upper bounds, seconds, ascending. */
    private readonly buckets: readonly number[],
  ) {}

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let s = this.series.get(key);
    if (!s) {
      s = {
        labels: { method, route, status_code: String(status) },
        counts: new Float64Array(this.buckets.length + 1),
        sum: 0,
        count: 0,
      };
      this.series.set(key, s);
    }
    let i = 0;
    while (i < this.buckets.length && seconds > this.buckets[i]) i++;
    s.counts[i]++;
    s.sum += seconds;
    s.count++;
  }

  /** Values in prom-client's export shape (cumulative buckets with `le`). */
  private values(): MetricValue[] {
    const out: MetricValue[] = [];
    for (const s of this.series.values()) {
      let acc = 0;
      for (let i = 0; i <= this.buckets.length; i++) {
        acc += s.counts[i];
        out.push({
          metricName: `${this.name}_bucket`,
          labels: { le: i < this.buckets.length ? this.buckets[i] : '+Inf', ...s.labels },
          value: acc,
        });
      }
      out.push({ metricName: `${this.name}_sum`, labels: { ...s.labels }, value: s.sum });
      out.push({ metricName: `${this.name}_count`, labels: { ...s.labels }, value: s.count });
    }
    return out;
  }

  /** Registers this histogram with a prom-client registry (read at each scrape). */
  register(registry: Registry): void {
    const metric = {
      name: this.name,
      help: this.help,
      type: 'histogram',
      aggregator: 'sum',
      get: async () => ({
        name: this.name,
        help: this.help,
        type: 'histogram',
        aggregator: 'sum',
        values: this.values(),
      }),
      reset: () => this.series.clear(),
    };
    // prom-client accepts any object with name/help/type/get(); its Metric type is a class.
    registry.registerMetric(metric as unknown as Metric);
  }
}
