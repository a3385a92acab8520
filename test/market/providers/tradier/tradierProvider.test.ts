import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contractCount } from '../../../../src/market/chainBuilder.js';
import type { ApiCall } from '../../../../src/market/http/apiCall.js';
import {
  HttpStatusError,
  NotFoundError,
  ResponseValidationError,
} from '../../../../src/market/http/errors.js';
import { TradierProvider } from '../../../../src/market/providers/tradier/tradierProvider.js';
import { type LocalServer, startServer } from '../../http/localServer.js';
import { fixture, pltrSnapshot } from '../fixtureFiles.js';
import { TRADIER_TEST_KEY, tradierHandler } from './tradierServer.js';

const ctx = { asOf: Date.parse('2025-10-31T20:00:00Z') };

describe('TradierProvider against recorded Tradier responses', () => {
  let server: LocalServer;
  let calls: ApiCall[];
  const provider = (extra: Partial<ConstructorParameters<typeof TradierProvider>[0]> = {}) =>
    new TradierProvider({
      apiKey: TRADIER_TEST_KEY,
      baseUrl: `${server.origin}/v1/`,
      rateLimitPerMinute: 6000,
      http: { retries: 0, onCall: (c) => calls.push(c) },
      ...extra,
    });

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.handle(tradierHandler());
    server.hits.length = 0;
    calls = [];
  });

  describe('quotes', () => {
    it('reads a single quote sent as an object, not an array', async () => {
      server.handle(tradierHandler({ pltrQuote: 'recording' }));
      const [q, ...rest] = await provider().getQuotes(['pltr'], ctx);
      expect(rest).toHaveLength(0);
      expect(q).toMatchObject({
        symbol: 'PLTR',
        last: 25.5,
        bid: 25.49,
        ask: 25.5,
        prevClose: 25.22,
        volume: 12860810,
      });
      expect(q.time).toBe(1719589861696); // latest of trade_date / bid_date / ask_date, ms
      expect(server.hits[0].query.get('symbols')).toBe('PLTR');
      expect(server.hits[0].headers.accept).toBe('application/json');
    });

    it('reads a quote array mixing a stock and an option', async () => {
      const qs = await provider().getQuotes(['SPY', 'SPY251219P00450000'], ctx);
      expect(qs.map((q) => q.symbol)).toEqual(['SPY', 'SPY251219P00450000']);
      expect(qs[0].last).toBe(547.94);
    });

    it('drops unmatched symbols and batches by the configured size', async () => {
      const qs = await provider({ batchSize: 2 }).getQuotes(['PLTR', 'ZZZZ', 'YYYY', 'XXXX', 'WWWW'], ctx);
      expect(qs.map((q) => q.symbol)).toEqual(['PLTR']);
      expect(server.hits.map((h) => h.query.get('symbols'))).toEqual(['PLTR,ZZZZ', 'YYYY,XXXX', 'WWWW']);
    });

    it('exposes the quota from X-Ratelimit-* headers after a call', async () => {
      const p = provider();
      await p.getQuotes(['PLTR'], ctx);
      await p.getQuotes(['PLTR'], ctx);
      expect(p.http.rateLimit).toMatchObject({ allowed: 120, used: 2, available: 118 });
    });
  });

  describe('expirations', () => {
    it('lists the 21 PLTR expirations, weeklies included, ascending', async () => {
      const e = await provider().getExpirations('PLTR', ctx);
      expect(e).toHaveLength(21);
      expect(e.slice(0, 4)).toEqual(['2025-11-07', '2025-11-14', '2025-11-21', '2025-11-28']);
      expect(e.at(-1)).toBe('2028-01-21');
    });

    it('reads the object form sent with strikes=true / expirationType=true (docs example)', async () => {
      const e = await provider().getExpirations('VXX', ctx);
      expect(e).toEqual(['2023-11-10', '2023-11-17', '2023-12-29']);
    });

    it("asks for every root's dates: SPX alone lists only its monthlies, SPXW's weeklies come with includeAllRoots", async () => {
      // as Tradier documents (Get an option's expiration dates): "some underlying securities use a different symbol
      // for their weekly options (RUT/RUTW, SPX/SPXW). To make sure you see all expirations, … send the
      // includeAllRoots parameter" — the stand-in answers so
      server.handle((_req, res, url) => {
        const all = url.searchParams.get('includeAllRoots') === 'true';
        const date = all ? ['2025-11-07', '2025-11-14', '2025-11-21', '2025-11-28'] : ['2025-11-21'];
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ expirations: { date } }));
      });
      expect(await provider().getExpirations('SPX', ctx)).toEqual([
        '2025-11-07',
        '2025-11-14',
        '2025-11-21',
        '2025-11-28',
      ]);
    });

    it('returns [] for {"expirations":null}', async () => {
      await expect(provider().getExpirations('EMPTY', ctx)).resolves.toEqual([]);
    });
  });

  describe('chains', () => {
    it('builds the full PLTR chain (21 expirations, 2,494 contracts) with the vendor greeks, one request per expiry', async () => {
      const p = provider();
      const expirations = await p.getExpirations('PLTR', ctx);
      const chain = await p.getChain('PLTR', expirations, ctx);
      expect(chain.underlying).toBe('PLTR');
      expect(chain.spot).toBe(200.47);
      expect(chain.asOf).toBe(ctx.asOf);
      expect(chain.expirations.map((e) => e.expiration)).toEqual(expirations);
      expect(chain.expirations.reduce((n, e) => n + contractCount(e), 0)).toBe(2494);
      const chainsRequests = server.hits.filter((h) => h.path === '/v1/markets/options/chains');
      expect(chainsRequests).toHaveLength(21);
      expect(chainsRequests.every((h) => h.query.get('greeks') === 'true')).toBe(true);

      const nov7 = chain.expirations[0];
      expect(nov7.expirationType).toBe('weekly');
      expect(nov7.expiryTime).toBe(Date.parse('2025-11-07T21:00:00Z')); // 16:00 New York (EST)
      expect(chain.expirations.find((e) => e.expiration === '2025-11-28')?.expirationType).toBe('eom');
      expect(chain.expirations.find((e) => e.expiration === '2025-11-21')?.expirationType).toBe('standard');
      for (const e of chain.expirations) {
        for (let i = 1; i < e.strikes.length; i++) expect(e.strikes[i]).toBeGreaterThan(e.strikes[i - 1]);
      }
      const i95 = Array.from(nov7.strikes).indexOf(95);
      expect(nov7.puts.symbols[i95]).toBe('PLTR251107P00095000');
      expect(nov7.calls.symbols[i95]).toBe('PLTR251107C00095000');
      expect(nov7.puts.bid[i95]).toBe(0.01);
      expect(nov7.puts.ask[i95]).toBe(0.03);
      expect(nov7.puts.iv[i95]).toBe(1.864725);
      expect(nov7.puts.delta[i95]).toBe(-6.01864144947e-5);
      expect(nov7.puts.openInterest[i95]).toBe(3452);
      expect(nov7.puts.quoteTime[i95]).toBe(1761940498000); // max(bid_date, ask_date)

      // ORATS reports mid_iv 0 when it has no IV (10 contracts): those become NaN, never 0 %.
      let nanIv = 0;
      for (const e of chain.expirations) {
        for (const side of [e.calls, e.puts]) {
          for (let i = 0; i < e.strikes.length; i++)
            if (side.symbols[i] !== '' && Number.isNaN(side.iv[i])) nanIv++;
        }
      }
      expect(nanIv).toBe(10);
    });

    it('reads a chain whose single contract comes as an object, leaving the other side empty', async () => {
      const e = await provider().getExpiryQuotes('ONE', '2025-11-07', ctx);
      expect(e.quotes).toHaveLength(1);
      expect(e.quotes[0]).toMatchObject({ symbol: 'PLTR251107P00095000', type: 'put', strike: 95 });
      expect(e.expirationType).toBe('weekly');
    });

    it('leaves out an expiration that comes back as {"options":null}', async () => {
      const chain = await provider().getChain('PLTR', ['2025-11-07', '2025-11-08'], ctx);
      expect(chain.expirations.map((x) => x.expiration)).toEqual(['2025-11-07']);
      await expect(provider().getExpiryQuotes('EMPTY', '2025-11-07', ctx)).resolves.toMatchObject({
        quotes: [],
      });
    });

    it('turns null greeks into NaN greeks and IV (not zeros)', async () => {
      const body = JSON.parse(fixture('tradier', 'markets_options_chains_single-contract_CONSTRUCTED.json'));
      body.options.option.greeks = null;
      body.options.option.last = null;
      const base = tradierHandler();
      server.handle((req, res, url, i) => {
        if (url.pathname.endsWith('/chains')) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        } else return base(req, res, url, i);
      });
      const [q] = (await provider().getExpiryQuotes('ONE', '2025-11-07', ctx)).quotes;
      for (const v of [q.iv, q.delta, q.gamma, q.theta, q.vega, q.last]) expect(v).toBeNaN();
      expect(q.bid).toBe(0.01);
    });

    it('fails with NotFoundError when the underlying has no quote', async () => {
      await expect(provider().getChain('ZZZZ', ['2025-11-07'], ctx)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('names the field when a contract has the wrong type', async () => {
      server.handle((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            options: { option: [{ ...pltrSnapshot().chains.PLTR['2025-11-07'][0], strike: '95' }] },
          }),
        );
      });
      const err = await provider()
        .getExpiryQuotes('PLTR', '2025-11-07', ctx)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ResponseValidationError);
      expect((err as ResponseValidationError).field).toBe('options.option[0].strike');
      expect((err as Error).message).toContain('tradier markets/options/chains');
    });

    it('names the field when a contract carries a negative price or count', async () => {
      for (const [field, value] of [
        ['ask', -0.05],
        ['open_interest', -3],
      ] as const) {
        server.handle((_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          const rows = pltrSnapshot().chains.PLTR['2025-11-07'].slice(0, 3);
          res.end(
            JSON.stringify({
              options: { option: rows.map((o, i) => (i === 1 ? { ...o, [field]: value } : o)) },
            }),
          );
        });
        const err = await provider()
          .getExpiryQuotes('PLTR', '2025-11-07', ctx)
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ResponseValidationError);
        expect((err as ResponseValidationError).field).toBe(`options.option[1].${field}`);
      }
    });

    it('leaves out adjusted contracts (root PLTR1, contract_size ≠ 100) and keeps the own root over a second one', async () => {
      const rows = pltrSnapshot().chains.PLTR['2025-11-07'];
      const [a, b, c] = rows;
      const later = (o: typeof a) => ({
        ...o,
        bid_date: (o.bid_date as number) + 60_000,
        ask_date: (o.ask_date as number) + 60_000,
      });
      const occ = (root: string, o: typeof a) => o.symbol.replace(/^PLTR/, root);
      const extra = [
        // an adjusted contract after a corporate action: same strike, fresher quote, another deliverable
        { ...later(a), symbol: occ('PLTR1', a), root_symbol: 'PLTR1', bid: a.bid + 5, ask: a.ask + 5 },
        // a non-standard contract size under the own root
        { ...later(b), symbol: `${b.symbol}M`, contract_size: 10, bid: b.bid / 10, ask: b.ask / 10 },
        // a second root of the same date (as SPXW beside SPX): it must not replace the own root's quote
        { ...later(c), symbol: occ('PLTRW', c), root_symbol: 'PLTRW', bid: c.bid + 1, ask: c.ask + 1 },
        // …but is kept where the own root has no contract of that type and strike
        { ...later(c), symbol: occ('PLTRW', c), root_symbol: 'PLTRW', strike: 12345 },
      ];
      server.handle((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ options: { option: [...rows, ...extra] } }));
      });
      const { quotes } = await provider().getExpiryQuotes('PLTR', '2025-11-07', ctx);
      expect(quotes).toHaveLength(rows.length + 1);
      const bySymbol = new Map(quotes.map((q) => [q.symbol, q]));
      for (const o of [a, b, c]) expect(bySymbol.get(o.symbol)?.bid).toBe(o.bid);
      expect([...bySymbol.keys()].filter((k) => !k.startsWith('PLTR2'))).toEqual([occ('PLTRW', c)]);
      expect(bySymbol.get(occ('PLTRW', c))?.strike).toBe(12345);
    });

    it("expires SPX's AM-settled monthlies at the 09:30 open, without SPXW's PM-settled contracts of that date", async () => {
      // SPX as Tradier lists it: the third Friday (2025-11-21) under both roots, a weekly Friday under SPXW only.
      // CONSTRUCTED from the recorded PLTR rows with the roots and symbols of SPX.
      const rows = (exp: string, root: string) =>
        pltrSnapshot()
          .chains.PLTR[exp].slice(0, 6)
          .map((o) => ({
            ...o,
            symbol: o.symbol.replace(/^PLTR/, root),
            root_symbol: root,
            underlying: 'SPX',
            expiration_type: root === 'SPX' ? 'standard' : 'weeklys',
          }));
      server.handle((_req, res, url) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        if (url.pathname.endsWith('markets/quotes')) {
          res.end(
            JSON.stringify({ quotes: { quote: { symbol: 'SPX', last: 200.47, bid: 200.4, ask: 200.5 } } }),
          );
          return;
        }
        const exp = url.searchParams.get('expiration') as string;
        const option = exp === '2025-11-21' ? [...rows(exp, 'SPXW'), ...rows(exp, 'SPX')] : rows(exp, 'SPXW');
        res.end(JSON.stringify({ options: { option } }));
      });
      const third = await provider().getExpiryQuotes('SPX', '2025-11-21', ctx);
      expect(third.settlement).toBe('am');
      expect(third.expirationType).toBe('standard');
      expect(third.quotes).toHaveLength(6);
      expect(third.quotes.every((q) => q.symbol.startsWith('SPX2'))).toBe(true);
      const chain = await provider().getChain('SPX', ['2025-11-07', '2025-11-21'], ctx);
      expect(chain.expirations.map((e) => new Date(e.expiryTime).toISOString())).toEqual([
        '2025-11-07T21:00:00.000Z', // SPXW, PM-settled: the 16:00 close (EST)
        '2025-11-21T14:30:00.000Z', // SPX, AM-settled: the 09:30 open
      ]);
      expect(chain.expirations.map(contractCount)).toEqual([6, 6]);
    });

    it('rejects contracts of another expiration than the one asked for', async () => {
      const err = await provider()
        .getExpiryQuotes('ONE', '2025-11-14', ctx)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ResponseValidationError);
      expect((err as ResponseValidationError).field).toBe('options.option[0].expiration_date');
    });
  });

  describe('history, clock, calendar', () => {
    it('reads legacy daily history (long float literals), filtered to the range and ascending', async () => {
      const bars = await provider().getHistory('AAPL', '2012-06-01', '2012-06-30', ctx);
      expect(bars.length).toBeGreaterThan(15);
      expect(bars[0].date >= '2012-06-01' && bars.at(-1)!.date <= '2012-06-30').toBe(true);
      for (const b of bars) {
        expect(b.low).toBeLessThanOrEqual(b.high);
        expect(Number.isFinite(b.close) && b.volume > 0).toBe(true);
      }
    });

    it('returns [] for {"history":null}', async () => {
      await expect(provider().getHistory('EMPTY', '2025-01-01', '2025-02-01', ctx)).resolves.toEqual([]);
    });

    it('reads the clock (timestamp in seconds → ms)', async () => {
      const c = await provider().getClock(ctx);
      expect(c).toEqual({
        date: '2019-05-06',
        state: 'open',
        description: 'Market is open from 09:30 to 16:00',
        time: 1557156988000,
        nextChange: '16:00',
        nextState: 'postmarket',
      });
    });

    it('reads the calendar, closed days without an open session', async () => {
      const days = await provider().getCalendar(2013, 6, ctx);
      expect(days).toHaveLength(30);
      expect(days[0]).toEqual({ date: '2013-06-01', status: 'closed', open: null });
      expect(days[2]).toEqual({ date: '2013-06-03', status: 'open', open: { start: '09:30', end: '16:00' } });
      expect(server.hits[0].query.get('month')).toBe('06');
    });
  });

  describe('auth and secrets', () => {
    it('reports a wrong token as an auth error with the body text, not retried, key not shown', async () => {
      const wrongKey = 'wrong-token-abcdef123456';
      const p = new TradierProvider({
        apiKey: wrongKey,
        baseUrl: `${server.origin}/v1/`,
        http: { retries: 3 },
      });
      const err = await p.getQuotes(['PLTR'], ctx).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpStatusError);
      expect((err as HttpStatusError).kind).toBe('auth');
      expect((err as Error).message).toBe('tradier markets/quotes: HTTP 401: Invalid Access Token');
      expect(server.hits).toHaveLength(1);
    });

    it('keeps its key out of errors even when the server echoes the Authorization header', async () => {
      server.handle((req, res) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`upstream failed for ${req.headers.authorization}`);
      });
      const err = await provider()
        .getExpirations('PLTR', ctx)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpStatusError);
      expect((err as Error).message).toContain('Bearer ***');
      expect((err as Error).message).not.toContain(TRADIER_TEST_KEY);
      expect(JSON.stringify(calls)).not.toContain(TRADIER_TEST_KEY);
    });
  });
});
