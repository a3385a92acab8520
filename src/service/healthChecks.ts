/**
 * Health in the IETF "Health Check Response Format for HTTP APIs" (draft-inadarei-api-health-check,
 * `application/health+json`): `status` pass | warn | fail, `version`, `releaseId`, `serviceId`, and
 * `checks` keyed `component:measurement`, each an array of
 * `{componentId?, componentType, observedValue, observedUnit, status, time, output}`.
 *
 * The checks are refreshed in the background (every 10 s, and after each scan), never on the
 * request path: GET /health serves the last document, pre-serialised. A check of a dependency that
 * does not answer within 5 s fails.
 */
import { statfs } from 'node:fs/promises';
import { freemem, totalmem } from 'node:os';
import type { Logger } from 'pino';
import type { CircuitStateName } from '../market/http/apiCall.js';
import type { CacheStats } from '../store/cache.js';
import type { Database } from '../store/db.js';
import { lastCompletedScanAt } from '../store/scansRepo.js';
import type { RedisProbe } from './redisProbe.js';

export type HealthStatus = 'pass' | 'warn' | 'fail';

export interface HealthCheck {
  componentId?: string;
  componentType: 'datastore' | 'component' | 'system';
  observedValue: number | string | null;
  observedUnit?: string;
  status: HealthStatus;
  /** ISO 8601 time of the observation. */
  time: string;
  output?: string;
}

export interface HealthDocument {
  status: HealthStatus;
  /** Public interface version of the service's API. */
  version: string;
  /** The release (package version). */
  releaseId: string;
  serviceId: string;
  description: string;
  output?: string;
  checks: Record<string, HealthCheck[]>;
}

/** Worst of the statuses (fail > warn > pass). */
export function worstStatus(statuses: readonly HealthStatus[]): HealthStatus {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.includes('warn')) return 'warn';
  return 'pass';
}

/** What the monitor reads, as current values (settings may change on reload). */
export interface HealthSources {
  releaseId: string;
  serviceId: string;
  startedAt: number;
  db: Database;
  /** Where the data lives, shown as the check's componentId (no credentials). */
  dbLocation: string;
  redis: RedisProbe | null;
  cache: () => CacheStats;
  /** Circuit state of each HTTP provider in use (simulated/neutral ones are absent). */
  circuits: () => Record<string, CircuitStateName>;
  /** The directory whose filesystem `disk:utilization` reports (the data or log dir). */
  diskPath: () => string;
  /**
   * Warning levels, percent (the lowest threshold of the enabled monitoring.yaml rules on disk_usage /
   * memory_usage; null: no rule, no warning), and the slow threshold, ms.
   */
  limits: () => { diskPercent: number | null; memoryPercent: number | null; slowMs: number };
  /**
   * Whether scans are expected now, and how old a completed scan may be before it is stale, ms. The age
   * counts from the latest of the last completed scan, the moment scans became expected (the session
   * open, as first seen here) and the service start: a scan of the previous session is not stale at
   * the open.
   */
  freshness: (now: number) => { expectScans: boolean; maxAgeMs: number };
  /** A completed scan seen by this process (the DB answer may lag or be unreachable). */
  localLastScanAt: () => number | null;
  /**
   * Why the database may be slow to answer right now (a scan being saved holds the embedded
   * database for its transaction), or null. A check that times out then is a warning, not a failure.
   */
  busy?: () => string | null;
  logger?: Logger;
  now?: () => number;
}

const CHECK_TIMEOUT_MS = 5000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const r1 = (x: number) => Math.round(x * 10) / 10;

export class HealthMonitor {
  private doc: HealthDocument;
  private body: string;
  private dbStatus: HealthStatus = 'warn';
  private storedLastScanAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private draining = false;
  private readonly now: () => number;
  /** The last checks run, and the alert checks set by the alert manager (merged into the document). */
  private checks: Record<string, HealthCheck[]> | null = null;
  private alertChecks: HealthCheck[] | null = null;
  /** Since when scans have been expected without a break (first seen here), or null while they are not. */
  private expectedSince: number | null = null;

  constructor(private readonly src: HealthSources) {
    this.now = src.now ?? Date.now;
    this.doc = this.assemble({
      'service:startup': [
        {
          componentType: 'component',
          observedValue: null,
          status: 'warn',
          time: new Date(this.now()).toISOString(),
          output: 'health checks not run yet',
        },
      ],
    });
    this.body = JSON.stringify(this.doc);
  }

  private assemble(checks: Record<string, HealthCheck[]>, output?: string): HealthDocument {
    const status = worstStatus(Object.values(checks).flatMap((c) => c.map((x) => x.status)));
    return {
      status,
      version: '1',
      releaseId: this.src.releaseId,
      serviceId: this.src.serviceId,
      description: 'options-engine: options trade discovery service',
      ...(output ? { output } : {}),
      checks,
    };
  }

  /** Starts the background refresh (one now, then every `intervalMs`). */
  start(intervalMs = 10_000): Promise<void> {
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
    return this.refresh();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Marks the service as shutting down: readiness fails from now on. */
  setDraining(): void {
    this.draining = true;
  }

  /** Re-runs every check (concurrent callers share one run). */
  refresh(): Promise<void> {
    this.refreshing ??= this.runChecks().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async runChecks(): Promise<void> {
    const src = this.src;
    const now = this.now();
    const time = new Date(now).toISOString();
    const limits = src.limits();
    const checks: Record<string, HealthCheck[]> = {};

    // Database: a round trip, and the newest completed scan (of any instance).
    try {
      const t0 = performance.now();
      await withTimeout(src.db.query('SELECT 1'), CHECK_TIMEOUT_MS, 'database');
      const ms = performance.now() - t0;
      const at = await withTimeout(lastCompletedScanAt(src.db), CHECK_TIMEOUT_MS, 'database');
      this.storedLastScanAt = at ? at.getTime() : null;
      this.dbStatus = ms > limits.slowMs ? 'warn' : 'pass';
      checks['postgres:responseTime'] = [
        {
          componentId: src.dbLocation,
          componentType: 'datastore',
          observedValue: r1(ms),
          observedUnit: 'ms',
          status: this.dbStatus,
          time,
          output: this.dbStatus === 'warn' ? `slower than ${limits.slowMs} ms` : '',
        },
      ];
    } catch (e) {
      const busy = src.busy?.() ?? null;
      this.dbStatus = busy ? 'warn' : 'fail';
      checks['postgres:responseTime'] = [
        {
          componentId: src.dbLocation,
          componentType: 'datastore',
          observedValue: null,
          observedUnit: 'ms',
          status: this.dbStatus,
          time,
          output: busy ? `${errorText(e)} (${busy})` : errorText(e),
        },
      ];
      if (!busy) src.logger?.error({ err: errorText(e) }, 'health check: database connection error');
    }

    // Cache: Redis round trip when configured; the hit rate always.
    const cache = src.cache();
    if (src.redis) {
      try {
        const ms = await withTimeout(src.redis.ping(), CHECK_TIMEOUT_MS, 'redis');
        const memory = cache.active === 'memory';
        checks['redis:responseTime'] = [
          {
            componentType: 'datastore',
            observedValue: r1(ms),
            observedUnit: 'ms',
            status: memory ? 'warn' : 'pass',
            time,
            output: memory
              ? 'Redis answers; the cache still serves from memory until its next read or write'
              : '',
          },
        ];
      } catch (e) {
        checks['redis:responseTime'] = [
          {
            componentType: 'datastore',
            observedValue: null,
            observedUnit: 'ms',
            status: 'warn',
            time,
            output: `${errorText(e)}; cache served from memory`,
          },
        ];
      }
    }
    const reads = cache.hits + cache.misses;
    checks['cache:hitRate'] = [
      {
        componentId: cache.active,
        componentType: 'component',
        observedValue: reads ? r1((100 * cache.hits) / reads) : 0,
        observedUnit: '%',
        status: 'pass',
        time,
        output: `${cache.hits} hits, ${cache.misses} misses`,
      },
    ];

    // Providers: circuit breaker of each HTTP provider in use.
    for (const [provider, state] of Object.entries(src.circuits())) {
      checks[`${provider}:circuit`] = [
        {
          componentType: 'component',
          observedValue: state,
          status: state === 'closed' ? 'pass' : 'warn',
          time,
          output: state === 'closed' ? '' : `circuit ${state}: calls refused or probing`,
        },
      ];
    }

    // Scheduler: age of the newest completed scan.
    const local = src.localLastScanAt();
    const last = Math.max(this.storedLastScanAt ?? -1, local ?? -1);
    const fresh = this.freshness(now, last);
    let scanStatus: HealthStatus = 'pass';
    let scanOutput = '';
    if (last < 0) {
      scanStatus = 'warn';
      scanOutput = 'no completed scan yet';
    } else if (fresh.stale) {
      scanStatus = 'warn';
      scanOutput = `older than ${Math.round(fresh.maxAgeMs / 1000)} s`;
    } else if (!fresh.expectScans) {
      scanOutput = 'market closed: no scheduled scans';
    } else if (last < fresh.from) {
      scanOutput = `none yet since the session open or the service start; stale after ${Math.round(fresh.maxAgeMs / 1000)} s`;
    }
    checks['scheduler:lastScanAge'] = [
      {
        componentType: 'component',
        observedValue: last < 0 ? null : Math.max(0, Math.round((now - last) / 1000)),
        observedUnit: 's',
        status: scanStatus,
        time,
        output: scanOutput,
      },
    ];

    // Host: disk of the data directory, memory.
    try {
      const s = await statfs(src.diskPath());
      const used = s.blocks - s.bfree;
      const pct = used + s.bavail > 0 ? (100 * used) / (used + s.bavail) : 0;
      const diskOver = limits.diskPercent !== null && pct >= limits.diskPercent;
      checks['disk:utilization'] = [
        {
          componentId: src.diskPath(),
          componentType: 'system',
          observedValue: r1(pct),
          observedUnit: '%',
          status: pct >= 98 ? 'fail' : diskOver ? 'warn' : 'pass',
          time,
          output: diskOver ? `above ${limits.diskPercent} %` : '',
        },
      ];
    } catch (e) {
      checks['disk:utilization'] = [
        { componentType: 'system', observedValue: null, status: 'warn', time, output: errorText(e) },
      ];
    }
    const memPct = (100 * (totalmem() - freemem())) / totalmem();
    const memOver = limits.memoryPercent !== null && memPct >= limits.memoryPercent;
    checks['memory:utilization'] = [
      {
        componentType: 'system',
        observedValue: r1(memPct),
        observedUnit: '%',
        status: memOver ? 'warn' : 'pass',
        time,
        output: memOver ? `above ${limits.memoryPercent} %` : '',
      },
    ];
    checks.uptime = [
      {
        componentType: 'system',
        observedValue: Math.round((now - src.startedAt) / 1000),
        observedUnit: 's',
        status: 'pass',
        time,
      },
    ];

    this.checks = checks;
    this.publish();
  }

  private publish(): void {
    if (!this.checks) return;
    this.doc = this.assemble(
      this.alertChecks ? { ...this.checks, 'alerts:firing': this.alertChecks } : this.checks,
    );
    this.body = JSON.stringify(this.doc);
  }

  /**
   * The firing alerts as the `alerts:firing` check (warning → warn, critical → fail), updated after
   * each alert evaluation without re-running the other checks.
   */
  setAlertChecks(checks: HealthCheck[] | null): void {
    this.alertChecks = checks;
    this.publish();
  }

  /**
   * Whether the last completed scan (`last`, epoch ms; -1 for none) is stale at `now`: scans are expected
   * and none completed within `maxAgeMs` of the latest of that scan, the moment scans became expected
   * (the session open, as first seen by the checks or a readiness probe) and the service start — as the
   * `missed_scans` alert reading counts, so Friday's last scan does not make Monday's open unready.
   */
  private freshness(
    now: number,
    last: number,
  ): { expectScans: boolean; maxAgeMs: number; stale: boolean; from: number } {
    const fresh = this.src.freshness(now);
    if (!fresh.expectScans) {
      this.expectedSince = null;
      return { ...fresh, stale: false, from: last };
    }
    this.expectedSince ??= now;
    const from = Math.max(last, this.expectedSince, this.src.startedAt);
    return { ...fresh, stale: now - from > fresh.maxAgeMs, from };
  }

  /** The newest completed scan seen, of this process or (from the database) any instance; epoch ms. */
  lastScanAt(): number | null {
    const last = Math.max(this.storedLastScanAt ?? -1, this.src.localLastScanAt() ?? -1);
    return last < 0 ? null : last;
  }

  /** The last document and its HTTP status (200 for pass/warn, 503 for fail). */
  current(): { code: 200 | 503; body: string; doc: HealthDocument } {
    return { code: this.doc.status === 'fail' ? 503 : 200, body: this.body, doc: this.doc };
  }

  /**
   * Readiness: the database answers, a completed scan exists and is fresh (while scans are
   * expected), and the service is not shutting down.
   */
  readiness(): { ready: boolean; reason: string } {
    if (this.draining) return { ready: false, reason: 'shutting down' };
    if (this.dbStatus === 'fail') return { ready: false, reason: 'database unreachable' };
    const now = this.now();
    const local = this.src.localLastScanAt();
    const last = Math.max(this.storedLastScanAt ?? -1, local ?? -1);
    const fresh = this.freshness(now, last);
    if (last < 0) return { ready: false, reason: 'no completed scan yet' };
    if (fresh.stale) {
      return {
        ready: false,
        reason: `last completed scan is older than ${Math.round(fresh.maxAgeMs / 1000)} s`,
      };
    }
    return { ready: true, reason: 'ready' };
  }
}
