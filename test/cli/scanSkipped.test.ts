/**
 * `scan` over the real Tradier adapter against the local Tradier stand-in: tickers the market cannot serve are
 * reported on stderr, and a scan that could read no ticker at all fails (exit 1) rather than printing only
 * "Fewer than 5 trades …" as if the market had been read.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { storedScans } from '../helpers/storedScans.js';
import { tempDir } from '../helpers/tmp.js';
import { type LocalServer, startServer } from '../market/http/localServer.js';
import { TRADIER_TEST_KEY, tradierHandler } from '../market/providers/tradier/tradierServer.js';

describe('options-engine scan with tickers the market cannot serve', () => {
  const tmp = tempDir('oe-scan-skip-');
  let server: LocalServer;
  let env: Record<string, string>;
  // no Yahoo fallback (the tests never reach the public internet); the stand-in needs no rate limit
  const configDir = join(tmp.dir, 'config');
  beforeAll(async () => {
    mkdirSync(configDir);
    writeFileSync(
      join(configDir, 'settings.yaml'),
      'providers:\n  fallback: none\n  tradier:\n    rate_limit_per_minute: 100000\n',
    );
    server = await startServer(tradierHandler({ allowed: 100_000, pltrQuote: 'snapshot' }));
    env = {
      TRADIER_API_KEY: TRADIER_TEST_KEY,
      TRADIER_BASE_URL: `${server.origin}/v1/`,
      OPTIONS_ENGINE_PROVIDER: 'tradier',
    };
  });
  afterAll(() => server.close());
  const args = (watchlist: string) => [
    'scan',
    '--watchlist',
    watchlist,
    '--as-of',
    '2025-10-31T19:00:00Z',
    '--no-store',
    '--config-dir',
    configDir,
    '--log-dir',
    join(tmp.dir, 'logs'),
  ];

  it('warns on stderr which tickers were skipped and why, and exits 0', async () => {
    const r = await cli(args('PLTR,ZZZZ'), env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^(Ticker |Fewer than 5 trades meet criteria, do not execute\.)/);
    expect(r.stderr).toMatch(
      /^options-engine: warning: 1 of 2 tickers skipped \(quote:missing ×1\): ZZZZ\n$/,
    );
  });

  it('stores a scan that read no ticker as failed, "no market data" — not as a completed "do not execute" scan', async () => {
    // stored as completed, /api/trades/latest served its 0 trades in place of the last real basket
    const dataDir = join(tmp.dir, 'stored');
    const r = await cli([...args('ZZZZ,YYYY').filter((a) => a !== '--no-store'), '--data-dir', dataDir], env);
    expect(r.code).toBe(1);
    const stored = await storedScans(dataDir);
    expect(stored).toHaveLength(1);
    expect(stored[0].scan).toMatchObject({ status: 'failed', source: 'cli', tradeCount: 0 });
    expect(JSON.stringify(stored[0].scan)).toMatch(/no market data: all 2 tickers skipped/);
  });

  it('fails with exit 1 when not one ticker could be scanned', async () => {
    const r = await cli(args('ZZZZ,YYYY'), env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('Fewer than 5 trades meet criteria, do not execute.\n');
    expect(r.stderr).toMatch(
      /^options-engine: error: no market data: all 2 tickers skipped \(quote:missing ×2\): ZZZZ, YYYY\n$/,
    );
  });
});
