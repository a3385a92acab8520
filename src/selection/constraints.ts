/**
 * The hard constraints of a trade, each rejection counted by reason (see `REJECTION_REASONS` for the order
 * and the meaning of each reason):
 *   dte        — (front) expiration within [min_dte, max_dte] calendar days
 *   earnings   — no earnings from today to the exit expiration + min_days_to_earnings (when set)
 *   quote_age  — every leg's quote at most max_quote_age_seconds old
 *   open_interest, volume, bid_ask — every option leg's liquidity
 *   no_credit, bad_quote, credit_ratio — a credit strategy collects a credit, quotes are not crossed,
 *                netCredit × 100 × contracts / maxLoss ≥ min_credit_ratio
 *   max_loss   — max loss ≤ max_loss_per_trade × NAV/100k ($)
 *   capital    — capital required ≤ available_capital (each trade alone; the basket sum is the selector's
 *                when capital_scope is `basket`)
 *   pop        — POP ≥ min_pop
 * The generators apply the same predicates (strategies/hardRules.ts) on the chain's arrays; this module
 * checks built trades (after re-sizing, from other sources, or to explain a trade).
 */
import type { Settings } from '../config/schema.js';
import { newYorkDayNumber } from '../strategies/dates.js';
import {
  dayNumber,
  dteRuleCode,
  earningsRuleCode,
  economicsRuleCode,
  emptyRejections,
  type HardLimits,
  legRuleCode,
  popRuleCode,
  R_QUOTE_AGE,
  type RejectionCounts,
  type RejectionReason,
  reasonOf,
} from '../strategies/hardRules.js';
import type { Trade } from '../strategies/types.js';

export type { HardLimits, RejectionCounts, RejectionReason } from '../strategies/hardRules.js';
export { emptyRejections, REJECTION_REASONS } from '../strategies/hardRules.js';

/** NAV at which the configured money limits hold as written; they scale by NAV / this. */
export const REFERENCE_NAV = 100_000;

/** Absolute limits from the settings sections (max loss scaled by NAV/100k). */
export function hardLimits(
  trading: Pick<Settings['trading'], 'nav' | 'available_capital'>,
  constraints: Settings['constraints'],
): HardLimits {
  return {
    minPop: constraints.min_pop,
    minCreditRatio: constraints.min_credit_ratio,
    maxLoss: (constraints.max_loss_per_trade * trading.nav) / REFERENCE_NAV,
    maxCapital: trading.available_capital,
    maxQuoteAgeMs: constraints.max_quote_age_seconds * 1000,
    minOpenInterest: constraints.min_open_interest,
    minVolume: constraints.min_volume,
    maxBidAskPct: constraints.max_bid_ask_pct,
    minDte: constraints.min_dte,
    maxDte: constraints.max_dte,
    minDaysToEarnings: constraints.min_days_to_earnings,
  };
}

export interface ConstraintContext {
  /** The scan's now, epoch ms. */
  asOf: number;
  /** Next earnings date `YYYY-MM-DD` of a ticker (null / undefined = none known). */
  nextEarnings?: (ticker: string) => string | null | undefined;
}

/** Leg rules across all legs: the first reason (in rule order) any leg fails; stock legs: quote age only. */
function legsCode(trade: Trade, asOf: number, limits: HardLimits): number {
  let code = 0;
  for (const leg of trade.legs) {
    const c =
      leg.type === 'stock'
        ? asOf - leg.quoteTime <= limits.maxQuoteAgeMs
          ? 0
          : R_QUOTE_AGE
        : legRuleCode(leg.bid, leg.ask, leg.openInterest, leg.volume, leg.quoteTime, asOf, limits);
    if (c !== 0 && (code === 0 || c < code)) code = c;
  }
  return code;
}

/** The first hard rule `trade` fails, or null when it passes them all. */
export function checkTrade(trade: Trade, limits: HardLimits, ctx: ConstraintContext): RejectionReason | null {
  const earnings = ctx.nextEarnings?.(trade.ticker);
  const code =
    dteRuleCode(trade.dte, limits) ||
    earningsRuleCode(
      earnings ? dayNumber(earnings) : Number.NaN,
      newYorkDayNumber(ctx.asOf),
      dayNumber(trade.expiration),
      limits,
    ) ||
    legsCode(trade, ctx.asOf, limits) ||
    economicsRuleCode(
      trade.isCredit,
      trade.netCredit,
      trade.creditToMaxLoss,
      trade.maxLoss,
      trade.capitalRequired,
      limits,
    ) ||
    popRuleCode(trade.pop, limits);
  return code === 0 ? null : reasonOf(code);
}

export interface ConstraintResult<T extends Trade> {
  passed: T[];
  rejections: RejectionCounts;
}

/** Splits `trades` into those passing every hard rule and the rejection counts of the others. */
export function applyConstraints<T extends Trade>(
  trades: readonly T[],
  limits: HardLimits,
  ctx: ConstraintContext,
): ConstraintResult<T> {
  const passed: T[] = [];
  const rejections = emptyRejections();
  for (const t of trades) {
    const reason = checkTrade(t, limits, ctx);
    if (reason === null) passed.push(t);
    else rejections[reason]++;
  }
  return { passed, rejections };
}
