/**
 * Descriptive statistics and implied-volatility ranking.
 * All functions are pure; inputs are plain arrays or Float64Arrays; nothing is allocated per element.
 * Ranks and percentiles are returned on a 0–100 scale (percent).
 */

/** Trading days in the 52-week window used by IV rank and IV percentile. */
export const IV_LOOKBACK_DAYS = 252;

/** Target maturity of the constant-maturity IV, in years (30 calendar days). */
export const CONSTANT_MATURITY_T = 30 / 365;

/** Arithmetic mean of `xs` (NaN for an empty input; ±∞ when the sum overflows); Neumaier-compensated summation. */
export function mean(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return Number.NaN;
  let sum = 0;
  let comp = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    const t = sum + x;
    comp += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  // ±∞ or an overflowed sum: the compensation reads ∞ − ∞ = NaN
  return Number.isFinite(sum) ? (sum + comp) / n : sum / n;
}

/** Sample standard deviation of `xs` (divisor n − 1, two-pass); NaN when n < 2. */
export function stdev(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const m = mean(xs);
  let ss = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - m;
    ss += d * d;
    s += d;
  }
  // corrected two-pass algorithm (Chan, Golub & LeVeque 1983): removes the rounding error of the mean
  return Math.sqrt((ss - (s * s) / n) / (n - 1));
}

/** Standard score of `value` against `sample`: (value − mean) / sample stdev; NaN when n < 2 or stdev ≤ 1e-10·mean|x|. */
export function zScore(value: number, sample: ArrayLike<number>): number {
  const sd = stdev(sample);
  let meanAbs = 0;
  for (let i = 0; i < sample.length; i++) meanAbs += Math.abs(sample[i]);
  meanAbs /= sample.length;
  // dispersion at rounding level (≤ 1e-10 of the values' size) is no dispersion
  if (!(sd > 1e-10 * meanAbs)) return Number.NaN;
  return (value - mean(sample)) / sd;
}

/** Percentile rank of `value` in `sample`, in percent (0–100): the share of observations strictly below it. */
export function percentileRank(value: number, sample: ArrayLike<number>): number {
  const n = sample.length;
  if (n === 0 || Number.isNaN(value)) return Number.NaN;
  let below = 0;
  let counted = 0;
  for (let i = 0; i < n; i++) {
    const x = sample[i];
    if (Number.isNaN(x)) continue;
    counted++;
    if (x < value) below++;
  }
  return counted === 0 ? Number.NaN : (100 * below) / counted;
}

/** Last `count` entries of `xs` as [start, end) indices (the whole array when shorter). */
function tailRange(xs: ArrayLike<number>, count: number): [number, number] {
  const end = xs.length;
  return [Math.max(0, end - count), end];
}

/**
 * IV rank in percent (0–100): (iv − low) / (high − low) over the 52-week history (last 252 daily
 * IVs of `history`, plus `iv` itself so the result stays in range). Entries that are not positive finite IVs are
 * skipped. NaN when high = low, or when fewer than `minCount` usable entries are in the window (a caller with a
 * short history sets it: two days of history make every IV a rank of 0 or 100).
 */
export function ivRank(
  iv: number,
  history: ArrayLike<number>,
  lookback = IV_LOOKBACK_DAYS,
  minCount = 1,
): number {
  if (Number.isNaN(iv)) return Number.NaN;
  const [start, end] = tailRange(history, lookback);
  let lo = iv;
  let hi = iv;
  let counted = 0;
  for (let i = start; i < end; i++) {
    const x = history[i];
    if (!(x > 0 && x < Number.POSITIVE_INFINITY)) continue;
    counted++;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return hi > lo && counted >= minCount ? (100 * (iv - lo)) / (hi - lo) : Number.NaN;
}

/**
 * IV percentile in percent (0–100): the share of the last 252 daily IVs of `history` (the days before
 * today) that are strictly lower than today's `iv`, among the positive finite ones. NaN when fewer than
 * `minCount` (at least one) are usable.
 */
export function ivPercentile(
  iv: number,
  history: ArrayLike<number>,
  lookback = IV_LOOKBACK_DAYS,
  minCount = 1,
): number {
  if (Number.isNaN(iv)) return Number.NaN;
  const [start, end] = tailRange(history, lookback);
  let below = 0;
  let counted = 0;
  for (let i = start; i < end; i++) {
    const x = history[i];
    if (!(x > 0 && x < Number.POSITIVE_INFINITY)) continue;
    counted++;
    if (x < iv) below++;
  }
  return counted === 0 || counted < minCount ? Number.NaN : (100 * below) / counted;
}

/**
 * Constant-maturity implied vol (annualised, decimal) at `targetT` years (default 30/365) from a term
 * structure of (expiry T in years, ATM IV) pairs, interpolating linearly in total variance w = σ²T
 * between the two expiries that bracket the target; flat vol outside the quoted range. Expiries need
 * not be sorted; entries with T ≤ 0 or a non-finite/non-positive IV are ignored. NaN when none is usable.
 */
export function constantMaturityIv(
  expiries: ArrayLike<number>,
  ivs: ArrayLike<number>,
  targetT = CONSTANT_MATURITY_T,
): number {
  if (!(targetT > 0 && Number.isFinite(targetT))) return Number.NaN; // NaN returned the nearest expiry's vol
  const n = Math.min(expiries.length, ivs.length);
  // nearest usable expiry at or below the target, nearest above it
  let tLo = Number.NEGATIVE_INFINITY;
  let vLo = Number.NaN;
  let tHi = Number.POSITIVE_INFINITY;
  let vHi = Number.NaN;
  for (let i = 0; i < n; i++) {
    const t = expiries[i];
    const v = ivs[i];
    if (!(t > 0) || !(v > 0) || !Number.isFinite(t) || !Number.isFinite(v)) continue;
    if (t <= targetT) {
      if (t > tLo) {
        tLo = t;
        vLo = v;
      }
    } else if (t < tHi) {
      tHi = t;
      vHi = v;
    }
  }
  const haveLo = tLo > 0;
  const haveHi = Number.isFinite(tHi);
  if (!haveLo && !haveHi) return Number.NaN;
  if (!haveHi || tLo === targetT) return vLo; // at or beyond the last expiry: flat vol
  if (!haveLo) return vHi; // before the first expiry: flat vol
  const wLo = vLo * vLo * tLo;
  const wHi = vHi * vHi * tHi;
  const w = wLo + ((wHi - wLo) * (targetT - tLo)) / (tHi - tLo);
  return Math.sqrt(Math.max(w, 0) / targetT);
}
