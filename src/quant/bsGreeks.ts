import { bsNumbers, isCallType } from './arguments.js';
import { bsPriceSmallSd, SMALL_SD } from './bsPrice.js';
import { erf, erfcx, exp, log } from './normal.js';
import type { Greeks, OptionType } from './types.js';

/** Struct of arrays receiving Black-Scholes-Merton greeks, element i in each array (raw-derivative units). */
export interface GreeksArrays {
  price: Float64Array;
  delta: Float64Array;
  gamma: Float64Array;
  theta: Float64Array;
  vega: Float64Array;
  rho: Float64Array;
}

/** Output arrays for `n` options of `bsGreeksBatch` / `bsGreeksInto` (zero-filled). */
export function greeksArrays(n: number): GreeksArrays {
  return {
    price: new Float64Array(n),
    delta: new Float64Array(n),
    gamma: new Float64Array(n),
    theta: new Float64Array(n),
    vega: new Float64Array(n),
    rho: new Float64Array(n),
  };
}

const INV_SQRT_2PI = 0.3989422804014327;
const SPLIT = 0.46875; // Cody's erf/erfcx boundary on u = d/√2

/**
 * Writes the Black-Scholes-Merton price and greeks of one option into element i of `out`, given the
 * precomputed discount factors dq = e^(−qT), dr = e^(−rT) and √T (so that a chain computes them once).
 * Units: price per unit of underlying; delta ∂V/∂S; gamma ∂²V/∂S²; theta = −∂V/∂T per year; vega ∂V/∂σ per
 * 1.00 of vol; rho ∂V/∂r per 1.00 of rate. Formulas: Haug (2007) §2.1 generalized BSM greeks, written with
 * fs = S·dq, fk = K·dr, sd = σ√T and fs·φ(d1) = fk·φ(d2) = √(fs·fk)·e^(−(a² + b²)/2)/√(2π), a = ln(fs/fk)/sd,
 * b = sd/2, with N(±d) from Cody's erf/erfcx on the side where N is small (see `bsPriceDiscounted`).
 * At sd = 0 (T = 0 or vol = 0) the limits are used: N(d) becomes a step (½ at the forward), gamma 0, vega
 * fs·√T/√(2π) at the forward and 0 elsewhere, and theta drops the diffusion term (finite, no NaN). At vol = ∞
 * the call is worth fs and the put fk (N(d1) = 1, N(d2) = 0): delta dq or 0, gamma and vega 0, theta q·fs or r·fk.
 * Negative or NaN S, K, T, vol and NaN r, q (a NaN discount factor) give NaN everywhere; `bsGreeks` throws a
 * TypeError naming an argument that is not a number.
 */
export function bsGreeksInto(
  isCall: boolean,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
  dq: number,
  dr: number,
  sqrtT: number,
  out: GreeksArrays,
  i: number,
): void {
  const fs = S * dq;
  const fk = K * dr;
  const sd = vol * sqrtT;
  let p1: number; // fs·N(±d1)
  let p2: number; // fk·N(±d2)
  let diff: number; // p1 − p2, the call price (put: −diff)
  let gamma = 0;
  let vega = 0;
  let decay = 0; // −fs·φ(d1)·σ/(2√T)
  if (sd > 0 && fs > 0 && fk > 0) {
    const w = isCall ? Math.SQRT1_2 : -Math.SQRT1_2;
    const a = sd < Number.POSITIVE_INFINITY ? log(fs / fk) / sd : 0; // vol = ∞: ±∞/∞ where fs/fk over- or underflows
    const b = 0.5 * sd;
    const u1 = w * (a + b); // ±d1/√2
    const u2 = w * (a - b); // ±d2/√2
    const p = fs * fk; // sqrtProduct(fs, fk), written out: as a call it kept TurboFan from inlining exp here
    const root = p < 1e300 && p > 1e-300 ? Math.sqrt(p) : Math.sqrt(fs) * Math.sqrt(fk);
    const big = root * exp(-0.5 * (a * a + b * b)); // √(2π)·fs·φ(d1)
    let r1 = 0; // erf(u) for |u| ≤ 0.46875, else erfcx(|u|): one call site each (see bsPriceDiscounted)
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
    if (c1 && c2) {
      p1 = fs * (0.5 + 0.5 * r1);
      p2 = fk * (0.5 + 0.5 * r2);
      diff = 0.5 * (fs - fk) + 0.5 * (fs * r1 - fk * r2); // no cancellation when σ√T ≪ 1
    } else {
      const g = 0.5 * big;
      p1 = c1 ? fs * (0.5 + 0.5 * r1) : u1 < 0 ? g * r1 : fs - g * r1;
      p2 = c2 ? fk * (0.5 + 0.5 * r2) : u2 < 0 ? g * r2 : fk - g * r2;
      diff = p1 - p2;
    }
    const pdf = INV_SQRT_2PI * big; // fs·φ(d1)
    gamma = pdf / S / (S * sd); // not S·S: it overflows/underflows first
    vega = pdf * sqrtT;
    decay = pdf > 0 ? (-0.5 * pdf * sd) / T : 0; // at vol = ∞, pdf = 0 and 0·∞ made theta NaN
    const n1 = p1 / fs;
    if (sd < SMALL_SD) diff = isCall ? bsPriceSmallSd(true, fs, fk, sd) : -bsPriceSmallSd(false, fs, fk, sd);
    if (isCall) {
      out.price[i] = diff;
      out.delta[i] = dq * n1;
    } else {
      out.price[i] = -diff;
      out.delta[i] = -dq * n1;
    }
  } else {
    limitGreeksInto(isCall, S, K, T, r, q, vol, dq, sqrtT, fs, fk, out, i);
    return;
  }
  if (isCall) {
    out.theta[i] = decay + q * p1 - r * p2;
    out.rho[i] = T * p2;
  } else {
    out.theta[i] = decay - q * p1 + r * p2;
    out.rho[i] = -T * p2;
  }
  out.gamma[i] = gamma;
  out.vega[i] = vega;
}

/**
 * `bsGreeksInto` where σ√T = 0, S = 0 or K = 0 (N(±d) a step at the forward, ½ exactly at it) or an input is
 * invalid: NaN everywhere for negative or NaN S, K, T, vol and for a NaN discount factor (NaN r or q, where delta,
 * gamma and vega read 0). Its own function, out of line: inside `bsGreeksInto` these lines pushed the batch loop
 * that inlines it past TurboFan's budget (measured: bsGreeksBatch 14.4 → 11.1 M/s).
 */
function limitGreeksInto(
  isCall: boolean,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
  dq: number,
  sqrtT: number,
  fs: number,
  fk: number,
  out: GreeksArrays,
  i: number,
): void {
  if (!(S >= 0 && K >= 0 && T >= 0 && vol >= 0 && fs === fs && fk === fk)) {
    out.price[i] = out.delta[i] = out.gamma[i] = out.theta[i] = out.vega[i] = out.rho[i] = Number.NaN;
    return;
  }
  const n = fs === fk ? 0.5 : fs > fk === isCall ? 1 : 0;
  const p1 = fs * n;
  const p2 = fk * n;
  out.price[i] = isCall ? p1 - p2 : p2 - p1;
  out.delta[i] = isCall ? dq * n : -dq * n;
  out.gamma[i] = 0;
  out.vega[i] = fs === fk ? INV_SQRT_2PI * fs * sqrtT : 0;
  const decay = 0; // no diffusion term: written as in bsGreeksInto, so that the signs of zero agree too
  out.theta[i] = isCall ? decay + q * p1 - r * p2 : decay - q * p1 + r * p2;
  out.rho[i] = isCall ? T * p2 : -T * p2;
}

const one: GreeksArrays = {
  price: new Float64Array(1),
  delta: new Float64Array(1),
  gamma: new Float64Array(1),
  theta: new Float64Array(1),
  vega: new Float64Array(1),
  rho: new Float64Array(1),
};

/**
 * Black-Scholes-Merton price and greeks of a European option with continuous dividend yield q, in
 * raw-derivative units: theta per year (−∂V/∂T), vega per 1.00 of vol, rho per 1.00 of rate; price and delta
 * per unit of underlying. S, K in price units; T in years; r, q, vol annualised (see `bsGreeksInto`).
 */
export function bsGreeks(
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
): Greeks {
  bsNumbers('bsGreeks', S, K, T, r, q, vol);
  bsGreeksInto(isCallType(type), S, K, T, r, q, vol, exp(-q * T), exp(-r * T), Math.sqrt(T), one, 0);
  return {
    price: one.price[0],
    delta: one.delta[0],
    gamma: one.gamma[0],
    theta: one.theta[0],
    vega: one.vega[0],
    rho: one.rho[0],
  };
}
