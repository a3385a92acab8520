/**
 * A finished scan (scan/ ScanResult) as the rows store/ writes: the scan record and its trades.
 * Pure. Numbers are rounded and non-finite values become null the way the JSON output does
 * (report/renderJson), so a stored trade reads back like `scan --format json` prints it.
 */
import { scanJson } from '../report/renderJson.js';
import type { ScanResult } from '../scan/types.js';
import type { JsonObject, JsonValue } from '../store/db.js';
import type { ScanRecord, ScanStatus } from '../store/scansRepo.js';
import { scrubSecrets } from '../store/scrubSecrets.js';
import type { TradeRecord } from '../store/tradesRepo.js';

/** What started a scan: the scheduler (and the first scan at start-up), `POST /api/scans`, or `options-engine scan`. */
export type ScanTrigger = 'service' | 'api' | 'cli';

export interface ScanMeta {
  id: string;
  trigger: ScanTrigger;
  startedAt: number;
  finishedAt: number;
  /** The as-of the request fixed, epoch ms; null when the scan used the wall clock. */
  asOf: number | null;
  /** Tickers requested. */
  tickers: readonly string[];
}

const finite = (x: number | null | undefined): number | null =>
  typeof x === 'number' && Number.isFinite(x) ? x : null;

/** The scan row of a scan that produced a result (completed). */
export function completedScanRecord(meta: ScanMeta, result: ScanResult): ScanRecord {
  const doc = scanJson(result) as {
    params: JsonObject;
    stats: JsonObject & { timingsMs?: Record<string, number | null> };
  };
  const timings: Record<string, number> = {};
  for (const [stage, ms] of Object.entries(result.stats.timingsMs)) {
    if (Number.isFinite(ms) && ms >= 0) timings[stage] = Math.round(ms * 1000) / 1000;
  }
  const { timingsMs: _omitted, ...counts } = doc.stats;
  return {
    id: meta.id,
    startedAt: new Date(meta.startedAt),
    finishedAt: new Date(meta.finishedAt),
    status: 'completed',
    source: meta.trigger,
    asOf: meta.asOf === null ? null : new Date(meta.asOf),
    params: { ...doc.params, requestedTickers: [...meta.tickers] },
    timings,
    counts: { ...counts, result: result.status, message: result.message },
    // the tickers the collection skipped, each with its reason and the error (a provider payload's bad field)
    errors: result.skipped.map((s) => ({
      stage: 'collect',
      ticker: s.symbol,
      message: scrubSecrets(`${s.reason}: ${s.detail}`),
    })),
  };
}

/** The scan row of a scan that ended without a result (failed, timed out, cancelled). */
export function unfinishedScanRecord(
  meta: ScanMeta,
  status: Exclude<ScanStatus, 'completed' | 'running'>,
  stage: string,
  message: string,
): ScanRecord {
  return {
    id: meta.id,
    startedAt: new Date(meta.startedAt),
    finishedAt: new Date(meta.finishedAt),
    status,
    source: meta.trigger,
    asOf: meta.asOf === null ? null : new Date(meta.asOf),
    params: { requestedTickers: [...meta.tickers] },
    timings: { total: Math.max(0, meta.finishedAt - meta.startedAt) },
    counts: {},
    errors: [{ stage, message }],
  };
}

/** The trades of a result, best first, with every metric kept as JSON. */
export function tradeRecords(result: ScanResult): TradeRecord[] {
  // scanJson rounds numbers and turns NaN/Infinity into null: JSON-safe for JSONB.
  const docs = (scanJson(result) as { trades: JsonObject[] }).trades;
  return result.trades.map((t, i) => {
    const { legs, scoreComponents, thesis: _t, rank: _r, ticker: _k, ...metrics } = docs[i];
    return {
      rank: t.rank,
      ticker: t.ticker,
      strategy: t.strategy,
      legs: legs as JsonValue[],
      expiration: t.expiration,
      pop: finite(t.pop),
      score: finite(t.score),
      netPremium: finite(t.netCredit),
      maxProfit: finite(t.maxProfit),
      maxLoss: finite(t.maxLoss),
      capitalRequired: finite(t.capitalRequired),
      delta: finite(t.greeks.delta),
      gamma: finite(t.greeks.gamma),
      theta: finite(t.greeks.theta),
      vega: finite(t.greeks.vega),
      metrics: metrics as JsonObject,
      scoreComponents: (scoreComponents ?? {}) as JsonObject,
      thesis: t.thesis,
    };
  });
}
