/**
 * A database filled by real scans of the simulated market: each scan is run with runScan, stored
 * with saveScan (scan row, trades, and the option chains of the traded tickers as snapshots), its
 * provider calls timed into api_calls; plus one failed scan and a few metrics samples with real
 * resource readings. Used by every ops test file (one database per file).
 */
import { loadConfig } from '../../../src/config/loadConfig.js';
import type { Settings } from '../../../src/config/schema.js';
import type { MarketDataProvider } from '../../../src/market/provider.js';
import { createSimulatedProvider } from '../../../src/market/providers/simulated/simulatedProvider.js';
import type { OptionChain } from '../../../src/market/types.js';
import { resourceSample } from '../../../src/ops/resourceSample.js';
import { collectMaxDte, runScan } from '../../../src/scan/runScan.js';
import type { ScanResult } from '../../../src/scan/types.js';
import { completedScanRecord, tradeRecords, unfinishedScanRecord } from '../../../src/service/scanRecords.js';
import { type ApiCallRecord, recordApiCalls } from '../../../src/store/apiCallsRepo.js';
import type { Database } from '../../../src/store/db.js';
import { insertMetricsSample } from '../../../src/store/metricsSamplesRepo.js';
import { saveScan } from '../../../src/store/saveScan.js';
import { newScanId } from '../../../src/store/scansRepo.js';

export const TICKERS = ['SPY', 'AAPL', 'MSFT', 'XOM', 'JPM', 'KO'];
/** Market times the scans take as their now (weekdays, 10:30 New York). */
export const AS_OFS = ['2026-11-16T15:30:00Z', '2026-11-17T15:30:00Z', '2026-11-18T15:30:00Z'].map(
  Date.parse,
);
const DAY = 86_400_000;

/** The provider with every call timed into `calls` (what the service's instrumented provider does). */
function timedProvider(
  p: MarketDataProvider,
  calls: ApiCallRecord[],
  scanId: () => string,
): MarketDataProvider {
  const wrap = <A extends unknown[], R>(endpoint: string, f: ((...a: A) => Promise<R>) | undefined) =>
    f
      ? async (...a: A): Promise<R> => {
          const t0 = performance.now();
          const calledAt = Date.now();
          try {
            const r = await f.apply(p, a);
            calls.push({
              calledAt,
              provider: p.name,
              endpoint,
              status: 200,
              ok: true,
              latencyMs: performance.now() - t0,
              retries: 0,
              scanId: scanId(),
            });
            return r;
          } catch (e) {
            calls.push({
              calledAt,
              provider: p.name,
              endpoint,
              status: 500,
              ok: false,
              latencyMs: performance.now() - t0,
              retries: 1,
              error: String(e),
              scanId: scanId(),
            });
            throw e;
          }
        }
      : undefined;
  return {
    name: p.name,
    capabilities: p.capabilities,
    getQuotes: wrap('quotes', p.getQuotes),
    getExpirations: wrap('expirations', p.getExpirations),
    getChain: wrap('chains', p.getChain),
    getHistory: wrap('history', p.getHistory),
    getFundamentals: wrap('fundamentals', p.getFundamentals),
    getMacro: wrap('macro', p.getMacro),
    getFlow: wrap('flow', p.getFlow),
    getIvHistory: wrap('iv_history', p.getIvHistory),
  };
}

export interface FilledDatabase {
  settings: Settings;
  results: ScanResult[];
  scanIds: string[];
  failedScanId: string;
}

/** The chains of the traded tickers at the scan's as-of, over the expirations the scan collected. */
async function tradedChains(
  p: MarketDataProvider,
  settings: Settings,
  r: ScanResult,
  asOf: number,
): Promise<OptionChain[]> {
  const tickers = [...new Set(r.trades.map((t) => t.ticker))];
  const maxDay = asOf + collectMaxDte(settings) * DAY + DAY;
  const ctx = { asOf };
  const out: OptionChain[] = [];
  for (const t of tickers) {
    const exps = (await p.getExpirations!(t, ctx)).filter(
      (e) => Date.parse(e) <= maxDay && Date.parse(`${e}T21:00:00Z`) > asOf,
    );
    out.push(await p.getChain!(t, exps, ctx));
  }
  return out;
}

export async function fillWithScans(db: Database, now: number = Date.now()): Promise<FilledDatabase> {
  const settings = loadConfig({ env: {} }).settings;
  const sim = createSimulatedProvider({ seed: 42 });
  const calls: ApiCallRecord[] = [];
  let current = '';
  const provider = timedProvider(sim, calls, () => current);
  const results: ScanResult[] = [];
  const scanIds: string[] = [];
  for (const [i, asOf] of AS_OFS.entries()) {
    current = newScanId();
    const startedAt = now - (AS_OFS.length - i) * DAY;
    const t0 = performance.now();
    const result = await runScan(
      {
        scanId: current,
        asOf,
        tickers: TICKERS,
        settings,
        labels: { provider: 'simulated', fallback: null, seed: 42, universe: 'watchlist' },
      },
      { primary: provider },
    );
    const finishedAt = startedAt + Math.round(performance.now() - t0);
    const meta = { id: current, trigger: 'service' as const, startedAt, finishedAt, asOf, tickers: TICKERS };
    await saveScan(db, completedScanRecord(meta, result), tradeRecords(result), {
      source: 'simulated',
      chains: await tradedChains(sim, settings, result, asOf),
    });
    results.push(result);
    scanIds.push(current);
  }
  // Calls happened just now; spread them over the scans' days so that they fall in the same windows.
  for (const c of calls) c.calledAt = (c.calledAt as number) - DAY;
  await recordApiCalls(db, calls);
  const failedScanId = newScanId();
  const failedMeta = {
    id: failedScanId,
    trigger: 'service' as const,
    startedAt: now - DAY / 2,
    finishedAt: now - DAY / 2 + 300_000,
    asOf: null,
    tickers: TICKERS,
  };
  await saveScan(
    db,
    unfinishedScanRecord(failedMeta, 'timeout', 'collect', 'scan timed out after 300 s'),
    [],
  );
  for (let d = 5; d >= 1; d--) {
    const reading = resourceSample(
      { logDir: '/nonexistent', dataDir: '/tmp', backupDir: '/nonexistent' },
      1e6 * (20 + d),
    );
    await insertMetricsSample(db, {
      sampledAt: now - d * DAY,
      instance: 'test:8080',
      metrics: {
        ...reading,
        // A disk that fills by 2 points a day, so that the projection has something to project.
        disk_usage: 70 - 2 * d,
        db_size_bytes: 1e6 * (30 - d),
        cache_hit_rate: 90 + d,
        avg_response_time: 12 + d,
        error_rate: 0.5,
      },
    });
  }
  return { settings, results, scanIds, failedScanId };
}
