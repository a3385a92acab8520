import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import type { Settings } from '../../src/config/schema.js';
import { dateOfDay, dayNumber } from '../../src/market/exchangeCalendar.js';
import type { MarketDataProvider } from '../../src/market/provider.js';
import { runScanJob } from '../../src/service/scanJob.js';
import { buildServiceProviders, type ServiceProviders } from '../../src/service/serviceProviders.js';
import { MemoryCache } from '../../src/store/cache/memoryCache.js';
import { readIvHistory, upsertIvHistory } from '../../src/store/ivHistoryRepo.js';
import { countOptionSnapshots } from '../../src/store/optionsRepo.js';
import { getScan } from '../../src/store/scansRepo.js';
import { tradesOfScan } from '../../src/store/tradesRepo.js';
import { useTestDatabase } from '../store/helpers/testDatabase.js';
import { quiet, scanJobDeps } from './helpers/scanJobDeps.js';

const events = { apiCall() {}, providerCall() {}, circuit() {} };
const TICKERS = ['SPY', 'QQQ', 'IWM', 'AAPL', 'MSFT', 'JPM', 'XOM', 'KO', 'NEE', 'UNH'];

function settingsWith(over: (s: Settings) => void): Settings {
  const { settings } = loadConfig({ env: {} });
  over(settings);
  return settings;
}

/** A provider whose every call fails as an expired key would (HTTP 401 from the broker). */
const expiredKey: MarketDataProvider = {
  name: 'tradier',
  capabilities: new Set(['quote', 'expirations', 'chain'] as const),
  async getQuotes() {
    throw Object.assign(new Error('401 Unauthorized'), { name: 'AuthError' });
  },
  async getExpirations() {
    throw Object.assign(new Error('401 Unauthorized'), { name: 'AuthError' });
  },
};

describe('runScanJob', () => {
  const t = useTestDatabase('pglite');

  it('records a scan that could read no ticker as failed, "no market data" — not as "Fewer than 5 trades …"', async () => {
    const settings = settingsWith((s) => {
      s.trading.watchlist = ['SPY', 'QQQ', 'AAPL'];
    });
    const providers: ServiceProviders = {
      ...buildServiceProviders(settings, events, quiet),
      primary: expiredKey,
      fallback: null,
    };
    const id = randomUUID();
    const { outcome } = await runScanJob(
      { id, trigger: 'api', signal: new AbortController().signal },
      scanJobDeps(t().db, providers, settings),
    );
    expect(outcome).toMatchObject({
      status: 'failed',
      result: null,
      table: null,
      tradeCount: 0,
      saved: true,
    });
    expect(outcome.message).toMatch(
      /^no market data: all 3 tickers skipped \(quote:AuthError ×3\): SPY, QQQ, AAPL$/,
    );
    expect(await getScan(t().db, id)).toMatchObject({ status: 'failed' });
    expect(await tradesOfScan(t().db, id)).toHaveLength(0);
  });

  it('shows the scan as running in the database while it runs (a service killed mid-scan left no row)', async () => {
    const settings = settingsWith((s) => {
      s.trading.watchlist = TICKERS;
    });
    const providers = buildServiceProviders(settings, events, quiet);
    const id = randomUUID();
    const seen: Promise<string | undefined>[] = [];
    const { outcome } = await runScanJob(
      {
        id,
        trigger: 'api',
        signal: new AbortController().signal,
        onStage: (stage) => {
          if (stage === 'saving') seen.push(getScan(t().db, id).then((r) => r?.status));
        },
      },
      {
        db: t().db,
        cache: null,
        providers: () => providers,
        settings: () => settings,
        logger: quiet,
        instance: 'host-r:8080',
      },
    );
    expect(await Promise.all(seen)).toEqual(['running']);
    expect(outcome.status).toBe('completed');
    expect(await getScan(t().db, id)).toMatchObject({ status: 'completed' });
    expect((await getScan(t().db, id))?.params).not.toHaveProperty('instance');
  });

  it('stores the traded chains of a scan served from the cache (it stored none: chains=0)', async () => {
    const settings = settingsWith((s) => {
      s.trading.watchlist = TICKERS;
    });
    const providers = buildServiceProviders(settings, events, quiet);
    const cache = new MemoryCache({ maxEntries: 10_000, defaultTtlSeconds: 600 });
    const deps = scanJobDeps(t().db, providers, settings, { cache });
    const first = randomUUID();
    const second = randomUUID();
    const a = await runScanJob({ id: first, trigger: 'api', signal: new AbortController().signal }, deps);
    const b = await runScanJob({ id: second, trigger: 'api', signal: new AbortController().signal }, deps);
    expect(a.outcome.status).toBe('completed');
    expect(b.outcome.status).toBe('completed');
    expect(cache.stats().hits).toBeGreaterThan(0); // the second scan's chains came from the cache
    const traded = new Set((await tradesOfScan(t().db, second)).map((x) => x.ticker));
    expect(traded.size).toBeGreaterThan(0);
    expect(await countOptionSnapshots(t().db, second)).toBeGreaterThan(0);
    expect(await countOptionSnapshots(t().db, second)).toBe(await countOptionSnapshots(t().db, first));
  });
});

describe('runScanJob and the IV history it records', () => {
  const t = useTestDatabase('pglite');

  it('ranks IV against the days earlier scans stored, and stores the day’s IVs with the scan', async () => {
    // Tradier and Yahoo serve no IV history: the simulated market without its own, under Tradier's name
    const settings = settingsWith((s) => {
      s.trading.watchlist = ['SPY', 'QQQ', 'IWM', 'AAPL', 'MSFT'];
    });
    const built = buildServiceProviders(settings, events, quiet);
    const sim = built.primary;
    const tradierLike: MarketDataProvider = Object.create(sim);
    Object.defineProperty(tradierLike, 'name', { value: 'tradier' });
    Object.defineProperty(tradierLike, 'capabilities', {
      value: new Set([...sim.capabilities].filter((k) => k !== 'ivHistory')),
    });
    const providers: ServiceProviders = {
      ...built,
      primary: tradierLike,
      fallback: null,
      choice: { ...built.choice, primary: 'tradier', fallback: null },
    };
    const now = Date.parse('2026-11-20T15:30:00Z'); // a Friday, a trading day
    // 200 earlier days stored by "earlier scans", alternating 10 % and 90 %
    const earlier = Array.from({ length: 200 }, (_, i) => dateOfDay(dayNumber('2026-11-20') - 200 + i));
    await upsertIvHistory(
      t().db,
      null,
      settings.trading.watchlist.flatMap((symbol) =>
        earlier.map((day, i) => ({ symbol, day, iv30: i % 2 ? 0.9 : 0.1, source: 'tradier' })),
      ),
    );
    const id = randomUUID();
    const { outcome } = await runScanJob(
      { id, trigger: 'api', signal: new AbortController().signal },
      scanJobDeps(t().db, providers, settings, { now: () => now }),
    );
    expect(outcome.status).toBe('completed');
    const trades = await tradesOfScan(t().db, id);
    expect(trades.length).toBeGreaterThan(0);
    for (const tr of trades) {
      const ivRank = (tr.metrics as { ivRank: number | null }).ivRank;
      expect(ivRank).toBeGreaterThan(0); // unknown (null) without the stored days
      expect(ivRank).toBeLessThan(100);
    }
    const today = await readIvHistory(
      t().db,
      settings.trading.watchlist,
      ['tradier'],
      '2026-11-20',
      '2026-11-20',
    );
    expect([...today.keys()].sort()).toEqual([...settings.trading.watchlist].sort());
    const row = await t().db.query<{ scan_id: string }>(
      `SELECT DISTINCT scan_id::text AS scan_id FROM iv_history WHERE day = '2026-11-20'`,
    );
    expect(row.rows).toEqual([{ scan_id: id }]);
  });
});
