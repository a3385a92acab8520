/**
 * The hard rules as plain arithmetic predicates, shared by the generators' fast path (which checks them
 * on the chain's arrays before building any object) and by `selection/constraints.ts` (which checks them
 * on built trades). A rule returns 0 when it passes, else the code of the first reason that fails, in the
 * order of `REJECTION_REASONS`: a rejected candidate is counted once, under its first failing reason.
 */

/** Why a candidate was rejected, in the order the rules are checked. */
export const REJECTION_REASONS = [
  /** (front) expiration outside [min_dte, max_dte] */
  'dte',
  /** earnings date inside the trade's life (+ min_days_to_earnings) */
  'earnings',
  /** a leg's quote is older than max_quote_age_seconds (or has no time) */
  'quote_age',
  /** a leg's open interest below min_open_interest */
  'open_interest',
  /** a leg's volume today below min_volume */
  'volume',
  /** a leg's (ask − bid) / mid above max_bid_ask_pct */
  'bid_ask',
  /** a credit strategy whose natural net credit is not positive */
  'no_credit',
  /** quotes that would give a riskless profit (credit ≥ width, calendar debit ≤ 0): stale or crossed */
  'bad_quote',
  /** credit-to-max-loss below min_credit_ratio (credit strategies) */
  'credit_ratio',
  /** max loss above max_loss_per_trade × NAV/100k */
  'max_loss',
  /** capital required above available_capital */
  'capital',
  /** probability of profit below min_pop (or not computable) */
  'pop',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];
export type RejectionCounts = Record<RejectionReason, number>;

/** Rule codes: index in REJECTION_REASONS + 1; 0 = pass. */
export const R_DTE = 1;
export const R_EARNINGS = 2;
export const R_QUOTE_AGE = 3;
export const R_OPEN_INTEREST = 4;
export const R_VOLUME = 5;
export const R_BID_ASK = 6;
export const R_NO_CREDIT = 7;
export const R_BAD_QUOTE = 8;
export const R_CREDIT_RATIO = 9;
export const R_MAX_LOSS = 10;
export const R_CAPITAL = 11;
export const R_POP = 12;
/** Number of codes + 1 (size of a counts array indexed by code). */
export const CODE_COUNT = REJECTION_REASONS.length + 1;

/** Reason of a non-zero code. */
export function reasonOf(code: number): RejectionReason {
  return REJECTION_REASONS[code - 1];
}

/** Absolute limits of the hard rules (resolved from settings by `selection/constraints.ts#hardLimits`). */
export interface HardLimits {
  /** Fraction. */
  minPop: number;
  /** netCredit × 100 × contracts / maxLoss, credit strategies only. */
  minCreditRatio: number;
  /** $ for the position (already scaled by NAV/100k). */
  maxLoss: number;
  /** $ a single trade may tie up. */
  maxCapital: number;
  maxQuoteAgeMs: number;
  /** Contracts, per option leg. */
  minOpenInterest: number;
  minVolume: number;
  /** (ask − bid) / mid, per option leg. */
  maxBidAskPct: number;
  /** Calendar days, inclusive window of the (front) expiration. */
  minDte: number;
  maxDte: number;
  /** 0 = off; N = no earnings from the as-of date to the exit expiration + N days. */
  minDaysToEarnings: number;
}

/** Limits that let every finite candidate through (generation without filtering). */
export const PERMISSIVE_LIMITS: HardLimits = {
  minPop: Number.NEGATIVE_INFINITY,
  minCreditRatio: Number.NEGATIVE_INFINITY,
  maxLoss: Number.POSITIVE_INFINITY,
  maxCapital: Number.POSITIVE_INFINITY,
  maxQuoteAgeMs: Number.POSITIVE_INFINITY,
  minOpenInterest: 0,
  minVolume: 0,
  maxBidAskPct: Number.POSITIVE_INFINITY,
  minDte: 0,
  maxDte: Number.POSITIVE_INFINITY,
  minDaysToEarnings: 0,
};

export function emptyRejections(): RejectionCounts {
  const out = {} as RejectionCounts;
  for (const r of REJECTION_REASONS) out[r] = 0;
  return out;
}

/** Adds `b` into `a` (mutates and returns `a`). */
export function addRejections(a: RejectionCounts, b: Readonly<RejectionCounts>): RejectionCounts {
  for (const r of REJECTION_REASONS) a[r] += b[r];
  return a;
}

/** Counts array indexed by code → record (adds into `into` when given). */
export function countsToRejections(counts: ArrayLike<number>, into = emptyRejections()): RejectionCounts {
  for (let c = 1; c < CODE_COUNT; c++) into[reasonOf(c)] += counts[c];
  return into;
}

/**
 * Slack of the threshold comparisons, for the binary rounding of cent prices: 1.05 − 0.95 is
 * 0.10000000000000009 and (10 − (8.03 − 5.53))·100 is 750.0000000000001, so a spread of exactly 10 % of mid
 * or a max loss of exactly the limit failed depending on which cents made it up (measured: 81 of 200 legs at
 * exactly 10 %). Far below a cent, so nothing a cent away from a limit changes.
 */
const RATIO_SLACK = 1e-9; // of a ratio (credit/max loss, spread/mid)
const DOLLAR_SLACK = 1e-6; // of a $ amount (max loss, capital)

/**
 * Liquidity and freshness of one option leg: quote age, open interest, volume, bid-ask width.
 * NaN open interest / volume count as 0; a NaN bid counts as 0 (no bid); a NaN quote time fails.
 * `judgedAt` (epoch ms) is the instant the quote's age is measured at.
 */
export function legRuleCode(
  bid: number,
  ask: number,
  openInterest: number,
  volume: number,
  quoteTime: number,
  judgedAt: number,
  limits: HardLimits,
): number {
  if (!(judgedAt - quoteTime <= limits.maxQuoteAgeMs)) return R_QUOTE_AGE;
  if (!((openInterest || 0) >= limits.minOpenInterest)) return R_OPEN_INTEREST;
  if (!((volume || 0) >= limits.minVolume)) return R_VOLUME;
  const b = Math.max(bid || 0, 0); // NaN = no bid
  // (ask − bid)/mid ≤ max  ⇔  ask − bid ≤ max × (ask + bid)/2, for ask > 0
  const max = limits.maxBidAskPct;
  if (max !== Number.POSITIVE_INFINITY && !(ask > 0 && ask - b <= (0.5 * max + RATIO_SLACK) * (ask + b)))
    return R_BID_ASK;
  return 0;
}

/**
 * The trade-level money rules in order: no_credit (credit strategies), bad_quote (max loss not positive:
 * credit ≥ width, debit ≤ 0, or NaN prices), credit_ratio (credit strategies), max_loss, capital.
 * `maxLoss` and `capital` in $ for the position.
 */
export function economicsRuleCode(
  isCredit: boolean,
  netCredit: number,
  creditRatio: number,
  maxLoss: number,
  capital: number,
  limits: HardLimits,
): number {
  if (isCredit && !(netCredit > DOLLAR_SLACK)) return R_NO_CREDIT; // four quotes netting to 0 can sum to +8e-17
  if (!(maxLoss > 0)) return R_BAD_QUOTE;
  if (isCredit && !(creditRatio >= limits.minCreditRatio - RATIO_SLACK)) return R_CREDIT_RATIO;
  if (!(maxLoss <= limits.maxLoss + DOLLAR_SLACK)) return R_MAX_LOSS;
  if (!(capital <= limits.maxCapital + DOLLAR_SLACK)) return R_CAPITAL;
  return 0;
}

/** POP rule; a NaN POP fails. */
export function popRuleCode(pop: number, limits: HardLimits): number {
  return pop >= limits.minPop ? 0 : R_POP;
}

const ZERO = 48;
/** Value of the digits of `s` from `a` to `b` (exclusive); NaN when one is not a digit. */
function digits(s: string, a: number, b: number): number {
  let v = 0;
  for (let i = a; i < b; i++) {
    const d = s.charCodeAt(i) - ZERO;
    if (!(d >= 0 && d <= 9)) return Number.NaN;
    v = 10 * v + d;
  }
  return v;
}

/** Day number (days since 1970-01-01) of a `YYYY-MM-DD` date; NaN when malformed. Parsed without regex: hot. */
export function dayNumber(date: string): number {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return Number.NaN;
  return Date.UTC(digits(date, 0, 4), digits(date, 5, 7) - 1, digits(date, 8, 10)) / 86_400_000;
}

/**
 * `earningsDay` of a ticker whose earnings calendar is unknown (no fundamentals from any source), as opposed to
 * NaN, none scheduled. With the earnings rule on it fails: the rule cannot be shown to hold, and passing it read as
 * "no earnings" (a PLTR spread across its 3 November report passed with Tradier, which serves no fundamentals).
 */
export const EARNINGS_UNKNOWN = Number.NEGATIVE_INFINITY;

/**
 * Earnings rule: fails when `minDaysToEarnings` > 0 and the earnings day lies in
 * [as-of day, exit day + minDaysToEarnings], or is EARNINGS_UNKNOWN. Day numbers from `dayNumber`; NaN = none
 * scheduled.
 */
export function earningsRuleCode(
  earningsDay: number,
  asOfDay: number,
  exitDay: number,
  limits: HardLimits,
): number {
  if (!(limits.minDaysToEarnings > 0) || Number.isNaN(earningsDay)) return 0;
  if (earningsDay === EARNINGS_UNKNOWN) return R_EARNINGS;
  return earningsDay >= asOfDay && earningsDay <= exitDay + limits.minDaysToEarnings ? R_EARNINGS : 0;
}

/** DTE window rule. */
export function dteRuleCode(dte: number, limits: HardLimits): number {
  return dte >= limits.minDte && dte <= limits.maxDte ? 0 : R_DTE;
}
