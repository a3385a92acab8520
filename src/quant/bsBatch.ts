import { batchInput, isCallType, outputArray, rightsArray } from './arguments.js';
import { bsGreeksInto, type GreeksArrays } from './bsGreeks.js';
import { bsPriceSmallSd, SMALL_SD } from './bsPrice.js';
import { erf, erfcx, exp, log } from './normal.js';
import type { OptionType } from './types.js';

/** A batch input: one value per element (Float64Array) or one value shared by every element (number). */
export type BatchInput = Float64Array | number;

/**
 * Option rights of a batch: per element (1/true = call, 0/false = put) or one right for every element (`true` /
 * `'call'`, `false` / `'put'`). Any other single value throws a TypeError (`'put'` was read as a call).
 */
export type BatchRights = ArrayLike<number | boolean> | boolean | OptionType;

// The kernels below are the scalar `bsPriceDiscounted` / `bsGreeksInto` (the readable reference, tested
// bit-for-bit equal) cut into passes over blocks of BLOCK options: moneyness (one log each), Gaussian factor
// (one exp each), then Cody's erf/erfcx for the 2·BLOCK arguments ±d1/√2, ±d2/√2, then the combination.
// Each pass is a short loop with a single call site per special function, so TurboFan inlines them all
// (within its 920-byte budget) and the loop iterations overlap; per-element calls would box every double.
const BLOCK = 128;
const SPLIT = 0.46875; // Cody's erf/erfcx boundary on u = d/√2
const INV_SQRT_2PI = 0.3989422804014327;
const FS = new Float64Array(BLOCK); // S·e^(−qT)
const FK = new Float64Array(BLOCK); // K·e^(−rT)
const SD = new Float64Array(BLOCK); // σ√T (0 unless regular)
const DQ = new Float64Array(BLOCK); // e^(−qT)
const DR = new Float64Array(BLOCK); // e^(−rT)
const RT = new Float64Array(BLOCK); // √T
const AA = new Float64Array(BLOCK); // a = ln(fs/fk)/σ√T
const GG = new Float64Array(BLOCK); // √(fs·fk)·e^(−(a² + b²)/2) = √(2π)·fs·φ(d1), b = σ√T/2
const SG = new Float64Array(BLOCK); // +1 call, −1 put
const KIND = new Uint8Array(BLOCK); // 0 regular, 1 limit (σ√T = 0, S = 0 or K = 0), 2 invalid input
const UU = new Float64Array(2 * BLOCK); // ±d1/√2, ±d2/√2 interleaved
const RR = new Float64Array(2 * BLOCK); // erf(u) where |u| ≤ 0.46875, else erfcx(|u|)

// Scalars are read through 1-element arrays with index mask 0 (arrays use mask −1), so one monomorphic
// loop serves every mix of arrays and scalars without allocating.
const sS = new Float64Array(1);
const sK = new Float64Array(1);
const sT = new Float64Array(1);
const sR = new Float64Array(1);
const sQ = new Float64Array(1);
const sV = new Float64Array(1);
const sC = new Uint8Array(1);

function arr(x: BatchInput, scratch: Float64Array, n: number, name: string): Float64Array {
  batchInput(x, name);
  if (typeof x === 'number') {
    scratch[0] = x;
    return scratch;
  }
  if (x.length < n) throw new RangeError(`${name}: length ${x.length} < output length ${n}`);
  return x;
}

function rights(x: BatchRights, n: number): ArrayLike<number | boolean> {
  if (typeof x === 'boolean' || typeof x === 'string') {
    sC[0] = (typeof x === 'boolean' ? x : isCallType(x, 'isCall')) ? 1 : 0;
    return sC;
  }
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number') isCallType(x, 'isCall'); // throws
  if (x.length < n) throw new RangeError(`isCall: length ${x.length} < output length ${n}`);
  rightsArray(x, n, 'isCall');
  return x;
}

const mask = (x: BatchRights | BatchInput): number =>
  typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string' ? 0 : -1;

/** Per-batch view of the inputs: arrays (scalars wrapped) and their index masks. */
interface Inputs {
  c: ArrayLike<number | boolean>;
  S: Float64Array;
  K: Float64Array;
  T: Float64Array;
  r: Float64Array;
  q: Float64Array;
  v: Float64Array;
  mc: number;
  ms: number;
  mk: number;
  mt: number;
  mr: number;
  mq: number;
  mv: number;
  chain: boolean; // S, T, r, q all scalars
}

function inputs(
  isCall: BatchRights,
  S: BatchInput,
  K: BatchInput,
  T: BatchInput,
  r: BatchInput,
  q: BatchInput,
  vol: BatchInput,
  n: number,
): Inputs {
  return {
    c: rights(isCall, n),
    S: arr(S, sS, n, 'S'),
    K: arr(K, sK, n, 'K'),
    T: arr(T, sT, n, 'T'),
    r: arr(r, sR, n, 'r'),
    q: arr(q, sQ, n, 'q'),
    v: arr(vol, sV, n, 'vol'),
    mc: mask(isCall),
    ms: mask(S),
    mk: mask(K),
    mt: mask(T),
    mr: mask(r),
    mq: mask(q),
    mv: mask(vol),
    chain: typeof S === 'number' && typeof T === 'number' && typeof r === 'number' && typeof q === 'number',
  };
}

/** Discount factors e^(−qT), e^(−rT) of a block (its own function: its two exp calls then inline too). */
function discountBlock(x: Inputs, i0: number, m: number): void {
  const { T, r, q, mt, mr, mq } = x;
  for (let j = 0; j < m; j++) {
    const i = i0 + j;
    const t = T[i & mt];
    DQ[j] = exp(-q[i & mq] * t);
    DR[j] = exp(-r[i & mr] * t);
  }
}

/**
 * Passes 1–3 for options i0 … i0+m−1: discounting, moneyness a, Gaussian factor, u = ±d/√2 and the
 * erf/erfcx values, into the block scratch arrays.
 */
function prepareBlock(x: Inputs, i0: number, m: number): void {
  const { c, S, K, T, r, q, v, mc, ms, mk, mt, mv } = x;
  if (x.chain) {
    const s = S[0];
    const t = T[0];
    const dq = exp(-q[0] * t);
    const dr = exp(-r[0] * t);
    const rt = Math.sqrt(t);
    const fs = s * dq;
    for (let j = 0; j < m; j++) {
      const i = i0 + j;
      const k = K[i & mk];
      const vol = v[i & mv];
      const fk = k * dr;
      const sd = vol * rt;
      const regular = sd > 0 && fs > 0 && fk > 0;
      SG[j] = 2 * +!!c[i & mc] - 1; // branch-free ±1
      FS[j] = fs;
      FK[j] = fk;
      SD[j] = regular ? sd : 0;
      DQ[j] = dq;
      DR[j] = dr;
      RT[j] = rt;
      KIND[j] = regular ? 0 : s >= 0 && k >= 0 && t >= 0 && vol >= 0 ? 1 : 2;
    }
  } else {
    discountBlock(x, i0, m);
    for (let j = 0; j < m; j++) {
      const i = i0 + j;
      const s = S[i & ms];
      const k = K[i & mk];
      const t = T[i & mt];
      const vol = v[i & mv];
      const rt = Math.sqrt(t);
      const fs = s * DQ[j];
      const fk = k * DR[j];
      const sd = vol * rt;
      const regular = sd > 0 && fs > 0 && fk > 0;
      SG[j] = 2 * +!!c[i & mc] - 1; // branch-free ±1
      FS[j] = fs;
      FK[j] = fk;
      SD[j] = regular ? sd : 0;
      RT[j] = rt;
      KIND[j] = regular ? 0 : s >= 0 && k >= 0 && t >= 0 && vol >= 0 ? 1 : 2;
    }
  }
  for (let j = 0; j < m; j++)
    AA[j] = KIND[j] === 0 && SD[j] < Number.POSITIVE_INFINITY ? log(FS[j] / FK[j]) / SD[j] : 0; // as bsPrice
  for (let j = 0; j < m; j++) {
    const a = AA[j];
    const b = 0.5 * SD[j];
    const w = SG[j] * Math.SQRT1_2;
    UU[2 * j] = w * (a + b);
    UU[2 * j + 1] = w * (a - b);
    const fs = FS[j];
    const fk = FK[j];
    const p = fs * fk; // sqrtProduct(fs, fk), written out: as a call it kept TurboFan from inlining exp here
    GG[j] =
      (p < 1e300 && p > 1e-300 ? Math.sqrt(p) : Math.sqrt(fs) * Math.sqrt(fk)) * exp(-0.5 * (a * a + b * b));
  }
  for (let t = 0; t < 2 * m; t++) {
    const u = UU[t];
    const y = Math.abs(u);
    RR[t] = y <= SPLIT ? erf(u) : erfcx(y);
  }
}

/**
 * Prices of block strikes i0 … i0+m−1 from the prepared scratch (FS, FK, UU, RR, GG, SG, KIND): the
 * branches of the scalar kernel as exact 0/1 blends (unpredictable branches cost more here).
 */
function combineBlock(out: Float64Array, i0: number, m: number): void {
  for (let j = 0; j < m; j++) {
    const kind = KIND[j];
    const fs = FS[j];
    const fk = FK[j];
    if (kind === 0) {
      const u1 = UU[2 * j];
      const u2 = UU[2 * j + 1];
      const r1 = RR[2 * j];
      const r2 = RR[2 * j + 1];
      const g = 0.5 * GG[j];
      const m1 = +(Math.abs(u1) <= SPLIT);
      const m2 = +(Math.abs(u2) <= SPLIT);
      const o1 = +(u1 >= 0);
      const o2 = +(u2 >= 0);
      const p1 = m1 * (fs * (0.5 + 0.5 * r1)) + (1 - m1) * (o1 * fs + (1 - 2 * o1) * (g * r1));
      const p2 = m2 * (fk * (0.5 + 0.5 * r2)) + (1 - m2) * (o2 * fk + (1 - 2 * o2) * (g * r2));
      const cc = m1 * m2;
      const diff = cc * (0.5 * (fs - fk) + 0.5 * (fs * r1 - fk * r2)) + (1 - cc) * (p1 - p2);
      const sd = SD[j];
      out[i0 + j] = sd < SMALL_SD ? bsPriceSmallSd(SG[j] > 0, fs, fk, sd) : SG[j] * diff; // see SMALL_SD
    } else {
      out[i0 + j] = kind === 1 ? Math.max(SG[j] * (fs - fk), 0) : Number.NaN;
    }
  }
}

/**
 * `bsPriceBatch` for one expiry (S, T, r, q shared): e^(−qT), e^(−rT), √T and fs = S·e^(−qT) once, then per
 * strike only what depends on K and σ — one log (moneyness), one sqrt and one exp (the Gaussian factor
 * √(fs·fk)·e^(−(a² + b²)/2) shared by both N(·) terms) and two Cody erf/erfcx evaluations; nothing
 * per-expiry is computed or stored per strike (the general kernel keeps S·e^(−qT), the discount factors and
 * √T per element for the greeks). Same operations in the same order as `bsPriceDiscounted`, so the results
 * are bit-for-bit those of `bsPrice`. (Merging the log and exp passes was measured slower: each pass keeps
 * one special function per loop so that TurboFan inlines it.)
 */
function chainPrices(x: Inputs, out: Float64Array): Float64Array {
  const n = out.length;
  const s = x.S[0];
  const t = x.T[0];
  const dr = exp(-x.r[0] * t);
  const fs = s * exp(-x.q[0] * t);
  const rt = Math.sqrt(t);
  const valid = s >= 0 && t >= 0; // per strike, validity adds K ≥ 0 and σ ≥ 0
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const m = Math.min(BLOCK, n - i0);
    chainBlock(x, i0, m, fs, dr, rt, valid);
    FS.fill(fs, 0, m);
    combineBlock(out, i0, m);
  }
  return out;
}

/** Per-strike passes of `chainPrices`, strikes i0 … i0+m−1 (own function: log, exp, erf, erfcx all inline). */
function chainBlock(
  x: Inputs,
  i0: number,
  m: number,
  fs: number,
  dr: number,
  rt: number,
  valid: boolean,
): void {
  const { c, K, v, mc, mk, mv } = x;
  for (let j = 0; j < m; j++) {
    const i = i0 + j;
    const k = K[i & mk];
    const vol = v[i & mv];
    const fk = k * dr;
    const sd = vol * rt;
    const regular = sd > 0 && fs > 0 && fk > 0;
    SG[j] = 2 * +!!c[i & mc] - 1; // branch-free ±1
    FK[j] = fk;
    SD[j] = regular ? sd : 0;
    KIND[j] = regular ? 0 : valid && k >= 0 && vol >= 0 ? 1 : 2;
  }
  for (let j = 0; j < m; j++)
    AA[j] = KIND[j] === 0 && SD[j] < Number.POSITIVE_INFINITY ? log(fs / FK[j]) / SD[j] : 0; // as bsPrice
  for (let j = 0; j < m; j++) {
    const a = AA[j];
    const b = 0.5 * SD[j];
    const w = SG[j] * Math.SQRT1_2;
    UU[2 * j] = w * (a + b);
    UU[2 * j + 1] = w * (a - b);
    const fk = FK[j];
    const p = fs * fk; // sqrtProduct(fs, fk), written out (see prepareBlock)
    GG[j] =
      (p < 1e300 && p > 1e-300 ? Math.sqrt(p) : Math.sqrt(fs) * Math.sqrt(fk)) * exp(-0.5 * (a * a + b * b));
  }
  for (let t = 0; t < 2 * m; t++) {
    const u = UU[t];
    const y = Math.abs(u);
    RR[t] = y <= SPLIT ? erf(u) : erfcx(y);
  }
}

/**
 * Black-Scholes-Merton prices of `out.length` European options into `out` (per unit of underlying); each
 * input is a Float64Array (one value per element) or a number shared by all (S, K price units; T years;
 * r, q, vol annualised). When S, T, r and q are all scalars (one expiry of a chain) the discount factors and
 * √T are computed once. Same maths, limits and results (bit for bit) as `bsPrice`; no allocation per element.
 * Throws RangeError when an input array is shorter than `out`. Returns `out`.
 */
export function bsPriceBatch(
  isCall: BatchRights,
  S: BatchInput,
  K: BatchInput,
  T: BatchInput,
  r: BatchInput,
  q: BatchInput,
  vol: BatchInput,
  out: Float64Array,
): Float64Array {
  const n = outputArray(out).length;
  const x = inputs(isCall, S, K, T, r, q, vol, n);
  if (x.chain) return chainPrices(x, out);
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const m = Math.min(BLOCK, n - i0);
    prepareBlock(x, i0, m);
    combineBlock(out, i0, m);
  }
  return out;
}

/**
 * Black-Scholes-Merton price and greeks of `out.price.length` European options into the arrays of `out`
 * (raw-derivative units: theta per year, vega and rho per 1.00; see `bsGreeksInto`, whose results these
 * equal bit for bit). Inputs as in `bsPriceBatch`; a chain (scalar S, T, r, q) computes the discount factors
 * and √T once. Throws RangeError when an input or output array is too short. Returns `out`.
 */
export function bsGreeksBatch(
  isCall: BatchRights,
  S: BatchInput,
  K: BatchInput,
  T: BatchInput,
  r: BatchInput,
  q: BatchInput,
  vol: BatchInput,
  out: GreeksArrays,
): GreeksArrays {
  if (out === null || typeof out !== 'object')
    throw new TypeError(`out must be the greeks' arrays (greeksArrays(n)), got ${String(out)}`);
  const n = outputArray(out.price, 'out.price').length;
  for (const key of ['delta', 'gamma', 'theta', 'vega', 'rho'] as const) {
    if (out[key].length < n) throw new RangeError(`out.${key}: length ${out[key].length} < ${n}`);
  }
  const x = inputs(isCall, S, K, T, r, q, vol, n);
  const { price, delta, gamma, theta, vega, rho } = out;
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const m = Math.min(BLOCK, n - i0);
    prepareBlock(x, i0, m);
    for (let j = 0; j < m; j++) {
      const i = i0 + j;
      const s = x.S[i & x.ms];
      const t = x.T[i & x.mt];
      const rr = x.r[i & x.mr];
      const qq = x.q[i & x.mq];
      if (KIND[j] !== 0) {
        const isC = SG[j] > 0;
        bsGreeksInto(isC, s, x.K[i & x.mk], t, rr, qq, x.v[i & x.mv], DQ[j], DR[j], RT[j], out, i);
        continue;
      }
      const fs = FS[j];
      const fk = FK[j];
      const sd = SD[j];
      const sg = SG[j];
      const u1 = UU[2 * j];
      const u2 = UU[2 * j + 1];
      const r1 = RR[2 * j];
      const r2 = RR[2 * j + 1];
      const big = GG[j];
      const g = 0.5 * big;
      const m1 = +(Math.abs(u1) <= SPLIT); // exact 0/1 blends of the scalar kernel's branches
      const m2 = +(Math.abs(u2) <= SPLIT);
      const o1 = +(u1 >= 0);
      const o2 = +(u2 >= 0);
      const p1 = m1 * (fs * (0.5 + 0.5 * r1)) + (1 - m1) * (o1 * fs + (1 - 2 * o1) * (g * r1));
      const p2 = m2 * (fk * (0.5 + 0.5 * r2)) + (1 - m2) * (o2 * fk + (1 - 2 * o2) * (g * r2));
      const cc = m1 * m2;
      const diff = cc * (0.5 * (fs - fk) + 0.5 * (fs * r1 - fk * r2)) + (1 - cc) * (p1 - p2);
      const pdf = INV_SQRT_2PI * big;
      price[i] = sd < SMALL_SD ? bsPriceSmallSd(sg > 0, fs, fk, sd) : sg * diff; // see SMALL_SD
      delta[i] = sg * (DQ[j] * (p1 / fs));
      gamma[i] = pdf / s / (s * sd); // as bsGreeksInto: not s·s, which overflows or underflows first
      vega[i] = pdf * RT[j];
      theta[i] = (pdf > 0 ? (-0.5 * pdf * sd) / t : 0) + sg * (qq * p1) - sg * (rr * p2); // as bsGreeksInto
      rho[i] = sg * (t * p2);
    }
  }
  return out;
}
