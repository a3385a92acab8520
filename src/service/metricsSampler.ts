/**
 * Every `monitoring.sample_interval_seconds` (60 s): one row of telemetry into `metrics_samples`
 * (for the weekly and monthly reports and the alert rules), and the provider calls made since the
 * previous tick into `api_calls` (one multi-row insert). A failed write is logged and dropped: the
 * service keeps running on a sick database, and the buffer is bounded.
 */
import type { Logger } from 'pino';
import { type ApiCall, apiCallFailed } from '../market/http/apiCall.js';
import { type ApiCallRecord, recordApiCalls } from '../store/apiCallsRepo.js';
import type { Database } from '../store/db.js';
import { insertMetricsSample } from '../store/metricsSamplesRepo.js';
import type { Telemetry } from './telemetry.js';

/** Provider calls kept for the next write at most; older ones are dropped first. */
const MAX_PENDING_CALLS = 20_000;

export interface SamplerOptions {
  db: Database;
  telemetry: Telemetry;
  /** `host:port`, the `instance` column. */
  instance: string;
  /** Current interval, seconds (it may change on reload). */
  intervalSeconds: () => number;
  /** Extra values for the row (e.g. `disk_usage` from the health checks). */
  extra?: () => Record<string, number | null>;
  logger: Logger;
  now?: () => number;
}

export class MetricsSampler {
  /** The wait before the next sample; null while a timer-driven write runs, before start() and after stop(). */
  private timer: NodeJS.Timeout | null = null;
  /** The current timer chain: a write of an older one (superseded or stopped) does not schedule another. */
  private chain = 0;
  private running = false;
  private pending: ApiCallRecord[] = [];
  private writing: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: SamplerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The HTTP client's observer: buffers the call for `api_calls` (with the scan it served). */
  recordApiCall(call: ApiCall, scanId: string | null): void {
    if (this.pending.length >= MAX_PENDING_CALLS) this.pending.shift();
    this.pending.push({
      calledAt: call.startedAt,
      provider: call.provider,
      endpoint: call.endpoint,
      status: call.status,
      ok: !apiCallFailed(call.outcome),
      latencyMs: call.latencyMs,
      retries: call.retries,
      error: call.outcome === 'ok' ? null : call.outcome,
      scanId,
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** Starts a new chain: one wait, one write, then the next wait (at the interval current by then). */
  private schedule(): void {
    const chain = ++this.chain;
    const ms = Math.max(1, this.opts.intervalSeconds()) * 1000;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.sample().finally(() => {
        if (this.running && chain === this.chain) this.schedule();
      });
    }, ms);
    this.timer.unref();
  }

  /**
   * Re-reads the interval (after a reload): a pending wait restarts with it; while a write runs, the
   * wait that follows it takes the new interval (no second chain).
   */
  reschedule(): void {
    if (!this.running || !this.timer) return;
    clearTimeout(this.timer);
    this.schedule();
  }

  /** No timer-driven write starts from now on (one in flight finishes; `sample()` still writes). */
  stop(): void {
    this.running = false;
    this.chain++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Writes one sample and the buffered calls now (also the last act of a graceful stop). */
  sample(): Promise<void> {
    this.writing ??= this.write().finally(() => {
      this.writing = null;
    });
    return this.writing;
  }

  private async write(): Promise<void> {
    const { db, telemetry, logger } = this.opts;
    try {
      const metrics = telemetry.sampleRow(this.opts.extra?.() ?? {});
      await insertMetricsSample(db, { sampledAt: this.now(), instance: this.opts.instance, metrics });
    } catch (e) {
      logger.error({ err: e instanceof Error ? e.message : String(e) }, 'metrics sample could not be stored');
    }
    const calls = this.pending;
    this.pending = [];
    if (calls.length === 0) return;
    try {
      await recordApiCalls(db, calls);
    } catch (e) {
      logger.error(
        { calls: calls.length, err: e instanceof Error ? e.message : String(e) },
        'API call records could not be stored',
      );
    }
  }
}
