import { describe, expect, it } from 'vitest';
import { latestChain } from '../../src/store/latestChain.js';
import { saveScan } from '../../src/store/saveScan.js';
import { makeChain, makeScan } from './helpers/fixtures.js';
import { ENGINES, engineUnavailable, useTestDatabase } from './helpers/testDatabase.js';

const T0 = Date.parse('2026-11-25T14:30:00Z');
const MIN = 60_000;

describe.each(ENGINES)('the latest stored chain on %s', (engine) => {
  describe.skipIf(engineUnavailable(engine))('', () => {
    const t = useTestDatabase(engine);

    it('is one copy of the newest live snapshot: not one per scan that stored it, nor a replay', async () => {
      const chain = makeChain('LCZ', T0); // 2 expirations × 5 strikes × call/put
      const live = (startedAt: number) =>
        makeScan({ startedAt: new Date(startedAt), finishedAt: new Date(startedAt + MIN), asOf: null });
      // three live scans within the cache's lifetime store the same cached chain (its snapshot time T0)
      const scans = [live(T0), live(T0 + 2 * MIN), live(T0 + 4 * MIN)];
      for (const s of scans) await saveScan(t().db, s, [], { source: 'simulated', chains: [chain] });
      // a replay "as of" 2099 stores its chain at that time
      const future = Date.parse('2099-01-01T00:00:00Z');
      const replay = makeScan({ startedAt: new Date(T0 + 6 * MIN), asOf: new Date(future) });
      await saveScan(t().db, replay, [], { source: 'simulated', chains: [makeChain('LCZ', future)] });

      const got = await latestChain(t().db, 'LCZ', null);
      expect(got?.snapshotAt.getTime()).toBe(T0); // not 2099: the replay hid every live chain
      expect(got?.scanId).toBe(scans[2].id);
      const contracts = got?.expirations.flatMap((e) => [...e.calls, ...e.puts]) ?? [];
      expect(contracts).toHaveLength(20); // was 60: each contract once per scan
      expect(new Set(contracts.map((c) => c.symbol)).size).toBe(20);
      const one = await latestChain(t().db, 'LCZ', chain.expirations[1].expiration);
      expect(one?.expirations.map((e) => [e.expiration, e.calls.length, e.puts.length])).toEqual([
        [chain.expirations[1].expiration, 5, 5],
      ]);
    });
  });
});
