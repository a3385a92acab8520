/**
 * The trade's thesis: one or two plain sentences (≤ 30 words, ASCII) built only from the trade's own
 * numbers — its lean, IV rank, momentum z, where it profits (breakevens and their distance from spot in
 * standard deviations of the move to expiry) and the days to expiry.
 * e.g. `Bullish put credit spread: IV rank 55, momentum z +0.4. Profits above 214.15 (1.2 sd below spot
 * 228.50) over 28 days.`
 */
import type { StrategyName } from '../config/schema.js';
import type { Trade } from '../strategies/types.js';
import { tradeBias } from './direction.js';

export const THESIS_MAX_WORDS = 30;

const NAMES: Record<StrategyName, string> = {
  put_credit_spread: 'put credit spread',
  call_credit_spread: 'call credit spread',
  iron_condor: 'iron condor',
  covered_call: 'covered call',
  cash_secured_put: 'cash-secured put',
  call_calendar: 'long-vega call calendar',
  put_calendar: 'long-vega put calendar',
  iron_butterfly: 'iron butterfly',
};

/** What the thesis reads of a trade and its ticker. */
export type ThesisInput = Pick<
  Trade,
  'strategy' | 'greeks' | 'breakevens' | 'breakevenSigmas' | 'underlyingPrice' | 'dte' | 'legs'
> & { ivRank: number; momentumZ: number };

const price = (x: number) => x.toFixed(2);
/** One decimal with its sign; rounds first so that −0.04 reads +0.0. */
const signed = (x: number) => {
  const v = Math.round(x * 10) / 10;
  return `${v >= 0 ? '+' : '-'}${Math.abs(v).toFixed(1)}`;
};

/** `1.2 sd below` / `0.8 sd above` / `at` (within 0.05 sd). */
function distance(sigmas: number): string {
  if (!Number.isFinite(sigmas)) return 'n/a sd from';
  if (Math.abs(sigmas) < 0.05) return 'at';
  return `${Math.abs(sigmas).toFixed(1)} sd ${sigmas < 0 ? 'below' : 'above'}`;
}

/**
 * Whether a trade with the single breakeven `be` profits below it: a call credit spread does, and so does an
 * iron condor whose put wing is narrower than its credit (its one breakeven is above the short call).
 */
function profitsBelow(t: ThesisInput, be: number): boolean {
  if (t.strategy === 'call_credit_spread') return true;
  if (t.strategy !== 'iron_condor' && t.strategy !== 'iron_butterfly') return false;
  const shortCall = t.legs.find((l) => l.type === 'call' && l.action === 'SELL');
  return shortCall !== undefined && be > shortCall.strike;
}

function where(t: ThesisInput): string {
  const S = price(t.underlyingPrice);
  const [lo, hi] = t.breakevens;
  const [sLo, sHi] = t.breakevenSigmas;
  if (t.breakevens.length >= 2) {
    return `Profits between ${price(lo)} and ${price(hi)} (${distance(sLo)}, ${distance(sHi)} spot ${S})`;
  }
  if (t.breakevens.length === 0) return 'No breakeven at expiry';
  const side = profitsBelow(t, lo) ? 'below' : 'above';
  let text = `Profits ${side} ${price(lo)} (${distance(sLo)} spot ${S})`;
  if (t.strategy === 'covered_call') {
    const call = t.legs.find((l) => l.type === 'call');
    if (call) text += `, capped at ${call.strike}`;
  }
  return text;
}

export function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => w.length > 0).length;
}

export function thesis(t: ThesisInput): string {
  const bias = tradeBias(t);
  const lean = bias.charAt(0).toUpperCase() + bias.slice(1);
  const ivr = Number.isFinite(t.ivRank) ? `IV rank ${Math.round(t.ivRank)}` : 'IV rank n/a';
  const mom = Number.isFinite(t.momentumZ) ? `momentum z ${signed(t.momentumZ)}` : 'momentum z n/a';
  const days = `${t.dte} day${t.dte === 1 ? '' : 's'}`;
  const full = `${lean} ${NAMES[t.strategy]}: ${ivr}, ${mom}. ${where(t)} over ${days}.`;
  if (wordCount(full) <= THESIS_MAX_WORDS) return full;
  return `${lean} ${NAMES[t.strategy]}: ${ivr}, ${mom}, ${days}.`;
}
