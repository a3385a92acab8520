import { batchInput, isCallType, notNumber, outputArray, rightsArray } from './arguments.js';
import type { BatchRights } from './bsBatch.js';
import { erf, erfcx, exp, log, normCdf } from './normal.js';
import { NB_IO, normalisedBlackOtmOrComplementIO } from './normalisedBlack.js';
import {
  convexControlFit,
  convexControlFitLeft,
  convexControlFitRight,
  rationalCubic,
} from './rationalCubic.js';
import { sqrtProduct } from './sqrtProduct.js';
import type { OptionType } from './types.js';

/**
 * European implied volatility to machine precision: P. Jäckel, "Let's Be Rational", Wilmott (2015) 40–53.
 *
 * The price is reduced to the normalised out-of-the-money value β = time value / √(S·e^{−qT}·K·e^{−rT})
 * at x = −|ln(S·e^{−qT}/(K·e^{−rT}))| (put-call parity), so 0 < β < b_max = e^{x/2}. The normalised Black
 * function b(x, s), s = σ√T, has its inflexion at s_c = √(2|x|); the tangents there bound four branches:
 *  - β < b_l (s < s_l): rational cubic of the lower map f(β) = 2π|x|/√27·Φ(−|x|/(√3 s))³, inverted exactly;
 *  - b_l ≤ β ≤ b_c and b_c < β ≤ b_u: rational cubic interpolation of s(β) itself;
 *  - β > b_u: rational cubic of the upper map f(β) = Φ(−s/2), s = −2Φ⁻¹(f).
 * Then Householder steps of order 3 (quartic convergence) on the objective best conditioned in each branch:
 * 1/ln b(s) − 1/ln β below b_l, ln((b_max − b(s))/(b_max − β)) above b_u, b(s) − β in between; once the
 * Newton step ν is small against s and against b'/b'', the inverse Taylor series of b − β to fifth order
 * instead (order-6 convergence), which also bounds the error it leaves: one evaluation of b after the guess
 * suffices for ~84% of realistic inputs (two before), never more than two in the accuracy domain.
 */

const TWO_PI_OVER_SQRT_27 = 1.2091995761561452; // 2π/√27
const SQRT_THREE = 1.7320508075688772;
const INV_SQRT_2PI = 0.3989422804014327;
const SQRT_HALF_PI = 1.2533141373155003;
const EPS = Number.EPSILON;
/**
 * Stop after a Householder step smaller than this relative to s: the error left after a step δ is at most
 * ~6·δ⁴ (measured over 6,000 inputs, x ∈ [−50, 0], s ∈ [1e-6, 20]), i.e. < 1e-19 here.
 */
const QUARTIC_STOP = 1e-5;
const DEFAULT_MAX_ITERATIONS = 10;
/** The series step (in householder) is taken where |ν| ≤ this·s and |ν·b''/b'| ≤ this (ν = (β − b)/b'). */
const SERIES_RANGE = 0.05;
/** … and is final when its last term is below this relative to s (the error left, ~ the next term, is less). */
const SERIES_STOP = 1e-14;
/** Objective of the Householder iteration, by branch. */
const LOWER_MAP = 0;
const PLAIN = 1;
const UPPER_MAP = 2;

/**
 * Normalised implied volatility s = σ√T (dimensionless) of the out-of-the-money normalised price
 * `beta` = time value / (D·√(F·K)) at log-moneyness x = ln(F/K) (either sign; |x| is used).
 * 0 for beta ≤ 0, +∞ for beta ≥ e^{−|x|/2}, NaN for NaN input. `maxIterations` caps the Householder steps
 * (default 10; two already reach machine precision on every input we measured).
 */
export function normalisedImpliedVol(
  beta: number,
  x: number,
  maxIterations = DEFAULT_MAX_ITERATIONS,
): number {
  if (beta !== beta || x !== x) return Number.NaN;
  const ax = Math.abs(x);
  const bMax = exp(-0.5 * ax);
  if (beta <= 0) return 0;
  if (beta >= bMax) return Number.POSITIVE_INFINITY;
  return solve(beta, -ax, bMax, maxIterations);
}

/**
 * Solver registers. V8 passes doubles to and from a function it does not inline as heap objects (one
 * allocation each: dozens per implied vol when the stages below took arguments); the stages are too large to
 * inline into one another, so they exchange their numbers through this array. JavaScript is single-threaded
 * and each solve runs its stages back to back, so sharing it is safe.
 */
const R = new Float64Array(18);
const R_BETA = 0; // β
const R_X = 1; // x ≤ 0
const R_BMAX = 2; // b_max = e^{x/2}
const R_S = 3; // s: the initial guess, then the iterate
const R_LO = 4; // bracket [s_lo, s_hi] of the root
const R_HI = 5;
const R_SC = 6; // inflexion point s_c = √(2|x|), b_c = b(s_c), b'(s_c) = b_max/√(2π)
const R_BC = 7;
const R_VC = 8;
const R_SN = 9; // the tangent node s_l (β < b_c) or s_u, its h = x/s, e = exp(−(h² + t²)/2) and b
const R_HN = 10;
const R_EN = 11;
const R_BN = 12;
const R_LN_BETA = 13; // ln β (lower map objective)
const R_NU = 14; // ν, h₂, h₃ of a map objective (mapObjective)
const R_H2 = 15;
const R_H3 = 16;
const R_B3 = 17; // b'''/b' in to mapObjective (b, b' and b''/b' travel in R_NU, R_H2, R_H3)
/** Objective of the Householder iteration (LOWER_MAP, PLAIN or UPPER_MAP), set by the initial guess. */
let branch = PLAIN;

/** The solver for x ≤ 0, 0 < β < b_max = e^{x/2}: Jäckel's initial guess, then Householder steps. */
function solve(beta: number, x: number, bMax: number, maxIterations: number): number {
  R[R_BETA] = beta;
  R[R_X] = x;
  R[R_BMAX] = bMax;
  initialGuess();
  householder(maxIterations);
  return R[R_S];
}

/**
 * Rational initial guess for s (Jäckel 2015 §4) into R_S, its bracket into R_LO, R_HI and the objective into
 * `branch`. The inflexion point and the one tangent node on β's side of it (s_l below b_c, s_u above) are
 * evaluated here; each of the four branches then fits its rational cubic in its own function.
 */
function initialGuess(): void {
  const beta = R[R_BETA];
  const x = R[R_X];
  const bMax = R[R_BMAX];
  const ax = -x;
  // Inflexion point s_c = √(2|x|), where h = −t and b_c = ½e^{x/2}·(1 − erfcx(√|x|)), b'(s_c) = e^{x/2}/√(2π).
  const sc = Math.sqrt(2 * ax);
  const y = Math.sqrt(ax);
  let bc: number;
  if (y < 0.46875) {
    // 1 − erfcx(y) = e^{y²}·erf(y) − (e^{y²} − 1) without cancellation; e^{y²} − 1 by its series when tiny
    const yy = y * y;
    const em1 = yy < 1e-3 ? yy * (1 + yy * (0.5 + yy * (1 / 6 + yy * (1 / 24)))) : exp(yy) - 1;
    bc = 0.5 * bMax * ((1 + em1) * erf(y) - em1);
  } else bc = 0.5 * bMax * (1 - erfcx(y));
  const vc = INV_SQRT_2PI * bMax;
  // Tangent node: s_l = s_c − b_c/b'(s_c) below b_c, s_u = s_c + (b_max − b_c)/b'(s_c) above.
  const below = beta < bc;
  const sn = below ? sc - bc / vc : sc + (bMax - bc) / vc;
  const hn = below ? x * (1 / sn) : x / sn;
  const tn = 0.5 * sn;
  const en = exp(-0.5 * (hn * hn + tn * tn));
  NB_IO[0] = hn;
  NB_IO[1] = tn;
  NB_IO[2] = en;
  NB_IO[3] = bMax;
  normalisedBlackOtmOrComplementIO(false);
  const bn = NB_IO[0];
  R[R_SC] = sc;
  R[R_BC] = bc;
  R[R_VC] = vc;
  R[R_SN] = sn;
  R[R_HN] = hn;
  R[R_EN] = en;
  R[R_BN] = bn;
  if (below ? beta < bn : beta > bn) {
    if (below) lowerMapGuess();
    else upperMapGuess();
  } else plainGuess(below);
}

/**
 * b_l ≤ β < b_c (`below`) or b_c ≤ β ≤ b_u: s(β) interpolated by the rational cubic through (b_l, s_l) and
 * (b_c, s_c), resp. (b_c, s_c) and (b_u, s_u), with slopes ds/dβ = 1/b' at both ends and zero curvature at
 * the inflexion point (Jäckel 2015 §4).
 */
function plainGuess(below: boolean): void {
  const beta = R[R_BETA];
  const sc = R[R_SC];
  const bc = R[R_BC];
  const sn = R[R_SN];
  const bn = R[R_BN];
  const dc = 1 / R[R_VC];
  const dn = 1 / (INV_SQRT_2PI * R[R_EN]); // ds/dβ at the node
  const xl = below ? bn : bc;
  const xr = below ? bc : bn;
  const yl = below ? sn : sc;
  const yr = below ? sc : sn;
  const dl = below ? dn : dc;
  const dr = below ? dc : dn;
  const r = convexControlFit(xl, xr, yl, yr, dl, dr, 0, below, false);
  R[R_S] = rationalCubic(beta, xl, xr, yl, yr, dl, dr, r);
  R[R_LO] = yl;
  R[R_HI] = yr;
  branch = PLAIN;
}

/**
 * β < b_l: rational cubic of the lower map f(s) = 2π|x|/√27·Φ(−z)³, z = |x|/(√3 s), M = Φ(−z)/φ(z):
 * df/dβ = z²M²e^{s²/8}, d²f/dβ² = √(π/2)·(z²M/s)·(4z + (s²/2 − 4 − 4z²)M)·e^{3z²/2 + s²/4}, inverted exactly.
 */
function lowerMapGuess(): void {
  const beta = R[R_BETA];
  const ax = -R[R_X];
  const sl = R[R_SN];
  const bl = R[R_BN];
  const invSl = 1 / sl;
  const z = -R[R_HN] * (1 / SQRT_THREE);
  const zz = z * z;
  const m = SQRT_HALF_PI * erfcx(z * Math.SQRT1_2);
  const ez = exp(-0.5 * zz);
  const es = exp(0.125 * sl * sl);
  const cdf = m * INV_SQRT_2PI * ez;
  const fl = TWO_PI_OVER_SQRT_27 * ax * cdf * cdf * cdf;
  const fp = zz * m * m * es;
  const fpp =
    SQRT_HALF_PI * zz * m * invSl * (4 * z + (0.5 * sl * sl - 4 - 4 * zz) * m) * es * es * exp(1.5 * zz);
  const r = convexControlFitRight(0, bl, 0, fl, 1, fp, fpp, true);
  const f = rationalCubic(beta, 0, bl, 0, fl, 1, fp, r);
  // Invert: Φ(−z) = (f/(2π|x|/√27))^{1/3}, s = |x|/(√3 z).
  const u = f / (TWO_PI_OVER_SQRT_27 * ax);
  const z0 = u < P_TAIL_CUBED ? -quantileTail(Math.sqrt((-2 / 3) * log(u))) : -quantileCentral(Math.cbrt(u));
  let s = ax / (SQRT_THREE * z0);
  if (!(s > 0 && s < sl)) s = 0.5 * sl;
  R[R_S] = s;
  R[R_LO] = 0;
  R[R_HI] = sl;
  R[R_LN_BETA] = log(beta);
  branch = LOWER_MAP;
}

/**
 * β > b_u: rational cubic of the upper map f(s) = Φ(−s/2), w = x²/s²: df/dβ = −½e^{w/2},
 * d²f/dβ² = √(π/2)·(w/s)·e^{w + s²/8}; s = −2Φ⁻¹(f).
 */
function upperMapGuess(): void {
  const beta = R[R_BETA];
  const bMax = R[R_BMAX];
  const su = R[R_SN];
  const hu = R[R_HN];
  const eu = R[R_EN];
  const bu = R[R_BN];
  const w = hu * hu;
  const ew = exp(0.5 * w);
  const fu = normCdf(-0.5 * su);
  const fp = -0.5 * ew;
  const fpp = SQRT_HALF_PI * (w / su) * (ew / eu); // e^{w + s²/8} = e^{w/2}/e_u
  const r = convexControlFitLeft(bu, bMax, fu, 0, fp, -0.5, fpp, true);
  let f = rationalCubic(beta, bu, bMax, fu, 0, fp, -0.5, r);
  if (!(f > 0)) {
    const u = (beta - bu) / (bMax - bu); // quadratic through both ends with slope −½ at b_max
    f = (1 - u) * (fu * (1 - u) + 0.5 * (bMax - bu) * u);
  }
  let s = -2 * (f < P_TAIL ? quantileTail(Math.sqrt(-2 * log(f))) : quantileCentral(f));
  if (!(s > su)) s = su;
  R[R_S] = s;
  R[R_LO] = su;
  R[R_HI] = Number.POSITIVE_INFINITY;
  branch = UPPER_MAP;
}

/**
 * Householder(3) refinement of R_S within the bracket [R_LO, R_HI] (b increases with s). With the ratios
 * b2 = b''/b' = x²/s³ − s/4 and b3 = b'''/b' = b2² − 3x²/s⁴ − 1/4 of the normalised Black function, each
 * objective g gives ν = −g/g', h₂ = g''/g', h₃ = g'''/g' and the step ν·(1 + h₂ν/2)/(1 + ν(h₂ + h₃ν/6)).
 */
function householder(maxIterations: number): void {
  const beta = R[R_BETA];
  const x = R[R_X];
  const bMax = R[R_BMAX];
  let s = R[R_S];
  let sLo = R[R_LO];
  let sHi = R[R_HI];
  const br = branch;
  const upperMap = br === UPPER_MAP;
  const cBeta = upperMap ? bMax - beta : 0;
  const target = upperMap ? cBeta : beta;
  for (let i = 0; i < maxIterations; i++) {
    const invS = 1 / s;
    const h = x * invS;
    const t = 0.5 * s;
    const hh = h * h;
    const e = exp(-0.5 * (hh + t * t));
    const bp = INV_SQRT_2PI * e; // b' (may be subnormal: divide by it, never take 1/b')
    const b2 = hh * invS - 0.5 * t;
    const b3 = b2 * b2 - 3 * hh * invS * invS - 0.25;
    // b(s) itself, or b_max − b(s) for the upper map (increasing resp. decreasing in s)
    NB_IO[0] = h;
    NB_IO[1] = t;
    NB_IO[2] = e;
    NB_IO[3] = bMax;
    normalisedBlackOtmOrComplementIO(upperMap);
    const v = NB_IO[0];
    if (upperMap ? v > target : v < target) sLo = s;
    else if (v !== target) sHi = s;
    // Close to the root (|ν|·|b''/b'| small) every objective has the same root and b − β is well scaled: take
    // the inverse Taylor series of b − β to fifth order instead (order-6 convergence), and stop when its last
    // term is negligible. Step δ with b(s + δ) = β to O(ν⁶), from ν = (β − b)/b' and the derivative ratios of
    // b at s: with L = ln b' = −(x²/s² + s²/4)/2 + const and p_k = L^{(k)} (p₁ = x²/s³ − s/4 = b2,
    // p₂ = −3x²/s⁴ − 1/4, p₃ = 12x²/s⁵, p₄ = −60x²/s⁶), b^{(k+1)}/b' is the complete Bell polynomial
    // Y_k(p₁, …, p_k); with a_k = b^{(k)}/(k!·b'), b(s + δ) − b(s) = b'·(δ + a₂δ² + a₃δ³ + …) is reverted by
    // Abramowitz & Stegun 3.6.25: δ = ν − a₂ν² + (2a₂² − a₃)ν³ + (−5a₂³ + 5a₂a₃ − a₄)ν⁴
    // + (14a₂⁴ − 21a₂²a₃ + 6a₂a₄ + 3a₃² − a₅)ν⁵. (Written out here: as a function it would not be inlined.)
    const nu1 = (upperMap ? v - cBeta : beta - v) / bp;
    if (Math.abs(nu1) <= SERIES_RANGE * s && Math.abs(nu1 * b2) <= SERIES_RANGE) {
      const q4 = hh * invS * invS; // x²/s⁴
      const p2 = -3 * q4 - 0.25;
      const p3 = 12 * q4 * invS;
      const p4 = -60 * q4 * invS * invS;
      const a2 = 0.5 * b2;
      const a3 = (p2 + b2 * b2) * (1 / 6);
      const a4 = (p3 + b2 * (3 * p2 + b2 * b2)) * (1 / 24);
      const a5 = (p4 + 4 * b2 * p3 + 3 * p2 * p2 + b2 * b2 * (6 * p2 + b2 * b2)) * (1 / 120);
      const a22 = a2 * a2;
      const c4 = a2 * (5 * a3 - 5 * a22) - a4;
      const c5 = a22 * (14 * a22 - 21 * a3) + 6 * a2 * a4 + 3 * a3 * a3 - a5;
      const nu2 = nu1 * nu1;
      const t5 = c5 * nu2 * nu2 * nu1; // last term: an upper estimate of the error the step leaves
      const next = s + (nu1 + nu2 * (-a2 + nu1 * (2 * a22 - a3 + nu1 * c4)) + t5);
      if (next > sLo && next < sHi) {
        s = next;
        if (Math.abs(t5) <= SERIES_STOP * s) break;
        continue;
      }
    }
    let nu: number;
    let h2: number;
    let h3: number;
    if (br === PLAIN) {
      // g = b − β
      nu = (beta - v) / bp;
      h2 = b2;
      h3 = b3;
    } else {
      if (!(v > 0 && e > 0)) {
        s = bisect(sLo, sHi, s);
        continue;
      }
      R[R_NU] = v;
      R[R_H2] = bp;
      R[R_H3] = b2;
      R[R_B3] = b3;
      mapObjective(upperMap);
      nu = R[R_NU];
      h2 = R[R_H2];
      h3 = R[R_H3];
    }
    if (nu === 0 || nu !== nu) break;
    const ds = nu * ((1 + 0.5 * h2 * nu) / (1 + nu * (h2 + (h3 * nu) / 6)));
    const next = s + ds;
    if (next > sLo && next < sHi) {
      s = next;
      if (Math.abs(ds) <= QUARTIC_STOP * s) break; // remaining error ≲ 6·(ds/s)⁴ < ε
    } else if (Math.abs(ds) <= EPS * s) {
      break; // the step is below one ulp: s is already the root to working precision
    } else {
      const newton = s + nu; // fall back to the Newton step, then to bisection
      s = newton > sLo && newton < sHi ? newton : bisect(sLo, sHi, s);
    }
  }
  R[R_S] = s;
}

/**
 * ν = −g/g', h₂ = g''/g', h₃ = g'''/g' of the map objectives at b = v > 0, b' = bp, b''/b' = b2, b'''/b' = b3,
 * read from and written to R (v, bp, b2 in R_NU, R_H2, R_H3, b3 in R_B3; ν, h₂, h₃ out in R_NU, R_H2, R_H3):
 * g = 1/ln b − 1/ln β (lower map) or, `upperMap`, g = ln((b_max − b)/(b_max − β)) with v = b_max − b.
 * Out of line: only steps from far (a lower- or upper-map guess) need it; near the root the series step serves.
 */
function mapObjective(upperMap: boolean): void {
  const v = R[R_NU];
  const bp = R[R_H2];
  const b2 = R[R_H3];
  const b3 = R[R_B3];
  const lnBeta = R[R_LN_BETA];
  const invLnBeta = 1 / lnBeta;
  const invCBeta = upperMap ? 1 / (R[R_BMAX] - R[R_BETA]) : 0;
  const q = bp / v; // b'/b, or b'/(b_max − b)
  const vOverBp = v / bp;
  const lg = log(upperMap ? v * invCBeta : v); // ln((b_max − b)/(b_max − β)) or ln b
  if (upperMap) {
    R[R_NU] = lg * vOverBp;
    R[R_H2] = b2 + q;
    R[R_H3] = b3 + 3 * q * b2 + 2 * q * q;
  } else {
    const lambda = 1 / lg; // λ = 1/ln b
    const otl = 1 + 2 * lambda;
    R[R_NU] = (lnBeta - lg) * lg * invLnBeta * vOverBp;
    R[R_H2] = b2 - q * otl;
    R[R_H3] = b3 + q * q * (2 + 6 * lambda * (1 + lambda)) - 3 * otl * b2 * q;
  }
}

function bisect(lo: number, hi: number, s: number): number {
  return hi === Number.POSITIVE_INFINITY ? 2 * Math.max(s, lo) : 0.5 * (lo + hi);
}

/**
 * Φ⁻¹ for the initial guesses only, to ~1.2e-9 relative (P. J. Acklam's rational approximation, 2003): enough
 * for a guess that the Householder steps then polish, and without normInv's refinement cost.
 */
const P_TAIL = 0.02425;
const P_TAIL_CUBED = P_TAIL * P_TAIL * P_TAIL;

/** Φ⁻¹(p) for 0 < p < 0.02425 given q = √(−2 ln p) (the result is negative). */
function quantileTail(q: number): number {
  return (
    (((((-7.784894002430293e-3 * q - 3.223964580411365e-1) * q - 2.400758277161838) * q - 2.549732539343734) *
      q +
      4.374664141464968) *
      q +
      2.938163982698783) /
    ((((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) *
      q +
      1)
  );
}

/** Φ⁻¹(p) for 0.02425 ≤ p ≤ 0.97575. */
function quantileCentral(p: number): number {
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((-3.969683028665376e1 * r + 2.209460984245205e2) * r - 2.759285104469687e2) * r +
      1.38357751867269e2) *
      r -
      3.066479806614716e1) *
      r +
      2.506628277459239) *
      q) /
    (((((-5.447609879822406e1 * r + 1.615858368580409e2) * r - 1.556989798598866e2) * r +
      6.680131188771972e1) *
      r -
      1.328068155288572e1) *
      r +
      1)
  );
}

/** Prices this far below the intrinsic value (relative to max(S·e^{−qT}, K·e^{−rT})) are its rounding: vol 0. */
const INTRINSIC_SLACK = 4 * EPS;

/** Implied vol from discounted spot fs = S·e^{−qT} and discounted strike fk = K·e^{−rT}; see impliedVol. */
function impliedVolDiscounted(isCall: boolean, price: number, fs: number, fk: number, sqrtT: number): number {
  if (!(price >= 0 && fs > 0 && fs < Number.POSITIVE_INFINITY && fk > 0 && fk < Number.POSITIVE_INFINITY)) {
    return Number.NaN;
  }
  if (!(sqrtT > 0 && sqrtT < Number.POSITIVE_INFINITY)) return Number.NaN;
  const upper = isCall ? fs : fk;
  if (price >= upper) return price === upper ? Number.POSITIVE_INFINITY : Number.NaN;
  const intrinsic = isCall ? fs - fk : fk - fs;
  const timeValue = intrinsic > 0 ? price - intrinsic : price;
  if (timeValue <= 0) {
    return timeValue >= -INTRINSIC_SLACK * (fs > fk ? fs : fk) ? 0 : Number.NaN;
  }
  const norm = sqrtProduct(fs, fk);
  const beta = timeValue / norm;
  const bMax = (fs < fk ? fs : fk) / norm; // e^{−|x|/2}
  if (!(beta < bMax)) return beta >= bMax ? Number.POSITIVE_INFINITY : Number.NaN;
  // ln(fs/fk) as log1p((fs − fk)/fk) near the money, as bsPriceSmallSd takes it: fs − fk is exact there, and the
  // ratio's rounding (1e-16 absolute in x) moved a vol at σ√T ~ 1e-4 by 5e-12 relative
  const d = fs - fk;
  const x = d > -0.25 * fk && d < 0.25 * fk ? Math.log1p(d / fk) : log(fs / fk);
  return solve(beta, -Math.abs(x), bMax, DEFAULT_MAX_ITERATIONS) / sqrtT;
}

const IV_ARGS = ['price', 'S', 'K', 'T', 'r', 'q'] as const;

/**
 * Black-Scholes-Merton implied volatility (per √year) of a European option price (Jäckel, "Let's Be Rational").
 * S, K, price in price units; T in years; r, q continuously compounded per year. Returns NaN outside the
 * no-arbitrage bounds — price below the discounted intrinsic max(±(S·e^{−qT} − K·e^{−rT}), 0) or above
 * S·e^{−qT} (call) / K·e^{−rT} (put) — and for non-positive S, K, T or NaN input; 0 at the intrinsic value
 * (within 4 ulp of max(S·e^{−qT}, K·e^{−rT})), +∞ exactly at the upper bound; a TypeError naming an argument that
 * is not a number (`null`, a string).
 */
export function impliedVol(
  type: OptionType,
  price: number,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
): number {
  if (
    typeof price !== 'number' ||
    typeof S !== 'number' ||
    typeof K !== 'number' ||
    typeof T !== 'number' ||
    typeof r !== 'number' ||
    typeof q !== 'number'
  )
    notNumber('impliedVol', IV_ARGS, price, S, K, T, r, q);
  return impliedVolDiscounted(isCallType(type), price, S * exp(-q * T), K * exp(-r * T), Math.sqrt(T));
}

const IV_S = new Float64Array(1);
const IV_K = new Float64Array(1);
const IV_T = new Float64Array(1);
const IV_R = new Float64Array(1);
const IV_Q = new Float64Array(1);

/** `x` itself, or the scalar x stored in `scratch` (a 1-element column read at index 0). */
function column(x: number | Float64Array, scratch: Float64Array): Float64Array {
  if (typeof x !== 'number') return x;
  scratch[0] = x;
  return scratch;
}

/**
 * Batch implied volatility (per √year) into `out` (allocated when omitted), element i from price[i]. Every
 * other argument is either one number shared by all elements or a Float64Array read at i; `type` is
 * 'call' | 'put' (or true | false) for all, or per element an array read as `bsPriceBatch` reads it (any non-zero
 * number or true = call, 0 or false = put) — a Uint8Array's 2 was a call there and a put here. When S, T, r and q are shared numbers (one
 * expiry of a chain) the discount factors and √T are computed once. Same conventions as impliedVol.
 */
export function impliedVolBatch(
  type: BatchRights,
  price: Float64Array,
  S: number | Float64Array,
  K: number | Float64Array,
  T: number | Float64Array,
  r: number | Float64Array,
  q: number | Float64Array,
  out: Float64Array = new Float64Array(price.length),
): Float64Array {
  if (!(price instanceof Float64Array)) {
    throw new TypeError(
      `price must be a Float64Array (one quote per option), got ${Array.isArray(price) ? 'an Array' : String(price)}`,
    );
  }
  const n = price.length;
  let allCall = false;
  let types: Uint8Array | null = null;
  if (typeof type === 'boolean') allCall = type;
  else if (typeof type === 'string') allCall = isCallType(type);
  else if (type instanceof Uint8Array) types = type;
  else if (type !== null && typeof type === 'object' && typeof type.length === 'number') {
    rightsArray(type, n, 'type');
    types = Uint8Array.from(type, (b) => (b ? 1 : 0));
  } else isCallType(type); // throws
  if (types !== null && types.length < n)
    throw new RangeError(`type: length ${types.length} < price.length ${n}`);
  const named: [string, unknown][] = [
    ['S', S],
    ['K', K],
    ['T', T],
    ['r', r],
    ['q', q],
  ];
  for (const [name, a] of named) {
    batchInput(a, name);
    if (a instanceof Float64Array && a.length < n)
      throw new RangeError(`${name}: length ${a.length} < price.length ${n}`);
  }
  outputArray(out);
  if (out.length < n) throw new RangeError(`out: length ${out.length} < price.length ${n}`);
  // Scalars are read through 1-element arrays with index mask 0 (arrays: mask −1), so every element is a
  // float64 load: a `typeof X === 'number' ? X : X[i]` merge would box each element read into a heap number.
  const kv = column(K, IV_K);
  const mK = typeof K === 'number' ? 0 : -1;
  if (typeof S === 'number' && typeof T === 'number' && typeof r === 'number' && typeof q === 'number') {
    const fs = S * exp(-q * T);
    const dr = exp(-r * T);
    const sqrtT = Math.sqrt(T);
    for (let i = 0; i < n; i++) {
      const isCall = types === null ? allCall : types[i] !== 0;
      out[i] = impliedVolDiscounted(isCall, price[i], fs, kv[i & mK] * dr, sqrtT);
    }
    return out;
  }
  const sv = column(S, IV_S);
  const tv = column(T, IV_T);
  const rv = column(r, IV_R);
  const qv = column(q, IV_Q);
  const mS = typeof S === 'number' ? 0 : -1;
  const mT = typeof T === 'number' ? 0 : -1;
  const mR = typeof r === 'number' ? 0 : -1;
  const mQ = typeof q === 'number' ? 0 : -1;
  for (let i = 0; i < n; i++) {
    const isCall = types === null ? allCall : types[i] !== 0;
    const t = tv[i & mT];
    const fs = sv[i & mS] * exp(-qv[i & mQ] * t);
    const fk = kv[i & mK] * exp(-rv[i & mR] * t);
    out[i] = impliedVolDiscounted(isCall, price[i], fs, fk, Math.sqrt(t));
  }
  return out;
}
