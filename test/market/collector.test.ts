import { describe, expect, it } from 'vitest';
import { encodeChain } from '../../src/market/chainCodec.js';
import { bracketing, type CollectOptions, collectMarket, errorReason } from '../../src/market/collector.js';
import { daysToExpiry } from '../../src/market/expiry.js';
import { HttpStatusError as ProviderHttpStatusError } from '../../src/market/http/errors.js';
import { MarketInputError } from '../../src/market/inputError.js';
import type { MarketCache, MarketDataProvider, RequestContext } from '../../src/market/provider.js';
import { SimulatedProvider } from '../../src/market/providers/simulated/simulatedProvider.js';
import { FALLBACK_RISK_FREE_RATE } from '../../src/market/riskFreeRate.js';
import type { DataKind, OptionChain } from '../../src/market/types.js';

const AS_OF = Date.parse('2026-11-24T15:30:00Z');

/** An in-memory MarketCache with TTL (what store/ provides over Redis or an LRU). */
class MemoryCache implements MarketCache {
  readonly map = new Map<string, { value: string; until: number }>();
  now = AS_OF;
  async get(key: string): Promise<string | null> {
    const e = this.map.get(key);
    return e && e.until > this.now ? e.value : null;
  }
  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.map.set(key, { value, until: this.now + ttlSeconds * 1000 });
  }
}

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

class HttpStatusError extends Error {
  readonly code = 'HTTP_503';
}

interface Faults {
  /** symbol → kind → error to throw */
  throws?: Record<string, Partial<Record<DataKind, Error>>>;
  /** symbols whose chain comes back without strikes */
  emptyChain?: string[];
  /** symbols left out of quote responses */
  noQuote?: string[];
  /** kinds not served at all */
  without?: DataKind[];
  /** every call fails (with `downWith`, default a TimeoutError) */
  down?: boolean;
  downWith?: Error;
  /** the macro snapshot's risk-free rate instead of the simulated one */
  macroRate?: number;
}

/** A real simulated provider behind a recorder that can inject faults, under another name. */
class FaultyProvider implements MarketDataProvider {
  readonly capabilities: ReadonlySet<DataKind>;
  readonly calls: { kind: DataKind; symbol: string; args: unknown }[] = [];
  /** The `riskFreeRate` each chain request carried. */
  readonly chainRates: (number | undefined)[] = [];
  private readonly inner: SimulatedProvider;

  constructor(
    readonly name: string,
    seed: number,
    private readonly faults: Faults = {},
  ) {
    this.inner = new SimulatedProvider({ seed });
    this.capabilities = new Set([...this.inner.capabilities].filter((k) => !faults.without?.includes(k)));
  }

  private check(kind: DataKind, symbol: string, args: unknown = null): void {
    this.calls.push({ kind, symbol, args });
    if (this.faults.down) throw this.faults.downWith ?? new TimeoutError(`${this.name} timed out`);
    const e = this.faults.throws?.[symbol]?.[kind];
    if (e) throw e;
  }

  async getQuotes(symbols: string[], ctx: RequestContext) {
    this.check('quote', symbols.join(','), symbols.length);
    return this.inner.getQuotes(
      symbols.filter((s) => !this.faults.noQuote?.includes(s)),
      ctx,
    );
  }
  async getExpirations(symbol: string, ctx: RequestContext) {
    this.check('expirations', symbol);
    return this.inner.getExpirations(symbol, ctx);
  }
  async getChain(symbol: string, expirations: string[], ctx: RequestContext): Promise<OptionChain> {
    this.check('chain', symbol, expirations);
    this.chainRates.push(ctx.riskFreeRate);
    if (this.faults.emptyChain?.includes(symbol))
      return { underlying: symbol, spot: 1, asOf: ctx.asOf, expirations: [] };
    return this.inner.getChain(symbol, expirations, ctx);
  }
  async getHistory(symbol: string, from: string, to: string, ctx: RequestContext) {
    this.check('history', symbol, [from, to]);
    return this.inner.getHistory(symbol, from, to, ctx);
  }
  async getFundamentals(symbol: string, ctx: RequestContext) {
    this.check('fundamentals', symbol);
    return this.inner.getFundamentals(symbol, ctx);
  }
  async getMacro(ctx: RequestContext) {
    this.check('macro', '');
    const m = await this.inner.getMacro(ctx);
    return this.faults.macroRate === undefined ? m : { ...m, riskFreeRate: this.faults.macroRate };
  }
  async getFlow(symbol: string, ctx: RequestContext) {
    this.check('flow', symbol);
    return this.inner.getFlow(symbol, ctx);
  }
  async getIvHistory(symbol: string, ctx: RequestContext) {
    this.check('ivHistory', symbol);
    return this.inner.getIvHistory(symbol, ctx);
  }
}

const base = (primary: MarketDataProvider, over: Partial<CollectOptions> = {}): CollectOptions => ({
  primary,
  asOf: AS_OF,
  minDte: 15,
  maxDte: 45,
  concurrency: 4,
  ...over,
});

describe('collector', () => {
  it('collects every item from the primary and fetches only the expirations inside the DTE window', async () => {
    const primary = new FaultyProvider('tradier-like', 42);
    const r = await collectMarket(['AAPL', 'spy', 'XOM'], base(primary));
    expect(r.tickers.map((t) => t.symbol)).toEqual(['AAPL', 'SPY', 'XOM']);
    expect(r.skipped).toEqual([]);
    expect(r.macro?.riskFreeRate).toBe(0.042);
    expect(r.macroSource).toEqual({ from: 'primary', provider: 'tradier-like' });
    for (const t of r.tickers) {
      expect(t.sources).toEqual({
        quote: { from: 'primary', provider: 'tradier-like' },
        expirations: { from: 'primary', provider: 'tradier-like' },
        chain: { from: 'primary', provider: 'tradier-like' },
        history: { from: 'primary', provider: 'tradier-like' },
        fundamentals: { from: 'primary', provider: 'tradier-like' },
        flow: { from: 'primary', provider: 'tradier-like' },
        ivHistory: { from: 'primary', provider: 'tradier-like' },
      });
      expect(t.chain.expirations.length).toBeGreaterThan(0);
      for (const e of t.chain.expirations) {
        expect(daysToExpiry(e.expiration, AS_OF)).toBeGreaterThanOrEqual(15);
        expect(daysToExpiry(e.expiration, AS_OF)).toBeLessThanOrEqual(45);
      }
      expect(t.history?.length).toBeGreaterThan(490);
      expect(t.ivHistory?.length).toBeGreaterThanOrEqual(252);
    }
    for (const call of primary.calls.filter((c) => c.kind === 'chain')) {
      for (const d of call.args as string[]) expect(daysToExpiry(d, AS_OF)).toBeLessThanOrEqual(45);
    }
    expect(r.stats.contracts).toBeGreaterThan(300);
    expect(r.stats.expirations).toBe(r.tickers.reduce((n, t) => n + t.chain.expirations.length, 0));
  });

  it('adds the expirations nearest to 30 days when the window lacks them (the 30-day IV interpolates between them)', async () => {
    const primary = new FaultyProvider('p', 42);
    const r = await collectMarket(
      ['AAPL'],
      base(primary, { minDte: 50, maxDte: 90, bracketDte: 30, optional: [] }),
    );
    const days = r.tickers[0].chain.expirations.map((e) => daysToExpiry(e.expiration, AS_OF));
    const all = (await primary.getExpirations('AAPL', { asOf: AS_OF })).map((d) => daysToExpiry(d, AS_OF));
    const below = Math.max(...all.filter((d) => d >= 1 && d < 30));
    const above = Math.min(...all.filter((d) => d > 30));
    expect(days).toEqual([
      ...new Set([below, ...all.filter((d) => d === 30), above, ...all.filter((d) => d >= 50 && d <= 90)]),
    ]);
  });

  it('brackets a DTE with its nearest expirations, only those the window lacks, never an expired one', () => {
    const asOf = Date.parse('2026-11-20T15:30:00Z'); // Friday; 2026-12-20 is 30 days on
    const all = [
      '2026-11-20',
      '2026-11-27',
      '2026-12-11',
      '2026-12-20',
      '2026-12-24',
      '2027-01-15',
      '2027-02-19',
    ];
    expect(bracketing(all, ['2027-01-15'], 30, asOf)).toEqual(['2026-12-11', '2026-12-20', '2026-12-24']);
    expect(bracketing(all, ['2026-12-11', '2026-12-20', '2026-12-24'], 30, asOf)).toEqual([]);
    expect(bracketing(all, ['2027-02-19'], 3, asOf)).toEqual(['2026-11-27']); // nothing live before 3 days
    expect(bracketing(all, [], 400, asOf)).toEqual(['2027-02-19']); // nothing after
  });

  it('batches underlying quotes', async () => {
    const primary = new FaultyProvider('p', 42);
    await collectMarket(
      ['A', 'B', 'C', 'D', 'E', 'F', 'G'],
      base(primary, { quoteBatchSize: 3, optional: [] }),
    );
    const batches = primary.calls.filter((c) => c.kind === 'quote').map((c) => c.args);
    expect(batches.sort()).toEqual([1, 3, 3]);
  });

  it('falls back per item and records which source served each', async () => {
    const primary = new FaultyProvider('primary', 42, {
      throws: { AAPL: { chain: new TimeoutError('slow') } },
      without: ['fundamentals', 'flow'],
    });
    const fallback = new FaultyProvider('backup', 42);
    const r = await collectMarket(['AAPL', 'MSFT'], base(primary, { fallback }));
    const aapl = r.tickers.find((t) => t.symbol === 'AAPL');
    expect(aapl?.sources.chain).toEqual({ from: 'fallback', provider: 'backup' });
    expect(aapl?.sources.expirations).toEqual({ from: 'primary', provider: 'primary' });
    expect(aapl?.sources.fundamentals).toEqual({ from: 'fallback', provider: 'backup' });
    expect(aapl?.sources.flow).toEqual({ from: 'fallback', provider: 'backup' });
    const msft = r.tickers.find((t) => t.symbol === 'MSFT');
    expect(msft?.sources.chain).toEqual({ from: 'primary', provider: 'primary' });
    expect(r.stats.failures).toEqual({ primary: 1 });
    expect(r.stats.calls.backup).toBeGreaterThanOrEqual(5);
  });

  it("names the primary's failure first when the fallback fails too (an expired key, not the fallback's outage)", async () => {
    // a real 401 of our HTTP client (it read HttpStatusError, like a 503)
    const expired = () =>
      new ProviderHttpStatusError(
        { provider: 'tradier', endpoint: 'markets/quotes', status: 401 },
        'Invalid Access Token',
      );
    const primary = new FaultyProvider('tradier', 42, { down: true, downWith: expired() });
    const fallback = new FaultyProvider('yahoo', 42, { down: true });
    const r = await collectMarket(['AAPL', 'MSFT'], base(primary, { fallback }));
    expect(r.tickers).toEqual([]);
    expect(r.skipCounts).toEqual({ 'quote:AuthError (fallback quote:TimeoutError)': 2 });
    expect(r.skipped.find((x) => x.symbol === 'AAPL')?.detail).toBe(
      `tradier: ${expired().message}; yahoo: yahoo timed out`,
    );
    // one item (not the batched quotes): the same rule
    const quotesOk = new FaultyProvider('tradier', 42, {
      throws: { AAPL: { expirations: expired() } },
    });
    const fb = new FaultyProvider('yahoo', 42, {
      throws: { AAPL: { expirations: new TimeoutError('slow') } },
    });
    const one = await collectMarket(['AAPL'], base(quotesOk, { fallback: fb }));
    expect(one.skipCounts).toEqual({ 'expirations:AuthError (fallback expirations:TimeoutError)': 1 });
  });

  it('skips a failing ticker with a counted reason and never fails the whole scan', async () => {
    const primary = new FaultyProvider('primary', 42, {
      throws: {
        AAPL: { chain: new TimeoutError('slow') },
        MSFT: { expirations: new HttpStatusError('upstream 503') },
        KO: { flow: new TimeoutError('slow') },
      },
      emptyChain: ['XOM'],
      noQuote: ['JPM'],
    });
    const r = await collectMarket(['AAPL', 'MSFT', 'XOM', 'JPM', 'KO', 'SPY', '1BAD'], base(primary));
    expect(r.tickers.map((t) => t.symbol).sort()).toEqual(['KO', 'SPY']);
    expect(r.skipCounts).toEqual({
      'chain:TimeoutError': 1,
      'expirations:HTTP_503': 1,
      emptyChain: 1,
      'quote:missing': 2,
    });
    expect(r.skipped.find((s) => s.symbol === 'AAPL')?.detail).toBe('primary: slow');
    const ko = r.tickers.find((t) => t.symbol === 'KO');
    expect(ko?.flow).toBeNull();
    expect(ko?.missing).toEqual({ flow: 'flow:TimeoutError' });
    expect(r.stats.missingItems).toEqual({ 'flow:TimeoutError': 1 });
    expect(r.stats).toMatchObject({ requested: 7, collected: 2, skipped: 5 });
  });

  it('skips a ticker without expirations in the window', async () => {
    const r = await collectMarket(['AAPL'], base(new FaultyProvider('p', 42), { minDte: 400, maxDte: 500 }));
    expect(r.skipCounts).toEqual({ noExpirationsInWindow: 1 });
  });

  it('survives a provider that is down: every ticker skipped and counted, macro missing with its reason', async () => {
    const r = await collectMarket(['AAPL', 'MSFT'], base(new FaultyProvider('p', 42, { down: true })));
    expect(r.tickers).toEqual([]);
    expect(r.skipCounts).toEqual({ 'quote:TimeoutError': 2 });
    expect(r.macro).toBeNull();
    expect(r.macroError).toBe('macro:TimeoutError');
  });

  it("passes the macro source's rate to every chain request (Yahoo solves vols at it), else the fallback rate", async () => {
    const fed = new FaultyProvider('p', 42, { macroRate: 0.031 });
    await collectMarket(['AAPL', 'MSFT'], base(fed));
    expect(fed.chainRates).toEqual([0.031, 0.031]);
    const none = new FaultyProvider('p', 42, { without: ['macro'] });
    const r = await collectMarket(['AAPL'], base(none));
    expect(r.macro).toBeNull();
    expect(none.chainRates).toEqual([FALLBACK_RISK_FREE_RATE]);
  });

  it('counts an item no provider serves as unsupported', async () => {
    const r = await collectMarket(
      ['AAPL'],
      base(new FaultyProvider('p', 42, { without: ['ivHistory', 'chain'] })),
    );
    expect(r.skipCounts).toEqual({ 'chain:unsupported': 1 });
  });

  it('serves a second scan from the cache, and refetches what the cache cannot cover', async () => {
    const cache = new MemoryCache();
    const first = new FaultyProvider('primary', 42);
    const r1 = await collectMarket(['AAPL', 'SPY'], base(first, { cache }));
    expect(r1.stats.cacheHits).toBe(0);
    expect(cache.map.size).toBeGreaterThan(10);

    cache.now = AS_OF + 30_000;
    const second = new FaultyProvider('primary', 42);
    const r2 = await collectMarket(['AAPL', 'SPY'], base(second, { cache, asOf: AS_OF + 30_000 }));
    expect(second.calls).toEqual([]);
    for (const t of r2.tickers) {
      for (const s of Object.values(t.sources)) expect(s).toEqual({ from: 'cache', provider: 'primary' });
    }
    expect(r2.macroSource?.from).toBe('cache');
    const a1 = r1.tickers.find((t) => t.symbol === 'AAPL') as (typeof r1.tickers)[number];
    const a2 = r2.tickers.find((t) => t.symbol === 'AAPL') as (typeof r2.tickers)[number];
    expect(encodeChain(a2.chain)).toBe(encodeChain(a1.chain));

    // a wider window needs expirations the cached chain does not hold
    const third = new FaultyProvider('primary', 42);
    const r3 = await collectMarket(['AAPL'], base(third, { cache, asOf: AS_OF + 30_000, maxDte: 90 }));
    expect(r3.tickers[0].sources.chain?.from).toBe('primary');
    expect(third.calls.filter((c) => c.kind === 'chain')).toHaveLength(1);

    // a replay before the cached as-of never reads the cache
    const replay = new FaultyProvider('primary', 42);
    await collectMarket(['AAPL'], base(replay, { cache, asOf: AS_OF - 60_000 }));
    expect(replay.calls.filter((c) => c.kind === 'chain')).toHaveLength(1);
  });

  it('treats a corrupt or failing cache as a miss', async () => {
    const cache = new MemoryCache();
    const key = 'market:v1:primary:chain:AAPL';
    await cache.set(key, '{"asOf":1,"provider":"x","chain":true,"data":"garbage"}', 60);
    const r = await collectMarket(['AAPL'], base(new FaultyProvider('primary', 42), { cache, optional: [] }));
    expect(r.tickers[0].sources.chain?.from).toBe('primary');

    const broken: MarketCache = {
      get: async () => {
        throw new Error('redis down');
      },
      set: async () => {
        throw new Error('redis down');
      },
    };
    const r2 = await collectMarket(
      ['AAPL'],
      base(new FaultyProvider('primary', 42), { cache: broken, optional: [] }),
    );
    expect(r2.tickers).toHaveLength(1);
    expect(r2.stats.cacheErrors).toBeGreaterThan(3);
  });

  it('stops on abort: the rest is skipped as aborted, nothing throws', async () => {
    const ac = new AbortController();
    const r = await collectMarket(
      ['AAPL', 'MSFT', 'XOM', 'KO', 'JPM', 'SPY'],
      base(new FaultyProvider('p', 42), {
        concurrency: 1,
        signal: ac.signal,
        optional: [],
        onTicker: (_s, _o, done) => {
          if (done === 2) ac.abort();
        },
      }),
    );
    expect(r.tickers).toHaveLength(2);
    expect(r.skipCounts).toEqual({ aborted: 4 });
  });

  it('is reproducible without a cache: same seed and as-of, same chains', async () => {
    const a = await collectMarket(['MSFT'], base(new FaultyProvider('p', 9), { optional: [] }));
    const b = await collectMarket(['MSFT'], base(new FaultyProvider('p', 9), { optional: [] }));
    expect(encodeChain(a.tickers[0].chain)).toBe(encodeChain(b.tickers[0].chain));
  });

  it('validates its window and names error reasons', async () => {
    await expect(collectMarket([], base(new FaultyProvider('p', 1), { maxDte: -1 }))).rejects.toThrow(
      MarketInputError,
    );
    await expect(
      collectMarket([], base(new FaultyProvider('p', 1), { minDte: 50, maxDte: 45 })),
    ).rejects.toThrow(/minDte/);
    expect(errorReason(new HttpStatusError('x'))).toBe('HTTP_503');
    expect(errorReason(new TimeoutError('x'))).toBe('TimeoutError');
    expect(errorReason(new MarketInputError('symbol', 'bad'))).toBe('invalidSymbol');
    expect(errorReason('weird')).toBe('error');
  });
});
