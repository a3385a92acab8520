/**
 * Barone-Adesi & Whaley (1987), "Efficient analytic approximation of American option values",
 * J. Finance 42(2) 301–320: the early-exercise premium solves the Black-Scholes PDE with the time-derivative
 * term scaled away (quadratic approximation), giving
 *   call: C = c(S) + A₂(S/S_c)^{q₂} for S < S_c, else S − K,  A₂ = (S_c/q₂)(1 − e^{(b−r)T}N(d₁(S_c))),
 *   put:  P = p(S) + A₁(S/S_p)^{q₁} for S > S_p, else K − S, A₁ = −(S_p/q₁)(1 − e^{(b−r)T}N(−d₁(S_p))),
 * q₁,₂ = (−(N−1) ∓ √((N−1)² + 4M/k))/2, N = 2b/σ², M = 2r/σ², k = 1 − e^{−rT}, b = r − q;
 * the critical prices S_c, S_p solve the smooth-pasting equations by Halley's method from the seed of
 * Barone-Adesi & Whaley (Haug, "The Complete Guide to Option Pricing Formulas", 2nd ed., §3.3.2).
 * Calls with r ≤ 0 (q > 0) take the same call formula, M/k → 2/(σ²T) at r = 0: the approximation is not
 * symmetric, and the put-call symmetry C(S, K, r, q) = P(K, S, q, r) used there before jumped at r = 0 (by up to
 * 1.6e-3·K over random calls; a rho of −163 where it is +32). λ avoids cancellation (`quadraticRoot`).
 */
import { bsNumbers } from '../arguments.js';
import { bsPrice } from '../bsPrice.js';
import { erf, erfcx, exp } from '../normal.js';
import type { OptionType } from '../types.js';
import { americanLimitPrice } from './limits.js';

const MAX_ITER = 50;
const INV_SQRT_2PI = 0.3989422804014327;

/** Φ(d) from g = e^{−d²/2} without a second exponential (Cody erf / erfcx, as in bsPrice). */
function cdfFromGauss(d: number, g: number): number {
  const u = d * Math.SQRT1_2;
  if (u < -0.46875) return 0.5 * erfcx(-u) * g;
  if (u > 0.46875) return 1 - 0.5 * erfcx(u) * g;
  return 0.5 + 0.5 * erf(u);
}

/**
 * Critical price of the BAW call (w = 1) or put (w = −1): root of
 * g(x) = w(x − K) − v(x) − w(1 − e^{−qT}N(w·d₁(x)))·x/λ, v the European value, λ = q₂ or q₁,
 * by Halley's method (g' and g'' in closed form; Newton when |g·g''/2g'²| ≥ ½) from the BAW seed x0, kept
 * inside a bracket of the root: g > 0 > g(K) on (0, K) for the put (g(0⁺) = K(1 − e^{−rT}) > 0), and
 * g(K) < 0 < g(∞) on (K, ∞) for the call; a step that leaves the bracket bisects it instead. (g need not be
 * monotone: with q < 0 (a put on a hard-to-borrow stock) e^{−qT} > 1 makes g rise on the deep
 * in-the-money side, where unguarded Newton steps walked away from the root.) All N and n share one
 * exponential: K·e^{−rT}·n(d₂) = x·e^{−qT}·n(d₁).
 */
function criticalPrice(
  w: number,
  x0: number,
  K: number,
  T: number,
  b: number,
  sT: number,
  dfR: number,
  dfQ: number,
  lam: number,
): number {
  const invL = 1 / lam;
  const carry = exp(b * T);
  let x = x0;
  // bracket [lo, hi] of the root: g(lo) < 0 < g(hi) for the call, g(lo) > 0 > g(hi) for the put
  let lo = w > 0 ? K : 0;
  let hi = w > 0 ? Number.POSITIVE_INFINITY : K;
  for (let i = 0; i < MAX_ITER; i++) {
    const d1 = Math.log(x / K) / sT + 0.5 * sT + (b * T) / sT;
    const d2 = d1 - sT;
    const g1 = exp(-0.5 * d1 * d1);
    const g2 = (g1 * x * carry) / K;
    const n1 = INV_SQRT_2PI * g1;
    const nd1 = cdfFromGauss(w * d1, g1); // N(w·d₁)
    const nd2 = cdfFromGauss(w * d2, g2);
    const euro = w * (x * dfQ * nd1 - K * dfR * nd2);
    const a = 1 - dfQ * nd1;
    const g = w * (x - K) - euro - w * a * x * invL;
    // g' = w(1 − 1/λ)(1 − e^{−qT}N(wd₁)) + e^{−qT}n(d₁)/(λσ√T);  g'' = e^{−qT}n(d₁)/(xσ√T)·(−(1 − 1/λ) − d₁/(λσ√T))
    const dg = w * (1 - invL) * a + (dfQ * n1 * invL) / sT;
    const ddg = ((dfQ * n1) / (x * sT)) * (-(1 - invL) - (d1 * invL) / sT);
    // Halley step = Newton step / (1 − L), L = g·g''/(2g'²); plain Newton when the correction is large.
    const newton = g / dg;
    const L = (newton * ddg) / (2 * dg);
    const step = L > -0.5 && L < 0.5 ? newton / (1 - L) : newton;
    if (w > 0 ? g < 0 : g > 0) lo = x;
    else hi = x;
    // converged once the Halley/Newton step itself is small (it may then round onto or past the bracket's end,
    // where x already is: that is not a reason to bisect)
    const done = Math.abs(step) <= 1e-7 * x;
    let nx = x - step;
    // out of the bracket: bisect it, or (call, no upper end found yet) double the distance of lo from K
    if (!done && !(nx > lo && nx < hi))
      nx = hi < Number.POSITIVE_INFINITY ? 0.5 * (lo + hi) : lo + Math.max(lo - K, K * sT);
    x = nx;
    if (done) break;
  }
  return x;
}

/**
 * The root (−(N−1) + w·√((N−1)² + 4c))/2 of λ² + (N−1)λ − c = 0, w = ±1, without cancellation: where w·(N−1) > 0
 * (σ small against the drift: (N−1)² ≫ 4c) it is −c over the other root, −2c/(−(N−1) − w√…) — written out, λ
 * rounded to 0 at σ = 1e-10 and the price to ±∞.
 */
function quadraticRoot(w: number, nm1: number, c: number): number {
  const root = Math.sqrt(nm1 * nm1 + 4 * c);
  return w * nm1 > 0 ? (2 * c) / (nm1 + w * root) : 0.5 * (-nm1 + w * root);
}

/** BAW American call (w = 1, needs q > 0) or put (w = −1, needs r > 0), price units. */
function baw(w: number, S: number, K: number, T: number, r: number, q: number, vol: number): number {
  const b = r - q;
  const v2 = vol * vol;
  const sT = vol * Math.sqrt(T);
  const dfR = exp(-r * T);
  const dfQ = exp(-q * T);
  const nm1 = (2 * b) / v2 - 1;
  // M/k = 2r/(σ²(1 − e^{−rT})), continuous through r = 0 (→ 2/(σ²T)): the call is one formula for every r. Near
  // r·T = 0 its series rT/(1 − e^{−rT}) = 1 + rT/2 + (rT)²/12 (a denormal r made −expm1(−rT) 0 and M/k ∞)
  const rT = r * T;
  const mk =
    Math.abs(rT) < 1e-6 ? (2 / (v2 * T)) * (1 + rT / 2 + (rT * rT) / 12) : (2 * r) / (v2 * -Math.expm1(-rT));
  const lam = quadraticRoot(w, nm1, mk);
  // seed: the perpetual boundary K/(1 − 1/λ∞) blended towards K (Barone-Adesi & Whaley 1987, eqs. 27–28)
  const lamInf = quadraticRoot(w, nm1, (2 * r) / v2);
  const sInf = K / (1 - 1 / lamInf);
  let x0: number;
  if (w > 0) {
    x0 = K + (sInf - K) * (1 - exp((-(b * T + 2 * sT) * K) / (sInf - K)));
    if (!(x0 > K && x0 < Number.POSITIVE_INFINITY))
      x0 = sInf > K && sInf < Number.POSITIVE_INFINITY ? 0.5 * (K + sInf) : K * (1 + sT);
  } else {
    // e^h > 1 (drift b·T well above 2σ√T) would put the seed above K: start halfway between S∞ and K instead
    x0 = sInf + (K - sInf) * exp(((b * T - 2 * sT) * K) / (K - sInf));
    if (!(x0 > 0 && x0 < K)) x0 = sInf > 0 && sInf < K ? 0.5 * (sInf + K) : 0.5 * K;
  }
  const xc = criticalPrice(w, x0, K, T, b, sT, dfR, dfQ, lam);
  // beyond the critical price, exercise — unless the European price is worth more: the approximate boundary can
  // sit past S where exercise never pays (a put with q > r a nanosecond from expiry: its true boundary is K·r/q)
  if (w * (S - xc) >= 0) return Math.max(w * (S - K), bsPrice(w > 0 ? 'call' : 'put', S, K, T, r, q, vol));
  const d1c = Math.log(xc / K) / sT + 0.5 * sT + (b * T) / sT;
  const ac = (w * xc * (1 - dfQ * cdfFromGauss(w * d1c, exp(-0.5 * d1c * d1c)))) / lam;
  const euro = europeanAt(w, S, K, T, b, sT, dfR, dfQ);
  return euro + ac * exp(lam * Math.log(S / xc));
}

/** European value at S with the same shared-exponential evaluation. */
function europeanAt(
  w: number,
  S: number,
  K: number,
  T: number,
  b: number,
  sT: number,
  dfR: number,
  dfQ: number,
): number {
  const d1 = Math.log(S / K) / sT + 0.5 * sT + (b * T) / sT;
  const g1 = exp(-0.5 * d1 * d1);
  const g2 = (g1 * S * exp(b * T)) / K;
  return w * (S * dfQ * cdfFromGauss(w * d1, g1) - K * dfR * cdfFromGauss(w * (d1 - sT), g2));
}

/**
 * American option price by the Barone-Adesi-Whaley (1987) quadratic approximation, price units.
 * S, K price units; T years; r, q continuous per year; vol per √year. Error vs the exact (ALO) price on
 * realistic inputs: median 2e-4·K, up to 5e-3·K for long-dated high-volatility options; exact limits at
 * T = 0, vol = 0 and where early exercise is never optimal. The error is absolute: far out of the money, where the
 * price itself is tiny, it can exceed the price (a put 33 % out of the money at 0.1 years, σ 30 %: 3.7× the exact
 * value, and BAW's implied vol of the exact price reads 25.8 % for 30 %; 20 % out at 3 months: 1.3 % and 0.08 vol
 * points) — for wing implied vols use 'alo'.
 */
export function bawPrice(
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
): number {
  bsNumbers('bawPrice', S, K, T, r, q, vol);
  const lim = americanLimitPrice(type, S, K, T, r, q, vol);
  if (lim !== undefined) return lim;
  if (type === 'put') return baw(-1, S, K, T, r, q, vol);
  return baw(1, S, K, T, r, q, vol);
}
