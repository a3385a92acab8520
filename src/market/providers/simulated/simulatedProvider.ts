/**
 * The `simulated` market data provider: the offline default. Serves every data kind for the
 * built-in universe (the S&P 500 and 15 ETFs; any other ticker is unlisted, as a typo is on a real feed), deterministic from
 * (seed, as-of): the same seed and as-of give byte-identical data, tickers are independent of each
 * other and of the order they are asked in. See marketModel.ts (dynamics), chainGenerator.ts
 * (quotes), profiles.ts (cross-section), bars.ts, earnings.ts.
 */
import { dayNumber, newYorkClock, previousTradingDay } from '../../exchangeCalendar.js';
import { type ListedExpiration, listExpirations } from '../../expiry.js';
import { MarketInputError } from '../../inputError.js';
import type { MarketDataProvider, RequestContext } from '../../provider.js';
import type {
  DailyBar,
  DataKind,
  FlowSignals,
  Fundamentals,
  IvPoint,
  MacroSnapshot,
  OptionChain,
  UnderlyingQuote,
} from '../../types.js';
import { findUniverseMember, normalizeSymbol } from '../../universe.js';
import { barsBetween, ivHistoryBetween } from './bars.js';
import { generateExpirations, type UnderlyingState } from './chainGenerator.js';
import { nextEarningsDate, nextEarningsInstant } from './earnings.js';
import { cents, closeOn, ivLevel, longRunIv, sessionPosition, spotAt } from './marketModel.js';
import { type SimProfile, simProfile } from './profiles.js';
import { clamp, rngFor } from './seeding.js';

/** Fixed risk-free rate of the simulated market (continuously compounded; a 2025-like T-bill yield). */
export const SIMULATED_RISK_FREE_RATE = 0.042;
/** Calendar days of IV history served (≈ 275 trading days: enough for a 252-day IV rank). */
const IV_HISTORY_DAYS = 400;
/** ETFs with daily (Mon–Thu) expirations besides Fridays. */
const DAILY_EXPIRY_ETFS = new Set(['SPY', 'QQQ', 'IWM']);
const SYMBOL_RE = /^[A-Z][A-Z0-9.]{0,9}$/;
const UNIVERSE_NOTE =
  'it lists the built-in universe, the S&P 500 and 15 ETFs; a provider key scans any ticker';

export const ALL_DATA_KINDS: readonly DataKind[] = [
  'quote',
  'expirations',
  'chain',
  'history',
  'fundamentals',
  'macro',
  'flow',
  'ivHistory',
];

export interface SimulatedProviderOptions {
  /** Scenario seed (settings `providers.simulated.seed`). */
  seed: number;
  /** Risk-free rate used for pricing and reported as macro, default SIMULATED_RISK_FREE_RATE. */
  riskFreeRate?: number;
}

export class SimulatedProvider implements MarketDataProvider {
  readonly name = 'simulated';
  readonly capabilities: ReadonlySet<DataKind> = new Set(ALL_DATA_KINDS);
  readonly seed: number;
  readonly riskFreeRate: number;

  constructor(options: SimulatedProviderOptions) {
    if (!Number.isInteger(options.seed)) throw new MarketInputError('seed', 'must be an integer');
    const r = options.riskFreeRate ?? SIMULATED_RISK_FREE_RATE;
    if (!(r > -0.05 && r < 0.5))
      throw new MarketInputError('riskFreeRate', 'must be a fraction in (−0.05, 0.5)');
    this.seed = options.seed;
    this.riskFreeRate = r;
  }

  private profile(symbol: string): SimProfile {
    const s = normalizeSymbol(symbol);
    if (!SYMBOL_RE.test(s)) throw new MarketInputError('symbol', `"${symbol}" is not a ticker symbol`);
    // a typo (NVDIA) must not come back as a market and a recommended trade: what the simulator does not list is
    // unknown, as a real feed's unmatched symbol is
    if (findUniverseMember(s) === undefined)
      throw new MarketInputError(
        'symbol',
        `"${symbol}" is not listed in the simulated market (${UNIVERSE_NOTE})`,
      );
    return simProfile(this.seed, s);
  }

  /** Whether the simulator lists `symbol`: a well-formed ticker of the built-in universe. */
  lists(symbol: string): boolean {
    const s = normalizeSymbol(symbol);
    return SYMBOL_RE.test(s) && findUniverseMember(s) !== undefined;
  }

  /** The underlying quote at the as-of (synchronous core of getQuotes). */
  quoteAt(symbol: string, asOf: number): UnderlyingQuote {
    const p = this.profile(symbol);
    const spot = spotAt(this.seed, p, asOf);
    const pos = sessionPosition(asOf);
    const rng = rngFor(this.seed, p.symbol, 'quote', Math.floor(asOf / 1000));
    const spread = Math.max(0.01, cents(spot * 0.0005 * (1 - p.liquidity)));
    const bid = cents(spot - Math.ceil((spread / 2) * 100 - 1e-9) / 100);
    // During a session the previous close is the last completed one; after it, the one before.
    const prevDay = pos.openDay >= 0 ? pos.lastClosedDay : previousTradingDay(pos.lastClosedDay);
    const prevClose = closeOn(this.seed, p, prevDay);
    const sessionShare = pos.openDay >= 0 ? pos.fraction : 1;
    return {
      symbol: p.symbol,
      last: spot,
      bid,
      ask: cents(bid + spread),
      prevClose,
      volume: Math.round(p.avgVolume * sessionShare * Math.exp(0.3 * rng.normal())),
      time: asOf - Math.round(3000 * rng.uniform()),
      dividendYield: p.dividendYield,
    };
  }

  /** Listed expirations at the as-of with their kind (synchronous core of getExpirations). */
  listedExpirations(symbol: string, asOf: number): ListedExpiration[] {
    const p = this.profile(symbol);
    return listExpirations(asOf, {
      weeklyWeeks: p.liquidity < 0.2 ? 0 : 6,
      monthlyMonths: 12,
      dailyDays: DAILY_EXPIRY_ETFS.has(p.symbol) ? 10 : 0,
    });
  }

  /** The chain for the given expirations at the as-of (synchronous core of getChain); unlisted dates are ignored. */
  chainAt(symbol: string, expirations: readonly string[], asOf: number): OptionChain {
    const p = this.profile(symbol);
    const wanted = new Set(expirations);
    const spot = spotAt(this.seed, p, asOf);
    const day = newYorkClock(asOf).day;
    const state: UnderlyingState = {
      seed: this.seed,
      profile: p,
      spot,
      asOf,
      r: this.riskFreeRate,
      sigmaNow: ivLevel(this.seed, p, sessionPosition(asOf).lastClosedDay),
      sigmaLongRun: longRunIv(p),
      nextEarnings: nextEarningsInstant(p, day),
    };
    const listed = this.listedExpirations(symbol, asOf).filter((l) => wanted.has(l.date));
    const out = generateExpirations(state, listed);
    return { underlying: p.symbol, spot, asOf, expirations: out };
  }

  /** Quotes of the listed symbols; another is left out (as brokers list it unmatched). */
  async getQuotes(symbols: string[], ctx: RequestContext): Promise<UnderlyingQuote[]> {
    ctx.signal?.throwIfAborted();
    return symbols.filter((s) => this.lists(s)).map((s) => this.quoteAt(s, ctx.asOf));
  }

  async getExpirations(symbol: string, ctx: RequestContext): Promise<string[]> {
    ctx.signal?.throwIfAborted();
    return this.listedExpirations(symbol, ctx.asOf).map((e) => e.date);
  }

  async getChain(symbol: string, expirations: string[], ctx: RequestContext): Promise<OptionChain> {
    ctx.signal?.throwIfAborted();
    return this.chainAt(symbol, expirations, ctx.asOf);
  }

  /** Bars of completed sessions only: a session still open at the as-of has no bar yet. */
  async getHistory(symbol: string, from: string, to: string, ctx: RequestContext): Promise<DailyBar[]> {
    ctx.signal?.throwIfAborted();
    const p = this.profile(symbol);
    const first = dayNumber(from, 'from');
    const last = Math.min(dayNumber(to, 'to'), sessionPosition(ctx.asOf).lastClosedDay);
    return barsBetween(this.seed, p, first, last);
  }

  async getFundamentals(symbol: string, ctx: RequestContext): Promise<Fundamentals> {
    ctx.signal?.throwIfAborted();
    const p = this.profile(symbol);
    const spot = spotAt(this.seed, p, ctx.asOf);
    const marketCap = Math.round(p.shares * spot);
    const pe = p.pe === null ? null : Math.round(p.pe * (spot / p.basePrice) * 10) / 10;
    const round3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
    return {
      symbol: p.symbol,
      name: p.name,
      sector: p.sector,
      industry: p.industry,
      marketCap,
      pe,
      peg: pe === null || p.kind === 'etf' ? null : Math.round((pe / (p.growth * 100)) * 100) / 100,
      grossMargin: round3(p.grossMargin),
      operatingMargin: round3(p.operatingMargin),
      freeCashFlow: p.fcfYield === null ? null : Math.round(p.fcfYield * marketCap),
      dividendYield: p.dividendYield,
      nextEarningsDate: nextEarningsDate(p, newYorkClock(ctx.asOf).day),
    };
  }

  async getMacro(ctx: RequestContext): Promise<MacroSnapshot> {
    ctx.signal?.throwIfAborted();
    const r = this.riskFreeRate;
    return {
      riskFreeRate: r,
      riskFreeSource: `simulated (fixed ${(r * 100).toFixed(2)} %)`,
      // DGS3MO is a bond-equivalent (semi-annual) yield: 2·(e^(r/2) − 1).
      dgs3mo: Math.round(2 * (Math.exp(r / 2) - 1) * 1e4) / 1e4,
      dgs10: Math.round((r + 0.002) * 1e4) / 1e4,
      cpi: 322.5,
      unemployment: 0.042,
      gdp: 30_100,
    };
  }

  async getFlow(symbol: string, ctx: RequestContext): Promise<FlowSignals> {
    ctx.signal?.throwIfAborted();
    const p = this.profile(symbol);
    const z = rngFor(this.seed, p.symbol, 'flow', newYorkClock(ctx.asOf).day).normal();
    return {
      symbol: p.symbol,
      flowZ: Math.round(clamp(z, -3, 3) * 100) / 100,
      neutral: false,
      detail: 'simulated order flow (seeded)',
    };
  }

  async getIvHistory(symbol: string, ctx: RequestContext): Promise<IvPoint[]> {
    ctx.signal?.throwIfAborted();
    const p = this.profile(symbol);
    const last = sessionPosition(ctx.asOf).lastClosedDay;
    return ivHistoryBetween(this.seed, p, last - IV_HISTORY_DAYS, last);
  }
}

/** The simulated provider for a seed (settings `providers.simulated.seed`). */
export function createSimulatedProvider(options: SimulatedProviderOptions): SimulatedProvider {
  return new SimulatedProvider(options);
}
