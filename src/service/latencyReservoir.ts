/**
 * The most recent N latencies of one series (a provider endpoint), for percentiles, with the
 * lifetime count and error count. Quantiles are computed on read and cached until the next record.
 */
export interface LatencySummary {
  count: number;
  errors: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

/** Nearest-rank quantile of an ascending array (0 for an empty one). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export class LatencyReservoir {
  private readonly values: Float64Array;
  private filled = 0;
  private next = 0;
  private count = 0;
  private errors = 0;
  private cached: LatencySummary | null = null;

  constructor(capacity = 1000) {
    this.values = new Float64Array(capacity);
  }

  record(ms: number, isError: boolean): void {
    this.values[this.next] = ms;
    this.next = (this.next + 1) % this.values.length;
    if (this.filled < this.values.length) this.filled++;
    this.count++;
    if (isError) this.errors++;
    this.cached = null;
  }

  /** Lifetime count and errors; percentiles over the last `capacity` values, ms, rounded to 0.1. */
  summary(): LatencySummary {
    if (this.cached) return this.cached;
    const sorted = this.values.slice(0, this.filled).sort();
    const r = (x: number) => Math.round(x * 10) / 10;
    this.cached = {
      count: this.count,
      errors: this.errors,
      p50_ms: r(quantileSorted(sorted, 0.5)),
      p95_ms: r(quantileSorted(sorted, 0.95)),
      p99_ms: r(quantileSorted(sorted, 0.99)),
    };
    return this.cached;
  }
}
