/**
 * Child-process entry of the engine supervision tests: `node --import tsx engineHarness.ts <scenario>
 * <dataDir> <socketPort>` starts the real scan engine through ScanEngine (as the service does; the
 * engine process inherits tsx), plays one scenario and prints one JSON line `RESULT {…}` on stdout
 * (and `ENGINE <pid>` first, so that the test can clean up a stopped engine whatever happens).
 *
 * - `hang`: the engine is stopped (SIGSTOP), then a scan is requested with a 1.5 s deadline.
 * - `reconfigure`: new settings whose providers cannot be built (tradier without a key), then a
 *   scan, then valid new settings.
 * - `killed`: the engine is killed (SIGKILL) during a scan, then a new engine starts on the same data; the
 *   scan's row and the new engine's log lines about it.
 * - `idle`: a fast watchdog (ping every 200 ms, silent for 1.5 s = hung); the engine answers for 3 s, then is
 *   stopped (SIGSTOP) while no scan runs.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../../src/config/loadConfig.js';
import type { Settings } from '../../../src/config/schema.js';
import { universeSymbols } from '../../../src/market/universe.js';
import { ScanEngine } from '../../../src/service/engine/scanEngine.js';
import { alive, children, sleep } from './processes.js';

const [scenario, dataDir, socketPort] = process.argv.slice(2);

const settings: Settings = loadConfig({
  env: { DATA_DIR: dataDir, OPTIONS_ENGINE_WATCHLIST: 'SPY' },
  overrides: [{ path: 'database.embedded_socket_port', value: Number(socketPort), source: 'test' }],
}).settings;

const crashes: string[] = [];
const logs: string[] = [];
const watchdog = scenario === 'idle' ? { intervalMs: 200, unresponsiveMs: 1500 } : undefined;
const engine = await ScanEngine.start(
  settings,
  {
    apiCall: () => {},
    providerCall: () => {},
    circuit: () => {},
    cacheStats: () => {},
    dbQuery: () => {},
    log: (level, component, _fields, msg) => {
      logs.push(`${level} ${component}: ${msg}`);
    },
    providers: () => {},
    crash: (e) => {
      crashes.push(e.message);
    },
  },
  undefined,
  watchdog,
);
const [pid] = children();
process.stdout.write(`ENGINE ${pid}\n`);

const scan = (tickers: string[]) =>
  engine.run({ id: randomUUID(), trigger: 'api', params: { tickers }, signal: new AbortController().signal });
const result: Record<string, unknown> = { scenario };

if (scenario === 'hang') {
  process.kill(pid, 'SIGSTOP');
  const started = Date.now();
  try {
    await engine.run(
      { id: randomUUID(), trigger: 'service', signal: new AbortController().signal },
      { deadlineMs: 1500, savingMs: 500 },
    );
    result.run = 'resolved';
  } catch (e) {
    result.run = (e as Error).message;
  }
  result.afterMs = Date.now() - started;
  for (let i = 0; i < 200 && alive(pid); i++) await sleep(10);
  result.engineAlive = alive(pid);
  result.crashes = crashes;
  result.logs = logs.filter((l) => l.startsWith('error engine'));
} else if (scenario === 'idle') {
  await sleep(3000); // two seconds past the silence limit: the answered pings keep it alive
  result.crashesWhileAnswering = [...crashes];
  result.aliveWhileAnswering = alive(pid);
  process.kill(pid, 'SIGSTOP');
  const stopped = Date.now();
  while (crashes.length === 0 && Date.now() - stopped < 10_000) await sleep(20);
  result.afterMs = Date.now() - stopped;
  for (let i = 0; i < 200 && alive(pid); i++) await sleep(10);
  result.engineAlive = alive(pid);
  result.crashes = crashes;
  result.logs = logs.filter((l) => l.startsWith('error engine'));
} else if (scenario === 'reconfigure') {
  const bad = structuredClone(settings);
  bad.providers.primary = 'tradier';
  bad.providers.tradier.api_key = null;
  result.refused = await engine.reconfigure(bad);
  await sleep(200);
  result.engineAliveAfterRefusal = alive(pid);
  result.providersAfterRefusal = engine.info.providers.choice.primary;
  try {
    const { outcome } = await scan(['SPY']);
    result.scan = outcome.status;
  } catch (e) {
    result.scan = `rejected: ${(e as Error).message}`;
  }
  const good = structuredClone(settings);
  good.api.timeout = settings.api.timeout + 1;
  result.applied = await engine.reconfigure(good);
  result.crashes = crashes;
  await engine.close(5000);
} else if (scenario === 'killed') {
  // the engine is killed (kill -9) during a scan, then a new engine starts on the same data
  const id = randomUUID();
  let stage: string | null = null;
  const outcome = engine
    .run({
      id,
      trigger: 'api',
      params: { tickers: universeSymbols().slice(0, 150) },
      signal: new AbortController().signal,
      onStage: (s) => {
        stage ??= s;
      },
    })
    .then(
      () => 'resolved',
      (e: Error) => e.message,
    );
  while (stage === null) await sleep(5);
  result.killedAt = stage;
  process.kill(pid, 'SIGKILL');
  result.run = await outcome;
  for (let i = 0; i < 200 && alive(pid); i++) await sleep(10);
  logs.length = 0;
  const next = await ScanEngine.start(settings, {
    apiCall: () => {},
    providerCall: () => {},
    circuit: () => {},
    cacheStats: () => {},
    dbQuery: () => {},
    log: (level, component, fields, msg) => {
      logs.push(`${level} ${component}: ${msg} ${JSON.stringify(fields)}`);
    },
    providers: () => {},
    crash: (e) => {
      crashes.push(e.message);
    },
  });
  const client = new pg.Client({ connectionString: next.info.embeddedUrl ?? '' });
  await client.connect();
  const r = await client.query(
    'SELECT status, errors, finished_at IS NOT NULL AS finished FROM scans WHERE id = $1',
    [id],
  );
  await client.end();
  result.row = r.rows[0] ?? null;
  result.logs = logs.filter((l) => l.includes(id));
  await next.close(5000);
}
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
await engine.close(2000);
