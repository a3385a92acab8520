/**
 * `options-engine serve`: starts the service and runs it until a stop signal.
 *
 * Two processes. The scan engine (engine/), a child process at a lower CPU priority, owns market
 * data, the cache, the scan pipeline, the scan's database writes and — without DATABASE_URL — the
 * embedded PGlite, served on loopback. This process answers HTTP, schedules scans, keeps the
 * telemetry and reads the database over a connection pool (to the server, or to the engine's
 * loopback endpoint), so that neither a scan nor PGlite's WASM backend ever holds up a health probe.
 *
 * Start: configuration → logs → engine (database + migrations, cache, providers) → pool → health
 * checks → alerting (ops/alerts: rules of monitoring.yaml, notifiers) → HTTP server → metrics
 * sampler → alert evaluation → scheduler, whose first scan runs at once and prints its table to
 * stdout.
 *
 * SIGTERM / SIGINT: readiness fails, the server stops accepting and finishes its requests, the scan
 * in flight is stopped (collection aborted; a scan already saving completes — its transaction makes
 * it all or nothing), a last metrics sample is written, the engine and pools close, logs flush; the
 * process exits 0 well within 10 s (a watchdog exits 1 at 10 s if something hangs). A second signal
 * exits at once. SIGHUP: reload settings.yaml and monitoring.yaml (alert rules and channels too) — an invalid new configuration is
 * rejected with an ERROR line and the old one stays, as is one the engine cannot apply (providers it
 * cannot build; it keeps its old ones) — and reopen the log files. SIGUSR2: reopen the
 * log files (logrotate's postrotate).
 *
 * Engine failures: an engine that dies stops the service with exit 1 (systemd restarts it); one
 * that dies while the service is still starting fails the start (exit 1). A scan the engine has not
 * finished within `execution.scan_timeout_seconds` + a grace of half of it (at least 30 s; a scan
 * already saving gets the grace again) means a hung engine: it is killed and counts as failed —
 * otherwise the service would wait for ever, holding the shared database's scan lock.
 */

import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { LoadedConfig } from '../config/loadConfig.js';
import { durationMs, type MonitoringConfig } from '../config/monitoringSchema.js';
import type { Settings } from '../config/schema.js';
import { secretValues } from '../config/secrets.js';
import { AlertManager } from '../ops/alerts/alertManager.js';
import { configuredChannels } from '../ops/alerts/alertsReport.js';
import { buildNotifiers } from '../ops/alerts/notifiers/buildNotifiers.js';
import { NotificationDispatcher } from '../ops/alerts/notifiers/dispatcher.js';
import { alertRules, lowestThreshold } from '../ops/alerts/rules.js';
import { dirSize } from '../ops/resourceSample.js';
import { type CacheStats, idleCacheStats } from '../store/cache.js';
import type { Database } from '../store/db.js';
import { openDatabase } from '../store/openDatabase.js';
import { PgDatabase } from '../store/pgDatabase.js';
import { listScans } from '../store/scansRepo.js';
import { alertHealthChecks } from './alertHealth.js';
import { alertReader, ScanHealthTracker } from './alertReadings.js';
import { keepRestartOnly, restartOnlyChanges } from './configChanges.js';
import { runLimit, ScanEngine } from './engine/scanEngine.js';
import { HealthMonitor } from './healthChecks.js';
import { instanceName } from './instanceName.js';
import { createLogging } from './logging.js';
import { currentOrNextSession, isMarketOpen } from './marketHours.js';
import { MetricsSampler } from './metricsSampler.js';
import { createRedisProbe } from './redisProbe.js';
import type { StatusInput } from './routes/status.js';
import { scanGateFor } from './scanGate.js';
import { isProductionScan, Scheduler } from './scheduler.js';
import { buildServer } from './server.js';
import { installSignals } from './signals.js';
import { Telemetry } from './telemetry.js';
import { timedDatabase } from './timedDatabase.js';

/** Connections of the service process's own pool on a server (pool and overflow each at most this). */
export const API_POOL_SIZE = 4;

export interface ServiceOptions {
  /** Loads the configuration (files + environment + flags); called again on each reload. */
  load: () => LoadedConfig;
  /** The configuration already loaded by the caller (else `load()` is called). */
  initial?: LoadedConfig;
  /** Where scan tables go (stdout). */
  stdout: (text: string) => void;
  version: string;
  /** Installs the SIGTERM/SIGINT/SIGHUP/SIGUSR2 handlers and the exit watchdog (default true). */
  signals?: boolean;
  /** Runs a scan at once (default true). */
  firstScan?: boolean;
  /** The stop watchdog, ms (default 10 000). */
  stopDeadlineMs?: number;
}

export interface RunningService {
  readonly app: FastifyInstance;
  /** `http://host:port` the server listens on. */
  readonly url: string;
  readonly scheduler: Scheduler;
  readonly telemetry: Telemetry;
  /** Resolves with the exit code once the service has stopped (1 after an engine failure). */
  readonly stopped: Promise<number>;
  stop(reason?: string): Promise<void>;
  /** Reloads the configuration; false when the new one was rejected (reloads run one at a time). */
  reload(): Promise<boolean>;
  reopenLogs(): void;
}

/** How long a stop waits for the scan in flight, then for the engine to close, ms. */
const SCAN_STOP_GRACE_MS = 5000;
/** How long a stop waits for a scan that is being saved (systemd's TimeoutStopSec=60 leaves room for it), ms. */
const SAVE_STOP_GRACE_MS = 40_000;
const ENGINE_CLOSE_MS = 3000;
/** How long a stop waits for alert notifications in flight, ms. */
const ALERT_DRAIN_MS = 2000;

export async function startService(opts: ServiceOptions): Promise<RunningService> {
  const cfg = opts.initial ?? opts.load();
  let settings: Settings = cfg.settings;
  let monitoring: MonitoringConfig = cfg.monitoring;
  let files = cfg.files;
  let lastReload: StatusInput['reload'] = null;
  const startedAt = Date.now();
  const closers: (() => Promise<unknown> | unknown)[] = [];

  const logging = createLogging({
    level: settings.logging.level,
    dir: settings.logging.dir,
    jsonStdout: settings.logging.json_stdout,
    secrets: secretValues(settings),
  });
  const loggers = new Map<string, Logger>();
  const child = (component: string) => {
    let l = loggers.get(component);
    if (!l) {
      l = logging.logger.child({ component });
      loggers.set(component, l);
    }
    return l;
  };
  const log = child('service');
  const instance = instanceName(settings);
  let stop: (reason: string, code?: number) => Promise<void> = async () => {};
  // An engine failure before `stop` exists (during the start) is remembered and fails the start.
  let engineFailure: Error | null = null;

  try {
    const telemetry = new Telemetry({
      windowSeconds: settings.monitoring.metrics_window_seconds,
      version: opts.version,
    });
    closers.push(() => telemetry.close());
    let cacheStats: CacheStats | null = null;
    let scheduler: Scheduler | null = null;
    let sampler: MetricsSampler | null = null;
    const engine = await ScanEngine.start(settings, {
      apiCall: (call) => {
        telemetry.onApiCall(call);
        sampler?.recordApiCall(call, scheduler?.state().running?.id ?? null);
      },
      providerCall: (p, e, ms, outcome) => telemetry.recordProviderCall(p, e, ms, outcome),
      circuit: (p, state) => telemetry.setCircuit(p, state),
      cacheStats: (s) => {
        cacheStats = s;
      },
      dbQuery: (op, ms, ok, connection) => telemetry.recordDbQuery(op, ms, ok, connection),
      log: (level, component, fields, msg) => child(component)[level](fields, msg),
      providers: () => {},
      crash: (e) => {
        // (an Error, not its message: the log line prints `err` only as `<msg>: <err.message>`)
        log.fatal({ err: e }, 'the scan engine failed; stopping (systemd restarts the service)');
        engineFailure ??= e;
        void stop('engine failure', 1);
      },
    });
    closers.push(() => engine.close(ENGINE_CLOSE_MS));
    const info = engine.info;
    const currentCache = (): CacheStats => cacheStats ?? idleCacheStats(info.cacheConfigured);
    telemetry.watchCache(currentCache);

    const dbLog = child('db');
    const pool: Database = info.embeddedUrl
      ? await PgDatabase.open({
          url: info.embeddedUrl,
          poolSize: 2,
          poolOverflow: 2,
          statementTimeoutMs: settings.database.statement_timeout_ms,
          connectRetries: 3,
          applicationName: 'options-engine-service',
          logger: dbLog,
        })
      : // the API's reads are light and the engine process holds the configured pool: two full pools per
        // instance (2 × (pool_size + pool_overflow) = 100 by default) exhausted the guide's max_connections = 100
        await openDatabase(
          {
            ...settings.database,
            pool_size: Math.min(API_POOL_SIZE, settings.database.pool_size),
            pool_overflow: Math.min(API_POOL_SIZE, settings.database.pool_overflow),
          },
          { logger: dbLog },
        );
    closers.push(() => pool.close());
    const db = timedDatabase(
      pool,
      (op, ms, ok, connection) => telemetry.recordDbQuery(op, ms, ok, connection),
      dbLog,
    );
    const redis = settings.cache.redis_url ? createRedisProbe(settings.cache.redis_url) : null;
    if (redis) closers.push(() => redis.close());

    telemetry.watchProviders(info.providers.httpProviders);
    const circuits = () => {
      const all = telemetry.circuitStates();
      return Object.fromEntries(info.providers.httpProviders.map((p) => [p, all[p] ?? 'closed']));
    };
    const health: HealthMonitor = new HealthMonitor({
      releaseId: opts.version,
      serviceId: `options-engine@${instance}`,
      startedAt,
      db,
      dbLocation: info.location,
      redis,
      cache: currentCache,
      circuits,
      busy: () => (scheduler?.state().running?.stage === 'saving' ? 'a scan is being saved' : null),
      diskPath: () => resolve(settings.database.url ? settings.logging.dir : settings.database.data_dir),
      limits: () => {
        const rules = alertRules(monitoring);
        return {
          diskPercent: lowestThreshold(rules, 'disk_usage'),
          memoryPercent: lowestThreshold(rules, 'memory_usage'),
          slowMs: settings.logging.slow_threshold_ms,
        };
      },
      freshness: (now) => {
        const ex = settings.execution;
        return {
          expectScans: !ex.market_hours_only || isMarketOpen(now),
          maxAgeMs: 2 * ex.interval_minutes * 60_000 + ex.scan_timeout_seconds * 1000,
        };
      },
      localLastScanAt: () => scheduler?.state().lastCompletedAt ?? null,
      logger: child('health'),
    });
    closers.push(() => health.stop());

    const scanHealth = new ScanHealthTracker();
    let alerts: AlertManager | null = null;
    const gate = scanGateFor(pool, settings.database.url !== null);
    const sched = new Scheduler({
      execution: () => settings.execution,
      runScan: async (run) => {
        // A hung engine is killed past the scan timeout + grace (runLimit) and stops the service
        // (exit 1), which also releases the shared database's scan lock held for this scan.
        const timeoutSeconds = (run.params?.settings ?? settings).execution.scan_timeout_seconds;
        const { outcome, timing } = await engine.run(run, runLimit(timeoutSeconds));
        telemetry.recordScan(timing);
        return outcome;
      },
      gate,
      onOutcome: (o, params) => {
        if (o.table) opts.stdout(o.table);
        if (isProductionScan(params)) scanHealth.record(o);
        void health.refresh().then(() => alerts?.tick());
      },
      logger: child('scheduler'),
    });
    scheduler = sched;
    telemetry.watchScheduler(() => {
      const s = sched.state();
      return { lastScanAt: s.lastCompletedAt, nextScanAt: s.nextRunAt };
    });
    closers.push(() => sched.stop(SCAN_STOP_GRACE_MS));
    await seedScanHistory(db, telemetry, log);
    await seedFailureStreak(db, scanHealth, log);
    await health.start();

    sampler = new MetricsSampler({
      db,
      telemetry,
      instance,
      intervalSeconds: () => settings.monitoring.sample_interval_seconds,
      extra: () => {
        const disk = health.current().doc.checks['disk:utilization']?.[0]?.observedValue;
        // Directory sizes feed `ops resource-utilization-report` / `capacity-planning` trends.
        return {
          disk_usage: typeof disk === 'number' ? disk : null,
          log_dir_bytes: dirSize(resolve(settings.logging.dir)),
          data_dir_bytes: dirSize(resolve(settings.database.data_dir)),
          backup_dir_bytes: dirSize(resolve(settings.backup.dir)),
        };
      },
      logger: child('metrics'),
    });
    const metricsSampler = sampler;
    const statusInput = (): StatusInput => ({
      version: opts.version,
      instance,
      pid: process.pid,
      startedAt,
      now: Date.now(),
      settings,
      files,
      scheduler: sched.state(),
      gateShared: gate.shared,
      database: {
        engine: info.engine,
        location: info.location,
        migration: info.migration,
        embeddedUrl: info.embeddedUrl,
      },
      cache: currentCache(),
      providers: { choice: info.providers.choice, circuits: circuits() },
      reload: lastReload,
      alerts: {
        rules: alertRules(monitoring).length,
        evaluationInterval: monitoring.evaluation_interval,
        channels: configuredChannels(settings.alerts),
        pending: alertManager.counts().pending,
        firing: alertManager
          .active()
          .filter((a) => a.state === 'firing')
          .map((a) => ({
            rule: a.rule.name,
            severity: a.rule.severity,
            value: a.value,
            since: a.since,
            firedAt: a.firedAt,
          })),
      },
    });
    // Alerting: the rules of monitoring.yaml evaluated here, notifications sent in the background.
    const alertLog = child('alerts');
    const dispatcher = new NotificationDispatcher({
      notifiers: buildNotifiers(settings.alerts),
      logger: alertLog,
      // recorded on the alert (channels, and `notifications` on the first): through the manager's write queue
      onDelivered: (channel, n, first) => void alertManager.delivered(n, channel, first),
    });
    closers.push(() => dispatcher.close());
    const alertManager = new AlertManager({
      db,
      read: alertReader(
        {
          metrics: () => telemetry.snapshot(),
          connectionErrors: () => telemetry.connectionErrors(),
          disk: () => {
            const v = health.current().doc.checks['disk:utilization']?.[0]?.observedValue;
            return typeof v === 'number' ? v : null;
          },
          lastScanAt: () => health.lastScanAt(),
          expectScans: (now) => !settings.execution.market_hours_only || isMarketOpen(now),
          expectedSince: (now) =>
            settings.execution.market_hours_only
              ? currentOrNextSession(now).openMs
              : Number.NEGATIVE_INFINITY,
          circuits,
          intervalMs: () => settings.execution.interval_minutes * 60_000,
          startedAt,
        },
        scanHealth,
      ),
      rules: alertRules(monitoring),
      intervalMs: durationMs(monitoring.evaluation_interval),
      cooldownMs: settings.alerts.cooldown_minutes * 60_000,
      notify: (n) => dispatcher.dispatch(n),
      instance,
      logger: alertLog,
      onChange: (active) => health.setAlertChecks(alertHealthChecks(active, Date.now())),
    });
    alerts = alertManager;
    telemetry.watchAlerts(() => ({ ...alertManager.counts(), notifications: dispatcher.stats() }));

    const app = await buildServer({
      logger: child('http'),
      telemetry,
      health,
      version: opts.version,
      settings: () => settings,
      status: statusInput,
      api: { db, trigger: (params) => sched.trigger(params), running: () => sched.state().running },
      alerts: { active: () => alertManager.active(), instance },
    });
    closers.push(() => app.close());
    const address = await app.listen({ port: settings.monitoring.port, host: settings.monitoring.host });
    metricsSampler.start();
    closers.push(() => metricsSampler.stop());
    await alertManager.start();
    closers.push(() => alertManager.stop());
    // The engine died while the service was starting (its crash could not stop what did not exist
    // yet): fail the start — exit 1, systemd restarts the service — instead of running without it.
    // From here on no await comes before `stop` is defined, so a later crash stops the service.
    const failedEngine = engineFailure as Error | null;
    if (failedEngine) throw new Error(`the scan engine failed during start-up: ${failedEngine.message}`);
    telemetry.resetLoopLag();
    sched.start(opts.firstScan !== false);
    log.info(
      {
        url: address,
        version: opts.version,
        db: info.location,
        cache: info.cacheConfigured,
        provider: info.providers.choice.primary,
        migration: info.migration,
      },
      'service started',
    );

    const refuseReload = (message: string): false => {
      log.error(
        { err: message },
        `configuration reload failed, keeping the previous configuration: ${message}`,
      );
      lastReload = { at: Date.now(), ok: false, error: message };
      return false;
    };
    // The engine applies the new settings first (its providers are built from them): when it
    // cannot, the whole reload is refused and nothing changes here either.
    const reloadNow = async (): Promise<boolean> => {
      let next: LoadedConfig;
      try {
        next = opts.load();
      } catch (e) {
        return refuseReload(e instanceof Error ? e.message : String(e));
      }
      const nextSettings = keepRestartOnly(settings, next.settings);
      const refused = await engine.reconfigure(nextSettings);
      if (refused !== null) return refuseReload(refused);
      const restart = restartOnlyChanges(settings, next.settings);
      if (restart.length)
        log.warn({ keys: restart.join(',') }, 'changed settings take effect after a restart');
      settings = nextSettings;
      logging.addSecrets(secretValues(settings)); // a new token or key in the reloaded files
      monitoring = next.monitoring;
      files = next.files;
      for (const l of [logging.logger, ...loggers.values()]) l.level = settings.logging.level;
      sched.reconfigure();
      metricsSampler.reschedule();
      dispatcher.replaceNotifiers(buildNotifiers(settings.alerts));
      void alertManager.reconfigure(
        alertRules(monitoring),
        durationMs(monitoring.evaluation_interval),
        settings.alerts.cooldown_minutes * 60_000,
      );
      void health.refresh();
      lastReload = { at: Date.now(), ok: true, error: null };
      log.info({ files: files.join(',') }, 'configuration reloaded');
      return true;
    };
    let reloads: Promise<unknown> = Promise.resolve();
    const reload = (): Promise<boolean> => {
      const r = reloads
        .then(reloadNow)
        .catch((e: unknown) => refuseReload(e instanceof Error ? e.message : String(e)));
      reloads = r;
      return r;
    };

    let stopping: Promise<void> | null = null;
    let resolveStopped: (code: number) => void = () => {};
    const stopped = new Promise<number>((r) => {
      resolveStopped = r;
    });
    stop = (reason, code = 0) => {
      stopping ??= (async () => {
        log.info({ reason }, 'stopping: no new requests or scans; finishing the scan in flight');
        health.setDraining();
        let deadline: NodeJS.Timeout | undefined;
        const armDeadline = (ms: number) => {
          if (opts.signals === false) return;
          clearTimeout(deadline);
          deadline = setTimeout(() => {
            log.fatal({ reason }, 'stop did not finish in time; exiting');
            process.exit(1);
          }, ms).unref();
        };
        armDeadline(opts.stopDeadlineMs ?? 10_000);
        metricsSampler.stop();
        await Promise.all([
          app.close(),
          // a scan being saved gets its save's time; the deadline moves with it
          sched.stop(SCAN_STOP_GRACE_MS, SAVE_STOP_GRACE_MS, (more) =>
            armDeadline(more + (opts.stopDeadlineMs ?? 10_000)),
          ),
          alertManager.stop(),
        ]);
        await Promise.all([metricsSampler.sample(), dispatcher.drain(ALERT_DRAIN_MS)]);
        await dispatcher.close();
        health.stop();
        await Promise.all([pool.close().catch(() => {}), redis?.close()]);
        await engine.close(ENGINE_CLOSE_MS);
        telemetry.close();
        uninstall();
        log.info({ reason }, 'stopped');
        await logging.close();
        resolveStopped(code);
      })();
      return stopping;
    };

    const uninstall =
      opts.signals !== false
        ? installSignals({
            stop: (sig) => void stop(sig),
            stopping: () => stopping !== null,
            reload: () => {
              logging.reopen();
              void reload();
            },
            reopen: () => {
              logging.reopen();
              log.info('log files reopened');
            },
            log,
          })
        : () => {};
    return {
      app,
      url: address,
      scheduler: sched,
      telemetry,
      stopped,
      stop: (reason = 'stop requested') => stop(reason),
      reload,
      reopenLogs: () => logging.reopen(),
    };
  } catch (e) {
    log.error({ err: e instanceof Error ? e : new Error(String(e)) }, 'service failed to start');
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch {
        // best effort: the start error is what matters
      }
    }
    await logging.close();
    throw e;
  }
}

/** Scan timings survive a restart: /metrics has percentiles before the first scan here. */
/** The failure streak of the stored live scans, for `engine.scan_failures` across a restart. */
async function seedFailureStreak(db: Database, scans: ScanHealthTracker, log: Logger): Promise<void> {
  try {
    scans.seed((await listScans(db, { live: true, limit: 100 })).map((s) => s.status));
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'scan failure streak not read');
  }
}

async function seedScanHistory(db: Database, telemetry: Telemetry, log: Logger): Promise<void> {
  try {
    const recent = await listScans(db, { status: 'completed', limit: 100 });
    telemetry.seedScanHistory(
      recent.reverse().map((s) => {
        const counts = s.counts as { tickers?: { scanned?: number }; candidates?: { evaluated?: number } };
        return {
          status: 'completed',
          timingsMs: s.timings,
          tickersScanned: Number(counts.tickers?.scanned ?? 0),
          candidatesEvaluated: Number(counts.candidates?.evaluated ?? 0),
        };
      }),
    );
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'scan history not read');
  }
}
