/**
 * The process contract of the service under systemd, on one real service process: SIGHUP reloads
 * the configuration (a broken file is refused with an ERROR line and the old configuration stays),
 * SIGUSR2 reopens the logs after logrotate moved them, and SIGTERM during a scan exits 0 within
 * 10 s leaving no half-written scan in the database.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { universeSymbols } from '../../src/market/universe.js';
import { openDatabase } from '../../src/store/openDatabase.js';
import { type ServiceProcess, startServiceProcess, TEST_TOKEN, until } from './helpers/serviceProcess.js';

let svc: ServiceProcess;

beforeAll(async () => {
  svc = await startServiceProcess({ settings: 'trading:\n  max_trades: 4\n' });
});
afterAll(async () => {
  await svc?.dispose();
});

const status = async () =>
  (await (await fetch(`${svc.url}/status`)).json()) as {
    config: { trading: { maxTrades: number }; execution: { interval_minutes: number } };
    lastReload: { ok: boolean; error: string | null } | null;
    runningScan: { id: string; stage: string } | null;
  };

const readLog = (name: string) => {
  const f = join(svc.logDir, name);
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
};

describe('SIGHUP', () => {
  it('refuses a broken settings.yaml with an ERROR line and keeps the old configuration', async () => {
    expect((await status()).config.trading.maxTrades).toBe(4);
    svc.writeSettings('trading:\n  max_trades: 0\n');
    svc.signal('SIGHUP');
    const line = await until('the ERROR line', async () =>
      readLog('error.log')
        .split('\n')
        .find((l) => l.includes('configuration reload failed')),
    );
    expect(line).toMatch(
      /\[ERROR\] options_engine\.service: configuration reload failed.*trading\.max_trades/,
    );
    const s = await status();
    expect(s.config.trading.maxTrades).toBe(4);
    expect(s.lastReload).toMatchObject({ ok: false });
    // Unparsable YAML is refused the same way, and the service keeps answering.
    svc.writeSettings('trading: [unclosed\n');
    svc.signal('SIGHUP');
    await until(
      'the second ERROR line',
      async () =>
        readLog('error.log')
          .split('\n')
          .filter((l) => l.includes('configuration reload failed')).length >= 2,
    );
    expect((await fetch(`${svc.url}/health`)).status).toBe(200);
    expect((await status()).config.trading.maxTrades).toBe(4);
    // Settings that validate field by field but name a provider that cannot be built (no TRADIER_API_KEY in the
    // environment the reload keeps): refused too — it was applied, and the engine died building the providers.
    svc.writeSettings('providers:\n  primary: tradier\n');
    svc.signal('SIGHUP');
    const third = await until('the third ERROR line', async () =>
      readLog('error.log')
        .split('\n')
        .filter((l) => l.includes('configuration reload failed'))
        .at(2),
    );
    expect(third).toMatch(/providers\.tradier\.api_key: is required when providers\.primary is tradier/);
    expect((await fetch(`${svc.url}/health`)).status).toBe(200);
    expect((await status()).config.trading.maxTrades).toBe(4);
  });

  it('applies a valid new settings.yaml without a restart', async () => {
    svc.writeSettings('trading:\n  max_trades: 3\nexecution:\n  interval_minutes: 30\n');
    svc.signal('SIGHUP');
    const s = await until('the reload', async () => {
      const x = await status();
      return x.config.trading.maxTrades === 3 ? x : null;
    });
    expect(s.config.execution.interval_minutes).toBe(30);
    expect(s.lastReload).toMatchObject({ ok: true, error: null });
    await until('the INFO line', async () =>
      readLog('app.log').includes('[INFO] options_engine.service: configuration reloaded'),
    );
  });
});

describe('SIGUSR2', () => {
  it('reopens the log files after logrotate moved them', async () => {
    renameSync(join(svc.logDir, 'app.log'), join(svc.logDir, 'app.log.1'));
    svc.signal('SIGUSR2');
    await until('a new app.log', async () => readLog('app.log').includes('log files reopened'));
    expect(readFileSync(join(svc.logDir, 'app.log.1'), 'utf8')).toContain('configuration reloaded');
  });
});

describe('SIGTERM during a scan', () => {
  it('exits 0 within 10 s and leaves either the whole scan or none of it', async () => {
    const tickers = universeSymbols().slice(0, 300);
    const res = await fetch(`${svc.url}/api/scans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tickers }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await until('the scan to be collecting', async () => (await status()).runningScan?.stage === 'collect');
    svc.signal('SIGTERM');
    const exit = await svc.exited;
    expect(exit.code).toBe(0);
    expect(exit.afterStopMs).toBeLessThan(10_000);
    expect(readLog('app.log')).toMatch(/\[INFO\] options_engine\.service: stopped reason=SIGTERM/);

    // The process is gone: open its database and check every scan is whole.
    const db = await openDatabase({
      url: null,
      data_dir: svc.dataDir,
      pool_size: 1,
      pool_overflow: 0,
      statement_timeout_ms: 30_000,
      connect_retries: 0,
    });
    try {
      const scans = await db.query<{
        id: string;
        status: string;
        trade_count: number;
        trades: number;
        options: number;
      }>(
        `SELECT s.id, s.status, s.trade_count,
                (SELECT count(*)::int FROM trades t WHERE t.scan_id = s.id) AS trades,
                (SELECT count(*)::int FROM options o WHERE o.scan_id = s.id) AS options
           FROM scans s`,
      );
      for (const s of scans.rows) {
        expect(s.status).not.toBe('running');
        expect(s.trades, `scan ${s.id}`).toBe(s.trade_count);
        if (s.status !== 'completed') expect(s.options + s.trades).toBe(0);
      }
      const stopped = scans.rows.find((s) => s.id === id);
      // Either it was cancelled (recorded, nothing of it kept) or it had already finished whole.
      if (stopped) expect(['cancelled', 'completed']).toContain(stopped.status);
      if (stopped?.status === 'completed') expect(stopped.options).toBeGreaterThan(0);
      const samples = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM metrics_samples');
      expect(samples.rows[0].n).toBeGreaterThanOrEqual(1);
    } finally {
      await db.close();
    }
  });
});
