import { bsNumbers, isCallType } from './arguments.js';
import { erf, erfcx, exp, log } from './normal.js';
import { normalisedBlackOtm } from './normalisedBlack.js';
import { sqrtProduct } from './sqrtProduct.js';
import type { OptionType } from './types.js';

const SPLIT = 0.46875; // Cody's erf/erfcx boundary on u = d/√2

/**
 * Black-Scholes-Merton price from the discounted forward fs = S·e^(−qT), the discounted strike
 * fk = K·e^(−rT) and the total volatility sd = σ√T (all in price units except sd, dimensionless).
 *
 * call = fs·N(d1) − fk·N(d2), put = fk·N(−d2) − fs·N(−d1), d1,2 = ln(fs/fk)/sd ± sd/2 (Merton 1973).
 * Each N(d) is evaluated on the side where it is small: N(d) = ½·erfcx(−d/√2)·e^(−d²/2) in the lower tail,
 * 1 − ½·erfcx(d/√2)·e^(−d²/2) in the upper tail, ½ + ½·erf(d/√2) near 0 (Cody 1969). The two Gaussian
 * factors share one exponential: fs·e^(−d1²/2) = fk·e^(−d2²/2) = √(fs·fk)·e^(−(a² + b²)/2) with
 * a = ln(fs/fk)/sd, b = sd/2, so deep out-of-the-money prices keep their relative accuracy.
 * sd = 0, fs = 0 or fk = 0 give the intrinsic value max(±(fs − fk), 0).
 */
export function bsPriceDiscounted(isCall: boolean, fs: number, fk: number, sd: number): number {
  if (!(sd > 0 && fs > 0 && fk > 0)) return Math.max(isCall ? fs - fk : fk - fs, 0);
  if (sd < SMALL_SD) return bsPriceSmallSd(isCall, fs, fk, sd);
  const w = isCall ? Math.SQRT1_2 : -Math.SQRT1_2;
  const a = sd < Number.POSITIVE_INFINITY ? log(fs / fk) / sd : 0; // vol = ∞: ±∞/∞ where fs/fk over- or underflows
  const b = 0.5 * sd;
  const u1 = w * (a + b); // ±d1/√2
  const u2 = w * (a - b); // ±d2/√2
  // Cody's branch for each u: erf(u) for |u| ≤ 0.46875, else erfcx(|u|) (which needs the Gaussian factor).
  // A two-pass loop gives erf and erfcx one call site each, so TurboFan inlines the whole kernel.
  let r1 = 0;
  let r2 = 0;
  for (let k = 0; k < 2; k++) {
    const u = k === 0 ? u1 : u2;
    const y = Math.abs(u);
    const v = y <= SPLIT ? erf(u) : erfcx(y);
    if (k === 0) r1 = v;
    else r2 = v;
  }
  const c1 = u1 >= -SPLIT && u1 <= SPLIT;
  const c2 = u2 >= -SPLIT && u2 <= SPLIT;
  let diff: number; // fs·N(±d1) − fk·N(±d2)
  if (c1 && c2) {
    // Both near the centre (short-dated at-the-money): keep the ½(fs − fk) part apart, else σ√T ≪ 1 cancels.
    diff = 0.5 * (fs - fk) + 0.5 * (fs * r1 - fk * r2);
  } else {
    // ½·fs·e^(−d1²/2) = ½·fk·e^(−d2²/2); halved last, as the batch and greeks kernels do: with subnormal fs, fk
    // (S < 1e-300) halving first rounds differently, and the batch then differed from this reference.
    const g = 0.5 * (sqrtProduct(fs, fk) * exp(-0.5 * (a * a + b * b)));
    const p1 = c1 ? fs * (0.5 + 0.5 * r1) : u1 < 0 ? g * r1 : fs - g * r1;
    const p2 = c2 ? fk * (0.5 + 0.5 * r2) : u2 < 0 ? g * r2 : fk - g * r2;
    diff = p1 - p2;
  }
  return isCall ? diff : -diff;
}

/**
 * Below this total volatility σ√T the price comes from the normalised Black function (`bsPriceSmallSd`): the
 * erf/erfcx differences above lose ~1e-15/σ√T relative (measured against 50-digit values: 2.4e-14 at 0.05,
 * 1.8e-13 at 0.01, 1.8e-11 at 1e-4 for |ln(F/K)| ≤ 3σ√T — short-dated, low-vol quotes), the normalised function
 * with its small-t Taylor series ≤ 4e-15 at every σ√T.
 */
export const SMALL_SD = 0.05;

/**
 * fs·N(±d1) − fk·N(±d2) as √(fs·fk)·b(x, sd) (Jäckel 2015, see normalisedBlack.ts) with x = ln(fs/fk) taken as
 * log1p((fs − fk)/fk), whose fs − fk is exact for nearby fs, fk (ln(fs/fk) would carry 1e-16 absolute, which
 * is 1e-12 relative at x ~ 1e-4 — as much as the price's error it replaces); in the money by the parity
 * b(x) = e^{x/2} − e^{−x/2} + b(−x), i.e. the forward intrinsic plus the out-of-the-money value.
 */
export function bsPriceSmallSd(isCall: boolean, fs: number, fk: number, sd: number): number {
  const x = Math.log1p((fs - fk) / fk); // ln(fs/fk) to full relative accuracy: fs − fk is exact here
  const m = sqrtProduct(fs, fk);
  const otmCall = isCall ? x <= 0 : x >= 0;
  const b = normalisedBlackOtm(-Math.abs(x), sd);
  return otmCall ? m * b : (isCall ? fs - fk : fk - fs) + m * b;
}

/**
 * Black-Scholes-Merton price of a European option with continuous dividend yield q, per unit of underlying
 * (Merton 1973; Haug, "The Complete Guide to Option Pricing Formulas", 2nd ed., §1.1.6 generalized BSM).
 * S, K in price units; T in years; r, q continuously compounded per year; vol per √year.
 * T = 0 or vol = 0 give the discounted forward intrinsic value max(±(S·e^(−qT) − K·e^(−rT)), 0);
 * K = 0 gives call S·e^(−qT), put 0. NaN when S, K, T or vol is negative or NaN; a TypeError naming an argument
 * that is not a number (`null`, a string).
 * Black (1976) options on futures are the case S = F, q = r (Haug §1.1.2; its F = K = 19 example is in the tests).
 */
export function bsPrice(
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
): number {
  bsNumbers('bsPrice', S, K, T, r, q, vol);
  if (!(S >= 0 && K >= 0 && T >= 0 && vol >= 0)) return Number.NaN;
  return bsPriceDiscounted(isCallType(type), S * exp(-q * T), K * exp(-r * T), vol * Math.sqrt(T));
}
