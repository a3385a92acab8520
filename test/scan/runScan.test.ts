import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import type { Settings } from '../../src/config/schema.js';
import { expiryTime } from '../../src/market/expiry.js';
import type { MarketCache, MarketDataProvider } from '../../src/market/provider.js';
import { createSimulatedProvider } from '../../src/market/providers/simulated/simulatedProvider.js';
import { QUALITY_REASONS } from '../../src/market/quality.js';
import { scanJson } from '../../src/report/renderJson.js';
import { runScan, type ScanDeps } from '../../src/scan/runScan.js';
import type { ScanResult } from '../../src/scan/types.js';

const AS_OF = Date.parse('2026-11-20T15:30:00Z');
const TICKERS = [
  'SPY',
  'QQQ',
  'IWM',
  'AAPL',
  'MSFT',
  'NVDA',
  'JPM',
  'XOM',
  'UNH',
  'KO',
  'CAT',
  'NEE',
  'HD',
  'AMZN',
  'PG',
];

function scan(settings: Settings, seed = 42): Promise<ScanResult> {
  return runScan(
    {
      scanId: 'test',
      asOf: AS_OF,
      tickers: TICKERS,
      settings,
      labels: { provider: 'simulated', fallback: null, seed, universe: 'watchlist' },
    },
    { primary: createSimulatedProvider({ seed }) },
  );
}

/** The JSON without the parts that legitimately differ between runs (timings). */
function stable(r: ScanResult): unknown {
  const doc = scanJson(r) as { stats: { timingsMs?: unknown } };
  delete doc.stats.timingsMs;
  return doc;
}

/** SPY and QQQ at AS_OF on the given provider (default: the simulated market, seed 42). */
function runTwo(settings: Settings, deps: Partial<ScanDeps> = {}): Promise<ScanResult> {
  return runScan(
    {
      scanId: 'test',
      asOf: AS_OF,
      tickers: ['SPY', 'QQQ'],
      settings,
      labels: { provider: 'simulated', fallback: null, seed: 42, universe: 'watchlist' },
    },
    { primary: createSimulatedProvider({ seed: 42 }), ...deps },
  );
}

/** Contracts of a scan that got as far as the age check (the checks before it see the same quotes). */
function reachingAgeCheck(r: ScanResult): number {
  const x = r.stats.contracts.rejections;
  return r.stats.contracts.checked - x.missingStrike - x.expired - x.missingQuote - x.crossed - x.zeroBid;
}

describe('runScan on the simulated market', () => {
  let settings: Settings;
  let result: ScanResult;
  beforeAll(async () => {
    settings = loadConfig({ env: {} }).settings;
    result = await scan(settings);
  });

  it('collects every ticker and counts the work of every stage', () => {
    expect(result.stats.tickers.scanned).toBe(TICKERS.length);
    expect(result.stats.contracts.checked).toBeGreaterThan(1000);
    expect(result.stats.candidates.evaluated).toBeGreaterThan(result.stats.candidates.generated);
    const rejected = Object.values(result.stats.rejections).reduce((a, b) => a + b, 0);
    expect(rejected).toBeGreaterThan(0);
    // the selector's own count of candidates it could not use (none: the engine builds only finite ones)
    expect(result.stats.selection.excluded).toBe(0);
    expect(result.stats.selection.pool).toBeGreaterThan(0);
    for (const stage of [
      'collect',
      'analyze',
      'quality',
      'generate',
      'score',
      'select',
      'report',
      'total',
    ] as const) {
      expect(result.stats.timingsMs[stage]).toBeGreaterThanOrEqual(0);
    }
  });

  it('recommends only trades that pass every hard rule and basket limit', () => {
    const c = settings.constraints;
    const sectors: Record<string, number> = {};
    const tickers = new Set<string>();
    for (const t of result.trades) {
      expect(t.pop).toBeGreaterThanOrEqual(c.min_pop);
      if (t.isCredit) expect(t.creditToMaxLoss).toBeGreaterThanOrEqual(c.min_credit_ratio - 1e-12);
      expect(t.maxLoss).toBeLessThanOrEqual(c.max_loss_per_trade + 1e-9);
      expect(t.capitalRequired).toBeLessThanOrEqual(settings.trading.available_capital + 1e-9);
      expect(t.dte).toBeGreaterThanOrEqual(c.min_dte);
      expect(t.dte).toBeLessThanOrEqual(c.max_dte);
      for (const leg of t.legs)
        expect(AS_OF - leg.quoteTime).toBeLessThanOrEqual(c.max_quote_age_seconds * 1000);
      expect(t.thesis.split(/\s+/).length).toBeLessThanOrEqual(30);
      sectors[t.sector] = (sectors[t.sector] ?? 0) + 1;
      expect(tickers.has(t.ticker)).toBe(false);
      tickers.add(t.ticker);
    }
    for (const n of Object.values(sectors)) expect(n).toBeLessThanOrEqual(c.max_trades_per_sector);
    // one regime and one weight vector for the whole scan: the scores compare
    expect(new Set(result.trades.map((t) => t.scoreComponents.regime)).size).toBe(1);
    expect(result.portfolio.delta).toBeGreaterThanOrEqual(c.portfolio.delta_min - 1e-9);
    expect(result.portfolio.delta).toBeLessThanOrEqual(c.portfolio.delta_max + 1e-9);
    expect(result.portfolio.vega).toBeGreaterThanOrEqual(c.portfolio.vega_min - 1e-9);
    expect(result.trades.map((t) => t.rank)).toEqual(result.trades.map((_, i) => i + 1));
    expect(result.status).toBe(result.trades.length >= settings.trading.max_trades ? 'ok' : 'insufficient');
  });

  it('keeps every finite number finite in the JSON document (rounding to 6 decimals does not overflow)', () => {
    const big: ScanResult = { ...result, params: { ...result.params, nav: 1e12, maxLossPerTrade: 1e303 } };
    const doc = scanJson(big) as { params: { nav: unknown; maxLossPerTrade: unknown; minPop: unknown } };
    expect(doc.params.nav).toBe(1e12);
    expect(doc.params.maxLossPerTrade).toBe(1e303);
    expect(doc.params.minPop).toBe(result.params.minPop);
  });

  it("reports portfolio greeks that equal the sum of its trades' legs", () => {
    const doc = scanJson(result) as {
      trades: {
        contracts: number;
        legs: { action: string; quantity: number; delta: number; vega: number }[];
      }[];
      portfolio: { delta: number; vega: number };
    };
    let delta = 0;
    let vega = 0;
    for (const t of doc.trades) {
      for (const l of t.legs) {
        const sign = l.action === 'BUY' ? 1 : -1;
        delta += sign * l.quantity * l.delta * t.contracts;
        vega += sign * l.quantity * l.vega * t.contracts;
      }
    }
    expect(doc.portfolio.delta).toBeCloseTo(delta, 4);
    expect(doc.portfolio.vega).toBeCloseTo(vega, 4);
  });

  it("gives every leg its expiry instant: 16:00 New York on its expiration for the simulated market's equities", () => {
    const doc = scanJson(result) as { trades: { legs: { expiration: string; expiryTime: string }[] }[] };
    expect(doc.trades.length).toBeGreaterThan(0);
    for (const t of doc.trades)
      for (const l of t.legs) expect(l.expiryTime).toBe(new Date(expiryTime(l.expiration)).toISOString());
  });

  it('sizes the basket by fractional Kelly within max loss, capital and the portfolio limits', async () => {
    const trading = { ...settings.trading, nav: 1_000_000, available_capital: 50_000 };
    const fixed = await scan({ ...settings, trading });
    const kelly = await scan({ ...settings, trading: { ...trading, sizing: 'kelly', kelly_fraction: 0.5 } });
    // the same trades are chosen; only their size changes
    expect(kelly.trades.map((t) => t.id)).toEqual(fixed.trades.map((t) => t.id));
    const maxLoss = (settings.constraints.max_loss_per_trade * trading.nav) / 100_000;
    for (const t of kelly.trades) {
      expect(t.contracts).toBeGreaterThanOrEqual(1);
      expect(t.maxLoss).toBeLessThanOrEqual(maxLoss + 1e-9);
      expect(t.capitalRequired).toBeLessThanOrEqual(trading.available_capital + 1e-9);
    }
    expect(kelly.trades.some((t) => t.contracts > 1)).toBe(true);
    const f = trading.nav / 100_000;
    const c = settings.constraints.portfolio;
    expect(kelly.portfolio.delta).toBeGreaterThanOrEqual(c.delta_min * f - 1e-9);
    expect(kelly.portfolio.delta).toBeLessThanOrEqual(c.delta_max * f + 1e-9);
    expect(kelly.portfolio.vega).toBeGreaterThanOrEqual(c.vega_min * f - 1e-9);
  });

  it('is deterministic: same seed and as-of give the same document', async () => {
    const again = await scan(settings);
    expect(stable(again)).toEqual(stable(result));
  });

  it('says "insufficient" when the basket cannot be filled', async () => {
    const strict = { ...settings, constraints: { ...settings.constraints, min_pop: 0.99 } };
    const r = await scan(strict);
    expect(r.trades).toHaveLength(0);
    expect(r.status).toBe('insufficient');
    expect(r.message).toBe('Fewer than 5 trades meet criteria, do not execute.');
    expect(r.stats.rejections.pop).toBeGreaterThan(0);
  });
});

describe('quotes from after the scan', () => {
  it('rejects option quotes dated later than the as-of plus the collection time as stale (look-ahead)', async () => {
    const { settings } = loadConfig({ env: {} });
    const sim = createSimulatedProvider({ seed: 42 });
    // the simulated market, its option quotes moved one day later: what a live provider returns for a past as-of
    const later: MarketDataProvider = Object.create(sim);
    later.getChain = async (symbol, expirations, ctx) => {
      const c = await sim.getChain!(symbol, expirations, ctx);
      for (const e of c.expirations)
        for (const side of [e.calls, e.puts])
          for (let i = 0; i < side.quoteTime.length; i++) side.quoteTime[i] += 86_400_000;
      return c;
    };
    const fresh = await runTwo(settings, { primary: sim });
    expect(fresh.stats.contracts.accepted).toBeGreaterThan(100);
    const r = await runTwo(settings, { primary: later });
    expect(r.stats.contracts.checked).toBe(fresh.stats.contracts.checked);
    expect(r.stats.contracts.accepted).toBe(0);
    expect(r.stats.contracts.rejections.stale).toBe(reachingAgeCheck(fresh));
    expect(r.trades).toHaveLength(0);
  });
});

describe('quote age in a live scan', () => {
  const run = (settings: Settings, clock?: () => number) => runTwo(settings, { clock });

  it('measures quote ages when the collection has ended, not when the scan began', async () => {
    const { settings } = loadConfig({ env: {} });
    const replay = await run(settings);
    // a clock that did not move while collecting: the same scan as a replay at the as-of
    expect(stable(await run(settings, () => AS_OF))).toEqual(stable(replay));
    // an 11-minute collection (a rate-limited Tradier universe scan takes ~30): every quote is past 10 minutes
    const slow = await run(settings, () => AS_OF + 11 * 60_000);
    expect(slow.stats.contracts.checked).toBe(replay.stats.contracts.checked);
    expect(slow.stats.contracts.accepted).toBe(0);
    expect(slow.stats.contracts.rejections.stale).toBe(reachingAgeCheck(replay));
    expect(slow.trades).toHaveLength(0);
    expect(replay.trades.length).toBeGreaterThan(0);
  });

  it('holds the 10-minute rule at the judging instant: after an 8-minute collection, quotes over 2 minutes old at the as-of fail', async () => {
    const { settings } = loadConfig({ env: {} });
    const replay = await run(settings);
    const judgedAt = AS_OF + 8 * 60_000;
    const later = await run(settings, () => judgedAt);
    // the simulated quotes are seconds to minutes old at the as-of: the older ones fail, the rest still trade
    expect(later.stats.contracts.rejections.stale).toBeGreaterThan(replay.stats.contracts.rejections.stale);
    expect(later.stats.contracts.accepted).toBeGreaterThan(0);
    for (const leg of later.trades.flatMap((t) => t.legs))
      expect(judgedAt - leg.quoteTime).toBeLessThanOrEqual(600_000);
  });
});

describe('IV rank and the DTE window', () => {
  it('reads the same IV rank whatever the DTE window (it was extrapolated from the window edge: AAPL 79.5 / 78.7)', async () => {
    const { settings } = loadConfig({ env: {} });
    const tickers = ['SPY', 'IWM', 'QQQ', 'XLK', 'AAPL', 'MSFT', 'NVDA', 'JPM'];
    const run = (minDte: number, maxDte: number) =>
      runScan(
        {
          scanId: 'test',
          asOf: AS_OF,
          tickers,
          settings: {
            ...settings,
            trading: {
              ...settings.trading,
              max_trades: 8,
              strategies: ['put_credit_spread', 'call_credit_spread', 'iron_condor'],
            },
            constraints: { ...settings.constraints, min_pop: 0.3, min_dte: minDte, max_dte: maxDte },
          },
          labels: { provider: 'simulated', fallback: null, seed: 42, universe: 'watchlist' },
        },
        { primary: createSimulatedProvider({ seed: 42 }) },
      );
    const near = await run(15, 45);
    const far = await run(50, 90);
    const rank = (r: ScanResult) => new Map(r.trades.map((t) => [t.ticker, t.ivRank]));
    const a = rank(near);
    const common = [...rank(far)].filter(([ticker]) => a.has(ticker));
    expect(common.length).toBeGreaterThan(0);
    for (const [ticker, ivr] of common) expect(ivr, ticker).toBe(a.get(ticker));
    // the extra expirations only feed the signals: every trade stays inside its window
    for (const t of far.trades) expect(t.dte).toBeGreaterThanOrEqual(50);
  });
});

describe('cache lifetimes', () => {
  it('caches chains for cache.default_timeout and quotes at most that long (the setting had no effect)', async () => {
    const { settings } = loadConfig({ env: {} });
    const set: { key: string; ttl: number }[] = [];
    const cache: MarketCache = {
      async get() {
        return null;
      },
      async set(key, _value, ttl) {
        set.push({ key, ttl });
      },
    };
    const run = (defaultTimeout: number) =>
      runScan(
        {
          scanId: 'test',
          asOf: AS_OF,
          tickers: ['SPY'],
          settings: { ...settings, cache: { ...settings.cache, default_timeout: defaultTimeout } },
          labels: { provider: 'simulated', fallback: null, seed: 42, universe: 'watchlist' },
        },
        { primary: createSimulatedProvider({ seed: 42 }), cache },
      );
    const ttlOf = (kind: string) => [
      ...new Set(set.filter((x) => x.key.includes(`:${kind}:`)).map((x) => x.ttl)),
    ];
    await run(30);
    expect(ttlOf('chain')).toEqual([30]);
    expect(ttlOf('quote')).toEqual([30]);
    expect(ttlOf('fundamentals')).toEqual([86_400]); // reference data keeps its own lifetime
    set.length = 0;
    await run(300);
    expect(ttlOf('chain')).toEqual([300]);
    expect(ttlOf('quote')).toEqual([60]);
  });
});

describe('dividend yield', () => {
  it("prices a quote without a yield (Tradier's) at the fundamentals' yield: the same scan as the yield on the quote", async () => {
    const { settings } = loadConfig({ env: {} });
    const sim = createSimulatedProvider({ seed: 42 });
    // the simulated market's quotes with their yield removed, as Tradier sends them (fundamentals keep it)
    const noYield: MarketDataProvider = Object.create(sim);
    noYield.getQuotes = async (symbols, ctx) =>
      (await sim.getQuotes!(symbols, ctx)).map((q) => ({ ...q, dividendYield: 0 }));
    const run = (primary: MarketDataProvider) =>
      runScan(
        {
          scanId: 'test',
          asOf: AS_OF,
          tickers: ['SPY', 'KO', 'XOM', 'JPM', 'PG', 'NEE'],
          settings,
          labels: { provider: 'simulated', fallback: null, seed: 42, universe: 'watchlist' },
        },
        { primary },
      );
    const withYield = await run(sim);
    const without = await run(noYield);
    expect(withYield.trades.length).toBeGreaterThan(0);
    expect(stable(without)).toEqual(stable(withYield));
  });
});

describe('earnings rule with an unknown earnings calendar', () => {
  it('rejects the trades of a ticker without fundamentals when min_days_to_earnings is on (they passed as "no earnings"); funds are exempt', async () => {
    const { settings } = loadConfig({ env: {} });
    const on: Settings = { ...settings, constraints: { ...settings.constraints, min_days_to_earnings: 1 } };
    const sim = createSimulatedProvider({ seed: 42 });
    // a provider that serves no fundamentals, as Tradier
    const noFundamentals: MarketDataProvider = Object.create(sim);
    noFundamentals.getFundamentals = undefined;
    const run = (s: Settings) =>
      runScan(
        {
          scanId: 'test',
          asOf: AS_OF,
          tickers: ['SPY', 'QQQ', 'KO', 'XOM', 'JPM', 'PG', 'NEE', 'AAPL'],
          settings: s,
          labels: { provider: 'simulated', fallback: null, seed: 42, universe: 'watchlist' },
        },
        { primary: noFundamentals },
      );
    const off = await run(settings);
    expect(off.trades.some((t) => t.ticker !== 'SPY' && t.ticker !== 'QQQ')).toBe(true);
    const r = await run(on);
    expect(r.stats.rejections.earnings).toBeGreaterThan(0);
    for (const t of r.trades) expect(['SPY', 'QQQ']).toContain(t.ticker);
  });
});

describe('IV history recorded by the engine (providers that serve none)', () => {
  // the simulated market without its IV history: what Tradier and Yahoo are
  const sim = createSimulatedProvider({ seed: 42 });
  const noHistory: MarketDataProvider = Object.create(sim);
  Object.defineProperty(noHistory, 'capabilities', {
    value: new Set([...sim.capabilities].filter((k) => k !== 'ivHistory')),
  });
  // 200 earlier trading-ish days of IV between 10 % and 90 %: any IV30 in between ranks strictly inside (0, 100)
  const year = Array.from({ length: 200 }, (_, i) => ({
    date: new Date(AS_OF - (200 - i) * 86_400_000).toISOString().slice(0, 10),
    iv30: i % 2 === 0 ? 0.1 : 0.9,
  }));

  it('ranks IV against the stored days of the tickers whose provider has none, and records a live scan’s IVs', async () => {
    const { settings } = loadConfig({ env: {} });
    const asked: string[][] = [];
    const bare = await runTwo(settings, { primary: noHistory, clock: () => AS_OF });
    expect(bare.trades.every((t) => Number.isNaN(t.ivRank))).toBe(true); // no history anywhere: unknown
    const r = await runTwo(settings, {
      primary: noHistory,
      clock: () => AS_OF,
      ivHistory: async (symbols) => {
        asked.push([...symbols]);
        return new Map(symbols.map((s) => [s, year]));
      },
    });
    expect(asked).toEqual([['SPY', 'QQQ']]);
    expect(r.trades.length).toBeGreaterThan(0);
    for (const t of r.trades) {
      expect(t.ivRank).toBeGreaterThan(0);
      expect(t.ivRank).toBeLessThan(100);
    }
    // the day's IVs, read from the chains, for the next scans: one per ticker, keyed by the chain's provider
    expect(r.ivObservations.map((o) => [o.symbol, o.day, o.source])).toEqual([
      ['SPY', '2026-11-20', 'simulated'],
      ['QQQ', '2026-11-20', 'simulated'],
    ]);
    for (const o of r.ivObservations) expect(o.iv30).toBeGreaterThan(0.05);
  });

  it('takes no made-up history from a simulated fallback for a real chain: the stored days rank it', async () => {
    const { settings } = loadConfig({ env: {} });
    const tradier: MarketDataProvider = Object.create(noHistory);
    Object.defineProperty(tradier, 'name', { value: 'tradier' });
    const asked: string[][] = [];
    const r = await runTwo(settings, {
      primary: tradier,
      fallback: sim, // serves IV history, which the collector took for the Tradier chains
      clock: () => AS_OF,
      ivHistory: async (symbols) => {
        asked.push([...symbols]);
        return new Map();
      },
    });
    expect(asked).toEqual([['SPY', 'QQQ']]);
    expect(r.trades.every((t) => Number.isNaN(t.ivRank))).toBe(true); // it read 61.2 and 39.3 from the simulator
    expect(r.ivObservations.map((o) => o.source)).toEqual(['tradier', 'tradier']);
  });

  it('judges quote ages when the collection ended, not after the IV history was read (a database to open)', async () => {
    const { settings } = loadConfig({ env: {} });
    let now = AS_OF;
    const r = await runTwo(settings, {
      primary: noHistory,
      clock: () => now,
      ivHistory: async () => {
        now += 3_600_000; // an hour to open and read the database: every quote would have gone stale
        return new Map();
      },
    });
    const atEnd = await runTwo(settings, { primary: noHistory, clock: () => AS_OF });
    expect(r.stats.contracts.rejections.stale).toBe(atEnd.stats.contracts.rejections.stale);
    expect(r.stats.contracts.accepted).toBe(atEnd.stats.contracts.accepted);
    expect(r.stats.contracts.accepted).toBeGreaterThan(0);
  });

  it('records the IV of a fresh at-the-money quote that a trading rule refused (a wide spread)', async () => {
    // gated on every rule, a quarter of the tickers were never recorded, and stressed (wide) days left out
    const { settings } = loadConfig({ env: {} });
    const wide: MarketDataProvider = Object.create(noHistory);
    wide.getChain = async (symbol, expirations, ctx) => {
      const c = await noHistory.getChain!(symbol, expirations, ctx);
      for (const e of c.expirations)
        for (const side of [e.calls, e.puts])
          for (let i = 0; i < side.ask.length; i++) side.ask[i] = side.bid[i] * 3 + 0.05;
      return c;
    };
    const r = await runTwo(settings, { primary: wide, clock: () => AS_OF });
    expect(r.stats.contracts.accepted).toBe(0);
    expect(r.stats.contracts.rejections.wideSpread).toBeGreaterThan(0);
    expect(r.ivObservations.map((o) => o.symbol)).toEqual(['SPY', 'QQQ']);
    // the checks that make a quote not today's come before the spread check: what `today` in runScan relies on
    expect(QUALITY_REASONS.slice(0, QUALITY_REASONS.indexOf('wideSpread'))).toEqual([
      'missingStrike',
      'expired',
      'missingQuote',
      'crossed',
      'zeroBid',
      'stale',
    ]);
  });

  it('records no IV read from a quote that failed the quality stage (a stale at-the-money quote)', async () => {
    const { settings } = loadConfig({ env: {} });
    // every quote a day old except the far expirations': the 30-day IV would come from yesterday's quotes
    const staleAtm: MarketDataProvider = Object.create(noHistory);
    staleAtm.getChain = async (symbol, expirations, ctx) => {
      const c = await noHistory.getChain!(symbol, expirations, ctx);
      for (const e of c.expirations)
        if (e.expiryTime - AS_OF < 90 * 86_400_000)
          for (const side of [e.calls, e.puts]) side.quoteTime.fill(AS_OF - 86_400_000);
      return c;
    };
    const r = await runTwo(settings, { primary: staleAtm, clock: () => AS_OF });
    expect(r.stats.contracts.accepted).toBeGreaterThan(0); // the far expirations pass
    expect(r.ivObservations).toEqual([]);
  });

  it('records nothing from a replay, stale quotes, a weekend, or tickers whose provider serves its own history', async () => {
    const { settings } = loadConfig({ env: {} });
    expect((await runTwo(settings, { primary: noHistory })).ivObservations).toEqual([]); // replay: no clock
    // an hour after its quotes (all stale): not today's IV
    const stale = await runTwo(settings, { primary: noHistory, clock: () => AS_OF + 3_600_000 });
    expect(stale.stats.contracts.accepted).toBe(0);
    expect(stale.ivObservations).toEqual([]);
    const served = await runTwo(settings, { clock: () => AS_OF, ivHistory: async () => new Map() });
    expect(served.ivObservations).toEqual([]); // the simulated market has its own history
    const saturday = Date.parse('2026-11-21T15:30:00Z');
    const weekend = await runScan(
      {
        scanId: 'test',
        asOf: saturday,
        tickers: ['SPY'],
        settings,
        labels: { provider: 'simulated', fallback: null, seed: 42, universe: 'watchlist' },
      },
      { primary: noHistory, clock: () => saturday },
    );
    expect(weekend.ivObservations).toEqual([]);
  });
});
