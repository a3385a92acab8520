/**
 * The main job, end to end (DESIGN.md): collect → analyze → quality → generate (hard rules applied
 * while scanning, each rejection counted) → score → select the best basket → thesis and ranks.
 * Pure orchestration: providers and the cache come in as dependencies, settings as plain values.
 */
import type { Settings } from '../config/schema.js';
import {
  type CollectResult,
  collectMarket,
  DEFAULT_TTL_SECONDS,
  type TickerMarketData,
} from '../market/collector.js';
import { dateOfDay, isTradingDay, newYorkClock } from '../market/exchangeCalendar.js';
import type { MarketCache, MarketDataProvider } from '../market/provider.js';
import { addCounts, assessChain, emptyCounts, MAX_IV, MIN_IV, reasonCode } from '../market/quality.js';
import { FALLBACK_RISK_FREE_RATE } from '../market/riskFreeRate.js';
import type { DataKind, IvObservation, IvPoint } from '../market/types.js';
import { findUniverseMember } from '../market/universe.js';
import { CONSTANT_MATURITY_T } from '../quant/stats.js';
import { emptyRejections, hardLimits } from '../selection/constraints.js';
import { basketGreeks, basketRules } from '../selection/portfolio.js';
import { type ScoredTrade, scanRegime, scoreTrade } from '../selection/scoring.js';
import { selectBasket } from '../selection/selector.js';
import { sizeBasket } from '../selection/sizing.js';
import { thesis } from '../selection/thesis.js';
import { generateCandidates } from '../strategies/generate.js';
import { type ChainMask, generationParams } from '../strategies/types.js';
import { dividendYieldOf } from './dividendYield.js';
import { analyzeTicker, chainIv30 } from './tickerSignals.js';
import type { RankedTrade, ScanParams, ScanProgress, ScanResult, ScanStage, ScanStats } from './types.js';

export { FALLBACK_RISK_FREE_RATE };

export interface ScanRequest {
  scanId: string;
  /** The scan's now, epoch ms. */
  asOf: number;
  tickers: readonly string[];
  settings: Pick<Settings, 'trading' | 'constraints' | 'strategy_params' | 'scoring' | 'api'> &
    Partial<Pick<Settings, 'cache'>>;
  /** Labels for the output: provider names, the simulated seed, the universe name. */
  labels: { provider: string; fallback: string | null; seed: number | null; universe: string };
}

/**
 * Cache lifetimes of the intraday items (seconds): chains live `cache.default_timeout` (CACHE_DEFAULT_TIMEOUT),
 * quotes at most 60 s and never longer than that; the slow reference data (expirations, bars, fundamentals,
 * rates, flow, IV history) keep their own hours-long lifetimes (DEFAULT_TTL_SECONDS) whatever the setting.
 */
export function cacheTtls(defaultTimeout: number): Partial<Record<DataKind, number>> {
  return { chain: defaultTimeout, quote: Math.min(DEFAULT_TTL_SECONDS.quote, defaultTimeout) };
}

/** Clock difference allowed between a provider's quote times and ours, ms. */
export const QUOTE_CLOCK_SKEW_MS = 60_000;

export interface ScanDeps {
  primary: MarketDataProvider;
  fallback?: MarketDataProvider | null;
  /** Dedicated macro and flow sources (FRED, QuiverQuant: `ProviderSet.dedicated`), asked first for their item. */
  macro?: MarketDataProvider | null;
  flow?: MarketDataProvider | null;
  cache?: MarketCache | null;
  onProgress?: (event: ScanProgress) => void;
  /**
   * Stops the scan: the collection in flight winds down, and the scan then rejects with the signal's
   * reason (checked after the collection and before each stage) instead of going on with partial data.
   */
  signal?: AbortSignal;
  /** Called once with what the collector gathered (each ticker's chain and where it came from, cache included). */
  onCollected?: (collected: CollectResult) => void;
  /**
   * The wall clock (epoch ms) of a live scan: its quotes are judged for age when the collection has ended, so a
   * quote fetched at the start of a 30-minute rate-limited collection is 30 minutes old, not fresh. Absent for a
   * replay (an as-of in the past), whose quotes are judged at the as-of.
   */
  clock?: () => number;
  /**
   * The stored IV history (`iv_history`) of the tickers whose provider served none, by symbol, oldest first: what
   * IV rank and IV percentile rank today against. Absent without a database (`--no-store`); it answers an empty map
   * rather than fail the scan.
   */
  ivHistory?: (symbols: readonly string[], asOf: number) => Promise<ReadonlyMap<string, IvPoint[]>>;
}

/** The last expiration to collect: the DTE window, stretched for the back months of calendars. */
export function collectMaxDte(
  settings: Pick<Settings, 'trading' | 'constraints' | 'strategy_params'>,
): number {
  const calendars = settings.trading.strategies.some((s) => s === 'call_calendar' || s === 'put_calendar');
  return settings.constraints.max_dte + (calendars ? settings.strategy_params.calendar_back_dte_max : 0);
}

/**
 * The 30-day IVs a live scan read from its chains, to record for the tickers whose provider serves no IV history:
 * one per ticker on a New York trading day (a weekend scan reads Friday's quotes again), when every quote it is read
 * from is today's (`fresh`, see `today`: a stale or crossed at-the-money quote is not today's IV), keyed by the
 * chain's provider. None from a replay; `fresh[i]` null: ticker i has an IV history of its own.
 */
function todaysIvs(
  tickers: readonly TickerMarketData[],
  fresh: readonly (ChainMask | null)[],
  asOf: number,
): IvObservation[] {
  const day = newYorkClock(asOf).day;
  if (!isTradingDay(day)) return [];
  const date = dateOfDay(day);
  const out: IvObservation[] = [];
  tickers.forEach((d, i) => {
    const source = d.sources.chain?.provider;
    const m = fresh[i];
    if (m === null || source === undefined) return;
    // every quote it is read from is today's (else a fresh far expiry's IV, extrapolated, stood in for the 30-day one)
    const iv30 = chainIv30(d.chain, asOf, m);
    if (iv30 !== chainIv30(d.chain, asOf)) return;
    if (iv30 >= MIN_IV && iv30 < MAX_IV) out.push({ symbol: d.symbol, day: date, iv30, source });
  });
  return out;
}

const WIDE_SPREAD = reasonCode('wideSpread');

/**
 * Quality codes → 1 where the quote is today's market: it passed the checks up to the age check (strike, expiry,
 * two-sided, not crossed, fresh), which run first, whatever the trading rules after them (spread, greeks, arbitrage)
 * made of it. Gating the recorded IV on every rule left a quarter of the tickers never recorded, and the days with
 * wide spreads — stressed ones — out of every history.
 */
function today(codes: Uint8Array): Uint8Array {
  const out = new Uint8Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i] === 0 || codes[i] >= WIDE_SPREAD ? 1 : 0;
  return out;
}

/** Quality codes (0 usable, else a reason) → strategy masks (1 usable, 0 rejected). */
function toMask(codes: Uint8Array): Uint8Array {
  const out = new Uint8Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i] === 0 ? 1 : 0;
  return out;
}

export async function runScan(req: ScanRequest, deps: ScanDeps): Promise<ScanResult> {
  const { settings, asOf } = req;
  const { trading, constraints } = settings;
  const t0 = performance.now();
  const timings = {} as ScanStats['timingsMs'];
  let stageStart = t0;
  let current: ScanStage = 'universe';
  const begin = (stage: ScanStage) => {
    // a stopped scan ends here: the caller records the stage that was running (the last one started)
    deps.signal?.throwIfAborted();
    current = stage;
    stageStart = performance.now();
    deps.onProgress?.({ stage, phase: 'start', elapsedMs: stageStart - t0 });
  };
  const end = () => {
    const now = performance.now();
    timings[current] = now - stageStart;
    deps.onProgress?.({ stage: current, phase: 'end', elapsedMs: now - t0 });
  };

  begin('universe');
  const tickers = [...new Set(req.tickers)];
  end();

  begin('collect');
  const collected = await collectMarket(tickers, {
    primary: deps.primary,
    fallback: deps.fallback ?? null,
    macro: deps.macro ?? null,
    flow: deps.flow ?? null,
    cache: deps.cache ?? null,
    asOf,
    minDte: constraints.min_dte,
    // Calendars need back months past the DTE window: front ≤ max_dte, back ≤ front + calendar_back_dte_max.
    maxDte: collectMaxDte(settings),
    // the 30-day constant-maturity IV (IV rank) interpolates between expirations on both sides of 30 days
    bracketDte: Math.round(CONSTANT_MATURITY_T * 365),
    quoteBatchSize: settings.api.batch_size,
    ttlSeconds: settings.cache ? cacheTtls(settings.cache.default_timeout) : undefined,
    signal: deps.signal,
    onTicker: (symbol, _outcome, done, total) =>
      deps.onProgress?.({ stage: 'collect', phase: 'ticker', done, total, symbol }),
  });
  end();
  // the collector returns what it had when the signal fired (the rest skipped as aborted): not a scan
  deps.signal?.throwIfAborted();
  deps.onCollected?.(collected);
  const r = collected.macro?.riskFreeRate ?? FALLBACK_RISK_FREE_RATE;
  const riskFreeSource = collected.macro
    ? collected.macro.riskFreeSource
    : `fallback ${FALLBACK_RISK_FREE_RATE} (${collected.macroError ?? 'no macro source'})`;

  // A quote can be newer than the as-of by the time the collection took (a rate-limited Tradier scan of the
  // universe takes ~30 minutes) plus some clock skew, not more: later means a clock or unit error, or a live
  // provider queried for a past --as-of (look-ahead). Ages are judged when the collection ended: reading the stored
  // IV history below (a database to open) is no part of a quote's age.
  const latestQuoteTime = asOf + timings.collect + QUOTE_CLOCK_SKEW_MS;
  const quotesJudgedAt = deps.clock ? Math.max(asOf, deps.clock()) : asOf;

  begin('analyze');
  // providers without IV history (Tradier, Yahoo): the days the engine recorded itself. A history counts as the
  // ticker's own only from its chain's provider: a simulated fallback's made-up history ranked real IVs
  const served = collected.tickers.map(
    (d) => (d.ivHistory?.length ?? 0) > 0 && d.sources.ivHistory?.provider === d.sources.chain?.provider,
  );
  const lacking = collected.tickers.filter((_, i) => !served[i]).map((d) => d.symbol);
  const stored = deps.ivHistory && lacking.length > 0 ? await deps.ivHistory(lacking, asOf) : null;
  const analyses = collected.tickers.map((d, i) =>
    analyzeTicker(served[i] ? d : { ...d, ivHistory: stored?.get(d.symbol) ?? null }, asOf),
  );
  end();

  begin('quality');
  const qualityCounts = emptyCounts();
  let checked = 0;
  let accepted = 0;
  // per ticker whose IV a live scan records: its quotes that are today's (fresh, two-sided), whatever the trading rules
  const fresh: (ChainMask | null)[] = [];
  const masks: ChainMask[] = collected.tickers.map((d, i) => {
    const q = assessChain(d.chain, {
      asOf,
      quotesJudgedAt,
      maxQuoteAgeSeconds: constraints.max_quote_age_seconds,
      latestQuoteTime,
      maxSpreadPct: constraints.max_bid_ask_pct,
      riskFreeRate: r,
      dividendYield: dividendYieldOf(d),
    });
    addCounts(qualityCounts, q.counts);
    checked += q.checked;
    accepted += q.accepted;
    fresh[i] =
      deps.clock && !served[i]
        ? q.expirations.map((e) => ({ calls: today(e.calls), puts: today(e.puts) }))
        : null;
    return q.expirations.map((e) => ({ calls: toMask(e.calls), puts: toMask(e.puts) }));
  });
  end();
  // a live scan's IVs for the history of providers without one (stale or replayed quotes are not today's)
  const ivObservations = deps.clock ? todaysIvs(collected.tickers, fresh, asOf) : [];

  begin('generate');
  const limits = hardLimits(trading, constraints);
  const params = generationParams(trading, constraints, settings.strategy_params, limits);
  const rejections = emptyRejections();
  const byStrategy: Record<string, number> = {};
  let evaluated = 0;
  const perTicker = collected.tickers.map((d, i) => {
    const g = generateCandidates(
      d.chain,
      {
        asOf,
        quotesJudgedAt,
        riskFreeRate: r,
        dividendYield: dividendYieldOf(d),
        underlying: { bid: d.quote.bid, ask: d.quote.ask, time: d.quote.time },
        nextEarningsDate: d.fundamentals?.nextEarningsDate ?? null,
        // a fund reports no earnings; another ticker without fundamentals has an unknown calendar
        earningsKnown: d.fundamentals != null || findUniverseMember(d.symbol)?.sector === 'ETF',
        masks: masks[i],
      },
      params,
    );
    evaluated += g.stats.evaluated;
    for (const [reason, n] of Object.entries(g.stats.rejections))
      rejections[reason as keyof typeof rejections] += n;
    for (const [name, c] of Object.entries(g.stats.byStrategy))
      byStrategy[name] = (byStrategy[name] ?? 0) + c.emitted;
    return g.trades;
  });
  end();

  begin('score');
  const scoringParams = {
    scoring: settings.scoring,
    maxBidAskPct: constraints.max_bid_ask_pct,
    // one regime, one weight vector for the whole scan: candidates are ranked against each other
    regime: scanRegime(
      analyses.map((a) => a.rvPercentile),
      settings.scoring,
    ),
  };
  const scored: ScoredTrade[] = [];
  perTicker.forEach((trades, i) => {
    for (const t of trades) scored.push(scoreTrade(t, analyses[i], scoringParams));
  });
  end();

  begin('select');
  const rules = basketRules(trading, constraints);
  const selection = selectBasket(scored, rules);
  const sized = sizeBasket(selection.trades, rules, {
    method: trading.sizing,
    kellyFraction: trading.kelly_fraction,
    nav: trading.nav,
    maxLoss: limits.maxLoss,
  });
  end();

  begin('report');
  const trades: RankedTrade[] = sized.map((t, i) => ({ ...t, rank: i + 1, thesis: thesis(t) }));
  const p = basketGreeks(trades);
  const status = trades.length >= trading.max_trades ? 'ok' : 'insufficient';
  const message =
    status === 'ok'
      ? `${trades.length} trades meet every rule.`
      : `Fewer than ${trading.max_trades} trades meet criteria, do not execute.`;
  const sources: Record<string, number> = {};
  for (const d of collected.tickers) {
    for (const s of Object.values(d.sources)) {
      if (!s) continue;
      const key = `${s.provider}:${s.from}`;
      sources[key] = (sources[key] ?? 0) + 1;
    }
  }
  end();
  timings.total = performance.now() - t0;

  const scanParams: ScanParams = {
    nav: trading.nav,
    availableCapital: trading.available_capital,
    maxTrades: trading.max_trades,
    minDte: constraints.min_dte,
    maxDte: constraints.max_dte,
    minPop: constraints.min_pop,
    minCreditRatio: constraints.min_credit_ratio,
    maxLossPerTrade: limits.maxLoss,
    capitalScope: trading.capital_scope,
    strategies: [...trading.strategies],
    riskFreeRate: r,
    riskFreeSource,
    provider: req.labels.provider,
    fallback: req.labels.fallback,
    seed: req.labels.seed,
    universe: req.labels.universe,
    tickers: tickers.length,
  };
  return {
    scanId: req.scanId,
    asOf: new Date(asOf).toISOString(),
    status,
    message,
    params: scanParams,
    trades,
    portfolio: {
      delta: p.delta,
      gamma: p.gamma,
      theta: p.theta,
      vega: p.vega,
      capitalRequired: p.capital,
      maxLoss: trades.reduce((a, t) => a + t.maxLoss, 0),
      sectors: p.sectors,
      limits: rules.limits,
    },
    stats: {
      tickers: {
        requested: collected.stats.requested,
        scanned: collected.stats.collected,
        skipped: collected.stats.skipped,
        skipReasons: collected.skipCounts,
      },
      contracts: { checked, accepted, rejected: checked - accepted, rejections: qualityCounts },
      candidates: { evaluated, generated: scored.length, passed: scored.length, byStrategy },
      rejections,
      selection: {
        pool: selection.pool,
        excluded: selection.excluded,
        optimal: selection.optimal,
        greedyFeasible: selection.greedyFeasible,
        nodes: selection.nodes,
        upperBound: selection.upperBound,
      },
      timingsMs: timings,
      sources,
    },
    skipped: collected.skipped,
    ivObservations,
  };
}
