/**
 * Counts and sums over the last N seconds in one-second buckets: O(1) per event, O(N) per read,
 * fixed memory whatever the request rate (the HTTP hot path records into it).
 */
export interface WindowTotals {
  count: number;
  /** Sum of the recorded values (e.g. milliseconds). */
  sum: number;
  errors: number;
}

export class RollingWindow {
  private readonly counts: Float64Array;
  private readonly sums: Float64Array;
  private readonly errors: Float64Array;
  /** The second (epoch s) each bucket holds; a bucket from an older lap is stale. */
  private readonly stamps: Float64Array;

  constructor(
    /** Window length, seconds (settings `monitoring.metrics_window_seconds`). */
    readonly seconds: number,
    private readonly now: () => number = Date.now,
  ) {
    const n = Math.max(1, Math.ceil(seconds));
    this.counts = new Float64Array(n);
    this.sums = new Float64Array(n);
    this.errors = new Float64Array(n);
    this.stamps = new Float64Array(n).fill(-1);
  }

  record(value: number, isError: boolean): void {
    const sec = Math.floor(this.now() / 1000);
    const i = sec % this.stamps.length;
    if (this.stamps[i] !== sec) {
      this.stamps[i] = sec;
      this.counts[i] = 0;
      this.sums[i] = 0;
      this.errors[i] = 0;
    }
    this.counts[i]++;
    this.sums[i] += value;
    if (isError) this.errors[i]++;
  }

  /** Totals of the buckets inside the window ending now. */
  totals(): WindowTotals {
    const sec = Math.floor(this.now() / 1000);
    const oldest = sec - this.stamps.length + 1;
    let count = 0;
    let sum = 0;
    let errors = 0;
    for (let i = 0; i < this.stamps.length; i++) {
      if (this.stamps[i] >= oldest && this.stamps[i] <= sec) {
        count += this.counts[i];
        sum += this.sums[i];
        errors += this.errors[i];
      }
    }
    return { count, sum, errors };
  }
}
