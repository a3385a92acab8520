import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import type { Settings } from '../../src/config/schema.js';
import type { MarketDataProvider } from '../../src/market/provider.js';
import { runScanJob } from '../../src/service/scanJob.js';
import { buildServiceProviders, type ServiceProviders } from '../../src/service/serviceProviders.js';
import { MemoryCache } from '../../src/store/cache/memoryCache.js';
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
