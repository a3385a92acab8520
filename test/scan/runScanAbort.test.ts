/**
 * A scan whose signal fires during collection stops there: runScan rejects with the signal's reason
 * instead of running analyze … report on the partial data, so the service records the stage that was
 * running (`collect`), not whatever ran last (`report`).
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import type { MarketDataProvider } from '../../src/market/provider.js';
import { createSimulatedProvider } from '../../src/market/providers/simulated/simulatedProvider.js';
import { runScan } from '../../src/scan/runScan.js';
import type { ScanProgress } from '../../src/scan/types.js';
import { tapped } from '../helpers/tappedProvider.js';

const AS_OF = Date.parse('2026-11-20T15:30:00Z');
const TICKERS = ['SPY', 'QQQ', 'IWM', 'AAPL', 'MSFT', 'JPM'];

/** The simulated market, with `onCall` run at the start of every call. */
const provider = (onCall: () => unknown) => tapped(createSimulatedProvider({ seed: 42 }), onCall);

function scan(signal: AbortSignal, primary: MarketDataProvider, events: ScanProgress[]) {
  return runScan(
    {
      scanId: 'abort-test',
      asOf: AS_OF,
      tickers: TICKERS,
      settings: loadConfig({ env: {} }).settings,
      labels: { provider: 'simulated', fallback: null, seed: 42, universe: 'watchlist' },
    },
    { primary, signal, onProgress: (e) => events.push(e) },
  );
}

const started = (events: ScanProgress[]) => events.filter((e) => e.phase === 'start').map((e) => e.stage);

describe('runScan under an abort signal', () => {
  it('rejects with the reason when the signal fires during collection, running no later stage', async () => {
    const ac = new AbortController();
    const reason = new Error('stopped by the test');
    const events: ScanProgress[] = [];
    const primary = provider(() => {
      if (!ac.signal.aborted) ac.abort(reason);
    });
    await expect(scan(ac.signal, primary, events)).rejects.toBe(reason);
    expect(started(events)).toEqual(['universe', 'collect']);
  });

  it('rejects before collecting with a signal aborted already', async () => {
    const ac = new AbortController();
    ac.abort(new Error('already stopped'));
    const events: ScanProgress[] = [];
    let calls = 0;
    await expect(
      scan(
        ac.signal,
        provider(() => calls++),
        events,
      ),
    ).rejects.toThrow('already stopped');
    expect(calls).toBe(0);
    expect(started(events)).toEqual([]);
  });

  it('stops between stages when the signal fires in one (here from a progress callback)', async () => {
    const ac = new AbortController();
    const events: ScanProgress[] = [];
    const stop = (e: ScanProgress) => {
      events.push(e);
      if (e.stage === 'generate' && e.phase === 'end') ac.abort(new Error('stopped after generate'));
    };
    const r = runScan(
      {
        scanId: 'abort-test',
        asOf: AS_OF,
        tickers: TICKERS,
        settings: loadConfig({ env: {} }).settings,
        labels: { provider: 'simulated', fallback: null, seed: 42, universe: 'watchlist' },
      },
      { primary: createSimulatedProvider({ seed: 42 }), signal: ac.signal, onProgress: stop },
    );
    await expect(r).rejects.toThrow('stopped after generate');
    expect(started(events)).toEqual(['universe', 'collect', 'analyze', 'quality', 'generate']);
  });

  it('runs to the end with a signal that never fires', async () => {
    const events: ScanProgress[] = [];
    const r = await scan(new AbortController().signal, createSimulatedProvider({ seed: 42 }), events);
    expect(r.stats.tickers.scanned).toBe(TICKERS.length);
    expect(started(events).at(-1)).toBe('report');
  });
});
