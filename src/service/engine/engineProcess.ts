/**
 * The scan engine, a child process of the service at a lower CPU priority, so that the service's
 * HTTP event loop never waits for it: market-data providers, the cache, the scan pipeline and the
 * scan's database writes — and, without DATABASE_URL, the embedded PGlite itself (PGlite runs its
 * WASM backend on the thread that owns it). The embedded database is served on loopback
 * (store/pgliteSocket), which is how the service, psql and the CLI reach it. Telemetry and log
 * lines go to the service as IPC messages (protocol.ts); the service alone handles signals.
 */
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { Settings } from '../../config/schema.js';
import { type EngineCache, openCache } from '../../store/cache.js';
import type { Database, StoreLogger } from '../../store/db.js';
import { StoreError } from '../../store/errors.js';
import { migrate } from '../../store/migrate.js';
import { openDatabase } from '../../store/openDatabase.js';
import { type EmbeddedServer, serveEmbeddedDatabase } from '../../store/pgliteSocket.js';
import { interruptRunningScans } from '../../store/scanStarts.js';
import { providersChanged } from '../configChanges.js';
import { instanceName } from '../instanceName.js';
import { runScanJob, scanStaleAfterMs } from '../scanJob.js';
import { buildServiceProviders, type ProviderEvents, type ServiceProviders } from '../serviceProviders.js';
import { timedDatabase } from '../timedDatabase.js';
import type {
  EngineProviders,
  FromEngine,
  LogLevel,
  ScanRequestMessage,
  TelemetryBatch,
  ToEngine,
} from './protocol.js';

if (!process.send) throw new Error('engineProcess runs as a child process of the service (IPC channel)');
const send = process.send.bind(process);
// A write to a channel whose far end was killed fails later (EPIPE): without a callback it came back as an
// 'error' event that nothing handled, and the engine crashed instead of closing its database on 'disconnect'.
const lost = (_err: Error | null) => {};
const post = (m: FromEngine) => {
  if (process.connected) send(m, undefined, undefined, lost);
};

/** Nice value of the engine: scans yield the CPU to the HTTP process when both want it. */
export const ENGINE_NICE = 10;

/**
 * Lowers the priority of every thread of this process (Linux schedules threads individually, and
 * V8's helper threads exist before this code runs; threads created later inherit it). Raising the
 * nice value needs no privilege (systemd's NoNewPrivileges is fine); elsewhere this is a no-op.
 */
function lowerPriority(): void {
  try {
    for (const tid of readdirSync('/proc/self/task')) setPriority(Number(tid), ENGINE_NICE);
  } catch {
    try {
      setPriority(ENGINE_NICE);
    } catch {
      // not permitted here: the engine runs at the service's priority
    }
  }
}
lowerPriority();

// The service decides when the engine stops: terminal Ctrl-C (SIGINT to the process group),
// systemd's SIGTERM to the control group, logrotate's SIGUSR2 and SIGHUP are not for this process.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR2'] as const) process.on(sig, () => {});

/** Errors become `{ type, message }` (what the log line format prints); the rest is cloned as is. */
function plain(fields: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    out[k] = v instanceof Error ? { type: v.name, message: v.message } : v;
  }
  return out;
}

function messageLogger(component: string): StoreLogger {
  const send = (level: LogLevel) => (fields: object, msg?: string) =>
    post({ type: 'log', level, component, fields: plain(fields), msg: msg ?? '' });
  return { info: send('info'), warn: send('warn'), error: send('error') };
}

/** Telemetry gathered since the last flush (see TelemetryBatch). */
let batch: TelemetryBatch = { apiCalls: [], providerCalls: [], dbQueries: [] };
let flushTimer: NodeJS.Timeout | null = null;
function flushTelemetry(): void {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  if (batch.apiCalls.length + batch.providerCalls.length + batch.dbQueries.length === 0) return;
  post({ type: 'telemetry', batch });
  batch = { apiCalls: [], providerCalls: [], dbQueries: [] };
}
const flushSoon = () => {
  flushTimer ??= setTimeout(flushTelemetry, 250);
};

const events: ProviderEvents = {
  apiCall: (call) => {
    batch.apiCalls.push(call);
    flushSoon();
  },
  providerCall: (provider, endpoint, ms, outcome) => {
    batch.providerCalls.push([provider, endpoint, ms, outcome]);
    flushSoon();
  },
  circuit: (provider, state) => post({ type: 'circuit', provider, state }),
};

interface EngineState {
  settings: Settings;
  /** This service instance (`instanceName`, fixed at the start). */
  instance: string;
  rawDb: Database;
  db: Database;
  embedded: EmbeddedServer | null;
  cache: EngineCache;
  providers: ServiceProviders;
  retired: ServiceProviders[];
  running: Map<string, { controller: AbortController; done: Promise<void> }>;
  statsTimer: NodeJS.Timeout;
}

let state: EngineState | null = null;

const providersInfo = (p: ServiceProviders): EngineProviders => ({
  choice: p.choice,
  httpProviders: p.httpProviders,
});
const postCacheStats = () => {
  if (state) post({ type: 'cacheStats', stats: state.cache.stats() });
};

/** Serves the embedded database on the configured port, or on any free one when that is taken. */
async function serve(db: Database, port: number, log: StoreLogger): Promise<EmbeddedServer> {
  try {
    return await serveEmbeddedDatabase(db, { port, logger: log });
  } catch (e) {
    if (!(e instanceof StoreError) || !/in use/.test(e.message)) throw e;
    log.warn({ port }, `${e.message}; serving on a free port instead (recorded in the data dir lock file)`);
    return serveEmbeddedDatabase(db, { port: 0, logger: log });
  }
}

async function init(settings: Settings): Promise<void> {
  const dbLog = messageLogger('db');
  const rawDb = await openDatabase(settings.database, { logger: dbLog });
  try {
    const migrated = await migrate(rawDb, { logger: dbLog });
    // scans left running by a stop that killed them: recorded as failed, interrupted — on the embedded database
    // every one (it has one owner), on a shared server this instance's and any past the longest a scan may run
    const instance = instanceName(settings);
    const now = new Date();
    const scope =
      rawDb.engine === 'pglite'
        ? {}
        : { instance, startedBefore: new Date(now.getTime() - scanStaleAfterMs(settings)) };
    for (const lost of await interruptRunningScans(rawDb, scope, now))
      messageLogger('scan').warn(
        { scanId: lost.id, startedAt: lost.startedAt.toISOString() },
        'scan interrupted by the last stop (nothing of it was stored); recorded as failed',
      );
    const embedded =
      rawDb.engine === 'pglite' ? await serve(rawDb, settings.database.embedded_socket_port, dbLog) : null;
    const db = timedDatabase(
      rawDb,
      (operation, ms, ok, connection) => {
        batch.dbQueries.push([operation, ms, ok, connection]);
        flushSoon();
      },
      dbLog,
    );
    const cache = await openCache(settings.cache, { logger: messageLogger('cache') });
    const providers = buildServiceProviders(settings, events, messageLogger('api'));
    const statsTimer = setInterval(postCacheStats, 2000);
    statsTimer.unref();
    state = {
      settings,
      instance,
      rawDb,
      db,
      embedded,
      cache,
      providers,
      retired: [],
      running: new Map(),
      statsTimer,
    };
    post({
      type: 'ready',
      info: {
        engine: rawDb.engine,
        location: rawDb.location,
        embeddedUrl: embedded?.url ?? null,
        migration: migrated.current,
        cacheConfigured: cache.stats().configured,
        providers: providersInfo(providers),
      },
    });
  } catch (e) {
    await rawDb.close().catch(() => {});
    throw e;
  }
}

async function closeRetired(s: EngineState): Promise<void> {
  if (s.running.size > 0) return;
  const list = s.retired;
  s.retired = [];
  await Promise.all(list.map((p) => p.close().catch(() => {})));
}

async function scan(run: ScanRequestMessage): Promise<void> {
  const s = state!;
  const controller = new AbortController();
  let finish: () => void = () => {};
  s.running.set(run.id, { controller, done: new Promise((r) => (finish = r)) });
  try {
    const { outcome, timing } = await runScanJob(
      {
        id: run.id,
        trigger: run.trigger,
        params: run.params,
        signal: controller.signal,
        onStage: (stage) => post({ type: 'stage', id: run.id, stage }),
      },
      {
        db: s.db,
        cache: s.cache,
        providers: () => s.providers,
        settings: () => s.settings,
        logger: messageLogger('scan'),
        instance: s.instance,
      },
    );
    flushTelemetry();
    post({ type: 'scanDone', id: run.id, outcome, timing });
  } catch (e) {
    const now = Date.now();
    const message = e instanceof Error ? e.message : String(e);
    messageLogger('scan').error({ scanId: run.id, err: message }, 'scan failed to run');
    post({
      type: 'scanDone',
      id: run.id,
      outcome: {
        id: run.id,
        trigger: run.trigger,
        status: 'failed',
        startedAt: now,
        finishedAt: now,
        durationMs: 0,
        tradeCount: 0,
        result: null,
        message,
        saved: false,
        table: null,
        tickers: 0,
      },
      timing: { status: 'failed', timingsMs: { total: 0 }, tickersScanned: 0, candidatesEvaluated: 0 },
    });
  } finally {
    s.running.delete(run.id);
    finish();
    postCacheStats();
    await closeRetired(s);
  }
}

/**
 * Applies new settings (a reload); returns null, or why they were refused. Providers that cannot be
 * built from them (a provider without its key…) refuse the whole reload: the engine keeps its
 * previous settings and providers, and keeps running — the service logs the reload as refused.
 */
function reconfigure(settings: Settings): string | null {
  const s = state;
  if (!s) return 'the scan engine is not running';
  if (providersChanged(s.settings, settings)) {
    let providers: ServiceProviders;
    try {
      providers = buildServiceProviders(settings, events, messageLogger('api'));
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
    s.retired.push(s.providers);
    s.providers = providers;
    post({ type: 'providers', providers: providersInfo(s.providers) });
    void closeRetired(s);
  }
  s.settings = settings;
  return null;
}

async function close(): Promise<void> {
  const s = state;
  state = null;
  if (s) {
    for (const r of s.running.values()) r.controller.abort(new Error('service shutdown'));
    await Promise.all([...s.running.values()].map((r) => r.done));
    clearInterval(s.statsTimer);
    flushTelemetry();
    await Promise.all(
      [s.providers.close(), ...s.retired.map((p) => p.close())].map((p) => p.catch(() => {})),
    );
    await s.cache.close().catch(() => {});
    await s.embedded?.stop();
    await s.rawDb.close();
  }
  post({ type: 'closed' });
}

process.on('message', (m: ToEngine) => {
  const fail = (e: unknown) => post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
  switch (m.type) {
    case 'init':
      init(m.settings).catch(fail);
      break;
    case 'scan':
      void scan(m.run);
      break;
    case 'abort':
      state?.running.get(m.id)?.controller.abort(new Error('service shutdown'));
      break;
    case 'reconfigure': {
      let error: string | null;
      try {
        error = reconfigure(m.settings);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      post({ type: 'reconfigured', id: m.id, error });
      break;
    }
    case 'ping':
      post({ type: 'pong', id: m.id });
      break;
    case 'close':
      close()
        .catch(fail)
        .finally(() => process.disconnect());
      break;
  }
});

// The service went away without closing us (killed): close the database cleanly, then leave.
process.on('disconnect', () => {
  void close()
    .catch(() => {})
    .finally(() => process.exit(0));
});
