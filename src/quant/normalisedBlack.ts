import { erf, erfcx, exp } from './normal.js';

/**
 * Normalised Black function (P. Jäckel, "Let's Be Rational", Wilmott 2015, §2–3), to full relative accuracy:
 *
 *   b(x, s) = e^{x/2}·Φ(x/s + s/2) − e^{−x/2}·Φ(x/s − s/2),   x = ln(F/K),  s = σ√T,
 *
 * the undiscounted Black call price divided by √(F·K). With h = x/s, t = s/2 and Y(z) = Φ(z)/φ(z) this is
 * b = φ(h)·e^{−t²/2}·[Y(h+t) − Y(h−t)] = ½·e^{−(h²+t²)/2}·[erfcx(−(h+t)/√2) − erfcx(−(h−t)/√2)].
 * The difference cancels when t is small or h very negative, so four regimes are used for x ≤ 0:
 *  - h < −10 and h+t < −9.79: asymptotic series Y(z) ~ Σ (−1)^{k+1}(2k−1)!!/z^{2k+1}, differenced exactly;
 *  - t < 0.21 (= 2·ε^{1/16}): Taylor series in t, b = 2t·φ(h)e^{−t²/2}·Σ Y^{(2m+1)}(h)·t^{2m}/(2m+1)!;
 *  - h + t > 0.85: b = e^{x/2} − (e^{x/2}Φ(−h−t) + e^{−x/2}Φ(h−t)), both terms by erfcx (little cancellation);
 *  - otherwise the erfcx difference above.
 * Everything here is dimensionless.
 */

const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)
const SQRT_HALF_PI = 1.2533141373155003; // √(π/2)
const SQRT_HALF = Math.SQRT1_2;
const H_LARGE = -10;
const T_SMALL = 0.21;
const CDF_SWITCH = 0.85;
const ERF_SPLIT = 0.46875; // Cody's erf/erfcx boundary

/**
 * h < −10, h+t < −9.79: with u = 1/(h+t), v = 1/(h−t), Y(h+t) − Y(h−t) = Σ c_k (u^n − v^n), n = 2k+1,
 * c_k = (−1)^{k+1}(2k−1)!!, and u^n − v^n = (u−v)·A_n with A_n = Σ_j u^{n−1−j}v^j > 0 (no cancellation),
 * A_{n+2} = u²·A_n + v^n·(u+v). The series is asymptotic; at |h+t| ≥ 9.79 it reaches 1e-17 within ~30 terms.
 */
function asymptoticOtm(h: number, t: number, e: number): number {
  const u = 1 / (h + t);
  const v = 1 / (h - t);
  const u2 = u * u;
  const uv = u + v;
  const v2 = v * v;
  let a = 1; // A_1
  let vn = v; // v^n for the current odd n
  let c = 1; // (−1)^k (2k−1)!!, k = 0 → the sign of c_k is folded into the final factor
  let sum = 1;
  for (let k = 1; k < 40; k++) {
    a = u2 * a + vn * uv;
    vn *= v2;
    c *= -(2 * k - 1);
    const term = c * a;
    sum += term;
    if (Math.abs(term) <= 1e-17 * sum) break;
  }
  // b = φ(h)e^{−t²/2}·(u − v)·(−sum), u − v = −2t/((h+t)(h−t)); the exponential is applied last so that a
  // subnormal result is rounded once only.
  return ((INV_SQRT_2PI * 2 * t * sum) / ((h + t) * (h - t))) * e;
}

const SMALL_T = new Float64Array(3); // smallTOtm's h, t, e in and b out (no heap numbers for an out-of-line call)

/**
 * t < 0.21, h ≥ −10: Y^{(2m+1)}(h)/(2m+1)! = (a·A_m(h²) − B_m(h²))/(2m+1)! with a = 1 + h·Y(h) = Y'(h), from
 * Y' = 1 + h·Y (integer polynomials A_m, B_m below). Terms through t^13 leave < 1e-17 truncation for t < 0.21.
 * The sums P = Σ A_m·t^{2m}/(2m+1)! and Q = Σ B_m·t^{2m}/(2m+1)! do not depend on a, so they are evaluated
 * while erfcx is (series = a·P − Q; both positive, the difference loses at most a factor ~2).
 * Reads h, t, e from SMALL_T[0..2] and leaves b in SMALL_T[0].
 */
function smallTOtm(): void {
  const h = SMALL_T[0];
  const t = SMALL_T[1];
  const e = SMALL_T[2];
  const g = h * h;
  const w = t * t;
  const p =
    1 +
    w *
      ((g + 3) * (1 / 6) +
        w *
          (((g + 10) * g + 15) * (1 / 120) +
            w *
              ((((g + 21) * g + 105) * g + 105) * (1 / 5040) +
                w *
                  (((((g + 36) * g + 378) * g + 1260) * g + 945) * (1 / 362880) +
                    w *
                      ((((((g + 55) * g + 990) * g + 6930) * g + 17325) * g + 10395) * (1 / 39916800) +
                        w *
                          (((((((g + 78) * g + 2145) * g + 25740) * g + 135135) * g + 270270) * g + 135135) *
                            (1 / 6227020800)))))));
  const q =
    w *
    (1 / 6 +
      w *
        ((g + 7) * (1 / 120) +
          w *
            (((g + 18) * g + 57) * (1 / 5040) +
              w *
                ((((g + 33) * g + 285) * g + 561) * (1 / 362880) +
                  w *
                    (((((g + 52) * g + 840) * g + 4680) * g + 6555) * (1 / 39916800) +
                      w *
                        ((((((g + 75) * g + 1926) * g + 20370) * g + 82845) * g + 89055) *
                          (1 / 6227020800)))))));
  const a = 1 + h * SQRT_HALF_PI * erfcx(-h * SQRT_HALF);
  SMALL_T[0] = 2 * t * (a * p - q) * INV_SQRT_2PI * e;
}

/**
 * Normalised Black price b(x, s) of the out-of-the-money call, x ≤ 0, s = σ√T ≥ 0 (dimensionless);
 * relative accuracy ~1e-15 (~h²·ε where h = x/s is large, which is the conditioning of b itself).
 */
export function normalisedBlackOtm(x: number, s: number): number {
  if (!(s > 0)) return 0;
  const h = x / s;
  const t = 0.5 * s;
  return normalisedBlackOtmCore(h, t, exp(-0.5 * (h * h + t * t)), exp(0.5 * x));
}

/**
 * b(x, s) for x ≤ 0 from h = x/s > −∞, t = s/2 > 0, e = exp(−(h² + t²)/2) (which callers share with the
 * normalised vega b' = e/√(2π)) and bMax = e^{x/2} (dimensionless).
 */
export function normalisedBlackOtmCore(h: number, t: number, e: number, bMax: number): number {
  return normalisedBlackOtmOrComplement(h, t, e, bMax, false);
}

/**
 * e^{x/2} − b(x, s) for x ≤ 0 (the distance of the out-of-the-money call to its upper bound), dimensionless:
 * e^{x/2}Φ(−h−t) + e^{−x/2}Φ(h−t) = ½e^{−(h²+t²)/2}·[erfcx((h+t)/√2) + erfcx((t−h)/√2)], a sum of positive
 * terms, so accurate when b is close to e^{x/2}. `e` = exp(−(h²+t²)/2) as in normalisedBlackOtmCore; meant
 * for s ≥ √(2|x|) (h + t ≥ 0), the only place where b is close to its bound.
 */
export function normalisedBlackOtmComplementCore(h: number, t: number, e: number): number {
  return normalisedBlackOtmOrComplement(h, t, e, exp(h * t), true); // e^{x/2} = e^{ht}
}

/**
 * Registers of `normalisedBlackOtmOrComplementIO`: h, t, e, bMax in NB_IO[0 … 3], the result out in NB_IO[0].
 * V8 passes a double to or from a function it does not inline as a heap object; the implied-vol iteration calls
 * this at every step from a function too large to inline it reliably, so the numbers travel through this array
 * (single-threaded, and each call reads its inputs before writing the result).
 */
export const NB_IO = new Float64Array(4);

/**
 * normalisedBlackOtmCore(h, t, e, bMax), or e^{x/2} − b when `complement` (normalisedBlackOtmComplementCore).
 */
export function normalisedBlackOtmOrComplement(
  h: number,
  t: number,
  e: number,
  bMax: number,
  complement: boolean,
): number {
  NB_IO[0] = h;
  NB_IO[1] = t;
  NB_IO[2] = e;
  NB_IO[3] = bMax;
  normalisedBlackOtmOrComplementIO(complement);
  return NB_IO[0];
}

/**
 * normalisedBlackOtmOrComplement on the registers NB_IO (h, t, e, bMax in; the value out in NB_IO[0]).
 *
 * The two terms e·erfcx(u)/2 at u = (t−h)/√2 and u = ∓(h+t)/√2 are e^{−x/2}Φ(h−t) and e^{x/2}Φ(∓(h+t)), and
 * e·e^{u²} is exactly e^{−x/2} = 1/bMax resp. e^{x/2} = bMax (since h·t = x/2). So each term is e·erfcx(u) for
 * u > 0.46875, m·erfc(u) = m·(1 − erf(u)) for |u| ≤ 0.46875 and 2m − e·erfcx(−u) below (Cody's three ranges,
 * m = e·e^{u²}): no exponential beyond e, and both terms come from one loop, so that a caller inlines a
 * single copy of erf and of erfcx (the implied-vol iteration evaluates this at every step).
 */
export function normalisedBlackOtmOrComplementIO(complement: boolean): void {
  const h = NB_IO[0];
  const t = NB_IO[1];
  const e = NB_IO[2];
  const bMax = NB_IO[3];
  if (!complement) {
    if (h < H_LARGE && h + t < H_LARGE + T_SMALL) {
      NB_IO[0] = asymptoticOtm(h, t, e);
      return;
    }
    if (t < T_SMALL) {
      SMALL_T[0] = h;
      SMALL_T[1] = t;
      SMALL_T[2] = e;
      smallTOtm();
      NB_IO[0] = SMALL_T[0];
      return;
    }
  }
  // Past h + t = 0.85, b = e^{x/2}·(1 − Φ(−h−t)) − e^{−x/2}Φ(h−t) loses at most a factor ~2 to cancellation.
  const upper = complement || h + t > CDF_SWITCH;
  let far = 0; // e·erfcx((t−h)/√2) = 2e^{−x/2}Φ(h−t)
  let near = 0; // e·erfcx(∓(h+t)/√2) = 2e^{x/2}Φ(∓(h+t))
  for (let k = 0; k < 2; k++) {
    const u = k === 0 ? (t - h) * SQRT_HALF : upper ? (h + t) * SQRT_HALF : -(h + t) * SQRT_HALF;
    const y = Math.abs(u);
    let v: number;
    if (y <= ERF_SPLIT) v = (k === 0 ? 1 / bMax : bMax) * (1 - erf(u));
    else {
      const r = e * erfcx(y);
      v = u > 0 ? r : 2 * bMax - r; // u < 0 only for the second term
    }
    if (k === 0) far = v;
    else near = v;
  }
  NB_IO[0] = complement ? 0.5 * (near + far) : upper ? bMax - 0.5 * (near + far) : 0.5 * (near - far);
}

/** Normalised vega ∂b/∂s = e^{−(x²/s² + s²/4)/2}/√(2π) (dimensionless), the same for calls and puts. */
export function normalisedVega(x: number, s: number): number {
  if (!(s > 0)) return x === 0 ? INV_SQRT_2PI : 0;
  const h = x / s;
  const t = 0.5 * s;
  return INV_SQRT_2PI * exp(-0.5 * (h * h + t * t));
}

/**
 * Normalised Black price (undiscounted price / √(F·K)) of a call (`isCall`) or put for any x = ln(F/K)
 * and s = σ√T ≥ 0, dimensionless. The in-the-money side is the intrinsic 2·sinh(|x|/2) plus the
 * out-of-the-money value (put-call parity, b_put(x) = b_call(−x)), so no accuracy is lost in either wing.
 */
export function normalisedBlack(x: number, s: number, isCall: boolean): number {
  const y = isCall ? x : -x;
  if (y > 0) return 2 * Math.sinh(0.5 * y) + normalisedBlackOtm(-y, s);
  return normalisedBlackOtm(y, s);
}
