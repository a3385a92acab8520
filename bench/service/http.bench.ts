/**
 * HTTP load on the service while scans run, beside a bare fastify hello-world as the reference
 * (issue #7): autocannon, 100 connections, 10 s per target (BENCH_HTTP_SECONDS to change it).
 * Targets: /health ≥ 70 % of the reference's requests/s, p99 < 25 ms, zero errors.
 *
 * Each server runs in its own process (node --import tsx); autocannon runs here. The service uses
 * the embedded defaults (simulated market, PGlite, memory cache) and scans the whole built-in
 * universe back to back during the runs (a POST /api/scans every 1.5 s; 409 while one runs).
 * The machine is shared: figures are approximate.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const CONNECTIONS = 100;
const TOKEN = 'bench-token-7c1d';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function launch(file: string, env: Record<string, string>): ChildProcess {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      v !== undefined &&
      !/^(DATABASE_URL|REDIS_URL|TRADIER_|OPTIONS_ENGINE_|PORT$|LOG_DIR|DATA_DIR)/.test(k)
    )
      clean[k] = v;
  }
  return spawn(process.execPath, ['--import', 'tsx', join(HERE, file)], {
    cwd: ROOT,
    env: { ...clean, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function waitFor(url: string, ok: (body: unknown) => boolean, ms = 180_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.ok && ok(await r.json())) return;
    } catch {
      // not up yet
    }
    await sleep(250);
  }
  throw new Error(`${url} not ready`);
}

async function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await Promise.race([exited, sleep(12_000)]);
  if (p.exitCode === null) p.kill('SIGKILL');
}

interface Row {
  name: string;
  /** Requests per second over all its slices. */
  rps: number;
  p50: number;
  /** Worst p99 of its slices, ms. */
  p99: number;
  errors: number;
}

const load = (url: string, seconds: number) =>
  autocannon({ url, connections: CONNECTIONS, duration: seconds });

/** Sums slices of one target: requests/s over their time, mean p50, worst p99, all errors. */
function combine(name: string, results: Result[]): Row {
  const seconds = results.reduce((a, r) => a + r.duration, 0);
  const requests = results.reduce((a, r) => a + r.requests.total, 0);
  return {
    name,
    rps: requests / seconds,
    p50: results.reduce((a, r) => a + r.latency.p50, 0) / results.length,
    p99: Math.max(...results.map((r) => r.latency.p99)),
    errors: results.reduce((a, r) => a + r.errors + r.timeouts + r.non2xx, 0),
  };
}

function line(r: Row): string {
  return `${r.name.padEnd(34)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50.toFixed(0).padStart(4)} ms   p99 ${String(r.p99).padStart(5)} ms   errors ${r.errors}`;
}

/**
 * The machine's load drifts by a factor of two within minutes, so the reference and the service
 * are measured in alternating 2-s slices (10 s each in total), both servers running all along.
 */
export default async function run(): Promise<void> {
  const slices = Math.max(1, Math.round(SECONDS / 2));
  const slice = SECONDS / slices;
  console.log(
    `autocannon ${CONNECTIONS} connections, ${SECONDS} s per target in ${slices} alternating slices (approximate: shared machine)`,
  );
  const helloPort = await freePort();
  const hello = launch('helloServer.ts', { PORT: String(helloPort) });
  const dir = mkdtempSync(join(tmpdir(), 'oe-bench-http-'));
  const port = await freePort();
  mkdirSync(join(dir, 'config'));
  writeFileSync(
    join(dir, 'config', 'settings.yaml'),
    `database:\n  embedded_socket_port: ${await freePort()}\n`,
  );
  const service = launch('serveMain.ts', {
    PORT: String(port),
    DATA_DIR: join(dir, 'data'),
    LOG_DIR: join(dir, 'logs'),
    OPTIONS_ENGINE_CONFIG_DIR: join(dir, 'config'),
    OPTIONS_ENGINE_API_TOKEN: TOKEN,
  });
  const ref = `http://127.0.0.1:${helloPort}/`;
  const base = `http://127.0.0.1:${port}`;
  let scans = 0;
  let driving = false;
  const drive = async () => {
    while (driving) {
      const r = await fetch(`${base}/api/scans`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      }).catch(() => null);
      if (r?.status === 202) scans++;
      await sleep(1500);
    }
  };
  const rows: Row[] = [];
  try {
    await waitFor(ref, () => true, 60_000);
    await waitFor(`${base}/status`, (b) => (b as { lastScan: unknown }).lastScan !== null);
    const status = (await (await fetch(`${base}/status`)).json()) as {
      lastScan: { durationMs: number; tickers: number };
    };
    console.log(
      `first scan: ${status.lastScan.tickers} tickers in ${status.lastScan.durationMs} ms (save excluded)`,
    );
    await load(ref, 2); // warm-up
    await load(`${base}/health`, 2);
    rows.push(combine('/health, idle', [await load(`${base}/health`, slice)]));
    driving = true;
    const driver = drive();
    const bare: Result[] = [];
    const busy: Result[] = [];
    for (let i = 0; i < slices; i++) {
      bare.push(await load(ref, slice));
      busy.push(await load(`${base}/health`, slice));
    }
    rows.unshift(combine('bare fastify hello-world', bare));
    rows.push(combine('/health while scans run', busy));
    rows.push(combine('/metrics (JSON) while scans run', [await load(`${base}/metrics`, SECONDS)]));
    driving = false;
    await driver;
    const m = (await (await fetch(`${base}/metrics`)).json()) as {
      performance: { scan_duration_ms: { p50: { total?: number } } };
    };
    console.log(
      `scans started during the runs: ${scans}; scan p50 ${m.performance.scan_duration_ms.p50.total} ms`,
    );
  } finally {
    driving = false;
    await Promise.all([stop(hello), stop(service)]);
    rmSync(dir, { recursive: true, force: true });
  }
  for (const row of rows) console.log(line(row));
  const ref0 = rows[0];
  const h = rows.find((x) => x.name === '/health while scans run')!;
  console.log(
    `/health while scanning: ${((100 * h.rps) / ref0.rps).toFixed(0)} % of the reference (target ≥ 70 %), p99 ${h.p99} ms (target < 25 ms), errors ${h.errors} (target 0)`,
  );
}
