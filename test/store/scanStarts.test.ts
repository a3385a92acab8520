import { describe, expect, it } from 'vitest';
import { saveScan } from '../../src/store/saveScan.js';
import { INTERRUPTED_MESSAGE, interruptRunningScans, recordScanStart } from '../../src/store/scanStarts.js';
import { getScan, lastScanStartOf, newScanId } from '../../src/store/scansRepo.js';
import { makeScan, makeTrades } from './helpers/fixtures.js';
import { ENGINES, engineUnavailable, useTestDatabase } from './helpers/testDatabase.js';

const T0 = Date.parse('2026-12-07T15:00:00Z');

describe.each(ENGINES)('scan start records on %s', (engine) => {
  describe.skipIf(engineUnavailable(engine))('', () => {
    const t = useTestDatabase(engine);
    const start = (instance: string, at = T0) => ({
      id: newScanId(),
      startedAt: new Date(at),
      source: 'service',
      asOf: null,
      tickers: ['SPY', 'IWM'],
      instance,
    });

    it('shows a running scan as running, then its outcome replaces the row whole', async () => {
      const s = start('host-a:8080');
      await recordScanStart(t().db, s);
      expect(await getScan(t().db, s.id)).toMatchObject({
        status: 'running',
        finishedAt: null,
        source: 'service',
        params: { requestedTickers: ['SPY', 'IWM'], instance: 'host-a:8080' },
        tradeCount: 0,
      });
      const done = makeScan({ id: s.id, startedAt: s.startedAt, finishedAt: new Date(T0 + 9000) });
      await saveScan(t().db, done, makeTrades(3));
      expect(await getScan(t().db, s.id)).toMatchObject({ ...done, tradeCount: 3 });
      // a finished scan is never called interrupted
      expect(await interruptRunningScans(t().db, { instance: 'host-a:8080' }, new Date(T0 + 60_000))).toEqual(
        [],
      );
    });

    it('records as failed, interrupted, only the running scans of the instance that starts again', async () => {
      const mine = [start('host-b:8080', T0 + 1000), start('host-b:8080', T0)];
      const other = start('host-c:8080');
      for (const s of [...mine, other]) await recordScanStart(t().db, s);
      const at = new Date(T0 + 3_600_000);
      const found = await interruptRunningScans(t().db, { instance: 'host-b:8080' }, at);
      expect(found).toEqual([
        { id: mine[1].id, startedAt: mine[1].startedAt },
        { id: mine[0].id, startedAt: mine[0].startedAt },
      ]);
      for (const s of mine)
        expect(await getScan(t().db, s.id)).toMatchObject({
          status: 'failed',
          finishedAt: at,
          errors: [{ stage: 'unknown', message: INTERRUPTED_MESSAGE }],
        });
      // another instance's scan may still be running: left alone
      expect((await getScan(t().db, other.id))?.status).toBe('running');
      expect(await interruptRunningScans(t().db, { instance: 'host-b:8080' }, at)).toEqual([]);
    });

    it("takes another instance's rows only past the longest a scan may run, and every row with an empty scope", async () => {
      const renamed = start('old-pod-1:8080', T0 - 7_200_000); // its instance never came back under that name
      const live = start('host-d:8080', T0 - 60_000);
      for (const s of [renamed, live]) await recordScanStart(t().db, s);
      const found = await interruptRunningScans(
        t().db,
        { instance: 'host-e:8080', startedBefore: new Date(T0 - 3_600_000) },
        new Date(T0),
      );
      expect(found.map((x) => x.id)).toEqual([renamed.id]);
      expect((await getScan(t().db, live.id))?.status).toBe('running');
      // the embedded database has one owner: all of them
      expect((await interruptRunningScans(t().db, {}, new Date(T0))).map((x) => x.id)).toContain(live.id);
    });

    it("leaves a running row out of the scheduler's freshness check: only a dead instance's can be there", async () => {
      const source = 'fresh-check';
      await saveScan(t().db, makeScan({ source, startedAt: new Date(T0 - 600_000) }), []);
      await recordScanStart(t().db, { ...start('dead-host:8080', T0 - 120_000), source });
      expect(await lastScanStartOf(t().db, source)).toEqual(new Date(T0 - 600_000));
    });

    it('refuses a start without an instance, naming the field', async () => {
      await expect(recordScanStart(t().db, start(''))).rejects.toThrow(/scan\.instance/);
    });
  });
});
