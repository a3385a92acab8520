import { bawPrice } from './american/baw.js';
import { americanZeroVolPrice } from './american/zeroVol.js';
import { type AmericanPriceOptions, americanPrice } from './americanPrice.js';
import { americanMethod, nonNegativeNumber, notNumber, optionType, wholeCount } from './arguments.js';
import { impliedVol } from './impliedVol.js';
import { normPdf } from './normal.js';
import type { AmericanMethod, OptionType } from './types.js';

/** Options of `americanImpliedVol`: those of the pricing method plus the root-finder controls. */
export interface AmericanImpliedVolOptions extends AmericanPriceOptions {
  /** Absolute price tolerance of the root, price units (default the smaller of 1e-12·K — 1e-10 at K = 100,
   * relative so that a price of any magnitude is solved alike — and 1e-10 of the time value, so that a tiny
   * out-of-the-money price is solved in vol too). */
  priceTolerance?: number;
  /** Maximum number of price evaluations (default 100). */
  maxEvaluations?: number;
}

/**
 * Highest vol searched, per √year. The American value nears its infinite-volatility limit only like 1/σ
 * (Bjerksund-Stensland: K − price ≈ 0.7 at σ = 100, 7e-5 at 1e6, for a 6-month put), so a bound of 100 left prices
 * just below the limit without a vol (NaN); a price above the method's value at this vol is reported as +∞.
 */
const MAX_VOL = 1e6;
/** Relative slack below which a price counts as the zero-volatility value, as `impliedVol`'s (4 ulp). */
const ZERO_VOL_SLACK = 4 * Number.EPSILON;

/**
 * Brent-Dekker root of f on [a, b] with f(a)·f(b) ≤ 0 (Brent, "Algorithms for Minimization without
 * Derivatives", 1973, ch. 4): inverse quadratic / secant steps safeguarded by bisection. Stops when |f| ≤ ftol
 * or the bracket is below xtol; NaN when neither holds after maxEval evaluations (it returned the last iterate).
 */
function brent(
  f: (x: number) => number,
  a: number,
  fa: number,
  b: number,
  fb: number,
  ftol: number,
  maxEval: number,
): number {
  if (fa === 0) return a;
  if (fb === 0) return b;
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let it = 0; ; it++) {
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol = 2 * Number.EPSILON * Math.abs(b) + 1e-15;
    const m = 0.5 * (c - b);
    if (Math.abs(fb) <= ftol || Math.abs(m) <= tol) return b;
    if (it >= maxEval) return Number.NaN;
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      let p: number;
      let q: number;
      const s = fb / fa;
      if (a === c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
    fb = f(b);
  }
}

/**
 * Implied volatility (per √year) of an American option price under the chosen pricing method (default 'alo').
 * price, S, K in price units; T years; r, q continuously compounded per year. The price must lie strictly
 * between the zero-volatility American value (exercise at the best deterministic time; 0 returned at it) and
 * the infinite-volatility limit (S for a call, K for a put; +∞ returned exactly at it, as `impliedVol` does at its
 * bound, and above the method's value at σ = 1e6); NaN outside, for T ≤ 0 or NaN input.
 * Root to `priceTolerance` (default 1e-12·K) in price from a starting guess (the European implied vol, or the BAW
 * implied vol for the slower methods): a Newton step with a cheap stand-in slope, secant steps, then Brent's
 * method once bracketed (see solveVol). Costs ~3–4 prices of the method on realistic inputs (mean 4.0 for BAW,
 * 2.7 Bjerksund, 3.6 ALO; 4.8, 3.5, 4.5 with the bracket-then-Brent search before): 'baw' or 'bjerksund' for
 * bulk work, 'alo' (default) where accuracy matters.
 */
export function americanImpliedVol(
  type: OptionType,
  price: number,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  method: AmericanMethod = 'alo',
  opts?: AmericanImpliedVolOptions,
): number {
  optionType(type);
  americanMethod(method);
  for (const x of [price, S, K, T, r, q])
    if (typeof x !== 'number')
      notNumber('americanImpliedVol', ['price', 'S', 'K', 'T', 'r', 'q'], price, S, K, T, r, q);
  // a maxEvaluations of NaN or 1 returned an unconverged vol (running out gives NaN)
  if (opts?.maxEvaluations !== undefined) wholeCount(opts.maxEvaluations, 'maxEvaluations');
  if (opts?.priceTolerance !== undefined) nonNegativeNumber(opts.priceTolerance, 'priceTolerance'); // 0: to the last bit
  if (!(price >= 0 && S > 0 && K > 0 && T > 0) || r !== r || q !== q) return Number.NaN;
  // relative to the time value too: a deep out-of-the-money price of 5e-11 (K = 100) met 1e-12·K at any vol
  // that priced below 1.5e-10, and was returned as vol 0
  const maxEval = opts?.maxEvaluations ?? 100;
  const lower = Math.max(americanZeroVolPrice(type, S, K, T, r, q), type === 'call' ? S - K : K - S);
  const ptol = opts?.priceTolerance ?? 1e-12 * K;
  if (price < lower - ptol) return Number.NaN;
  if (price <= lower + ZERO_VOL_SLACK * Math.max(S, K)) return 0;
  const ftol = opts?.priceTolerance ?? Math.min(ptol, 1e-10 * (price - lower));
  const ceiling = type === 'call' ? Math.max(S, S * Math.exp(-q * T)) : Math.max(K, K * Math.exp(-r * T));
  if (!(price < ceiling)) return price === ceiling ? Number.POSITIVE_INFINITY : Number.NaN;
  // ALO: the first price solves its boundary cold, the later ones start from the one before (AloOptions.warmStart:
  // 1–2 Newton sweeps instead of 2–4 as the iterates close in), so the result still depends on the inputs only
  const warmOpts = method === 'alo' ? { ...opts, warmStart: true } : opts;
  let calls = 0;
  const f = (v: number): number =>
    americanPrice(type, S, K, T, r, q, v, method, calls++ === 0 ? opts : warmOpts) - price;
  // starting guess: the European implied vol is an upper bound (American ≥ European at equal σ)
  let guess = impliedVol(type, price, S, K, T, r, q);
  const slow = method !== 'baw' && method !== 'bjerksund';
  if (slow) {
    const g = americanImpliedVolBaw(type, price, S, K, T, r, q, ftol);
    if (g > 0 && g < MAX_VOL) guess = g;
  }
  if (!(guess > 0 && guess < MAX_VOL)) guess = 0.3;
  // ∂price/∂σ of a cheap stand-in for the first step: BAW's (central difference) for the slow methods, the
  // European vega for BAW and Bjerksund themselves
  const slope = (v: number): number => {
    if (slow) {
      const h = 1e-4 * v;
      return (bawPrice(type, S, K, T, r, q, v + h) - bawPrice(type, S, K, T, r, q, v - h)) / (2 * h);
    }
    const sd = v * Math.sqrt(T);
    const d1 = (Math.log(S / K) + (r - q) * T) / sd + 0.5 * sd;
    return S * Math.exp(-q * T) * Math.sqrt(T) * normPdf(d1);
  };
  return solveVol(f, slope, guess, lower - price, ftol, maxEval);
}

/** Secant steps taken before Brent's method takes over from the tightest bracket found. */
const SECANT_STEPS = 6;

/**
 * Root of f (increasing in σ, f(0) = f0 < 0) from `guess`: a Newton step with the stand-in slope, then secant
 * steps, each kept inside the bracket the evaluations so far imply ((0, MAX_VOL) at first); once two iterates
 * straddle the root, or after SECANT_STEPS, Brent's method on the tightest bracket. Near the root the secant
 * converges with order 1.6 from a Newton step whose slope is off by the stand-in's error only.
 */
function solveVol(
  f: (v: number) => number,
  slope: (v: number) => number,
  guess: number,
  f0: number,
  ftol: number,
  maxEval: number,
): number {
  let lo = 0;
  let flo = f0;
  let hi = MAX_VOL;
  let fhi = Number.NaN; // not evaluated: f(MAX_VOL) > 0 is taken on trust until it is
  let xa = Number.NaN;
  let fa = Number.NaN;
  let next = guess; // inside (0, MAX_VOL)
  let evals = 0;
  for (let i = 0; i <= SECANT_STEPS && evals < maxEval; i++) {
    if (!(next > lo && next < hi)) next = fhi === fhi ? 0.5 * (lo + hi) : Math.min(MAX_VOL, 2 * lo + 0.05);
    const xb = next;
    const fb = f(xb);
    evals++;
    if (!(fb === fb)) return Number.NaN;
    if (Math.abs(fb) <= ftol) return xb;
    if (fb < 0) {
      lo = xb;
      flo = fb;
    } else {
      hi = xb;
      fhi = fb;
    }
    if (fa < 0 !== fb < 0 && i > 0) break; // the last two straddle the root: [lo, hi] is their bracket
    // the first step is Newton's with the stand-in slope, the later ones secant steps
    next = i === 0 ? xb - fb / slope(xb) : fb !== fa ? xb - (fb * (xb - xa)) / (fb - fa) : Number.NaN;
    xa = xb;
    fa = fb;
  }
  if (!(fhi === fhi)) {
    // no evaluation above the root yet: walk up with doubling steps until one is
    let step = 0.05 * lo + 1e-4;
    for (;;) {
      if (evals >= maxEval) return Number.NaN;
      const x = Math.min(MAX_VOL, lo + step);
      const fx = f(x);
      evals++;
      if (!(fx === fx)) return Number.NaN;
      if (fx >= 0) {
        hi = x;
        fhi = fx;
        break;
      }
      if (x === MAX_VOL) return Number.POSITIVE_INFINITY; // above the value at σ = MAX_VOL, below the limit
      lo = x;
      flo = fx;
      step *= 2;
    }
  }
  return evals >= maxEval ? Number.NaN : brent(f, lo, flo, hi, fhi, ftol, maxEval - evals);
}

/** BAW implied vol used as the starting guess of the slower methods (loose tolerance, few evaluations). */
function americanImpliedVolBaw(
  type: OptionType,
  price: number,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  ftol: number,
): number {
  const hi = impliedVol(type, price, S, K, T, r, q);
  if (!(hi > 0 && hi < MAX_VOL)) return Number.NaN;
  const fh = bawPrice(type, S, K, T, r, q, hi) - price;
  if (!(fh >= 0)) return Number.NaN;
  let lo = 0.5 * hi;
  let fl = bawPrice(type, S, K, T, r, q, lo) - price;
  for (let i = 0; i < 20 && fl > 0; i++) {
    lo *= 0.5;
    fl = bawPrice(type, S, K, T, r, q, lo) - price;
  }
  if (!(fl <= 0)) return Number.NaN;
  return brent(
    (v) => bawPrice(type, S, K, T, r, q, v) - price,
    lo,
    fl,
    hi,
    fh,
    Math.max(ftol, 1e-8 * price),
    40,
  );
}
