import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { latestChain } from '../../src/store/latestChain.js';
import { countOptionSnapshots } from '../../src/store/optionsRepo.js';
import { saveScan } from '../../src/store/saveScan.js';
import { makeChain, makeScan, makeTrades } from './helpers/fixtures.js';
import { DATABASE_URL, ENGINES, engineUnavailable, useTestDatabase } from './helpers/testDatabase.js';

const DAY = 86_400_000;
const T0 = Date.parse('2031-03-03T15:00:00Z');

describe.each(ENGINES)('option partitions and the latest-chain index on %s', (engine) => {
  describe.skipIf(engineUnavailable(engine))('', () => {
    const t = useTestDatabase(engine);

    it("attaches a new day's partition without an exclusive lock on options (readers go on)", async () => {
      const modes = await t().db.transaction(async (tx) => {
        await tx.query("SELECT options_ensure_partition('2031-03-01'::date)");
        const r = await tx.query<{ mode: string }>(
          `SELECT mode FROM pg_locks WHERE relation = to_regclass('options') AND pid = pg_backend_pid()`,
        );
        return r.rows.map((x) => x.mode);
      });
      expect(modes).toContain('ShareUpdateExclusiveLock');
      expect(modes).not.toContain('AccessExclusiveLock'); // CREATE TABLE … PARTITION OF took this
      // the attached partition has the parent's indexes, and rows route to it
      const idx = await t().db.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'options_p20310301'`,
      );
      expect(idx.rows).toHaveLength(2);
      const scan = makeScan();
      await saveScan(t().db, scan, [], { source: 'simulated', chains: [makeChain('PTA', T0 - 2 * DAY)] });
      const n = await t().db.query<{ n: number }>('SELECT count(*)::int AS n FROM options_p20310301');
      expect(n.rows[0].n).toBe(20);
    });

    it('finds the latest chain through idx_options_latest (underlying, snapshot_at DESC)', async () => {
      for (let d = 0; d < 3; d++) {
        await saveScan(t().db, makeScan({ asOf: null }), [], {
          source: 'simulated',
          chains: [makeChain('IDX', T0 + d * DAY), makeChain('OTH', T0 + d * DAY)],
        });
      }
      expect((await latestChain(t().db, 'IDX', null))?.snapshotAt.getTime()).toBe(T0 + 2 * DAY);
      const plan = await t().db.transaction(async (tx) => {
        await tx.query('SET LOCAL enable_seqscan = off');
        const r = await tx.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT o.snapshot_at FROM options o WHERE o.underlying = 'IDX'
            ORDER BY o.snapshot_at DESC LIMIT 1`,
        );
        return r.rows.map((x) => x['QUERY PLAN']).join('\n');
      });
      expect(plan).toMatch(/idx_options_latest|options_p\d+_underlying_snapshot_at_expiration_idx/);
      expect(plan).not.toMatch(/\bSort\b/); // read newest-first from the index, nothing sorted
    });
  });
});

describe.skipIf(engineUnavailable('postgres'))(
  'saving a new day on postgres while a reader holds options',
  () => {
    const t = useTestDatabase('postgres');

    it('saves the scan (the first save of a day used to queue behind the reader, then time out)', async () => {
      const reader = new pg.Client({ connectionString: DATABASE_URL! });
      await reader.connect();
      try {
        await reader.query(`SET search_path TO ${t().schema}`);
        await reader.query('BEGIN');
        await reader.query('SELECT count(*) FROM options'); // ACCESS SHARE until the reader commits, as pg_dump
        const scan = makeScan();
        const save = saveScan(t().db, scan, makeTrades(2), {
          source: 'simulated',
          chains: [makeChain('NEWD', T0 + 30 * DAY)],
        }).then(
          () => 'saved',
          (e: unknown) => `failed: ${e}`,
        );
        // a liveness bound, not a timing: the old save waited until the reader ended
        const outcome = await Promise.race([
          save,
          new Promise((r) => setTimeout(() => r('still waiting'), 20_000)),
        ]);
        await reader.query('COMMIT');
        expect(outcome).toBe('saved');
        expect(await countOptionSnapshots(t().db, scan.id)).toBe(20);
      } finally {
        await reader.end();
      }
    });
  },
);
