/**
 * `generateCandidates`: every enabled strategy over one chain.
 *
 * How it stays fast: leg rules (quote age, open interest, volume, bid-ask) are evaluated once per contract
 * into a byte per strike; each candidate is first judged with plain arithmetic on the chain's arrays
 * (credit, max loss, capital, credit ratio), then its POP, and objects (legs, trade) are built only for the
 * candidates that pass every rule. Scratch tables are reused across calls (one chain at a time per thread).
 *
 * POP and expected value are risk-neutral: ln S_T normal with drift r − q (what the option prices embed),
 * vol = the legs' implied vols (read between the legs at each breakeven), via src/quant/probability.ts.
 */
import type { OptionChain } from '../market/types.js';
import { riskNeutralDrift } from '../quant/probability.js';
import { scanCalendars } from './calendarSpread.js';
import { scanCallCreditSpreads } from './callCreditSpread.js';
import { scanCashSecuredPuts } from './cashSecuredPut.js';
import { type ChainScan, type ExpiryView, expiryView } from './chainView.js';
import { scanCoveredCalls } from './coveredCall.js';
import { newYorkDayNumber } from './dates.js';
import {
  countsToRejections,
  dayNumber,
  EARNINGS_UNKNOWN,
  PERMISSIVE_LIMITS,
  type RejectionCounts,
} from './hardRules.js';
import { scanIronButterflies } from './ironButterfly.js';
import { scanIronCondors } from './ironCondor.js';
import { scanPutCreditSpreads } from './putCreditSpread.js';
import { createSink } from './scanSink.js';
import type { GenerationContext, GenerationParams, StrategyName, Trade } from './types.js';
import { createVerticalTable, fillVerticals } from './verticalSpread.js';

/** Bad generation input: names the field and the reason. */
export class StrategyInputError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'StrategyInputError';
  }
}

export interface StrategyCounts {
  evaluated: number;
  emitted: number;
}

export interface GenerationStats {
  /** Candidates evaluated (every structurally valid leg combination inside the DTE window). */
  evaluated: number;
  /** Candidates built (passed every rule when limits were given). */
  emitted: number;
  /** Rejected candidates by first failing rule. */
  rejections: RejectionCounts;
  byStrategy: Record<StrategyName, StrategyCounts>;
  /** Expirations inside the DTE window. */
  expirations: number;
}

export interface GenerationResult {
  trades: Trade[];
  stats: GenerationStats;
}

const putTable = createVerticalTable();
const callTable = createVerticalTable();

function validate(chain: OptionChain, ctx: GenerationContext, p: GenerationParams): void {
  const bad = (field: string, reason: string) => {
    throw new StrategyInputError(field, reason);
  };
  if (!(chain.spot > 0)) bad('chain.spot', `must be a positive price (got ${chain.spot})`);
  if (!Number.isFinite(ctx.asOf)) bad('context.asOf', 'must be an epoch-ms time');
  if (!Number.isFinite(ctx.riskFreeRate)) bad('context.riskFreeRate', 'must be a finite rate');
  if (!Number.isFinite(ctx.dividendYield)) bad('context.dividendYield', 'must be a finite yield');
  if (!(Number.isInteger(p.contracts) && p.contracts > 0))
    bad('params.contracts', 'must be a positive integer');
  if (!(p.minDte >= 0 && p.maxDte >= p.minDte)) bad('params.minDte', 'must satisfy 0 ≤ minDte ≤ maxDte');
  if (!(p.shortDeltaMin > 0 && p.shortDeltaMax >= p.shortDeltaMin && p.shortDeltaMax < 1))
    bad('params.shortDeltaMin', 'must satisfy 0 < shortDeltaMin ≤ shortDeltaMax < 1');
  if (!p.spreadWidths.every((w) => w > 0)) bad('params.spreadWidths', 'every width must be positive');
  if (!(p.calendarBackDteMin > 0 && p.calendarBackDteMax >= p.calendarBackDteMin))
    bad('params.calendarBackDteMin', 'must satisfy 0 < calendarBackDteMin ≤ calendarBackDteMax');
  if (ctx.masks && ctx.masks.length !== chain.expirations.length)
    bad('context.masks', `must have one entry per expiration (${chain.expirations.length})`);
}

/** Candidate trades of every enabled strategy over `chain` (see module doc for the method). */
export function generateCandidates(
  chain: OptionChain,
  ctx: GenerationContext,
  params: GenerationParams,
): GenerationResult {
  validate(chain, ctx, params);
  const limits = params.limits ?? PERMISSIVE_LIMITS;
  const earningsDay =
    ctx.earningsKnown === false
      ? EARNINGS_UNKNOWN
      : ctx.nextEarningsDate
        ? dayNumber(ctx.nextEarningsDate)
        : Number.NaN;
  const scan: ChainScan = {
    chain,
    ctx,
    limits,
    S: chain.spot,
    r: ctx.riskFreeRate,
    q: ctx.dividendYield,
    drift: riskNeutralDrift(ctx.riskFreeRate, ctx.dividendYield),
    asOfDay: newYorkDayNumber(ctx.asOf),
    earningsDay,
  };
  const on = new Set(params.strategies);
  const sink = createSink(params.contracts);
  const views: (ExpiryView | undefined)[] = new Array(chain.expirations.length);
  const view = (i: number) => {
    views[i] ??= expiryView(scan, i);
    return views[i];
  };
  const wantPuts = on.has('put_credit_spread') || on.has('iron_condor');
  const wantCalls = on.has('call_credit_spread') || on.has('iron_condor');
  const calendars = on.has('call_calendar') || on.has('put_calendar');
  let expirations = 0;
  const days = chain.expirations.map((x) => dayNumber(x.expiration));
  for (let e = 0; e < chain.expirations.length; e++) {
    const exp = chain.expirations[e];
    const dte = days[e] - scan.asOfDay;
    if (!(exp.expiryTime > ctx.asOf && dte >= params.minDte && dte <= params.maxDte)) continue;
    const v = view(e);
    expirations++;
    putTable.n = 0;
    callTable.n = 0;
    if (wantPuts) fillVerticals(v, v.puts, params, putTable);
    if (wantCalls) fillVerticals(v, v.calls, params, callTable);
    if (on.has('put_credit_spread')) scanPutCreditSpreads(scan, v, putTable, sink);
    if (on.has('call_credit_spread')) scanCallCreditSpreads(scan, v, callTable, sink);
    if (on.has('iron_condor')) scanIronCondors(scan, v, putTable, callTable, sink);
    if (on.has('cash_secured_put')) scanCashSecuredPuts(scan, v, params, sink);
    if (on.has('covered_call')) scanCoveredCalls(scan, v, params, sink);
    if (on.has('iron_butterfly')) scanIronButterflies(scan, v, params, sink);
    if (calendars) {
      for (let b = e + 1; b < chain.expirations.length; b++) {
        const gap = days[b] - days[e];
        if (gap < params.calendarBackDteMin) continue;
        if (gap > params.calendarBackDteMax) continue;
        const back = view(b);
        if (on.has('call_calendar')) scanCalendars(scan, v, back, 'call', params, sink);
        if (on.has('put_calendar')) scanCalendars(scan, v, back, 'put', params, sink);
      }
    }
  }
  return { trades: sink.trades, stats: statsOf(sink.trades, sink.evaluated, sink.counts, expirations) };
}

function statsOf(
  trades: readonly Trade[],
  evaluatedBy: Record<StrategyName, number>,
  counts: Float64Array,
  expirations: number,
): GenerationStats {
  const byStrategy = {} as Record<StrategyName, StrategyCounts>;
  let evaluated = 0;
  for (const [name, n] of Object.entries(evaluatedBy) as [StrategyName, number][]) {
    byStrategy[name] = { evaluated: n, emitted: 0 };
    evaluated += n;
  }
  for (const t of trades) byStrategy[t.strategy].emitted++;
  return {
    evaluated,
    emitted: trades.length,
    rejections: countsToRejections(counts),
    byStrategy,
    expirations,
  };
}
