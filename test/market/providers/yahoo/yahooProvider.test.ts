import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contractCount } from '../../../../src/market/chainBuilder.js';
import { expiryTime, yearsToExpiry } from '../../../../src/market/expiry.js';
import type { ApiCall } from '../../../../src/market/http/apiCall.js';
import {
  CircuitOpenError,
  NotFoundError,
  ProviderError,
  ResponseValidationError,
} from '../../../../src/market/http/errors.js';
import { gicsSector, toOptionQuote } from '../../../../src/market/providers/yahoo/mapYahoo.js';
import { YahooProvider } from '../../../../src/market/providers/yahoo/yahooProvider.js';
import { americanPrice } from '../../../../src/quant/americanPrice.js';
import { bsGreeks } from '../../../../src/quant/bsGreeks.js';
import { type LocalServer, sendJson, startServer } from '../../http/localServer.js';
import { fixture } from '../fixtureFiles.js';
import { yahooHandler, yahooTransport } from './yahooServer.js';

/** When the AAPL options were recorded (Mon 2025-02-24 09:24 UTC, pre-market). */
const ctx = { asOf: Date.parse('2025-02-24T09:24:42Z') };

describe('Yahoo sector names → GICS', () => {
  it('maps the Morningstar names Yahoo uses', () => {
    expect(gicsSector('Technology')).toBe('Information Technology');
    expect(gicsSector('Consumer Cyclical')).toBe('Consumer Discretionary');
    expect(gicsSector('Healthcare')).toBe('Health Care');
    expect(gicsSector('Financial Services')).toBe('Financials');
    expect(gicsSector(undefined)).toBeNull();
  });
});

// yahoo-finance2 keeps its crumb per process: the handshake happens once, in the first test.
describe('YahooProvider (yahoo-finance2 v3) against recorded Yahoo responses', () => {
  let server: LocalServer;
  let calls: ApiCall[];
  const yahoo = (extra: { breakerThreshold?: number; breakerOpenMs?: number } = {}) =>
    new YahooProvider({
      rateLimitPerHour: 1_000_000,
      riskFreeRate: 0.043,
      http: { fetch: yahooTransport(server.origin), retries: 0, onCall: (c) => calls.push(c), ...extra },
    });

  beforeAll(async () => {
    server = await startServer(yahooHandler());
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.handle(yahooHandler());
    server.hits.length = 0;
    calls = [];
  });

  it('does the cookie + crumb handshake through our client, then lists expirations', async () => {
    const e = await yahoo().getExpirations('AAPL', ctx);
    expect(e).toHaveLength(20);
    expect(e.slice(0, 3)).toEqual(['2025-02-28', '2025-03-07', '2025-03-14']);
    expect(calls.map((c) => `${c.endpoint} ${c.status}`)).toEqual([
      'cookie 307',
      'consent 200',
      'getcrumb 200',
      'v7/finance/options 200',
    ]);
    const options = server.hits.at(-1)!;
    expect(options.path).toBe('/query2.finance.yahoo.com/v7/finance/options/AAPL');
    expect(options.query.get('crumb')).toBe('haT3oykhHqZ');
    expect(options.headers.cookie).toContain('A3=');
  });

  it('builds the nearest AAPL expiry with greeks computed from the IV of each two-sided quote (Yahoo sends none)', async () => {
    const chain = await yahoo().getChain('AAPL', ['2025-02-28'], ctx);
    expect(chain).toMatchObject({ underlying: 'AAPL', spot: 245.55, asOf: ctx.asOf });
    const e = chain.expirations[0];
    expect(contractCount(e)).toBe(102);
    expect(e.expirationType).toBe('weekly'); // 2025-02-28 is not a third Friday
    // Pre-market, one contract has a two-sided quote (the 110 call, 135.90 / 136.65): the only one with an IV
    const withIv = [...e.calls.iv, ...e.puts.iv].filter((v) => !Number.isNaN(v));
    expect(withIv).toHaveLength(1);
    const i = e.strikes.indexOf(110);
    const T = yearsToExpiry(expiryTime('2025-02-28'), ctx.asOf);
    const iv = e.calls.iv[i];
    const args = [245.55, 110, T, 0.043, 0.0040271734] as const;
    expect(americanPrice('call', ...args, iv, 'baw')).toBeCloseTo((135.9 + 136.65) / 2, 9); // Yahoo said 3.586
    const g = bsGreeks('call', ...args, iv);
    expect(e.calls.delta[i]).toBeCloseTo(g.delta, 12);
    expect(e.calls.theta[i]).toBeCloseTo(g.theta / 365, 12); // per calendar day
    expect(e.calls.vega[i]).toBeCloseTo(g.vega / 100, 12); // per vol point
    expect(e.calls.quoteTime[i]).toBe(1740171602000); // the chain's regularMarketTime
    // four contracts omit `volume` (zero-volume): 0, not NaN
    let zeroVolume = 0;
    for (const side of [e.calls, e.puts]) {
      for (let k = 0; k < e.strikes.length; k++)
        if (side.symbols[k] !== '' && side.volume[k] === 0) zeroVolume++;
    }
    expect(zeroVolume).toBeGreaterThanOrEqual(4);
  });

  it('keeps one settlement per expiration: AM-settled roots expire at the 09:30 open, with the vols solved to it', async () => {
    type Contract = { contractSymbol: string };
    const relabel = (pick: (i: number) => boolean, root: string) =>
      yahooHandler((env) => {
        const block = env.optionChain.result[0].options[0] as unknown as {
          calls: Contract[];
          puts: Contract[];
        };
        for (const side of [block.calls, block.puts])
          side.forEach((c, i) => {
            if (pick(i)) c.contractSymbol = c.contractSymbol.replace(/^AAPL/, root);
          });
      });
    const y = yahoo();
    // a second, AM-settled root beside the own PM-settled one (as SPX beside SPXW): its contracts are left out
    server.handle(relabel((i) => i % 2 === 0, 'VIX'));
    const mixed = (await y.getChain('AAPL', ['2025-02-28'], ctx)).expirations[0];
    expect(contractCount(mixed)).toBe(51);
    expect(mixed.expiryTime).toBe(expiryTime('2025-02-28'));
    expect([...mixed.calls.symbols, ...mixed.puts.symbols].filter((x) => x.startsWith('VIX'))).toEqual([]);
    // every contract under an AM-settled root (as ^SPX's monthlies): the expiry is the open, 6½ hours earlier
    server.handle(relabel(() => true, 'SPX'));
    const am = (await y.getChain('AAPL', ['2025-02-28'], ctx)).expirations[0];
    expect(contractCount(am)).toBe(102);
    expect(new Date(am.expiryTime).toISOString()).toBe('2025-02-28T14:30:00.000Z');
    const i = am.strikes.indexOf(110);
    const T = yearsToExpiry(am.expiryTime, ctx.asOf);
    expect(americanPrice('call', 245.55, 110, T, 0.043, 0.0040271734, am.calls.iv[i], 'baw')).toBeCloseTo(
      (135.9 + 136.65) / 2,
      9,
    );
  });

  it("solves the vols at the request's risk-free rate (the scan's) when it carries one", async () => {
    const at = (riskFreeRate?: number) => yahoo().getChain('AAPL', ['2025-02-28'], { ...ctx, riskFreeRate });
    const e = (await at(0.01)).expirations[0];
    const i = e.strikes.indexOf(110);
    const T = yearsToExpiry(expiryTime('2025-02-28'), ctx.asOf);
    const iv = e.calls.iv[i];
    expect(americanPrice('call', 245.55, 110, T, 0.01, 0.0040271734, iv, 'baw')).toBeCloseTo(136.275, 9);
    expect(Math.abs(iv - (await at(undefined)).expirations[0].calls.iv[i])).toBeGreaterThan(0.01);
  });

  it("takes Yahoo's pre-market 0/0 quotes as no quote and its placeholder IVs as none (NaN, not 0 and 0.00001)", async () => {
    const chain = await yahoo().getChain('AAPL', ['2025-02-28'], ctx);
    const e = chain.expirations[0];
    const i = e.strikes.indexOf(245); // bid 0, ask 0, impliedVolatility 0.00001 in the fixture
    for (const side of [e.calls, e.puts]) {
      expect(side.bid[i]).toBeNaN();
      expect(side.ask[i]).toBeNaN();
      expect(side.iv[i]).toBeNaN();
      expect(side.delta[i]).toBeNaN();
    }
    let zeroZero = 0;
    let placeholderIv = 0;
    for (const side of [e.calls, e.puts]) {
      for (let k = 0; k < e.strikes.length; k++) {
        if (side.bid[k] === 0 && side.ask[k] === 0) zeroZero++;
        if (side.iv[k] < 0.01) placeholderIv++;
      }
    }
    expect(zeroZero).toBe(0); // 101 of 102 were kept as numeric 0/0 quotes
    expect(placeholderIv).toBe(0); // 44 IVs below 1 %
  });

  it("solves each IV from the quote's mid at the engine's time to expiry (Yahoo's SPY 340 call IV was 12.2 %, its quote's 14.0 %)", () => {
    // Real rows of Yahoo's SPY chain of 2020-08-18 ~12:53 EDT (data/options/SPY_yahoo_chain_2020-08-18_25exp.csv):
    // contract, bid, ask, Yahoo's impliedVolatility; spot 338.70 from put-call parity (CONSTRUCTED), r 0.1 %
    const p = {
      underlying: 'SPY',
      expiration: '2020-08-21',
      expiryTime: expiryTime('2020-08-21'),
      spot: 338.7,
      asOf: Date.parse('2020-08-18T16:55:00Z'),
      rate: 0.001,
      dividendYield: 0.0171,
      quoteTime: Date.parse('2020-08-18T16:53:00Z'),
    };
    const T = yearsToExpiry(p.expiryTime, p.asOf);
    const rows = [
      ['SPY200821C00340000', 'call', 340, 1.16, 1.17, 0.1217, true],
      ['SPY200821P00325000', 'put', 325, 0.11, 0.12, 0.2236, true],
      ['SPY200821P00345000', 'put', 345, 6.4, 6.46, 0.1323, false],
    ] as const;
    for (const [contractSymbol, type, strike, bid, ask, yahooIv, outsideSpread] of rows) {
      const q = toOptionQuote({ contractSymbol, strike, bid, ask, impliedVolatility: yahooIv }, type, p);
      const mid = (bid + ask) / 2;
      expect(
        americanPrice(type, p.spot, strike, T, p.rate, p.dividendYield, q.iv, 'baw'),
        contractSymbol,
      ).toBeCloseTo(mid, 9);
      // Yahoo's own vol misprices the near-the-money quotes by more than their whole spread
      const yahooPrice = americanPrice(type, p.spot, strike, T, p.rate, p.dividendYield, yahooIv, 'baw');
      expect(Math.abs(yahooPrice - mid) > ask - bid, contractSymbol).toBe(outsideSpread);
      const g = bsGreeks(type, p.spot, strike, T, p.rate, p.dividendYield, q.iv);
      expect(q.delta).toBeCloseTo(g.delta, 12);
    }
    const call = toOptionQuote(
      { contractSymbol: 'c', strike: 340, bid: 1.16, ask: 1.17, impliedVolatility: 0.1217 },
      'call',
      p,
    );
    expect(call.iv).toBeCloseTo(0.14, 2);
    // no two-sided quote, no IV: Yahoo's 1/32 and its last-trade vols are not the market's
    for (const [bid, ask] of [
      [0, 0],
      [0, 1.2],
    ]) {
      const q = toOptionQuote(
        { contractSymbol: 'c', strike: 340, bid, ask, impliedVolatility: 0.03125 },
        'call',
        p,
      );
      expect(q.iv).toBeNaN();
      expect(q.delta).toBeNaN();
    }
  });

  it('leaves out an expired or unrecorded expiry', async () => {
    const chain = await yahoo().getChain('AAPL', ['2022-03-01', '2025-03-07', '2025-02-28'], ctx);
    expect(chain.expirations.map((x) => x.expiration)).toEqual(['2025-02-28']);
  });

  it('names the field when a contract carries a negative price, count or IV, or no positive strike', async () => {
    const y = yahoo();
    await y.getExpirations('AAPL', ctx); // handshake on the unedited stand-in
    for (const [side, i, field, value, reason] of [
      ['calls', 3, 'bid', -0.05, 'must be ≥ 0, got -0.05'],
      ['puts', 7, 'openInterest', -2, 'must be ≥ 0, got -2'],
      ['calls', 0, 'impliedVolatility', -0.3, 'must be ≥ 0, got -0.3'],
      ['puts', 1, 'strike', 0, 'must be a positive number, got 0'],
    ] as const) {
      server.handle(
        yahooHandler((env) => {
          env.optionChain.result[0].options[0][side][i][field] = value;
        }),
      );
      const err = await y.getChain('AAPL', ['2025-02-28'], ctx).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ResponseValidationError);
      const v = err as ResponseValidationError;
      expect(v.field).toBe(`optionChain.result[0].options[0].${side}[${i}].${field}`);
      expect(v.reason).toBe(reason);
      expect(v.message).toContain(v.field);
    }
    server.handle(yahooHandler());
    await expect(y.getChain('AAPL', ['2025-02-28'], ctx)).resolves.toMatchObject({ spot: 245.55 });
  });

  it('reads AAPL fundamentals: GICS sector, margins, FCF and the next earnings date', async () => {
    const f = await yahoo().getFundamentals('AAPL', ctx);
    expect(f).toEqual({
      symbol: 'AAPL',
      name: 'Apple Inc.',
      sector: 'Information Technology',
      industry: 'Consumer Electronics',
      marketCap: 3688676720640,
      pe: 38.91442,
      peg: null,
      grossMargin: 0.46519002,
      operatingMargin: 0.34459,
      freeCashFlow: 93833871360,
      dividendYield: 0.0041,
      nextEarningsDate: '2025-04-30',
    });
    const summary = server.hits.find((h) => h.path.includes('quoteSummary'))!;
    expect(summary.query.get('modules')?.split(',')).toContain('calendarEvents');
  });

  it('maps Yahoo "Consumer Cyclical" to GICS Consumer Discretionary (AMZN), and an ETF to sector ETF (QQQ)', async () => {
    const y = yahoo();
    const amzn = await y.getFundamentals('AMZN', ctx);
    expect(amzn).toMatchObject({
      sector: 'Consumer Discretionary',
      industry: 'Internet Retail',
      nextEarningsDate: '2025-04-28',
    });
    const qqq = await y.getFundamentals('QQQ', ctx);
    expect(qqq).toMatchObject({
      symbol: 'QQQ',
      sector: 'ETF',
      industry: 'ETF',
      dividendYield: 0.0054,
      nextEarningsDate: null,
    });
  });

  it("reports Yahoo's 404 for an unknown symbol as NotFoundError", async () => {
    const err = await yahoo()
      .getFundamentals('ZZZZ', ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as ProviderError).provider).toBe('yahoo');
  });

  it('reads daily history with a split and dividends, dated by the New York session', async () => {
    const bars = await yahoo().getHistory('NVDA', '2021-06-01', '2021-07-30', ctx);
    expect(bars[0].date).toBe('2021-06-01');
    expect(bars.at(-1)!.date).toBe('2021-07-30');
    expect(bars.length).toBeGreaterThan(35);
    for (const b of bars) expect(b.low <= b.close && b.close <= b.high).toBe(true);
    const hit = server.hits.find((h) => h.path.includes('/v8/finance/chart/NVDA'))!;
    expect(hit.query.get('interval')).toBe('1d');
  });

  it('reads a quote', async () => {
    const [q] = await yahoo().getQuotes(['aapl'], ctx);
    expect(q).toMatchObject({
      symbol: 'AAPL',
      last: 244.6,
      bid: 244.44,
      ask: 253.37,
      prevClose: 241.53,
      time: 1739566800000,
    });
    expect(q.dividendYield).toBe(0.00409887);
  });

  /** Serves AAPL's recorded quote under another Yahoo symbol (CONSTRUCTED); the rest as recorded. */
  const serveQuoteAs = (yahooSymbol: string) => {
    const base = yahooHandler();
    server.handle((req, res, url, hit) => {
      if (url.pathname.endsWith('/v7/finance/quote') && url.searchParams.get('symbols') === yahooSymbol) {
        const body = fixture('yahoo', 'v7_finance_quote_AAPL.json').replaceAll('"AAPL"', `"${yahooSymbol}"`);
        sendJson(res, 200, JSON.parse(body));
        return;
      }
      return base(req, res, url, hit);
    });
  };

  it.each([
    // Yahoo's BRK.B would be an exchange suffix: it answered nothing and the ticker was always skipped
    ['a share class with a hyphen', 'brk.b', 'BRK-B', 'BRK.B'],
    // Yahoo lists the index as ^SPX
    ['an option index with its caret', 'spx', '^SPX', 'SPX'],
  ])(
    'asks Yahoo for %s (%s → %s) and answers with the ticker as Tradier writes it (%s)',
    async (_, asked, yahooSymbol, ticker) => {
      serveQuoteAs(yahooSymbol);
      const y = yahoo();
      const [q] = await y.getQuotes([asked], ctx);
      expect(q).toMatchObject({ symbol: ticker, last: 244.6 });
      await y.getExpirations(ticker, ctx).catch(() => undefined);
      await y.getHistory(ticker, '2020-01-01', '2020-01-03', ctx).catch(() => undefined);
      await y.getFundamentals(ticker, ctx).catch(() => undefined);
      const paths = server.hits.map((h) => decodeURIComponent(h.path));
      expect(server.hits.some((h) => h.query.get('symbols') === yahooSymbol)).toBe(true);
      expect(paths).toContain(`/query2.finance.yahoo.com/v7/finance/options/${yahooSymbol}`);
      expect(paths.some((p) => p.endsWith(`/v8/finance/chart/${yahooSymbol}`))).toBe(true);
      expect(paths.some((p) => p.endsWith(`/v10/finance/quoteSummary/${yahooSymbol}`))).toBe(true);
      expect(paths.some((p) => p.includes(`/${ticker}`))).toBe(false);
    },
  );

  it("names the field of a payload yahoo-finance2's schema refuses (it said only 'Failed Yahoo Schema validation')", async () => {
    const y = yahoo();
    server.handle(
      yahooHandler((env) => {
        (env.optionChain.result[0].options[0].calls[3] as unknown as Record<string, unknown>).strike = 'abc';
      }),
    );
    const err = await y.getChain('AAPL', ['2025-02-28'], ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect((err as ResponseValidationError).field).toMatch(/options\[0\]\.calls\[3\]\.strike$/);
    expect((err as ResponseValidationError).message).toMatch(/field \S*options\[0\]\.calls\[3\]\.strike: /);
  });

  it('leaves a chain without a quote time stale (NaN), not dated "now"', async () => {
    server.handle(
      yahooHandler((env) => {
        delete (env.optionChain.result[0] as unknown as { quote: Record<string, unknown> }).quote
          .regularMarketTime;
      }),
    );
    const chain = await yahoo().getChain('AAPL', ['2025-02-28'], ctx);
    const e = chain.expirations[0];
    const listed = Array.from(e.strikes.keys()).filter((i) => e.calls.symbols[i] !== '');
    expect(listed.length).toBeGreaterThan(10);
    for (const i of listed) expect(e.calls.quoteTime[i]).toBeNaN();
  });

  it('breaks the circuit when Yahoo keeps failing and recovers after the open period', async () => {
    const y = yahoo({ breakerThreshold: 2, breakerOpenMs: 150 });
    await y.getExpirations('AAPL', ctx); // handshake done while healthy
    server.handle((_req, res) => sendJson(res, 503, 'down'));
    for (let i = 0; i < 2; i++)
      await expect(y.getExpirations('AAPL', ctx)).rejects.toBeInstanceOf(ProviderError);
    await expect(y.getExpirations('AAPL', ctx)).rejects.toBeInstanceOf(CircuitOpenError);
    server.handle(yahooHandler());
    await new Promise((r) => setTimeout(r, 170));
    await expect(y.getExpirations('AAPL', ctx)).resolves.toHaveLength(20);
  });
});
