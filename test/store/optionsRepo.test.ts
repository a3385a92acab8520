import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OptionQuote } from '../../src/market/types.js';
import { StoreInputError } from '../../src/store/errors.js';
import {
  countOptionSnapshots,
  dropExpiredOptionPartitions,
  ingestOptionSnapshots,
  listOptionPartitions,
} from '../../src/store/optionsRepo.js';
import { makeChain } from './helpers/fixtures.js';
import { ENGINES, engineUnavailable, useTestDatabase } from './helpers/testDatabase.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-25T14:30:00Z');

function quote(symbol: string, over: Partial<OptionQuote> = {}): OptionQuote {
  return {
    symbol,
    underlying: 'ZZZ',
    type: 'put',
    strike: 95,
    expiration: '2026-12-18',
    bid: 1.2,
    ask: 1.3,
    last: Number.NaN,
    volume: 12.4,
    openInterest: 300,
    iv: 0.31,
    delta: -0.2,
    gamma: 0.02,
    theta: -0.04,
    vega: 0.11,
    quoteTime: T0 - 500,
    ...over,
  };
}

describe.each(ENGINES)('option snapshots on %s', (engine) => {
  describe.skipIf(engineUnavailable(engine))('', () => {
    const t = useTestDatabase(engine);

    it('bulk-load chains into the day partition, with NaN stored as NULL', async () => {
      const chains = [makeChain('AAA', T0, 3, 10), makeChain('BBB', T0, 3, 10)];
      const r = await ingestOptionSnapshots(t().db, { source: 'simulated', chains });
      expect(r).toEqual({ rows: 120, replaced: 0, partitions: ['options_p20261125'] });
      const row = await t().db.query(
        `SELECT snapshot_at, scan_id, underlying, option_type, expiration, strike, bid, ask, last, volume,
                open_interest, iv, delta, quote_time, source
           FROM options WHERE symbol = 'AAA261218P00092500' AND scan_id IS NULL`,
      );
      expect(row.rows).toEqual([
        {
          snapshot_at: new Date(T0),
          scan_id: null,
          underlying: 'AAA',
          option_type: 'put',
          expiration: '2026-12-18',
          strike: 92.5,
          bid: 1.1,
          ask: 1.2000000000000002,
          last: 1.1500000000000001,
          volume: 10,
          open_interest: 100,
          iv: 0.201,
          delta: -0.11,
          quote_time: new Date(T0 - 1000),
          source: 'simulated',
        },
      ]);
      const nulls = await t().db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM options WHERE underlying = 'AAA' AND last IS NULL`,
      );
      expect(nulls.rows[0].n).toBe(24); // every third strike has no last trade
    });

    it('replace, not duplicate, a snapshot loaded twice', async () => {
      const chains = [makeChain('CCC', T0, 2, 5)];
      await ingestOptionSnapshots(t().db, { source: 'simulated', chains });
      const again = await ingestOptionSnapshots(t().db, { source: 'simulated', chains });
      expect(again).toMatchObject({ rows: 20, replaced: 20 });
      const n = await t().db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM options WHERE underlying = 'CCC'`,
      );
      expect(n.rows[0].n).toBe(20);
    });

    it('keep one row when a contract appears twice in one snapshot', async () => {
      const r = await ingestOptionSnapshots(t().db, {
        source: 'tradier',
        quotes: [quote('DUP1'), quote('DUP1', { bid: 9 }), quote('DUP2')],
        snapshotAt: T0,
      });
      expect(r.rows).toBe(2);
      const bid = await t().db.query(`SELECT bid, volume FROM options WHERE symbol = 'DUP1'`);
      expect(bid.rows).toEqual([{ bid: 1.2, volume: 12 }]);
    });

    it('create one partition per UTC day and drop the ones past retention', async () => {
      const days = [0, 1, 2, 5, 40].map((d) => T0 - d * DAY);
      for (const [i, at] of days.entries()) {
        await ingestOptionSnapshots(t().db, { source: 'simulated', chains: [makeChain(`R${i}`, at, 1, 2)] });
      }
      const names = (await listOptionPartitions(t().db)).map((p) => p.day);
      expect(names).toEqual(['2026-10-16', '2026-11-20', '2026-11-23', '2026-11-24', '2026-11-25']);
      const dropped = await dropExpiredOptionPartitions(t().db, 3, T0);
      expect(dropped).toEqual(['options_p20261016', 'options_p20261120']);
      expect((await listOptionPartitions(t().db)).map((p) => p.name)).toEqual([
        'options_p20261123',
        'options_p20261124',
        'options_p20261125',
      ]);
      const left = await t().db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM options WHERE underlying LIKE 'R_'`,
      );
      expect(left.rows[0].n).toBe(12);
      expect(await dropExpiredOptionPartitions(t().db, 3, T0)).toEqual([]);
    });

    it('store any text exactly (tabs, newlines, backslashes, unicode) through COPY', async () => {
      let k = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.string({ unit: 'grapheme', minLength: 1 }).filter((s) => !s.includes('\u0000')),
          async (s) => {
            const snapshotAt = T0 + ++k;
            await ingestOptionSnapshots(t().db, {
              source: s,
              quotes: [quote(`X${s}`, { underlying: s })],
              snapshotAt,
            });
            const r = await t().db.query<{ symbol: string; underlying: string; source: string }>(
              'SELECT symbol, underlying, source FROM options WHERE snapshot_at = $1',
              [new Date(snapshotAt)],
            );
            expect(r.rows).toEqual([{ symbol: `X${s}`, underlying: s, source: s }]);
          },
        ),
        { numRuns: 25, seed: 6 },
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('a\tb', 'a\nb', 'a\\b', 'a\rb', '\\N', 'é😀'), async (s) => {
          const snapshotAt = T0 + ++k;
          await ingestOptionSnapshots(t().db, { source: s, quotes: [quote(`Y${k}`)], snapshotAt });
          const r = await t().db.query<{ source: string }>(
            'SELECT source FROM options WHERE snapshot_at = $1',
            [new Date(snapshotAt)],
          );
          expect(r.rows).toEqual([{ source: s }]);
        }),
        { numRuns: 6 },
      );
    });

    it('store extreme values exactly', async () => {
      const snapshotAt = Date.parse('1999-12-31T23:59:59.999Z'); // before the PostgreSQL epoch
      const q = quote('EXT1', {
        strike: 1e-300,
        bid: -0.000001,
        ask: 1e300,
        volume: 2 ** 40,
        openInterest: 0,
        quoteTime: Number.NaN,
        expiration: '2099-12-31',
      });
      await ingestOptionSnapshots(t().db, { source: 's', quotes: [q], snapshotAt });
      const r = await t().db.query(
        'SELECT snapshot_at, strike, bid, ask, volume, open_interest, quote_time, expiration FROM options WHERE symbol = $1',
        ['EXT1'],
      );
      expect(r.rows).toEqual([
        {
          snapshot_at: new Date(snapshotAt),
          strike: 1e-300,
          bid: -0.000001,
          ask: 1e300,
          volume: 2 ** 40,
          open_interest: 0,
          quote_time: null,
          expiration: '2099-12-31',
        },
      ]);
    });

    it('attach rows to a scan and count them', async () => {
      const scanId = '00000000-0000-4000-8000-000000000001';
      await ingestOptionSnapshots(
        t().db,
        { source: 'simulated', chains: [makeChain('SCN', T0, 1, 4)] },
        { scanId },
      );
      expect(await countOptionSnapshots(t().db, scanId)).toBe(8);
    });

    it('reject quotes without a snapshot time, naming the field', async () => {
      const err = await ingestOptionSnapshots(t().db, { source: 'x', quotes: [quote('Q1')] }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StoreInputError);
      expect((err as StoreInputError).field).toBe('snapshots.snapshotAt');
    });

    it('write nothing when one row is refused', async () => {
      const bad = makeChain('BAD', T0, 2, 5);
      bad.expirations[1].strikes[2] = Number.NaN;
      await expect(ingestOptionSnapshots(t().db, { source: 'simulated', chains: [bad] })).rejects.toThrow(
        /strike/,
      );
      const n = await t().db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM options WHERE underlying = 'BAD'`,
      );
      expect(n.rows[0].n).toBe(0);
    });
  });
});
