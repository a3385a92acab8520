/**
 * Supervision of the scan engine process by the service: an engine that dies during the service's
 * start-up fails the start (exit 1, for systemd to restart it) instead of leaving a service without
 * an engine; a hung engine is killed past the scan's deadline (scan timeout + grace) and stops the
 * service with exit 1; a reload whose providers cannot be built is refused by the engine, which
 * keeps running on its previous providers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { RUN_GRACE_MIN_MS, runLimit } from '../../src/service/engine/scanEngine.js';
import {
  freePort,
  type ServiceProcess,
  startServiceProcess,
  TEST_TOKEN,
  until,
} from './helpers/serviceProcess.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRUBBED =
  /^(DATABASE_URL|REDIS_URL|DATA_DIR|LOG_DIR|LOG_LEVEL|LOG_JSON|PORT|TRADIER_|FRED_|QUIVER_|OPTIONS_ENGINE_|API_|CACHE_|ALERT_|SLACK_|BACKUP_DIR|THREAD_POOL_SIZE)/;

const dirs: string[] = [];
const procs: ChildProcess[] = [];
/** Engine processes a test stopped (SIGSTOP): killed whatever happens. */
const engines: number[] = [];
const services: ServiceProcess[] = [];
afterEach(async () => {
  for (const pid of engines.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const p of procs.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  for (const svc of services.splice(0)) await svc.dispose();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Pids of the children of `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const list = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
    if (list) out.push(...list.split(/\s+/).map(Number));
  }
  return out;
}

/** Runs test/service/helpers/engineHarness.ts with a scenario; resolves with its RESULT object. */
async function runHarness(scenario: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'oe-eng-'));
  dirs.push(dir);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUBBED.test(k)) env[k] = v;
  const harness = fileURLToPath(new URL('./helpers/engineHarness.ts', import.meta.url));
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', harness, scenario, join(dir, 'data'), String(await freePort())],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  procs.push(proc);
  let out = '';
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /^ENGINE (\d+)$/m.exec(out);
    if (m && !engines.includes(Number(m[1]))) engines.push(Number(m[1]));
  });
  const end = Date.now() + timeoutMs;
  for (;;) {
    const m = /^RESULT (.*)$/m.exec(out);
    if (m) return JSON.parse(m[1]) as Record<string, unknown>;
    if (Date.now() > end || proc.exitCode !== null)
      throw new Error(`engine harness ${scenario}: no result\n${out}\n${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs a service entry (test/service/helpers/…) on embedded defaults; resolves at its exit. */
async function runEntry(entry: string, timeoutMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'oe-sup-'));
  dirs.push(dir);
  const configDir = join(dir, 'config');
  const logDir = join(dir, 'logs');
  mkdirSync(configDir);
  const [port, socketPort] = [await freePort(), await freePort()];
  writeFileSync(join(configDir, 'settings.yaml'), `database:\n  embedded_socket_port: ${socketPort}\n`);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUBBED.test(k)) env[k] = v;
  Object.assign(env, {
    OPTIONS_ENGINE_CONFIG_DIR: configDir,
    DATA_DIR: join(dir, 'data'),
    LOG_DIR: logDir,
    PORT: String(port),
    OPTIONS_ENGINE_WATCHLIST: 'SPY',
  });
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(entry, import.meta.url))], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.push(proc);
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  proc.stdout?.resume();
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    proc.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  const appLog = join(logDir, 'app.log');
  return { code, stderr: err, appLog: existsSync(appLog) ? readFileSync(appLog, 'utf8') : '' };
}

describe('an engine crash during start-up', () => {
  it('fails the start with exit 1 instead of running on without an engine', async () => {
    const r = await runEntry('./helpers/engineCrashEntry.ts', 30_000);
    expect(r.stderr).toContain('engineCrashEntry: killing the scan engine');
    expect(r.appLog).toMatch(
      /\[CRITICAL\] options_engine\.service: the scan engine failed;.*: the scan engine exited \(SIGKILL\)/,
    );
    // Before the fix the process logged "service started" and stayed up (code null: still running).
    expect(r.code, `${r.stderr}\n${r.appLog}`).toBe(1);
    expect(r.appLog).not.toContain('service started');
    expect(r.appLog).toMatch(
      /\[ERROR\] options_engine\.service: service failed to start: the scan engine failed during start-up/,
    );
  }, 60_000);
});

describe('the scan deadline', () => {
  it('is the scan timeout plus half of it, at least 30 s more; saving gets the grace again', () => {
    expect(runLimit(300)).toEqual({ deadlineMs: 450_000, savingMs: 150_000 });
    expect(runLimit(1)).toEqual({ deadlineMs: 1000 + RUN_GRACE_MIN_MS, savingMs: RUN_GRACE_MIN_MS });
  });

  it('kills an engine that does not answer by the deadline and reports it as an engine failure', async () => {
    const r = await runHarness('hang', 30_000);
    expect(r.run).toMatch(/^the scan engine did not finish scan .* within \d+ s/);
    expect(r.afterMs as number).toBeGreaterThanOrEqual(1400);
    expect(r.afterMs as number).toBeLessThan(5000);
    expect(r.engineAlive).toBe(false);
    expect(r.crashes).toEqual([r.run]);
    expect((r.logs as string[]).join('\n')).toContain('the scan engine is not answering');
  }, 45_000);

  it('kills an engine that stops answering while no scan runs (the watchdog), not one that answers', async () => {
    const r = await runHarness('idle', 30_000);
    expect(r.crashesWhileAnswering).toEqual([]);
    expect(r.aliveWhileAnswering).toBe(true);
    expect(r.crashes).toEqual([
      expect.stringMatching(/^the scan engine answered nothing for \d+(\.\d)? s; it was killed$/),
    ]);
    expect(r.afterMs as number).toBeGreaterThanOrEqual(1200); // 1.5 s of silence, less the last ping's age
    expect(r.afterMs as number).toBeLessThan(5000);
    expect(r.engineAlive).toBe(false);
    expect((r.logs as string[]).join('\n')).toContain('the scan engine is not answering: nothing from it');
  }, 45_000);

  it('stops the real service with exit 1 when its engine hangs during a scan', async () => {
    const svc = await startServiceProcess({ settings: 'execution:\n  scan_timeout_seconds: 1\n' });
    services.push(svc);
    const [engine] = childrenOf(svc.proc.pid as number);
    expect(engine).toBeGreaterThan(0);
    engines.push(engine);
    process.kill(engine, 'SIGSTOP');
    const started = Date.now();
    const res = await fetch(`${svc.url}/api/scans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tickers: ['SPY'] }),
    });
    expect(res.status).toBe(202);
    await until(
      'the scan waiting on the stopped engine',
      async () =>
        ((await (await fetch(`${svc.url}/status`)).json()) as { runningScan: { stage: string } | null })
          .runningScan?.stage === 'waiting',
    );
    const exit = await svc.exited;
    const waited = Date.now() - started;
    const log = readFileSync(join(svc.logDir, 'app.log'), 'utf8');
    expect(exit.code, log).toBe(1);
    // scan timeout 1 s + the 30 s grace, then the stop
    expect(waited).toBeGreaterThanOrEqual(1000 + RUN_GRACE_MIN_MS - 500);
    expect(waited).toBeLessThan(1000 + RUN_GRACE_MIN_MS + 15_000);
    expect(log).toMatch(/\[ERROR\] options_engine\.engine: the scan engine is not answering/);
    expect(log).toMatch(
      /\[CRITICAL\] options_engine\.service: the scan engine failed;.*: the scan engine did not finish scan/,
    );
    expect(log).toMatch(/\[INFO\] options_engine\.service: stopped reason="?engine failure/);
  }, 120_000);
});

describe('an engine killed during a scan', () => {
  it('leaves the scan running in the database, and the next start records it as failed, interrupted', async () => {
    const r = await runHarness('killed', 90_000);
    expect(r.killedAt).toBeTypeOf('string');
    expect(r.run).toMatch(/the scan engine exited \(SIGKILL\)/);
    expect(r.row).toEqual({
      status: 'failed',
      finished: true,
      errors: [
        {
          stage: 'unknown',
          message: 'interrupted: the service stopped during the scan; nothing of its result was stored',
        },
      ],
    });
    expect(r.logs).toEqual([
      expect.stringMatching(
        /^warn scan: scan interrupted by the last stop \(nothing of it was stored\); recorded as failed/,
      ),
    ]);
  }, 120_000);
});

describe('a reload the engine cannot apply', () => {
  it('is refused by the engine, which keeps running on its previous providers', async () => {
    const r = await runHarness('reconfigure', 60_000);
    expect(r.refused).toMatch(/providers\.tradier\.api_key/);
    expect(r.engineAliveAfterRefusal).toBe(true);
    expect(r.providersAfterRefusal).toBe('simulated');
    expect(r.scan).toBe('completed');
    // and a valid reload after it still applies
    expect(r.applied).toBeNull();
    expect(r.crashes).toEqual([]);
  }, 90_000);
});

describe('SIGHUP with providers that cannot be built', () => {
  it('is refused with an ERROR line; the service and its engine keep scanning on the old providers', async () => {
    const svc = await startServiceProcess();
    services.push(svc);
    const status = async () =>
      (await (await fetch(`${svc.url}/status`)).json()) as {
        providers: { primary: string };
        lastReload: { ok: boolean; error: string | null } | null;
        lastScan: { id: string; status: string } | null;
        runningScan: unknown;
      };
    expect((await status()).providers.primary).toBe('simulated');
    // (config validation may refuse this up front too; either way the reload is refused, nothing dies)
    svc.writeSettings('providers:\n  primary: tradier\n');
    svc.signal('SIGHUP');
    const errorLog = () => {
      const f = join(svc.logDir, 'error.log');
      return existsSync(f) ? readFileSync(f, 'utf8') : '';
    };
    const line = await until('the ERROR line', () =>
      errorLog()
        .split('\n')
        .find((l) => l.includes('configuration reload failed')),
    );
    expect(line).toMatch(
      /\[ERROR\] options_engine\.service: configuration reload failed, keeping the previous configuration: .*providers\.tradier\.api_key/,
    );
    expect((await status()).lastReload).toMatchObject({ ok: false });
    const res = await fetch(`${svc.url}/api/scans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tickers: ['SPY'] }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const done = await until('the scan', async () => {
      const s = await status();
      return s.lastScan?.id === id ? s : null;
    });
    expect(done.lastScan?.status).toBe('completed');
    expect(done.providers.primary).toBe('simulated');
    expect(svc.proc.exitCode).toBeNull();
    expect(errorLog()).not.toContain('the scan engine failed');
  }, 120_000);
});
