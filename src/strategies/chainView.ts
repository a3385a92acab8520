/**
 * One expiration of a chain prepared for scanning: time to expiry, DTE, and per contract a one-byte
 * rule code (leg rules evaluated once per contract, not once per candidate) and |delta|.
 */
import type { ExpiryChain, OptionChain, OptionColumns } from '../market/types.js';
import { normCdf } from '../quant/normal.js';
import { yearsBetween } from './dates.js';
import { dayNumber, earningsRuleCode, type HardLimits, legRuleCode } from './hardRules.js';
import type { GenerationContext, Leg } from './types.js';

/** Code of a contract that can never be a leg: rejected by the quality filter, or no valid strike. */
export const SKIP = 255;

export interface SideView {
  type: 'call' | 'put';
  cols: OptionColumns;
  /** Per contract: 0 = passes every leg rule, R_* = first failing leg rule, SKIP = unusable. */
  code: Uint8Array;
  /**
   * Per contract |delta| per share: the chain's, or Black-Scholes-Merton N(d1) from the contract's IV when
   * the chain has none (NaN when neither is known).
   */
  absDelta: Float64Array;
  /**
   * Per strike the smile's slope dσ/dK (per $1 of strike), NaN until `smileSlope` fits it (only the legs of a
   * candidate that reaches the POP rule ever need one: fitting every strike up front cost a third of the stage).
   */
  ivSlope: Float64Array;
  /**
   * Legs already built from this side, at index 2i (SELL) and 2i + 1 (BUY) of strike i, quantity 1: the
   * survivors of a chain share most of their legs (an iron condor's wings recur across hundreds of bodies),
   * so each is built once per scan of the chain (`optionLeg`). Legs are never mutated after they are built.
   * Allocated on the first leg: most sides never build one.
   */
  legs: (Leg | undefined)[] | undefined;
  /** Per contract its expected payoff at expiry per share, NaN until `legForwardValue` computes it. */
  fwdValue: Float64Array;
}

/** Strikes on each side of a strike that its smile slope is fitted over (a 7-strike window). */
export const SLOPE_REACH = 3;

export interface ExpiryView {
  /** Index in `OptionChain.expirations`. */
  index: number;
  expiry: ExpiryChain;
  strikes: Float64Array;
  /** Calendar days from the as-of New York date. */
  dte: number;
  /** Years to the expiry instant. */
  T: number;
  /** 0, or R_EARNINGS when a trade exiting at this expiry would hold through earnings. */
  exitCode: number;
  calls: SideView;
  puts: SideView;
}

/** Scan-wide values computed once per chain. */
export interface ChainScan {
  chain: OptionChain;
  ctx: GenerationContext;
  limits: HardLimits;
  S: number;
  r: number;
  q: number;
  /** Risk-neutral drift r − q, per year (the drift of every POP and expected value). */
  drift: number;
  asOfDay: number;
  earningsDay: number;
}

/**
 * Scratch arrays reused across chains, one pair per (expiration index, side): a scan allocates nothing per
 * contract. Arrays may be longer than a chain's strikes (loops run to strikes.length). Views live only
 * during one `generateCandidates` call (single-threaded; trades copy the numbers they need).
 */
interface Scratch {
  code: Uint8Array;
  absDelta: Float64Array;
  ivSlope: Float64Array;
  fwdValue: Float64Array;
}
const scratch: Scratch[] = [];

function scratchFor(slot: number, n: number): Scratch {
  let s = scratch[slot];
  if (s === undefined || s.code.length < n) {
    s = {
      code: new Uint8Array(n),
      absDelta: new Float64Array(n),
      ivSlope: new Float64Array(n),
      fwdValue: new Float64Array(n),
    };
    scratch[slot] = s;
  }
  return s;
}

/**
 * The smile's slope dσ/dK at strike i of a side (per $1 of strike): the least-squares line through the IVs of
 * the usable contracts within SLOPE_REACH strikes on either side (0 with fewer than two). Smoothed because one
 * strike's IV is noisy: a raw two-strike slope swings with every quote. Fitted once per strike, on first use.
 */
export function smileSlope(side: SideView, strikes: Float64Array, i: number): number {
  const cached = side.ivSlope[i];
  if (!Number.isNaN(cached)) return cached;
  const { code } = side;
  const iv = side.cols.iv;
  const n = strikes.length;
  let m = 0;
  let sx = 0;
  let sy = 0;
  const lo = Math.max(0, i - SLOPE_REACH);
  const hi = Math.min(n - 1, i + SLOPE_REACH);
  for (let j = lo; j <= hi; j++) {
    if (code[j] === SKIP || !(iv[j] > 0)) continue;
    m++;
    sx += strikes[j];
    sy += iv[j];
  }
  let slope = 0;
  if (m >= 2) {
    const mx = sx / m;
    const my = sy / m;
    let sxy = 0;
    let sxx = 0;
    for (let j = lo; j <= hi; j++) {
      if (code[j] === SKIP || !(iv[j] > 0)) continue;
      const dx = strikes[j] - mx;
      sxy += dx * (iv[j] - my);
      sxx += dx * dx;
    }
    if (sxx > 0) slope = sxy / sxx;
  }
  side.ivSlope[i] = slope;
  return slope;
}

function sideView(
  type: 'call' | 'put',
  cols: OptionColumns,
  strikes: Float64Array,
  mask: Uint8Array | undefined,
  T: number,
  scan: ChainScan,
  slot: number,
): SideView {
  const n = strikes.length;
  const { code, absDelta, ivSlope, fwdValue } = scratchFor(slot, n);
  const { S, r, q, limits } = scan;
  const judgedAt = scan.ctx.quotesJudgedAt ?? scan.ctx.asOf;
  const dq = Math.exp(-q * T);
  const sqrtT = Math.sqrt(T);
  const { bid, ask, openInterest, volume, quoteTime, delta, iv } = cols;
  for (let i = 0; i < n; i++) {
    const k = strikes[i];
    if ((mask !== undefined && mask[i] === 0) || !(k > 0)) {
      code[i] = SKIP;
      absDelta[i] = Number.NaN;
      continue;
    }
    code[i] = legRuleCode(bid[i], ask[i], openInterest[i], volume[i], quoteTime[i], judgedAt, limits);
    let d = delta[i];
    if (Number.isNaN(d)) {
      // no delta from the source: BSM N(d1) from the contract's IV
      const sd = iv[i] * sqrtT;
      if (sd > 0) {
        const d1 = (Math.log(S / k) + (r - q) * T) / sd + 0.5 * sd;
        d = type === 'call' ? dq * normCdf(d1) : -dq * normCdf(-d1);
      }
    }
    absDelta[i] = Math.abs(d);
  }
  ivSlope.fill(Number.NaN, 0, n);
  fwdValue.fill(Number.NaN, 0, n);
  return { type, cols, code, absDelta, ivSlope, legs: undefined, fwdValue };
}

/** Prepares expiration `index` of the scan's chain. */
export function expiryView(scan: ChainScan, index: number): ExpiryView {
  const expiry = scan.chain.expirations[index];
  const mask = scan.ctx.masks?.[index];
  const T = yearsBetween(scan.ctx.asOf, expiry.expiryTime);
  const day = dayNumber(expiry.expiration);
  const dte = day - scan.asOfDay;
  const exitCode = earningsRuleCode(scan.earningsDay, scan.asOfDay, day, scan.limits);
  return {
    index,
    expiry,
    strikes: expiry.strikes,
    dte,
    T,
    exitCode,
    calls: sideView('call', expiry.calls, expiry.strikes, mask?.calls, T, scan, 2 * index),
    puts: sideView('put', expiry.puts, expiry.strikes, mask?.puts, T, scan, 2 * index + 1),
  };
}

/** Index of the strike equal to `target` (within 1e-6), or −1. Strikes ascending. */
export function findStrike(strikes: Float64Array, target: number): number {
  let lo = 0;
  let hi = strikes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const k = strikes[mid];
    if (k < target - 1e-6) lo = mid + 1;
    else if (k > target + 1e-6) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** The smaller non-zero of two rule codes (0 when both pass): the first failing rule of either leg. */
export function firstCode(a: number, b: number): number {
  return a === 0 ? b : b === 0 ? a : Math.min(a, b);
}

/** The smile slope at `x` read linearly between two strikes' slopes (`SideView.ivSlope`), like `ivBetween`. */
export function slopeBetween(x: number, k1: number, s1: number, k2: number, s2: number): number {
  const t = (x - k1) / (k2 - k1);
  return s1 + (s2 - s1) * Math.min(1, Math.max(0, t));
}

/** The smile slope at `x` between the strikes of contracts `i` and `j` of a side (`slopeBetween` of their fits). */
export function slopeBetweenLegs(
  side: SideView,
  strikes: Float64Array,
  x: number,
  i: number,
  j: number,
): number {
  return slopeBetween(x, strikes[i], smileSlope(side, strikes, i), strikes[j], smileSlope(side, strikes, j));
}

/**
 * Implied vol at `x` read linearly between two strikes' IVs (a local reading of the smile); when one IV is
 * missing, the other one.
 */
export function ivBetween(x: number, k1: number, v1: number, k2: number, v2: number): number {
  if (!(v2 > 0)) return v1;
  if (!(v1 > 0)) return v2;
  const t = (x - k1) / (k2 - k1);
  return v1 + (v2 - v1) * Math.min(1, Math.max(0, t));
}

/** A reading of the smile at one level: implied vol (fraction) and its slope dσ/dK (per $1 of strike). */
export interface SmileReading {
  iv: number;
  slope: number;
}

/**
 * The smile of a side at level `x` (a breakeven away from any leg's strike): IV and fitted slope read linearly
 * between the nearest usable strikes below and above it (`ivBetween`, `slopeBetween`); undefined when the side has
 * no usable strike on one side of `x` (no extrapolation).
 */
export function smileAt(side: SideView, strikes: Float64Array, x: number): SmileReading | undefined {
  const { code } = side;
  const iv = side.cols.iv;
  const usable = (j: number) => code[j] !== SKIP && iv[j] > 0;
  let hi = 0;
  let top = strikes.length;
  while (hi < top) {
    const mid = (hi + top) >> 1;
    if (strikes[mid] < x) hi = mid + 1;
    else top = mid;
  }
  while (hi < strikes.length && !usable(hi)) hi++;
  let lo = Math.min(hi, strikes.length) - 1;
  if (hi < strikes.length && strikes[hi] === x) lo = hi;
  while (lo >= 0 && !usable(lo)) lo--;
  if (lo < 0 || hi >= strikes.length) return undefined;
  if (lo === hi) return { iv: iv[hi], slope: smileSlope(side, strikes, hi) };
  return {
    iv: ivBetween(x, strikes[lo], iv[lo], strikes[hi], iv[hi]),
    slope: slopeBetweenLegs(side, strikes, x, lo, hi),
  };
}
