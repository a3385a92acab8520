/**
 * The metric readings the alert rules watch (config/monitoringSchema.ts ALERT_METRICS), taken from
 * the service's telemetry, health checks and scan outcomes without resetting any of them.
 */
import { freemem, totalmem } from 'node:os';
import type { AlertReadings } from '../ops/alerts/evaluator.js';
import { HostCpuMeter } from './cpuMeters.js';
import type { ScanOutcome } from './scanJob.js';
import type { MetricsSnapshot } from './telemetry.js';

export interface AlertReadingSources {
  /** The /metrics document (error rate, response and query times, circuits). */
  metrics: () => Pick<MetricsSnapshot, 'error_rate' | 'avg_response_time' | 'database' | 'providers'>;
  /** Database calls that could not reach the database since start (running total). */
  connectionErrors: () => number;
  /** % used of the data volume, from the last health check. */
  disk: () => number | null;
  /** The newest completed scan of any instance, epoch ms. */
  lastScanAt: () => number | null;
  /** Whether scans are expected now (market hours, or always when not market_hours_only). */
  expectScans: (now: number) => boolean;
  /** The scan interval, ms. */
  intervalMs: () => number;
  /**
   * When the current period of expected scans began, epoch ms: the market open of today's session when scans
   * run in market hours only, −∞ when they always run. Default: the first reading that expected scans.
   */
  expectedSince?: (now: number) => number;
  /** Providers' circuit states, of the providers in use (a provider replaced by a reload is not counted). */
  circuits?: () => Record<string, string>;
  startedAt: number;
}

/** Scan outcomes → consecutive failures and the last completed scan's data quality. */
export class ScanHealthTracker {
  private failures = 0;
  private contracts: ScanOutcome['contracts'] | null = null;

  /**
   * The streak of failed live scans stored before this process started (newest first, up to the last completed
   * one): a restart read 0, resolved a firing `engine.scan_failures` and fired it again at the next failure.
   */
  seed(statusesNewestFirst: readonly string[]): void {
    let n = 0;
    for (const s of statusesNewestFirst) {
      if (s === 'completed') break;
      if (s === 'failed' || s === 'timeout') n++;
    }
    this.failures = n;
  }

  record(o: ScanOutcome): void {
    if (o.status === 'completed') {
      this.failures = 0;
      this.contracts = o.contracts ?? this.contracts;
    } else if (o.status === 'failed' || o.status === 'timeout') this.failures++;
  }

  consecutiveFailures(): number {
    return this.failures;
  }

  /** % of quotes rejected (all reasons, and as stale) in the last completed scan; null before one. */
  quality(): { rejected: number; stale: number } | null {
    const c = this.contracts;
    if (!c || c.checked === 0) return null;
    return { rejected: (100 * c.rejected) / c.checked, stale: (100 * c.stale) / c.checked };
  }
}

/** A reader of every alert metric; keeps its own CPU meter and the start of the current scan session. */
export function alertReader(
  src: AlertReadingSources,
  scans: ScanHealthTracker,
): (now: number) => AlertReadings {
  const cpu = new HostCpuMeter();
  let expectedSince: number | null = null;
  return (now) => {
    const s = src.metrics();
    const expect = src.expectScans(now);
    if (!expect) expectedSince = null;
    else expectedSince ??= now;
    // intervals without a successful scan (of any instance, stored), counted from the later of the last success
    // and the start of this period of expected scans (market open); from the service start only when no scan was
    // ever stored — a restart counted from itself, resolved a firing `engine.missed_scans` and fired it again
    let missed = 0;
    if (expect) {
      const since = src.expectedSince ? src.expectedSince(now) : (expectedSince ?? now);
      const from = Math.max(src.lastScanAt() ?? src.startedAt, since);
      missed = Math.floor(Math.max(0, now - from) / src.intervalMs());
    }
    const quality = scans.quality();
    const circuits = Object.values(src.circuits ? src.circuits() : s.providers.circuits).filter(
      (c) => c === 'open',
    ).length;
    return {
      cpu_usage: cpu.read(),
      memory_usage: (100 * (totalmem() - freemem())) / totalmem(),
      disk_usage: src.disk(),
      error_rate: s.error_rate,
      response_time: s.avg_response_time / 1000,
      query_time: s.database.p95_ms / 1000,
      connection_errors: src.connectionErrors(),
      scan_failures: scans.consecutiveFailures(),
      missed_scans: missed,
      circuit_open: circuits,
      data_rejection_rate: quality?.rejected ?? null,
      stale_data: quality?.stale ?? null,
    };
  };
}
