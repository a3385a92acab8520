/** The one interface through which the engine reads the market. */
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

/** Every call carries the scan's "now" so that a scan is reproducible (`--as-of`). */
export interface RequestContext {
  /** The scan's notion of now, epoch ms. */
  asOf: number;
  signal?: AbortSignal;
  /**
   * The scan's risk-free rate (continuously compounded, per year): the macro source's, else
   * FALLBACK_RISK_FREE_RATE. The collector sets it once the macro snapshot is in; a provider that solves
   * vols from quotes uses it, so that vols and POP rest on one rate.
   */
  riskFreeRate?: number;
}

/**
 * A market data source. A provider serves only the kinds in `capabilities`; calling another
 * method is a programming error (the collector checks first).
 */
export interface MarketDataProvider {
  readonly name: string;
  readonly capabilities: ReadonlySet<DataKind>;
  getQuotes?(symbols: string[], ctx: RequestContext): Promise<UnderlyingQuote[]>;
  /** Expiration dates `YYYY-MM-DD`, ascending (weeklies included). */
  getExpirations?(symbol: string, ctx: RequestContext): Promise<string[]>;
  /** The chain restricted to the given expirations. */
  getChain?(symbol: string, expirations: string[], ctx: RequestContext): Promise<OptionChain>;
  /** Daily bars from `from` to `to` inclusive (`YYYY-MM-DD`), ascending. */
  getHistory?(symbol: string, from: string, to: string, ctx: RequestContext): Promise<DailyBar[]>;
  getFundamentals?(symbol: string, ctx: RequestContext): Promise<Fundamentals>;
  getMacro?(ctx: RequestContext): Promise<MacroSnapshot>;
  getFlow?(symbol: string, ctx: RequestContext): Promise<FlowSignals>;
  getIvHistory?(symbol: string, ctx: RequestContext): Promise<IvPoint[]>;
  /** Releases sockets and timers. */
  close?(): Promise<void>;
}

/** The data methods of a MarketDataProvider, for wrappers that pass each one through (instrumentation). */
export const PROVIDER_METHODS = [
  'getQuotes',
  'getExpirations',
  'getChain',
  'getHistory',
  'getFundamentals',
  'getMacro',
  'getFlow',
  'getIvHistory',
] as const satisfies readonly (keyof MarketDataProvider)[];

/** A key-value cache with TTL, implemented over Redis or memory by store/; market/ sees only this. */
export interface MarketCache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}
