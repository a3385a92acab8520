import { describe, expect, it } from 'vitest';
import { createSimulatedProvider } from '../../src/market/providers/simulated/simulatedProvider.js';
import { compareContracts } from '../../src/ops/analyzeDataDiscrepancies.js';
import { chainContracts, latestStoredContracts } from '../../src/ops/contractQuotes.js';
import { renderIntegrity, validateDataIntegrity } from '../../src/ops/validateDataIntegrity.js';
import { bsGreeks } from '../../src/quant/bsGreeks.js';
import { ENGINES, engineUnavailable, useTestDatabase } from '../store/helpers/testDatabase.js';
import { AS_OFS, type FilledDatabase, fillWithScans } from './helpers/scannedDatabase.js';

describe.each(ENGINES)('validate-data-integrity on %s', (engine) => {
  describe.skipIf(engineUnavailable(engine))('', () => {
    const t = useTestDatabase(engine);
    let filled: FilledDatabase;

    it('passes a database filled by real scans, having checked legs against stored quotes', async () => {
      filled = await fillWithScans(t().db);
      expect(filled.results.some((r) => r.trades.length > 0)).toBe(true);
      const r = await validateDataIntegrity(t().db);
      expect(r.checks.filter((c) => c.severity === 'error' && c.count > 0)).toEqual([]);
      expect(r.ok).toBe(true);
      // The simulated market crosses ~0.5 % of its raw quotes on purpose (quality.ts rejects them):
      // stored snapshots show them as warnings, and no trade leg was priced on one.
      expect(r.checks.find((c) => c.name === 'quote_bid_above_ask')?.severity).toBe('warning');
      expect(r.checks.find((c) => c.name === 'trade_leg_bid_above_ask')?.count).toBe(0);
      const legs = await t().db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM trades t CROSS JOIN LATERAL jsonb_array_elements(t.legs) l WHERE l->>'type' IN ('call','put')`,
      );
      expect(legs.rows[0].n).toBeGreaterThan(0);
      expect(renderIntegrity(r)).toContain('Data integrity: OK');
    });

    it('compares the stored snapshot with a fresh fetch of the same market: no discrepancy', async () => {
      const trade = filled.results.flatMap((r) => r.trades).at(-1);
      if (!trade) return;
      const stored = await latestStoredContracts(t().db, trade.ticker);
      expect(stored).not.toBeNull();
      const sim = createSimulatedProvider({ seed: 42 });
      const asOf = stored!.snapshotAt.getTime();
      const exps = [...new Set(stored!.contracts.map((c) => c.expiration))];
      const fresh = chainContracts(await sim.getChain(trade.ticker, exps, { asOf }));
      const r = compareContracts(
        trade.ticker,
        { name: 'stored', contracts: stored!.contracts },
        { name: 'fresh', contracts: fresh },
      );
      expect(r.matched).toBe(stored!.contracts.length);
      expect(r.discrepancies).toEqual([]);
      // A different market (other seed) differs beyond the spreads.
      const other = chainContracts(
        await createSimulatedProvider({ seed: 7 }).getChain(trade.ticker, exps, { asOf }),
      );
      const r2 = compareContracts(
        trade.ticker,
        { name: 'stored', contracts: stored!.contracts },
        { name: 'seed 7', contracts: other },
      );
      expect(r2.ok).toBe(false);
    });

    it('finds planted corruption, each in its own check, and names the rows', async () => {
      const db = t().db;
      const [s1, s2] = filled.scanIds;
      const trade = (
        await db.query<{ id: number }>('SELECT id FROM trades WHERE scan_id = $1 ORDER BY rank LIMIT 1', [s1])
      ).rows[0];
      expect(trade).toBeDefined();
      // bid > ask and negative price in stored quotes; IV out of range; impossible greek sign.
      await db.query(
        `UPDATE options SET bid = ask + 1 WHERE ctid IN (SELECT ctid FROM options WHERE scan_id = $1 AND ask > 0 LIMIT 2)`,
        [s2],
      );
      await db.query(
        `UPDATE options SET iv = 9 WHERE ctid IN (SELECT ctid FROM options WHERE scan_id = $1 LIMIT 1)`,
        [s2],
      );
      await db.query(
        `UPDATE options SET delta = -0.5 WHERE ctid IN (SELECT ctid FROM options WHERE scan_id = $1 AND option_type = 'call' LIMIT 1)`,
        [s2],
      );
      // A trade whose legs no longer match the quotes; a duplicate; a stuck scan; a wrong count.
      await db.query(`UPDATE trades SET legs = jsonb_set(legs, '{0,strike}', '12345') WHERE id = $1`, [
        trade.id,
      ]);
      await db.query(`UPDATE trades SET pop = 1.5 WHERE id = $1`, [trade.id]);
      await db.query(
        `INSERT INTO trades (scan_id, rank, ticker, strategy, legs, thesis) SELECT scan_id, 99, ticker, strategy, legs, thesis FROM trades WHERE id = $1`,
        [trade.id],
      );
      await db.query(
        `INSERT INTO scans (id, started_at, status) VALUES (gen_random_uuid(), now() - interval '3 hours', 'running')`,
      );
      const r = await validateDataIntegrity(db, { now: Date.now() });
      const found = Object.fromEntries(r.checks.map((c) => [c.name, c.count]));
      expect(found.quote_bid_above_ask).toBeGreaterThanOrEqual(2);
      expect(found.iv_out_of_range).toBeGreaterThanOrEqual(1);
      expect(found.greek_signs).toBeGreaterThanOrEqual(1);
      expect(found.trade_leg_without_quote).toBeGreaterThanOrEqual(1);
      expect(found.impossible_trade_values).toBe(1);
      expect(found.duplicate_trades).toBe(1);
      expect(found.trade_count_mismatch).toBe(1);
      expect(found.stuck_scans).toBe(1);
      expect(found.orphan_trades).toBe(0);
      expect(r.ok).toBe(false);
      const text = renderIntegrity(r);
      expect(text).toContain(`trade ${trade.id}`);
      expect(text).toMatch(/Data integrity: \d+ problem\(s\) found/);
    });

    it('flags a leg whose delta contradicts its IV', async () => {
      const db = t().db;
      const leg = (
        await db.query<{ id: number; idx: number }>(
          `SELECT t.id, (e.ord - 1)::int AS idx FROM trades t CROSS JOIN LATERAL jsonb_array_elements(t.legs) WITH ORDINALITY e(leg, ord)
            WHERE t.scan_id = $1 AND e.leg->>'type' IN ('call', 'put') ORDER BY t.id LIMIT 1`,
          [filled.scanIds[2]],
        )
      ).rows[0];
      if (leg === undefined) return;
      const id = leg.id;
      await db.query(
        `UPDATE trades SET legs = jsonb_set(legs, ARRAY[$2::text, 'iv'], '0.02') WHERE id = $1`,
        [id, String(leg.idx)],
      );
      const r = await validateDataIntegrity(db, { now: AS_OFS[2], maxExamples: 100 });
      expect(r.checks.find((c) => c.name === 'greeks_vs_iv')?.examples.join('\n')).toContain(`trade ${id}`);
    });

    it('checks a leg against its own stored expiry instant (an AM-settled leg ends at 09:30, not 16:00)', async () => {
      const db = t().db;
      const row = (
        await db.query<{ id: number; idx: number; as_of: Date; spot: number; rate: number | null }>(
          `SELECT t.id, (e.ord - 1)::int AS idx, coalesce(s.as_of, s.started_at) AS as_of,
                  (t.metrics->>'underlyingPrice')::float8 AS spot, (s.params->>'riskFreeRate')::float8 AS rate
             FROM trades t JOIN scans s ON s.id = t.scan_id
             CROSS JOIN LATERAL jsonb_array_elements(t.legs) WITH ORDINALITY e(leg, ord)
            WHERE t.scan_id = $1 AND e.leg->>'type' = 'call' ORDER BY t.id LIMIT 1`,
          [filled.scanIds[1]],
        )
      ).rows[0];
      expect(row, 'a stored call leg').toBeDefined();
      // a call 0.5 % out of the money that ends 30 minutes after the as-of: its delta there is ~0.01; taken to
      // 21:00 UTC of the same date (5½ hours) the delta of its IV would be ~0.25
      const asOf = row.as_of.getTime();
      const expiry = asOf + 30 * 60_000;
      const strike = row.spot * 1.005;
      const T = (expiry - asOf) / (365 * 86_400_000);
      const delta = bsGreeks('call', row.spot, strike, T, row.rate ?? 0.04, 0, 0.3).delta;
      const leg = {
        type: 'call',
        strike,
        expiration: new Date(asOf).toISOString().slice(0, 10),
        expiryTime: new Date(expiry).toISOString(),
        iv: 0.3,
        delta,
      };
      await db.query(
        `UPDATE trades SET legs = jsonb_set(legs, ARRAY[$2::text], legs->$3::int || $4::jsonb) WHERE id = $1`,
        [row.id, String(row.idx), row.idx, JSON.stringify(leg)],
      );
      const r = await validateDataIntegrity(db, { now: AS_OFS[2], maxExamples: 1000 });
      expect(r.checks.find((c) => c.name === 'greeks_vs_iv')?.examples.join('\n') ?? '').not.toContain(
        `trade ${row.id} `,
      );
      // without the instant (a leg stored before it was recorded) the 16:00 rule applies, and flags it
      await db.query(
        `UPDATE trades SET legs = jsonb_set(legs, ARRAY[$2::text], (legs->$3::int) - 'expiryTime') WHERE id = $1`,
        [row.id, String(row.idx), row.idx],
      );
      const old = await validateDataIntegrity(db, { now: AS_OFS[2], maxExamples: 1000 });
      expect(old.checks.find((c) => c.name === 'greeks_vs_iv')?.examples.join('\n')).toContain(
        `trade ${row.id} `,
      );
    });
  });
});
