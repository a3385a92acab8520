import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { StoreInputError } from '../../src/store/errors.js';
import { countOptionSnapshots } from '../../src/store/optionsRepo.js';
import { saveScan } from '../../src/store/saveScan.js';
import { getScan } from '../../src/store/scansRepo.js';
import { tradesOfScan } from '../../src/store/tradesRepo.js';
import { makeChain, makeScan, makeTrades } from './helpers/fixtures.js';
import { DATABASE_URL, ENGINES, engineUnavailable, useTestDatabase } from './helpers/testDatabase.js';

const AS_OF = Date.parse('2026-11-25T14:30:00Z');

describe.each(ENGINES)('saveScan on %s', (engine) => {
  describe.skipIf(engineUnavailable(engine))('', () => {
    const t = useTestDatabase(engine);

    async function leftovers(scanId: string) {
      const db = t().db;
      return {
        scan: await getScan(db, scanId),
        trades: (await tradesOfScan(db, scanId)).length,
        options: await countOptionSnapshots(db, scanId),
      };
    }

    it('stores the scan, its trades and its option snapshots, and reads them back', async () => {
      const scan = makeScan();
      const trades = makeTrades(5);
      const r = await saveScan(t().db, scan, trades, {
        source: 'simulated',
        chains: [makeChain('AAPL', AS_OF)],
      });
      expect(r).toEqual({ scanId: scan.id, trades: 5, optionRows: 20, partitions: ['options_p20261125'] });
      const stored = await getScan(t().db, scan.id);
      expect(stored).toMatchObject({ ...scan, tradeCount: 5 });
      const back = await tradesOfScan(t().db, scan.id);
      expect(back.map((x) => x.rank)).toEqual([1, 2, 3, 4, 5]);
      const { createdAt, ...first } = back[0];
      expect(createdAt).toBeInstanceOf(Date);
      expect(first).toEqual({ ...trades[0], id: first.id, scanId: scan.id });
    });

    it('replaces an earlier save of the same scan instead of duplicating it', async () => {
      const scan = makeScan({ status: 'running', finishedAt: null });
      const snaps = { source: 'simulated', chains: [makeChain('MSFT', AS_OF)] };
      await saveScan(t().db, scan, makeTrades(5), snaps);
      await saveScan(
        t().db,
        { ...scan, status: 'completed', finishedAt: new Date(AS_OF + 9000) },
        makeTrades(3),
        snaps,
      );
      expect(await leftovers(scan.id)).toMatchObject({
        scan: { status: 'completed', tradeCount: 3 },
        trades: 3,
        options: 20,
      });
    });

    it('leaves nothing behind when the snapshot load fails after the scan and trades were written', async () => {
      const scan = makeScan();
      const bad = makeChain('QQQ', AS_OF);
      bad.expirations[1].strikes[3] = Number.NaN; // NOT NULL strike: fails inside the COPY
      await expect(
        saveScan(t().db, scan, makeTrades(5), {
          source: 'simulated',
          chains: [makeChain('SPY', AS_OF), bad],
        }),
      ).rejects.toThrow(/strike/);
      expect(await leftovers(scan.id)).toEqual({ scan: null, trades: 0, options: 0 });
    });

    it('leaves nothing behind when a trade is refused by the database half-way', async () => {
      const scan = makeScan();
      const trades = makeTrades(5);
      trades[3] = { ...trades[3], rank: 2 ** 31 }; // valid here, out of range for the integer column
      await expect(
        saveScan(t().db, scan, trades, { source: 'simulated', chains: [makeChain('PLTR', AS_OF)] }),
      ).rejects.toThrow(/out of range/);
      expect(await leftovers(scan.id)).toEqual({ scan: null, trades: 0, options: 0 });
    });

    it('keeps the earlier save intact when a re-save fails', async () => {
      const scan = makeScan();
      await saveScan(t().db, scan, makeTrades(2));
      const trades = makeTrades(4);
      trades[2] = { ...trades[2], rank: 2 ** 31 };
      await expect(saveScan(t().db, { ...scan, status: 'failed' }, trades)).rejects.toThrow();
      expect(await leftovers(scan.id)).toMatchObject({ scan: { status: 'completed' }, trades: 2 });
    });

    it('rejects bad input before touching the database, naming the field', async () => {
      const trades = makeTrades(3);
      trades[2] = { ...trades[2], rank: 1 };
      const err = await saveScan(t().db, makeScan(), trades).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreInputError);
      expect((err as StoreInputError).field).toBe('trades[2].rank');
      await expect(saveScan(t().db, makeScan({ id: 'scan-1' }), [])).rejects.toThrow(
        /scan\.id: must be a UUID/,
      );
    });
  });
});

describe.skipIf(engineUnavailable('postgres'))(
  'saveScan on postgres when the connection dies mid-COPY',
  () => {
    const t = useTestDatabase('postgres');

    it('leaves nothing behind', async () => {
      const scan = makeScan();
      // ~64k rows so that the COPY is still running when the backend is terminated.
      const chains = Array.from({ length: 8 }, (_, i) => makeChain(`T${i}`, AS_OF, 8, 500));
      const admin = new pg.Client({ connectionString: DATABASE_URL! });
      await admin.connect();
      try {
        let killed = false;
        const killer = (async () => {
          for (let i = 0; i < 500 && !killed; i++) {
            const r = await admin.query(
              `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
              WHERE application_name = $1 AND query LIKE 'COPY "options"%' AND state = 'active'`,
              [`options-engine-test-${t().schema}`],
            );
            killed = r.rows.some((x: { ok: boolean }) => x.ok);
            if (!killed) await new Promise((res) => setTimeout(res, 5));
          }
        })();
        const outcome = await saveScan(t().db, scan, makeTrades(5), { source: 'simulated', chains }).then(
          () => 'saved',
          () => 'failed',
        );
        await killer;
        // If the machine was too fast to catch the COPY, the scan is whole; otherwise nothing is left.
        const left = {
          scan: (await getScan(t().db, scan.id)) !== null,
          trades: (await tradesOfScan(t().db, scan.id)).length,
          options: await countOptionSnapshots(t().db, scan.id),
        };
        if (killed) {
          expect(outcome).toBe('failed');
          expect(left).toEqual({ scan: false, trades: 0, options: 0 });
        } else {
          console.info('COPY finished before it could be interrupted; checked the whole write instead');
          expect(left).toEqual({ scan: true, trades: 5, options: 64000 });
        }
      } finally {
        await admin.end();
      }
    });
  },
);
