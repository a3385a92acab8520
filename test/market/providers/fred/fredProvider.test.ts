import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiCall } from '../../../../src/market/http/apiCall.js';
import {
  HttpStatusError,
  NotFoundError,
  ProviderError,
  ResponseValidationError,
} from '../../../../src/market/http/errors.js';
import {
  continuousFromBondEquivalent,
  FredProvider,
  parseFredValue,
} from '../../../../src/market/providers/fred/fredProvider.js';
import { type LocalServer, startServer } from '../../http/localServer.js';
import { FRED_TEST_KEY, fredHandler } from './fredServer.js';

/** 2026-08-21 18:00 New York: the fixtures were fetched that evening. */
const ctx = { asOf: Date.parse('2026-08-21T22:00:00Z') };

describe('FRED value parsing', () => {
  it('reads strings, "." as missing (NaN), and converts bond-equivalent percent to a continuous fraction', () => {
    expect(parseFredValue('4.6900000000')).toBe(4.69);
    expect(parseFredValue('.')).toBeNaN();
    expect(parseFredValue('')).toBeNaN();
    expect(continuousFromBondEquivalent(4)).toBeCloseTo(2 * Math.log(1.02), 15);
    expect(continuousFromBondEquivalent(0)).toBe(0);
  });
});

describe('FredProvider against recorded FRED responses', () => {
  let server: LocalServer;
  const calls: ApiCall[] = [];
  const fred = (apiKey = FRED_TEST_KEY) =>
    new FredProvider({
      apiKey,
      baseUrl: `${server.origin}/fred/`,
      rateLimitPerMinute: 60_000,
      http: { retries: 0, onCall: (c) => calls.push(c) },
    });

  beforeAll(async () => {
    server = await startServer(fredHandler());
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.handle(fredHandler());
    server.hits.length = 0;
  });

  it('reads a whole daily series: 6,949 observations, the 287 "." as NaN, 10-decimal values', async () => {
    const obs = await fred().getSeries('DGS10', {}, ctx);
    expect(obs).toHaveLength(6949);
    expect(obs.filter((o) => Number.isNaN(o.value))).toHaveLength(287);
    expect(obs[0]).toEqual({ date: '2000-01-03', value: 6.58 });
    expect(obs.at(-1)).toEqual({ date: '2026-08-20', value: 4.69 });
    const q = server.hits[0].query;
    expect(q.get('file_type')).toBe('json');
    expect(q.get('series_id')).toBe('DGS10');
  });

  it('keeps the October-2025 gap of monthly CPI as NaN', async () => {
    const obs = await fred().getSeries('CPIAUCSL', { start: '2025-08-01', end: '2025-12-31' }, ctx);
    expect(obs.map((o) => o.date)).toEqual([
      '2025-08-01',
      '2025-09-01',
      '2025-10-01',
      '2025-11-01',
      '2025-12-01',
    ]);
    expect(obs[2].value).toBeNaN();
    expect(obs[1].value).toBeGreaterThan(300);
  });

  it('falls back to DGS10 for the rate when DGS3MO is unavailable, and fills the macro snapshot', async () => {
    const m = await fred().getMacro(ctx);
    expect(m.riskFreeSource).toBe('DGS10 2026-08-20 (DGS3MO unavailable)');
    expect(m.riskFreeRate).toBeCloseTo(2 * Math.log(1 + 0.0469 / 2), 12);
    expect(m.dgs10).toBeCloseTo(0.0469, 12);
    expect(m.dgs3mo).toBeNull();
    expect(m.cpi).toBe(332.813);
    expect(m.unemployment).toBeCloseTo(0.041, 12);
    expect(m.gdp).toBe(31442.483);
  });

  it('takes the rate from DGS3MO when it has one, skipping a trailing "." (CONSTRUCTED series)', async () => {
    server.handle(
      fredHandler({
        DGS3MO: {
          observations: [
            { date: '2026-08-18', value: '4.2300000000' },
            { date: '2026-08-19', value: '4.2100000000' },
            { date: '2026-08-20', value: '.' },
          ],
        },
      }),
    );
    const m = await fred().getMacro(ctx);
    expect(m.riskFreeSource).toBe('DGS3MO 2026-08-19');
    expect(m.riskFreeRate).toBeCloseTo(2 * Math.log(1 + 0.0421 / 2), 12);
    expect(m.dgs3mo).toBeCloseTo(0.0421, 12);
    expect(m.dgs10).toBeCloseTo(0.0469, 12);
  });

  it('never prices with an implausible yield: a corrupted DGS3MO falls back to DGS10, both corrupted fail naming them', async () => {
    const corrupted = { observations: [{ date: '2026-08-19', value: '421.0000000000' }] };
    server.handle(fredHandler({ DGS3MO: corrupted }));
    const m = await fred().getMacro(ctx);
    expect(m.riskFreeSource).toBe(
      'DGS10 2026-08-20 (DGS3MO 2026-08-19: 421 % is outside the plausible -5 … 50 %)',
    );
    expect(m.riskFreeRate).toBeCloseTo(2 * Math.log(1 + 0.0469 / 2), 12);
    expect(m.dgs3mo).toBeNull();

    server.handle(
      fredHandler({ DGS3MO: corrupted, DGS10: { observations: [{ date: '2026-08-20', value: '-46.9' }] } }),
    );
    const err = await fred()
      .getMacro(ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect((err as Error).message).toContain('DGS3MO 2026-08-19: 421 % is outside');
    expect((err as Error).message).toContain('DGS10 2026-08-20: -46.9 % is outside');

    // The edges of the range are still rates (a negative bill yield has happened).
    server.handle(fredHandler({ DGS3MO: { observations: [{ date: '2026-08-19', value: '-0.1' }] } }));
    expect((await fred().getMacro(ctx)).riskFreeSource).toBe('DGS3MO 2026-08-19');
  });

  it('is point-in-time: an earlier as-of sees only observations dated on or before it', async () => {
    const m = await fred().getMacro({ asOf: Date.parse('2020-03-20T21:00:00Z') });
    expect(m.riskFreeSource).toBe('DGS10 2020-03-20 (DGS3MO unavailable)');
    expect(m.dgs10).toBeCloseTo(0.0092, 12);
    expect(m.gdp).toBeLessThan(23_000);
  });

  it('reports a bad key as an auth error without showing the key', async () => {
    const key = 'ffffffffffffffffffffffffffffffff';
    const err = await fred(key)
      .getSeries('DGS10', {}, ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect((err as HttpStatusError).kind).toBe('auth');
    expect((err as Error).message).toContain('api_key is not registered');
    expect((err as Error).message).not.toContain(key);
    await expect(fred(key).getMacro(ctx)).rejects.toMatchObject({ kind: 'auth' });
  });

  it('maps FRED\'s 400 "series does not exist" to NotFoundError', async () => {
    const err = await fred()
      .getSeries('NOPE', {}, ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toBe(
      'fred series/observations: series NOPE: Bad Request. The series does not exist.',
    );
  });

  it('names the observation whose value is neither a number nor "."', async () => {
    server.handle(
      fredHandler({
        BAD: {
          observations: [
            { date: '2026-01-01', value: '1.0' },
            { date: '2026-02-01', value: 'n/a' },
          ],
        },
      }),
    );
    const err = await fred()
      .getSeries('BAD', {}, ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('invalid');
    expect((err as Error).message).toContain('observations[1].value');
  });

  it("records each call with the outcome its answer meant: a bad body 'invalid', an unknown series 'not_found', a bad key 'auth' (all were recorded by status: 'ok', 'http', 'http')", async () => {
    server.handle(fredHandler({ BAD: { observations: [{ date: '2026-02-01', value: 'n/a' }] } }));
    calls.length = 0;
    await fred()
      .getSeries('BAD', {}, ctx)
      .catch(() => null);
    await fred()
      .getSeries('NOPE', {}, ctx)
      .catch(() => null);
    await fred('ffffffffffffffffffffffffffffffff')
      .getSeries('DGS10', {}, ctx)
      .catch(() => null);
    expect(calls.map((c) => [c.status, c.outcome])).toEqual([
      [200, 'invalid'],
      [400, 'not_found'],
      [400, 'auth'],
    ]);
  });

  it('fails the snapshot with a typed error when neither rate series has a value', async () => {
    const err = await fred()
      .getMacro({ asOf: Date.parse('1990-01-05T21:00:00Z') })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toMatch(
      /no risk-free rate: DGS3MO .*; DGS10 has no value in the last 30 days/,
    );
  });
});
