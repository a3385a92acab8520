/** Options and results of the collector (collector.ts). */

import type { MarketCache, MarketDataProvider } from './provider.js';
import type {
  DailyBar,
  DataKind,
  FlowSignals,
  Fundamentals,
  IvPoint,
  MacroSnapshot,
  OptionChain,
  UnderlyingQuote,
} from './types.js';

export type OptionalKind = 'history' | 'fundamentals' | 'flow' | 'ivHistory';

/** Seconds a cached item stays usable, by kind (overridable per call). */
export const DEFAULT_TTL_SECONDS: Readonly<Record<DataKind, number>> = Object.freeze({
  quote: 60,
  expirations: 6 * 3600,
  chain: 300,
  history: 12 * 3600,
  fundamentals: 24 * 3600,
  macro: 6 * 3600,
  flow: 3600,
  ivHistory: 12 * 3600,
});

export interface CollectOptions {
  primary: MarketDataProvider;
  fallback?: MarketDataProvider | null;
  /** A dedicated macro source (FRED), asked for the macro snapshot before the primary and the fallback. */
  macro?: MarketDataProvider | null;
  /** A dedicated flow source (QuiverQuant), asked for each ticker's flow before the primary and the fallback. */
  flow?: MarketDataProvider | null;
  cache?: MarketCache | null;
  /** The scan's now, epoch ms. */
  asOf: number;
  /** DTE window (calendar days from the as-of's New York date), inclusive; minDte defaults to 0. */
  minDte?: number;
  maxDte: number;
  /**
   * A DTE the signals measure at (the 30-day constant-maturity IV): the expirations nearest to it on both sides are
   * collected too when the window lacks them, so the IV is interpolated between its true neighbours, not
   * extrapolated from the window's edge. The strategies still trade only inside the window.
   */
  bracketDte?: number;
  /** Tickers collected at once (default 8). */
  concurrency?: number;
  /** Optional items to collect (default all four). */
  optional?: readonly OptionalKind[];
  /** Calendar days of daily bars before the as-of (default 730: two years). */
  historyDays?: number;
  /** Symbols per quote request (settings `api.batch_size`, default 100). */
  quoteBatchSize?: number;
  ttlSeconds?: Partial<Record<DataKind, number>>;
  signal?: AbortSignal;
  /** Called after each ticker, collected or skipped. */
  onTicker?: (symbol: string, outcome: 'collected' | 'skipped', done: number, total: number) => void;
}

export interface ItemSource {
  /** `dedicated`: the macro or flow source of its own (FRED, QuiverQuant). */
  from: 'cache' | 'dedicated' | 'primary' | 'fallback';
  /** The provider that produced the data (for a cache hit: the one that served it first). */
  provider: string;
}

export interface TickerMarketData {
  symbol: string;
  quote: UnderlyingQuote;
  /** Only the expirations inside the DTE window. */
  chain: OptionChain;
  history: DailyBar[] | null;
  fundamentals: Fundamentals | null;
  flow: FlowSignals | null;
  ivHistory: IvPoint[] | null;
  sources: Partial<Record<DataKind, ItemSource>>;
  /** Optional items that could not be had, with the reason. */
  missing: Partial<Record<OptionalKind, string>>;
}

export interface SkippedTicker {
  symbol: string;
  /** e.g. `noExpirationsInWindow`, `emptyChain`, `chain:TimeoutError`, `quote:unsupported`. */
  reason: string;
  /** The error message, for logs (providers keep secrets out of their messages). */
  detail: string;
}

export interface CollectStats {
  requested: number;
  collected: number;
  skipped: number;
  /** Expirations and contracts (present sides) collected. */
  expirations: number;
  contracts: number;
  elapsedMs: number;
  cacheHits: number;
  cacheMisses: number;
  cacheErrors: number;
  /** Calls and failed calls per provider name. */
  calls: Record<string, number>;
  failures: Record<string, number>;
  /** Optional items left null, by `kind:reason`. */
  missingItems: Record<string, number>;
}

export interface CollectResult {
  asOf: number;
  tickers: TickerMarketData[];
  skipped: SkippedTicker[];
  /** Skipped tickers by reason. */
  skipCounts: Record<string, number>;
  macro: MacroSnapshot | null;
  macroSource: ItemSource | null;
  /** Why macro is null, else null. */
  macroError: string | null;
  stats: CollectStats;
}
