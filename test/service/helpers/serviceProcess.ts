/**
 * Starts the real service (`options-engine serve`) in a child process on a free port, configured
 * like an operator would: a config dir with settings.yaml, DATA_DIR, LOG_DIR and the environment.
 * The parent's DATABASE_URL / REDIS_URL / provider keys are NOT inherited: embedded defaults unless
 * the test passes them. `sh()` runs the operations guide's shell commands (curl | jq) as written.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./serveEntry.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Environment variables the service reads that a test must not inherit by accident. */
const SCRUBBED =
  /^(DATABASE_URL|REDIS_URL|DATA_DIR|LOG_DIR|LOG_LEVEL|LOG_JSON|PORT|TRADIER_|FRED_|QUIVER_|OPTIONS_ENGINE_|API_|CACHE_|ALERT_|SLACK_|BACKUP_DIR|THREAD_POOL_SIZE)/;

export const TEST_TOKEN = 'svc-test-token-5f2c9a71e0';

/** A free TCP port on loopback (closed again before it is handed out). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Runs a bash command line (the guide's `curl -s … | jq …`); resolves with stdout. */
export function sh(command: string, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['-o', 'pipefail', '-c', command],
      { timeout: timeoutMs, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${command}\n${stderr || err.message}`));
        else resolve(stdout);
      },
    );
  });
}

export interface ServiceProcess {
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  dir: string;
  configDir: string;
  dataDir: string;
  logDir: string;
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code and how long after `markStop()` it came, ms. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; afterStopMs: number | null }>;
  /** Sends a signal and notes the time (for "exits within 10 s"). */
  signal(sig: NodeJS.Signals): void;
  /** Overwrites the service's settings.yaml. */
  writeSettings(yaml: string): void;
  /** Stops the service (SIGTERM) and removes its files. */
  dispose(): Promise<void>;
}

export interface StartOptions {
  /** Extra YAML appended to settings.yaml (the embedded socket port is set by the helper). */
  settings?: string;
  env?: Record<string, string>;
  /** Wait until the first scan has completed (default true). */
  waitForScan?: boolean;
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every 100 ms until it returns something truthy (returned), or fails after `ms`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function getJson(url: string): Promise<{ status: number; body: unknown } | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return { status: res.status, body: await res.json() };
  } catch {
    return null;
  }
}

export async function startServiceProcess(opts: StartOptions = {}): Promise<ServiceProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'oe-svc-'));
  const configDir = join(dir, 'config');
  const dataDir = join(dir, 'data');
  const logDir = join(dir, 'logs');
  mkdirSync(configDir);
  const [port, socketPort] = [await freePort(), await freePort()];
  // Every collected chain is stored (not only the traded tickers'), so /api/chains has data to serve.
  const base = `database:\n  embedded_socket_port: ${socketPort}\n  snapshot_scope: all\n`;
  const writeSettings = (yaml: string) => writeFileSync(join(configDir, 'settings.yaml'), yaml);
  writeSettings(base + (opts.settings ?? ''));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUBBED.test(k)) env[k] = v;
  Object.assign(
    env,
    {
      OPTIONS_ENGINE_CONFIG_DIR: configDir,
      DATA_DIR: dataDir,
      LOG_DIR: logDir,
      PORT: String(port),
      OPTIONS_ENGINE_WATCHLIST: 'SPY,AAPL,MSFT',
      OPTIONS_ENGINE_API_TOKEN: TEST_TOKEN,
    },
    opts.env,
  );
  const proc = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  let stopAt: number | null = null;
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    afterStopMs: number | null;
  }>((resolve) => {
    proc.once('exit', (code, signal) =>
      resolve({ code, signal, afterStopMs: stopAt === null ? null : Date.now() - stopAt }),
    );
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const svc: ServiceProcess = {
    port,
    url,
    dir,
    configDir,
    dataDir,
    logDir,
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    signal(sig) {
      if (stopAt === null && (sig === 'SIGTERM' || sig === 'SIGINT')) stopAt = Date.now();
      proc.kill(sig);
    },
    writeSettings: (yaml) => writeSettings(base + yaml),
    async dispose() {
      if (!done) {
        proc.kill('SIGTERM');
        await Promise.race([exited, sleep(15_000)]);
        if (!done) proc.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    if (done) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`service exited during start:\n${err}\n${out}`);
    }
    const status = await getJson(`${url}/status`);
    const ready =
      status?.status === 200 &&
      (opts.waitForScan === false || (status.body as { lastScan: unknown }).lastScan);
    if (ready) return svc;
    if (Date.now() > deadline) {
      await svc.dispose();
      throw new Error(`service did not become ready within ${opts.timeoutMs ?? 120_000} ms:\n${err}\n${out}`);
    }
    await sleep(250);
  }
}
