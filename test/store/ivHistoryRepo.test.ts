/**
 * `iv_history`: the 30-day IVs live scans recorded, per ticker, New York trading day and source, read back as the
 * IV history of providers that serve none (Tradier, Yahoo). On PGlite and on the real PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { StoreInputError } from '../../src/store/errors.js';
import { readIvHistory, upsertIvHistory } from '../../src/store/ivHistoryRepo.js';
import { saveScan } from '../../src/store/saveScan.js';
import { makeScan, makeTrades } from './helpers/fixtures.js';
import { ENGINES, engineUnavailable, useTestDatabase } from './helpers/testDatabase.js';

describe.each(ENGINES)('iv_history on %s', (engine) => {
  describe.skipIf(engineUnavailable(engine))('', () => {
    const t = useTestDatabase(engine);

    it('keeps one value per ticker, day and source (the day’s last scan wins) and reads them oldest first', async () => {
      const db = t().db;
      await db.exec('DELETE FROM iv_history');
      await upsertIvHistory(db, null, [
        { symbol: 'AAPL', day: '2026-11-19', iv30: 0.25, source: 'tradier' },
        { symbol: 'AAPL', day: '2026-11-18', iv30: 0.24, source: 'tradier' },
        { symbol: 'MSFT', day: '2026-11-18', iv30: 0.3, source: 'tradier' },
      ]);
      // a later scan of the same day replaces its value
      await upsertIvHistory(db, null, [{ symbol: 'AAPL', day: '2026-11-19', iv30: 0.27, source: 'tradier' }]);
      // a simulated scan's value is never read as the market's
      await upsertIvHistory(db, null, [
        { symbol: 'AAPL', day: '2026-11-17', iv30: 0.9, source: 'simulated' },
      ]);
      const h = await readIvHistory(
        db,
        ['AAPL', 'MSFT', 'KO'],
        ['tradier', 'yahoo'],
        '2026-01-01',
        '2026-11-20',
      );
      expect(h.get('AAPL')).toEqual([
        { date: '2026-11-18', iv30: 0.24 },
        { date: '2026-11-19', iv30: 0.27 },
      ]);
      expect(h.get('MSFT')).toEqual([{ date: '2026-11-18', iv30: 0.3 }]);
      expect(h.has('KO')).toBe(false);
      // the window's ends are inclusive; no source, no read
      const one = await readIvHistory(db, ['AAPL'], ['tradier'], '2026-11-19', '2026-11-19');
      expect(one.get('AAPL')).toEqual([{ date: '2026-11-19', iv30: 0.27 }]);
      expect((await readIvHistory(db, ['AAPL'], [], '2026-01-01', '2026-12-31')).size).toBe(0);
    });

    it('reads a day two sources measured once: the first source asked for (the primary)', async () => {
      const db = t().db;
      await db.exec('DELETE FROM iv_history');
      await upsertIvHistory(db, null, [{ symbol: 'KO', day: '2026-11-18', iv30: 0.15, source: 'tradier' }]);
      await upsertIvHistory(db, null, [{ symbol: 'KO', day: '2026-11-18', iv30: 0.16, source: 'yahoo' }]);
      const tradierFirst = await readIvHistory(db, ['KO'], ['tradier', 'yahoo'], '2026-11-01', '2026-11-30');
      expect(tradierFirst.get('KO')).toEqual([{ date: '2026-11-18', iv30: 0.15 }]);
      const yahooFirst = await readIvHistory(db, ['KO'], ['yahoo', 'tradier'], '2026-11-01', '2026-11-30');
      expect(yahooFirst.get('KO')).toEqual([{ date: '2026-11-18', iv30: 0.16 }]);
    });

    it('takes the last of two observations of one key in one write (the statement cannot update a row twice)', async () => {
      const db = t().db;
      await db.exec('DELETE FROM iv_history');
      const o = { symbol: 'PEP', day: '2026-11-18', source: 'tradier' };
      await upsertIvHistory(db, null, [
        { ...o, iv30: 0.2 },
        { ...o, iv30: 0.21 },
      ]);
      const h = await readIvHistory(db, ['PEP'], ['tradier'], '2026-11-18', '2026-11-18');
      expect(h.get('PEP')).toEqual([{ date: '2026-11-18', iv30: 0.21 }]);
    });

    it('refuses an observation that is no IV, naming it, before anything is written', async () => {
      const db = t().db;
      await expect(
        upsertIvHistory(db, null, [
          { symbol: 'AAPL', day: '2026-11-19', iv30: 0.2, source: 'tradier' },
          { symbol: 'AAPL', day: '2026-11-20', iv30: Number.NaN, source: 'tradier' },
        ]),
      ).rejects.toThrow(
        new StoreInputError('ivObservations[1].iv30', 'must be a finite number > 0, got NaN'),
      );
      await expect(
        upsertIvHistory(db, null, [{ symbol: 'AAPL', day: '19/11/2026', iv30: 0.2, source: 'tradier' }]),
      ).rejects.toThrow(/ivObservations\[0\]\.day/);
    });

    it('is written with the scan in one transaction: a scan that fails to save leaves no IV behind', async () => {
      const db = t().db;
      await db.exec('DELETE FROM iv_history');
      const scan = makeScan();
      const obs = [{ symbol: 'XOM', day: '2026-11-24', iv30: 0.22, source: 'tradier' }];
      await saveScan(db, scan, makeTrades(2), null, obs);
      const r = await db.query<{ scan_id: string }>('SELECT scan_id::text AS scan_id FROM iv_history');
      expect(r.rows).toEqual([{ scan_id: scan.id }]);
      // the trades' insert fails (two rank 1): the scan row and the IV are rolled back together
      const bad = makeScan();
      const twice = [...makeTrades(1), ...makeTrades(1)];
      await expect(saveScan(db, bad, twice, null, [{ ...obs[0], symbol: 'CVX' }])).rejects.toThrow();
      const after = await db.query<{ symbol: string }>('SELECT symbol FROM iv_history ORDER BY symbol');
      expect(after.rows.map((x) => x.symbol)).toEqual(['XOM']);
    });
  });
});
