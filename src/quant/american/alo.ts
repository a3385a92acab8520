/**
 * Andersen, Lake & Offengenden (2016), "High-performance American option pricing", J. Comput. Finance 20(1).
 *
 * The exercise boundary B(τ) of the American put (τ = time to maturity) is the fixed point of the
 * value-matching system (ALO's FP-B, QuantLib's FP_B)
 *   B(τ) = K·e^{−(r−q)τ}·N(τ, B)/D(τ, B),
 *   N = Φ(d₋(τ, B(τ)/K)) + r∫₀^τ e^{ru}Φ(d₋(τ−u, B(τ)/B(u)))du,  D = Φ(d₊(τ, B(τ)/K)) + q∫₀^τ e^{qu}Φ(d₊(τ−u, ·))du,
 * d±(τ, z) = (ln z + (r − q)τ ± σ²τ/2)/(σ√τ). (The smooth-pasting form FP-A contracts faster at moderate σ but
 * was unreliable at low volatility and for q > r in our tests, so it is not used.) H = ln(B/X)²,
 * X = K·min(1, r/q), is held as a Chebyshev polynomial on n + 1 extrema nodes in w = (τ/T)^{1/4} for q ≤ r
 * (H ~ τ·ln τ near expiry) or w = (τ/T)^{1/2} for q > r, z = 2w − 1. Start: QD+ boundary (Li); first sweep a
 * partial Jacobi-Newton step (derivative of the non-integral terms, ALO §6), then plain fixed-point sweeps
 * until no node moves by more than `tolerance`·K or `iterations` sweeps are done. The price is Kim's (1990)
 *   P = p_E(S) + ∫₀^T [rK·e^{−r(T−u)}Φ(−d₋(T−u, S/B(u))) − qS·e^{−q(T−u)}Φ(−d₊(T−u, S/B(u)))] du.
 * All integrals use u = τ·sin⁴θ (resp. τ·sin²θ), θ ∈ [0, π/2], which keeps the integrands analytic at both
 * ends so Gauss-Legendre converges geometrically (ALO use tanh-sinh for the same purpose). Gaussian factors
 * share exponentials: φ(d₊) = φ(d₋)·(B(u)/B(τ))·e^{−(r−q)(τ−u)}. The resolution follows the problem: when
 * drift dominates diffusion, ρ = max(|r|, |q|, |r − q|)·√T/σ > 4 (or σ√T > 3), at least ALO_HIGH_PRECISION,
 * beyond 16 a 64-node scheme, beyond 1000 (σ → 0) the CRR lattice. Calls by the put-call symmetry
 * C(S, K, r, q) = P(K, S, q, r) (McDonald & Schroder 1998).
 * Accuracy of the defaults against a converged reference (n = 48, l = 64, p = 192; itself within the
 * 3000-step BBSR lattice error, ≤ 1e-4), per K = 100, 300 random realistic inputs: q ≤ r median 4e-11,
 * max 4e-9; q > r median 8e-9, max 3e-6 (a sharp knee of the boundary shortly before expiry needs n ≈ 32
 * for 1e-7) — see test/quant/american/alo.test.ts.
 */
import { bsPrice } from '../bsPrice.js';
import { erf, erfcx, exp } from '../normal.js';
import type { OptionType } from '../types.js';
import { binomialPrice } from './binomial.js';
import { gaussLegendre } from './gaussLegendre.js';
import { americanLimitPrice } from './limits.js';
import { qdPlusPutBoundary } from './qdPlus.js';

/** Discretisation of the ALO method. */
export interface AloOptions {
  /** Chebyshev interpolation degree n of the boundary (n + 1 nodes including τ = 0). */
  nodes?: number;
  /** Gauss-Legendre order l of the fixed-point integrals. */
  fpOrder?: number;
  /** Maximum number of sweeps m (the first is the Jacobi-Newton step). */
  iterations?: number;
  /** Stop sweeping once no node moves by more than tolerance·K. */
  tolerance?: number;
  /** Gauss-Legendre order p of the final price integral. */
  priceOrder?: number;
}

/** Default discretisation (n, l, m, p) = (12, 12, ≤ 20, 48), sweeps stop once nodes move < 1e-10·K. */
export const ALO_DEFAULTS: Readonly<Required<AloOptions>> = {
  nodes: 12,
  fpOrder: 12,
  iterations: 20,
  tolerance: 1e-10,
  priceOrder: 48,
};

/** Faster, coarser discretisation: ≤ 1e-4 per K = 100 on realistic inputs (median ~1e-6). */
export const ALO_FAST: Readonly<Required<AloOptions>> = {
  nodes: 8,
  fpOrder: 8,
  iterations: 4,
  tolerance: 1e-10,
  priceOrder: 16,
};

/** Resolution used when drift dominates diffusion (max(|r|, |q|, |r − q|)·√T/σ > 16). */
const ALO_RESOLUTION_DRIFT: Readonly<Required<AloOptions>> = {
  nodes: 64,
  fpOrder: 64,
  iterations: 30,
  tolerance: 1e-14,
  priceOrder: 192,
};

/** High-precision discretisation for reference values: ≤ 1e-10 (q ≤ r) / ≤ 2e-8 (q > r) per K = 100. */
export const ALO_HIGH_PRECISION: Readonly<Required<AloOptions>> = {
  nodes: 32,
  fpOrder: 32,
  iterations: 20,
  tolerance: 1e-14,
  priceOrder: 96,
};

const INV_SQRT_2PI = 0.3989422804014327;

/** Φ(d) from g = e^{−d²/2} (Cody erf / erfcx as in bsPrice), sparing a second exponential. */
function cdfFromGauss(d: number, g: number): number {
  const u = d * Math.SQRT1_2;
  if (u < -0.46875) return 0.5 * erfcx(-u) * g;
  if (u > 0.46875) return 1 - 0.5 * erfcx(u) * g;
  return 0.5 + 0.5 * erf(u);
}

/** Per-(n, l, p) constants: Chebyshev extrema, DCT-I matrix, quadrature sin θ, cos θ and weights. */
interface Scheme {
  z: Float64Array;
  dct: Float64Array;
  fs: Float64Array;
  fc: Float64Array;
  fw: Float64Array;
  ps: Float64Array;
  pc: Float64Array;
  pw: Float64Array;
}

const schemes = new Map<number, Scheme>();

function angles(order: number): [Float64Array, Float64Array, Float64Array] {
  const { nodes, weights } = gaussLegendre(order);
  const s = new Float64Array(order);
  const c = new Float64Array(order);
  const w = new Float64Array(order);
  for (let j = 0; j < order; j++) {
    const th = 0.25 * Math.PI * (nodes[j] + 1);
    s[j] = Math.sin(th);
    c[j] = Math.cos(th);
    w[j] = 0.25 * Math.PI * weights[j];
  }
  return [s, c, w];
}

function scheme(n: number, l: number, p: number): Scheme {
  const key = (n * 4096 + l) * 4096 + p;
  const hit = schemes.get(key);
  if (hit) return hit;
  const z = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) z[k] = -Math.cos((k * Math.PI) / n);
  // values at x_j = cos(jπ/n), j = n − k: c_i = (2/n)·Σ''_j f(x_j)·cos(ijπ/n), halved for i = 0 and i = n
  const dct = new Float64Array((n + 1) * (n + 1));
  for (let i = 0; i <= n; i++) {
    for (let k = 0; k <= n; k++) {
      const j = n - k;
      let v = (2 / n) * Math.cos((i * j * Math.PI) / n);
      if (j === 0 || j === n) v *= 0.5;
      if (i === 0 || i === n) v *= 0.5;
      dct[i * (n + 1) + k] = v;
    }
  }
  const [fs, fc, fw] = angles(l);
  const [ps, pc, pw] = angles(p);
  const sch: Scheme = { z, dct, fs, fc, fw, ps, pc, pw };
  schemes.set(key, sch);
  return sch;
}

/** Work space reused across calls (no allocation per price): boundary values, coefficients, per-point constants. */
const STRIDE = 6;
let H = new Float64Array(64);
let coef = new Float64Array(64);
let lnB = new Float64Array(64);
let pts = new Float64Array(STRIDE * 1024);
let basis = new Float64Array(16 * 1024); // T_i(z) at every quadrature point, so a sweep needs dot products only

/** Time to maturity of Chebyshev node z: τ = T·w^4 (quarter) or T·w², w = (1 + z)/2. */
function nodeTau(T: number, z: number, quarter: boolean): number {
  const w = 0.5 * (1 + z);
  return quarter ? T * w * w * w * w : T * w * w;
}

/** Chebyshev series Σ_{i=0}^{n} c[i]·T_i(x) by Clenshaw's recurrence. */
function clenshaw(c: Float64Array, n: number, x: number): number {
  let b1 = 0;
  let b2 = 0;
  const x2 = 2 * x;
  for (let i = n; i >= 1; i--) {
    const b0 = c[i] + x2 * b1 - b2;
    b2 = b1;
    b1 = b0;
  }
  return c[0] + x * b1 - b2;
}

function toCoefficients(dct: Float64Array, H: Float64Array, coef: Float64Array, n: number): void {
  for (let i = 0; i <= n; i++) {
    let s = 0;
    const row = i * (n + 1);
    for (let k = 0; k <= n; k++) s += dct[row + k] * H[k];
    coef[i] = s;
  }
}

/** ALO American put for r > 0 (any q), price units. */
function aloPut(
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
  nodes: number,
  fpOrder: number,
  iterations: number,
  tolerance: number,
  priceOrder: number,
): number {
  const n = Math.max(2, Math.round(nodes));
  const l = Math.max(2, Math.round(fpOrder));
  const p = Math.max(2, Math.round(priceOrder));
  const { z, dct, fs, fc, fw, ps, pc, pw } = scheme(n, l, p);
  const b = r - q;
  const xMax = q > r ? (K * r) / q : K;
  // B(0⁺) = K (q ≤ r): smooth-pasting form, boundary variable (τ/T)^{1/4};
  // B(0⁺) = rK/q < K (q > r): value-matching form, variable √(τ/T) (the smooth-pasting map has slope ≈ −1 there as τ → 0)
  const quarter = q <= r;
  const lnX = Math.log(xMax);
  const lnK = Math.log(K);
  const sqrtT = Math.sqrt(T);
  const m = n * l; // quadrature points of one sweep
  if (H.length < n + 1) {
    H = new Float64Array(2 * (n + 1));
    coef = new Float64Array(2 * (n + 1));
    lnB = new Float64Array(2 * (n + 1));
  }
  if (pts.length < STRIDE * m) pts = new Float64Array(2 * STRIDE * m);
  if (basis.length < (n + 1) * m) basis = new Float64Array(2 * (n + 1) * m);
  const bs = basis;
  const Hs = H;
  const cf = coef;
  const lnb = lnB;
  const pt = pts;
  // constants of the sweep, and the QD+ start
  Hs[0] = 0;
  let guess = xMax;
  for (let k = 1; k <= n; k++) {
    const tau = nodeTau(T, z[k], quarter);
    const xi = Math.sqrt(tau);
    for (let j = 0; j < l; j++) {
      const idx = (k - 1) * l + j;
      const sn = fs[j];
      const cs = fc[j];
      const s2 = sn * sn;
      // u = τ·sin^e θ: du/dθ = e·τ·sin^{e−1}θ·cosθ; √(τ − u) = √τ·cosθ·(√(1 + sin²θ) if e = 4)
      const u = quarter ? tau * s2 * s2 : tau * s2;
      const tm = tau - u;
      const jac = quarter ? 4 * tau * s2 * sn * cs : 2 * tau * sn * cs;
      const o = STRIDE * idx;
      const sqv = quarter ? vol * xi * cs * Math.sqrt(1 + s2) : vol * xi * cs; // σ√(τ − u)
      const zu = (1 + z[k]) * sn - 1; // Chebyshev argument of B(u)
      pt[o] = zu;
      const ob = (n + 1) * idx;
      bs[ob] = 1;
      bs[ob + 1] = zu;
      for (let i = 2; i <= n; i++) bs[ob + i] = 2 * zu * bs[ob + i - 1] - bs[ob + i - 2];
      pt[o + 1] = sqv;
      pt[o + 2] = b * tm; // (r − q)(τ − u)
      pt[o + 3] = exp(-b * tm);
      pt[o + 4] = r * exp(r * u) * fw[j] * jac; // weight of Φ(d₋) in N
      pt[o + 5] = q * exp(q * u) * fw[j] * jac; // weight of Φ(d₊) in D
    }
    let bq = qdPlusPutBoundary(K, tau, r, q, vol, guess, 1e-9);
    if (!(bq > 0 && bq <= xMax)) bq = guess;
    guess = bq;
    const lb = Math.log(bq / xMax);
    Hs[k] = lb * lb;
  }
  const maxSweeps = Math.max(1, Math.round(iterations));
  const tol = tolerance * K;
  for (let it = 0; it < maxSweeps; it++) {
    toCoefficients(dct, Hs, cf, n);
    for (let k = 0; k <= n; k++) lnb[k] = lnX - Math.sqrt(Hs[k]);
    let moved = 0;
    for (let k = 1; k <= n; k++) {
      const tau = nodeTau(T, z[k], quarter);
      const xi = Math.sqrt(tau);
      const lb = lnb[k];
      const bk = exp(lb);
      let iN = 0;
      let iD = 0;
      const base = (k - 1) * l;
      for (let j = 0; j < l; j++) {
        const o = STRIDE * (base + j);
        const ob = (n + 1) * (base + j);
        let hu = 0;
        for (let i = 0; i <= n; i++) hu += cf[i] * bs[ob + i];
        const lr = lb - lnX + Math.sqrt(hu > 0 ? hu : 0); // ln(B(τ)/B(u))
        const s = pt[o + 1];
        const dm = (lr + pt[o + 2]) / s - 0.5 * s;
        const gm = exp(-0.5 * dm * dm); // √(2π)·φ(d₋)
        const gp = gm * exp(-lr) * pt[o + 3]; // √(2π)·φ(d₊)
        iN += pt[o + 4] * cdfFromGauss(dm, gm);
        iD += pt[o + 5] * cdfFromGauss(dm + s, gp);
      }
      const sTau = vol * xi;
      const dp0 = (lb - lnK + b * tau) / sTau + 0.5 * sTau;
      const dm0 = dp0 - sTau;
      const phiP = INV_SQRT_2PI * exp(-0.5 * dp0 * dp0);
      const phiM = (phiP * bk * exp(b * tau)) / K; // K·e^{−rτ}φ(d₋) = B·e^{−qτ}φ(d₊)
      const nv = cdfFromGauss(dm0, phiM / INV_SQRT_2PI) + iN;
      const dv = cdfFromGauss(dp0, phiP / INV_SQRT_2PI) + iD;
      const alpha = K * exp(-b * tau);
      const fv = (alpha * nv) / dv;
      let nb = fv;
      if (it === 0) {
        // partial Jacobi-Newton: derivative of the non-integral terms only
        const nd = phiM / (bk * sTau);
        const dd = phiP / (bk * sTau);
        const fd = alpha * (nd / dv - (dd * nv) / (dv * dv));
        const jn = bk - (fv - bk) / (fd - 1);
        if (jn > 0 && jn < Number.POSITIVE_INFINITY) nb = jn;
      }
      if (!(nb > 0)) nb = bk;
      if (nb > xMax) nb = xMax;
      const d = Math.abs(nb - bk);
      if (d > moved) moved = d;
      const h = Math.log(nb / xMax);
      Hs[k] = h * h;
    }
    if (moved <= tol) break;
  }
  toCoefficients(dct, Hs, cf, n);
  const bT = xMax * exp(-Math.sqrt(Hs[n]));
  if (S <= bT) return K - S;
  const lnS = Math.log(S);
  const sVol = vol * sqrtT;
  let prem = 0;
  for (let j = 0; j < p; j++) {
    const sn = ps[j];
    const cs = pc[j];
    const s2 = sn * sn;
    const tm = quarter ? T * (1 - s2 * s2) : T * cs * cs; // T − u
    const hu = clenshaw(cf, n, 2 * sn - 1);
    const lr = lnS - lnX + Math.sqrt(hu > 0 ? hu : 0); // ln(S/B(u))
    const s = quarter ? sVol * cs * Math.sqrt(1 + s2) : sVol * cs;
    const dm = (lr + b * tm) / s - 0.5 * s;
    const gm = exp(-0.5 * dm * dm);
    const gp = gm * exp(-lr - b * tm);
    const erm = exp(-r * tm);
    const f = r * K * erm * cdfFromGauss(-dm, gm) - q * S * erm * exp(b * tm) * cdfFromGauss(-dm - s, gp);
    prem += pw[j] * (quarter ? 4 * T * s2 * sn : 2 * T * sn) * cs * f;
  }
  const v = bsPrice('put', S, K, T, r, q, vol) + (prem > 0 ? prem : 0);
  return v > K - S ? v : K - S;
}

/**
 * American option price by the Andersen-Lake-Offengenden (2016) fixed-point boundary method, price units.
 * S, K price units; T years; r, q continuous per year; vol per √year. `opts` overrides ALO_DEFAULTS field
 * by field (ALO_FAST, ALO_HIGH_PRECISION are presets); exact limits at T = 0, vol = 0 and where early exercise
 * never pays.
 */
export function aloPrice(
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
  opts?: AloOptions,
): number {
  const lim = americanLimitPrice(type, S, K, T, r, q, vol);
  if (lim !== undefined) return lim;
  const d = ALO_DEFAULTS;
  let n = opts?.nodes ?? d.nodes;
  let l = opts?.fpOrder ?? d.fpOrder;
  let m = opts?.iterations ?? d.iterations;
  let tol = opts?.tolerance ?? d.tolerance;
  let p = opts?.priceOrder ?? d.priceOrder;
  // drift against diffusion over the life: the boundary sharpens as it grows, so the resolution follows it
  const rho = (Math.max(Math.abs(r), Math.abs(q), Math.abs(r - q)) * Math.sqrt(T)) / vol;
  if (rho > 1000) return binomialPrice(type, S, K, T, r, q, vol, 4000, 'bbsr');
  if (rho > 4 || vol * Math.sqrt(T) > 3) {
    const t = rho > 16 ? ALO_RESOLUTION_DRIFT : ALO_HIGH_PRECISION;
    n = Math.max(n, t.nodes);
    l = Math.max(l, t.fpOrder);
    m = Math.max(m, t.iterations);
    tol = Math.min(tol, t.tolerance);
    p = Math.max(p, t.priceOrder);
  }
  return type === 'put'
    ? aloPut(S, K, T, r, q, vol, n, l, m, tol, p)
    : aloPut(K, S, T, q, r, vol, n, l, m, tol, p);
}
