/** What a scan takes and what it returns (the JSON document of `scan --format json`). */
import type { SkippedTicker } from '../market/collectTypes.js';
import type { QualityCounts } from '../market/quality.js';
import type { IvObservation } from '../market/types.js';
import type { RejectionCounts } from '../selection/constraints.js';
import type { PortfolioLimits } from '../selection/portfolio.js';
import type { ScoredTrade } from '../selection/scoring.js';

/** Stages of the pipeline, in order; each is timed. */
export const SCAN_STAGES = [
  'universe',
  'collect',
  'analyze',
  'quality',
  'generate',
  'score',
  'select',
  'report',
] as const;
export type ScanStage = (typeof SCAN_STAGES)[number];

/** Parameters a scan ran with (echoed in its output and stored with it). */
export interface ScanParams {
  nav: number;
  availableCapital: number;
  maxTrades: number;
  minDte: number;
  maxDte: number;
  minPop: number;
  minCreditRatio: number;
  /** Max loss per trade after NAV scaling, $. */
  maxLossPerTrade: number;
  capitalScope: 'per_trade' | 'basket';
  strategies: string[];
  /** Risk-free rate used for pricing and POP, continuously compounded fraction. */
  riskFreeRate: number;
  riskFreeSource: string;
  provider: string;
  fallback: string | null;
  seed: number | null;
  universe: string;
  tickers: number;
}

/** A recommended trade: a scored candidate with its rank and thesis. */
export interface RankedTrade extends ScoredTrade {
  rank: number;
  thesis: string;
}

export interface ScanStats {
  tickers: { requested: number; scanned: number; skipped: number; skipReasons: Record<string, number> };
  contracts: { checked: number; accepted: number; rejected: number; rejections: QualityCounts };
  candidates: { evaluated: number; generated: number; passed: number; byStrategy: Record<string, number> };
  /** Candidates rejected by each hard rule (first failing rule). */
  rejections: RejectionCounts;
  selection: {
    pool: number;
    /** Candidates left out for a non-finite score, greek or capital, or a contract count not a positive integer. */
    excluded: number;
    optimal: boolean;
    greedyFeasible: boolean;
    nodes: number;
    upperBound: number;
  };
  /** Milliseconds per stage, and the total. */
  timingsMs: Record<ScanStage | 'total', number>;
  /** Which source served the data: provider name → items. */
  sources: Record<string, number>;
}

export interface PortfolioView {
  delta: number;
  gamma: number;
  theta: number;
  vega: number;
  capitalRequired: number;
  maxLoss: number;
  sectors: Record<string, number>;
  limits: PortfolioLimits;
}

export interface ScanResult {
  scanId: string;
  /** ISO 8601 UTC. */
  asOf: string;
  status: 'ok' | 'insufficient';
  message: string;
  params: ScanParams;
  trades: RankedTrade[];
  portfolio: PortfolioView;
  stats: ScanStats;
  /**
   * Each ticker the collection skipped, with its reason and the error's message (which names the field of a
   * provider payload that failed validation): `stats.tickers.skipReasons` only counts them.
   */
  skipped: SkippedTicker[];
  /**
   * The day's 30-day IV of each ticker whose provider serves no IV history, as a live scan read it from the chain:
   * stored with the scan (`iv_history`), it becomes the history IV rank and IV percentile rank against. Empty for a
   * replay. Not in the JSON output.
   */
  ivObservations: IvObservation[];
}

/** Progress events of a running scan (the CLI draws a bar from them on a TTY). */
export type ScanProgress =
  | { stage: ScanStage; phase: 'start' | 'end'; elapsedMs: number }
  | { stage: 'collect'; phase: 'ticker'; done: number; total: number; symbol: string };

/** How far ahead of the clock a replay's as-of may lie (clock skew between hosts), ms: beyond, it is refused. */
export const AS_OF_FUTURE_SLACK_MS = 60_000;

/**
 * The earliest as-of a replay may ask for (1970-01-01T00:00:00Z, epoch ms 0). Listed options began in 1973, and
 * a year-0000 as-of was scanned and then lost: PostgreSQL refused to store the scan or its failure record.
 */
export const EARLIEST_AS_OF_MS = 0;
