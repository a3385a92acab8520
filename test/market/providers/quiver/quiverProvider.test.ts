import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpStatusError, ResponseValidationError } from '../../../../src/market/http/errors.js';
import {
  combineFlow,
  congressComponent,
  darkPoolComponent,
} from '../../../../src/market/providers/quiver/flowScore.js';
import { QuiverProvider } from '../../../../src/market/providers/quiver/quiverProvider.js';
import { zScore } from '../../../../src/quant/stats.js';
import { type LocalServer, startServer } from '../../http/localServer.js';
import { QUIVER_NO_PLAN_KEY, QUIVER_TEST_KEY, quiverHandler } from './quiverServer.js';

const ctx = { asOf: Date.parse('2025-01-10T21:00:00Z') };

/** 31 sessions of DPI, the last one high (CONSTRUCTED). */
function dpiSeries(ticker: string) {
  const rows = [];
  for (let i = 0; i < 31; i++) {
    const d = new Date(Date.UTC(2024, 11, 1) + i * 86_400_000).toISOString().slice(0, 10);
    rows.push({
      Ticker: ticker,
      Date: d,
      OTC_Short: 1,
      OTC_Total: 2,
      DPI: i === 30 ? 0.62 : 0.45 + 0.01 * (i % 5),
    });
  }
  return rows;
}

describe('flow score (pure)', () => {
  it('z-scores the latest DPI against the earlier sessions only, and ignores points after the as-of', () => {
    const pts = dpiSeries('X').map((r) => ({ date: r.Date, dpi: r.DPI }));
    const c = darkPoolComponent([...pts, { date: '2025-02-01', dpi: 0.1 }], '2024-12-31');
    const hist = pts.slice(0, 30).map((p) => p.dpi);
    expect(c.z).toBeCloseTo(zScore(0.62, hist), 12);
    expect(c.note).toMatch(/^dark pool DPI 0\.620 on 2024-12-31, z \+\d+\.\d\d vs 30 days$/);
    expect(darkPoolComponent(pts.slice(0, 5), '2024-12-31').z).toBeNull();
  });

  it('scores congress trades as a buy/sell count z within 90 days', () => {
    const trades = [
      { date: '2025-01-02', transaction: 'Purchase' },
      { date: '2024-12-20', transaction: 'Purchase' },
      { date: '2024-12-01', transaction: 'Sale (Partial)' },
      { date: '2024-01-01', transaction: 'Sale' }, // too old
    ];
    expect(congressComponent(trades, '2025-01-10').z).toBeCloseTo(1 / Math.sqrt(3), 12);
    expect(congressComponent([], '2025-01-10')).toEqual({ z: null, note: 'congress: no trades in 90 days' });
  });

  it('averages the components it has, clamps to ±3, rounds to 0.01', () => {
    expect(
      combineFlow([
        { z: 1, note: '' },
        { z: null, note: '' },
        { z: 2, note: '' },
      ]),
    ).toBe(1.5);
    expect(combineFlow([{ z: 9, note: '' }])).toBe(3);
    expect(combineFlow([{ z: null, note: '' }])).toBeNull();
  });
});

describe('QuiverProvider without a key', () => {
  it('returns neutral flow and says why, without any request', async () => {
    const q = new QuiverProvider({ apiKey: null, baseUrl: 'http://127.0.0.1:1/beta/' });
    expect(q.configured).toBe(false);
    await expect(q.getFlow('nvda', ctx)).resolves.toEqual({
      symbol: 'NVDA',
      flowZ: 0,
      neutral: true,
      detail: 'flow neutral: no QuiverQuant key (QUIVER_API_KEY not set)',
    });
  });
});

describe('QuiverProvider against the Quiver stand-in (SYNTHETIC fixtures)', () => {
  let server: LocalServer;
  const quiver = (apiKey: string | null = QUIVER_TEST_KEY, authScheme: 'Token' | 'Bearer' = 'Token') =>
    new QuiverProvider({
      apiKey,
      authScheme,
      baseUrl: `${server.origin}/beta/`,
      rateLimitPerMinute: 60_000,
      http: { retries: 0 },
    });

  beforeAll(async () => {
    server = await startServer(quiverHandler());
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.handle(quiverHandler());
    server.hits.length = 0;
  });

  it('scores NVDA from one congressional purchase when there is no dark-pool history', async () => {
    const f = await quiver().getFlow('NVDA', ctx);
    expect(f).toMatchObject({ symbol: 'NVDA', flowZ: 1, neutral: false });
    expect(f.detail).toBe(
      'QuiverQuant: dark pool: 0 day(s) of DPI, too few for a z-score; congress 1 buy(s) / 0 sale(s) in 90 days, z +1.00',
    );
    expect(server.hits.map((h) => h.path).sort()).toEqual([
      '/beta/historical/congresstrading/NVDA',
      '/beta/historical/offexchange/NVDA',
    ]);
    expect(server.hits[0].headers.authorization).toBe(`Token ${QUIVER_TEST_KEY}`);
  });

  it('is neutral, and says so, when no component has enough data (SPY: 2 DPI days, no congress trades)', async () => {
    const f = await quiver().getFlow('SPY', ctx);
    expect(f.neutral).toBe(true);
    expect(f.flowZ).toBe(0);
    expect(f.detail).toContain('dark pool: 2 day(s) of DPI, too few');
    expect(f.detail).toContain('congress: no trades');
  });

  it('combines a dark-pool z with congress trades (CONSTRUCTED DPI series), Bearer scheme accepted too', async () => {
    server.handle(quiverHandler({ 'historical/offexchange/NVDA': dpiSeries('NVDA') }));
    const f = await quiver(QUIVER_TEST_KEY, 'Bearer').getFlow('NVDA', {
      asOf: Date.parse('2024-12-31T21:00:00Z'),
    });
    const dp = darkPoolComponent(
      dpiSeries('NVDA').map((r) => ({ date: r.Date, dpi: r.DPI })),
      '2024-12-31',
    );
    expect(f.neutral).toBe(false);
    expect(f.flowZ).toBe(combineFlow([dp, { z: 1, note: '' }]));
  });

  it('treats a key without the dataset in its plan as neutral and says so', async () => {
    const f = await quiver(QUIVER_NO_PLAN_KEY).getFlow('NVDA', ctx);
    expect(f.neutral).toBe(true);
    expect(f.detail).toContain('Upgrade your subscription plan to access this dataset.');
    expect(f.detail).not.toContain(QUIVER_NO_PLAN_KEY);
  });

  it('fails with an auth error for a wrong key, key not shown', async () => {
    const bad = 'quiver-wrong-key-123456789';
    const err = await quiver(bad)
      .getFlow('NVDA', ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect((err as HttpStatusError).kind).toBe('auth');
    expect((err as Error).message).not.toContain(bad);
  });

  it('names the field of a malformed record', async () => {
    server.handle(
      quiverHandler({ 'historical/offexchange/NVDA': [{ Ticker: 'NVDA', Date: '2025-01-08', DPI: 'high' }] }),
    );
    const err = await quiver()
      .getFlow('NVDA', ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect((err as ResponseValidationError).field).toBe('[0].DPI');
  });

  it('names a negative DPI and a date that is not one', async () => {
    for (const [route, record, field] of [
      ['historical/offexchange/NVDA', { Ticker: 'NVDA', Date: '2025-01-08', DPI: -0.4 }, '[0].DPI'],
      ['historical/offexchange/NVDA', { Ticker: 'NVDA', Date: '08/01/2025', DPI: 0.4 }, '[0].Date'],
      [
        'historical/congresstrading/NVDA',
        { TransactionDate: 'yesterday', Transaction: 'Purchase', Ticker: 'NVDA' },
        '[0].TransactionDate',
      ],
    ] as const) {
      server.handle(quiverHandler({ [route]: [record] }));
      const err = await quiver()
        .getFlow('NVDA', ctx)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ResponseValidationError);
      expect((err as ResponseValidationError).field).toBe(field);
    }
  });

  it('ignores plain strings mixed into an array', async () => {
    server.handle(
      quiverHandler({
        'historical/congresstrading/NVDA': [
          'notice',
          { TransactionDate: '2025-01-02', Transaction: 'Sale', Ticker: 'NVDA' },
        ],
      }),
    );
    const f = await quiver().getFlow('NVDA', ctx);
    expect(f.flowZ).toBe(-1);
  });
});
