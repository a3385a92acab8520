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
 * (H ~ τ·ln τ near expiry) or w = (τ/T)^{1/2} for q > r, z = 2w − 1. Start: QD+ boundary (Li). Each sweep is
 * a full Newton step on the collocation system v = G(v), v_k = ln(X/B(τ_k)) (ALO's Jacobi-Newton FP-B' of §6
 * takes the derivative of the non-integral terms only; the integral terms' derivative costs O(n·l·n) more and
 * turns the 13–16 linearly converging sweeps it needs from QD+ into 2–4 quadratic ones, measured); should a
 * Newton step ever increase the residual, the iteration falls back to plain FP-B sweeps from the previous
 * iterate. Sweeps stop once no node moves by more than `tolerance`·K (or once the last Newton step leaves
 * less than that), or after `iterations` sweeps. The price is Kim's (1990)
 *   P = p_E(S) + ∫₀^T [rK·e^{−r(T−u)}Φ(−d₋(T−u, S/B(u))) − qS·e^{−q(T−u)}Φ(−d₊(T−u, S/B(u)))] du.
 * All integrals use u = τ·sin⁴θ (resp. τ·sin²θ), θ ∈ [0, π/2], which keeps the integrands analytic at both
 * ends so Gauss-Legendre converges geometrically (ALO use tanh-sinh for the same purpose). The price integral
 * takes ln(X/B(u)) from a Chebyshev interpolant of √H_k for q > r (√ of the H interpolant has a kink where it
 * nears zero, which held the quadrature to ~p⁻² convergence), and is split near u = T when S is close to B(T)
 * (see aloPremium.ts); p = 64 then leaves ≤ 6e-9 per K = 100 where p = 96 left 2e-8. Gaussian factors
 * share exponentials: φ(d₊) = φ(d₋)·(B(u)/B(τ))·e^{−(r−q)(τ−u)}. The resolution follows the problem: when
 * drift dominates diffusion, ρ = max(|r|, |q|, |r − q|)·√T/σ > 4 (or σ√T > 3), at least ALO_HIGH_PRECISION,
 * beyond 16 a 64-node scheme, beyond 1000 (σ → 0) the CRR lattice. Calls by the put-call symmetry
 * C(S, K, r, q) = P(K, S, q, r) (McDonald & Schroder 1998), and in units of the strike, P(S, K) = K·P(S/K, 1): the
 * boundary then depends on T, r, q, σ only, and the last one solved is reused (see LAST).
 * Accuracy of the defaults (n, l, p) = (14, 12, 64), tolerance 1e-8, against a converged reference
 * (n = l = 64, p = 256), per K = 100, 2 × 1000 random realistic inputs: put-equivalent q ≤ r median 2e-11,
 * p99 6e-10, max 5e-9 (≤ 3e-9 on the test grid). For q > r the boundary has a sharp transition where the
 * K-dependent terms e^{−ln²(q/r)/(2σ²τ)} switch on, at τ ~ ln²(q/r)/σ²; where that falls before (or just after)
 * expiry, κ = ln²(q/r)/(2σ²T) < 2, Chebyshev interpolation in √τ resolves it only slowly ((14, 12) left up to
 * 2.2e-6), so the default then takes (n, l) from `switchResolution`, (20, 20) up to (44, 32) as κ falls: ≤ 4.1e-9
 * on 7,200 random such inputs, at 2–10× the cost of those prices. Maps of τ clustering the nodes at the switch
 * (√τ ∝ sinh) gained at most 3× in error, not enough to keep (14, 12) (measured) — see
 * test/quant/american/alo.test.ts. Spots just above B(T) are the hardest: the price there depends on the boundary's
 * last stretch and the premium integrand switches on over T − u ~ a²T (see aloPremium.ts). Adversarial boxes of
 * such spots (2026-12-06; S = B(T)·e^{aσ√T}, a ≤ 1, 300–400 each) found up to 6.2e-8 before the fixes of that day
 * (the ln y piece of the price integral, `nearBoundaryResolution`, the Newton constant); now ≤ 8.5e-9 in each.
 */
import { bsPrice } from '../bsPrice.js';
import { linearSolve } from '../linearSolve.js';
import { exp } from '../normal.js';
import type { OptionType } from '../types.js';
import { cdfFromGauss, premium } from './aloPremium.js';
import { nodeTau, type Scheme, scheme, toCoefficients } from './aloScheme.js';
import { americanLimitPrice, latticePrice } from './limits.js';
import { qdPlusPutBoundary } from './qdPlus.js';

/** Discretisation of the ALO method. */
export interface AloOptions {
  /** Chebyshev interpolation degree n of the boundary (n + 1 nodes including τ = 0). */
  nodes?: number;
  /** Gauss-Legendre order l of the fixed-point integrals. */
  fpOrder?: number;
  /** Maximum number of sweeps m (Newton steps, typically 3–4 are needed). */
  iterations?: number;
  /** Stop sweeping once no node moves by more than tolerance·K. */
  tolerance?: number;
  /** Gauss-Legendre order p of the final price integral. */
  priceOrder?: number;
}

/**
 * Default discretisation (n, l, m, p) = (14, 12, ≤ 20, 64), sweeps stop once nodes move < 1e-8·K; n and l are
 * raised for put-equivalents with q > r and κ < 2 (see `switchResolution`).
 */
export const ALO_DEFAULTS: Readonly<Required<AloOptions>> = {
  nodes: 14,
  fpOrder: 12,
  iterations: 20,
  tolerance: 1e-8,
  priceOrder: 64,
};

/** Faster, coarser discretisation: ≤ 1e-4 per K = 100 on realistic inputs (median ~3e-7). */
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
/**
 * Newton's error after a step from fixed-point residual ρ (relative to K) is taken to be below this·ρ². The median
 * input's constant is ~60 and 300 covered 99 % of steps where σ√T ≥ 0.1, but for short-dated low-volatility puts
 * (σ√T ≲ 0.05) the first node, τ₁ ≈ 2.5e-8·T, converges far more slowly (its d± sit ~4.6 scale units deep in
 * the tail), and with 300 about 1 in 200 of those near the money stopped a sweep early, up to 1.6e-8 per K = 100
 * off. 3000 (measured): none of 2,200 such inputs above 1e-8; the benchmark's rate drops ~3 %.
 */
const NEWTON_CONSTANT = 3000;
/** Relative tolerance of the QD+ starting boundary (Newton corrects it; 1e-9 gave the same sweeps). */
const QD_TOLERANCE = 1e-6;

/** Work space reused across calls (no allocation per price): node values, coefficients, per-point constants. */
// per fixed-point quadrature point: σ√(τ−u), (r−q)(τ−u), e^{−(r−q)(τ−u)}, N and D weights, 1/σ√(τ−u)
const STRIDE = 6;
let H = new Float64Array(64);
let coef = new Float64Array(64);
let pts = new Float64Array(STRIDE * 1024);
let LAG: Float64Array = new Float64Array(1); // the scheme's interpolation weights (see scheme)
let LAGT: Float64Array = new Float64Array(1); // … transposed per node

let vv = new Float64Array(64); // v_k = ln(X/B(τ_k)) = √H_k, the Newton unknowns
let AN = new Float64Array(64); // per quadrature point of one node: w·φ(d₋)/(σ√(τ − u)·ln(X/B(u))) (then the
// Jacobian weight of the point), and AD for D
let AD = new Float64Array(64);
let JAC = new Float64Array(64 * 64); // I − ∂G/∂v, row-major n × n
let RES = new Float64Array(64); // G(v) − v, then the Newton step

/**
 * Newton on the collocation system (ALO §5–6, FP-B made a full Newton step). Unknowns
 * v_k = ln(X/B(τ_k)) = √H_k, k = 1…n; the fixed-point map is G_k(v) = ln X − ln f_k,
 * f_k = K·e^{−(r−q)τ_k}·N_k/D_k (FP-B). With w(u) = √H(u) = ln(X/B(u)), H(u) = Σ_j L_j(u)·v_j² (Chebyshev
 * interpolation of the node values, L_j from the DCT), d±(t) = (ln(B(τ)/B(u)) + (r − q)t)/(σ√t) ± σ√t/2,
 * ∂d±/∂v_k = −1/(σ√t) and ∂d±/∂v_j = L_j·v_j/(w·σ√t):
 *   ∂G_k/∂v_j = ∂D_k/D_k − ∂N_k/N_k,  ∂N_k = −[φ(d₋⁰)/σ√τ_k + Σ_u w_u^N φ(d₋)/σ√(τ_k−u)]·δ_kj
 *             + Σ_u w_u^N φ(d₋)/σ√(τ_k−u) · L_j(u)·v_j/w(u),  and the same for D with φ(d₊), w^D.
 * Each sweep solves (I − ∂G/∂v)·Δ = G(v) − v; from the QD+ start it converges quadratically (2–4 sweeps where
 * ALO's Jacobi-Newton FP-B' needed 13–16 for the same accuracy). The Jacobian costs O(n·l·n + n³) per sweep,
 * about a third of the sweep.
 */
const NI = new Float64Array(4); // nodeIntegrals: ∫ of N, ∫ of D, Σ w^N φ(d₋)/σ√t, Σ w^D φ(d₊)/σ√t
let nodeDriftA = new Float64Array(64); // per node: (r−q)τ/σ√τ + σ√τ/2, σ√τ, e^{(r−q)τ}, K·e^{−(r−q)τ}
let nodeSdA = new Float64Array(64);
let nodeEbA = new Float64Array(64);
let nodeAlphaA = new Float64Array(64);
const SWEEP = { moved: 0, ok: false };
let GV = new Float64Array(64); // G(v) of the last sweep: the plain fixed-point step
let GV0 = new Float64Array(64); // … of the sweep before

/**
 * The integrals of N_k and D_k (into NI) for the node whose quadrature points start at `base`, at
 * ln B(τ_k) = lb, and the per-point Newton weights w·φ/(σ√t·w(u)) into AN, AD. Φ(d₋), Φ(d₊) share one call
 * site so that the engine inlines cdfFromGauss once.
 */
function nodeIntegrals(base: number, l: number, nn: number, lb: number, lnX: number): void {
  const lag = LAG;
  const pt = pts;
  const h = H;
  let iN = 0;
  let iD = 0;
  let sN = 0;
  let sD = 0;
  for (let j = 0; j < l; j++) {
    const o = STRIDE * (base + j);
    const ob = nn * (base + j);
    // H(u) (H_0 = 0); two partial sums (measured: the unrolled dot products here and in the Jacobian made the
    // default 9–18 % faster, most where n is large; results change by ~1e-16·K from reassociation)
    let hu0 = 0;
    let hu1 = 0;
    let i = 1;
    for (; i + 1 < nn; i += 2) {
      hu0 += lag[ob + i] * h[i];
      hu1 += lag[ob + i + 1] * h[i + 1];
    }
    if (i < nn) hu0 += lag[ob + i] * h[i];
    const hu = hu0 + hu1;
    const w = Math.sqrt(hu > 0 ? hu : 0); // ln(X/B(u))
    const lr = lb - lnX + w; // ln(B(τ)/B(u))
    const s = pt[o];
    const is = pt[o + 5];
    const dm = (lr + pt[o + 1]) * is - 0.5 * s;
    const gm = exp(-0.5 * dm * dm); // √(2π)·φ(d₋)
    const gp = gm * exp(-lr) * pt[o + 2]; // √(2π)·φ(d₊)
    let cm = 0;
    let cp = 0;
    for (let t = 0; t < 2; t++) {
      const c = cdfFromGauss(t === 0 ? dm : dm + s, t === 0 ? gm : gp);
      if (t === 0) cm = c;
      else cp = c;
    }
    iN += pt[o + 3] * cm;
    iD += pt[o + 4] * cp;
    const aN = pt[o + 3] * gm * is;
    const aD = pt[o + 4] * gp * is;
    sN += aN;
    sD += aD;
    const iw = w > 0 ? 1 / w : 0;
    AN[j] = aN * iw;
    AD[j] = aD * iw;
  }
  NI[0] = iN;
  NI[1] = iD;
  NI[2] = sN;
  NI[3] = sD;
}

/**
 * One Newton sweep over nodes 1…n (see above): reads H (node values) and coef, writes the new node values
 * into H; SWEEP.moved = max_k |f_k − B(τ_k)| (price units, the fixed-point residual before the step),
 * SWEEP.ok = false when the Newton system was singular (then each node keeps its value).
 */
function newtonSweep(
  n: number,
  l: number,
  K: number,
  lnX: number,
  lnK: number,
  xMax: number,
  newton: boolean,
): void {
  const nn = n + 1;
  const lagT = LAGT;
  const jac = JAC;
  const vs = vv;
  let moved = 0;
  for (let k = 1; k <= n; k++) {
    const lb = lnX - vs[k];
    const bk = exp(lb);
    const base = (k - 1) * l;
    nodeIntegrals(base, l, nn, lb, lnX);
    const sTau = nodeSdA[k];
    const dp0 = (lb - lnK) / sTau + nodeDriftA[k];
    const dm0 = dp0 - sTau;
    const gP = exp(-0.5 * dp0 * dp0); // √(2π)·φ(d₊), and K·e^{−rτ}φ(d₋) = B·e^{−qτ}φ(d₊):
    const gM = (gP * bk * nodeEbA[k]) / K;
    let cm = 0;
    let cp = 0;
    for (let t = 0; t < 2; t++) {
      const c = cdfFromGauss(t === 0 ? dm0 : dp0, t === 0 ? gM : gP);
      if (t === 0) cm = c;
      else cp = c;
    }
    const nv = cm + NI[0];
    const dv = cp + NI[1];
    const fv = (nodeAlphaA[k] * nv) / dv;
    const g = lnX - Math.log(fv); // G_k(v)
    GV[k] = g > 0 ? g : g === g ? 0 : vv[k]; // the plain fixed-point step (B ≤ X; kept if f is not finite)
    let nb = fv;
    if (!(nb > 0)) nb = bk;
    if (nb > xMax) nb = xMax;
    const d = Math.abs(nb - bk);
    if (d > moved) moved = d;
    if (!newton) continue;
    // row k of I − ∂G/∂v: the dependence through B(u) (∂H(u)/∂v_j = 2·lag_j(u)·v_j) …
    const invN = INV_SQRT_2PI / nv;
    const invD = INV_SQRT_2PI / dv;
    const an = AN;
    const ad = AD;
    for (let j = 0; j < l; j++) an[j] = ad[j] * invD - an[j] * invN; // the weight of point j's lag row
    const row = (k - 1) * n - 1;
    const l4 = l & ~3;
    for (let i = 1, o = (k - 1) * nn * l + l; i <= n; i++, o += l) {
      let e0 = 0; // four partial sums of Σ_j an[j]·lagT[o + j]
      let e1 = 0;
      let e2 = 0;
      let e3 = 0;
      let j = 0;
      for (; j < l4; j += 4) {
        e0 += an[j] * lagT[o + j];
        e1 += an[j + 1] * lagT[o + j + 1];
        e2 += an[j + 2] * lagT[o + j + 2];
        e3 += an[j + 3] * lagT[o + j + 3];
      }
      for (; j < l; j++) e0 += an[j] * lagT[o + j];
      jac[row + i] = -(e0 + e1 + (e2 + e3)) * vs[i];
    }
    // … and through B(τ_k) itself (∂d/∂v_k = −1/σ√t in every term)
    jac[row + k] +=
      1 - ((INV_SQRT_2PI * (gM / sTau + NI[2])) / nv - (INV_SQRT_2PI * (gP / sTau + NI[3])) / dv);
    RES[k - 1] = g - vv[k]; // G_k(v) − v_k
  }
  const ok = newton && linearSolve(JAC, RES, n);
  for (let k = 1; k <= n; k++) {
    let v = ok ? vv[k] + RES[k - 1] : GV[k];
    if (!(v === v)) v = GV[k];
    if (v < 0) v = 0; // B ≤ X
    H[k] = v * v;
  }
  SWEEP.moved = moved;
  SWEEP.ok = ok;
}

/**
 * Per-point constants of node τ (σ√τ = sTau) for the l-point quadrature of `sch`, into pt from point `base`:
 * u = τ·sin^e θ, du/dθ = e·τ·sin^{e−1}θ·cosθ, √(τ − u) = √τ·cosθ·(√(1 + sin²θ) if e = 4).
 */
function nodePoints(
  pt: Float64Array,
  base: number,
  l: number,
  sch: Scheme,
  tau: number,
  sTau: number,
  r: number,
  q: number,
  quarter: boolean,
): void {
  const { fs, fc, fw, fr } = sch;
  const ebInv = exp(-(r - q) * tau);
  for (let j = 0; j < l; j++) {
    const sn = fs[j];
    const cs = fc[j];
    const s2 = sn * sn;
    const u = quarter ? tau * s2 * s2 : tau * s2;
    const jac = (quarter ? 4 * tau * s2 * sn * cs : 2 * tau * sn * cs) * fw[j];
    const o = STRIDE * (base + j);
    const sqv = quarter ? sTau * cs * fr[j] : sTau * cs; // σ√(τ − u)
    pt[o] = sqv;
    pt[o + 1] = (r - q) * (tau - u); // (r − q)(τ − u)
    const eru = exp(r * u);
    const equ = exp(q * u);
    pt[o + 2] = (ebInv * eru) / equ; // e^{−(r−q)(τ−u)} = e^{−(r−q)τ}·e^{ru}/e^{qu}
    pt[o + 3] = r * eru * jac; // weight of Φ(d₋) in N
    pt[o + 4] = q * equ * jac; // weight of Φ(d₊) in D
    pt[o + 5] = 1 / sqv;
  }
}

/**
 * The exercise boundary of the put with strike K (price units): runs the QD+ start and the Newton sweeps, leaves
 * the Chebyshev coefficients of H (q ≤ r) or of ln(X/B) (q > r) in `coef` and returns B(T).
 */
function solveBoundary(
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
  n: number,
  l: number,
  iterations: number,
  tolerance: number,
  sch: Scheme,
): number {
  const z = sch.z;
  LAG = sch.lag;
  LAGT = sch.lagT;
  const b = r - q;
  const xMax = q > r ? (K * r) / q : K;
  // B(0⁺) = K (q ≤ r): boundary variable (τ/T)^{1/4} (H ~ τ·ln τ near expiry);
  // B(0⁺) = rK/q < K (q > r): variable √(τ/T) (H ~ τ)
  const quarter = q <= r;
  const lnX = Math.log(xMax);
  const lnK = Math.log(K);
  const m = n * l; // quadrature points of one sweep
  if (H.length < n + 1) {
    H = new Float64Array(2 * (n + 1));
    coef = new Float64Array(2 * (n + 1));
    vv = new Float64Array(2 * (n + 1));
    RES = new Float64Array(2 * (n + 1));
    GV = new Float64Array(2 * (n + 1));
    GV0 = new Float64Array(2 * (n + 1));
    JAC = new Float64Array(4 * (n + 1) * (n + 1));
    nodeDriftA = new Float64Array(2 * (n + 1));
    nodeSdA = new Float64Array(2 * (n + 1));
    nodeEbA = new Float64Array(2 * (n + 1));
    nodeAlphaA = new Float64Array(2 * (n + 1));
  }
  if (AN.length < l) {
    AN = new Float64Array(2 * l);
    AD = new Float64Array(2 * l);
  }
  if (pts.length < STRIDE * m) pts = new Float64Array(2 * STRIDE * m);
  const Hs = H;
  // constants of the sweeps, and the QD+ start
  Hs[0] = 0;
  let guess = xMax;
  for (let k = 1; k <= n; k++) {
    const tau = nodeTau(T, z[k], quarter);
    const xi = Math.sqrt(tau);
    const sTau = vol * xi;
    nodeSdA[k] = sTau;
    nodeDriftA[k] = (b * tau) / sTau + 0.5 * sTau; // d₊(τ_k) less its ln(B/K)/σ√τ part
    nodeEbA[k] = exp(b * tau);
    nodeAlphaA[k] = K / nodeEbA[k];
    nodePoints(pts, (k - 1) * l, l, sch, tau, sTau, r, q, quarter);
    let bq = qdPlusPutBoundary(K, tau, r, q, vol, guess, QD_TOLERANCE);
    if (!(bq > 0 && bq <= xMax)) bq = guess;
    guess = bq;
    const lb = Math.log(bq / xMax);
    Hs[k] = lb * lb;
  }
  const maxSweeps = Math.max(1, Math.round(iterations));
  const tol = tolerance * K;
  let newton = true;
  let last = Number.POSITIVE_INFINITY;
  for (let it = 0; it < maxSweeps; it++) {
    for (let k = 0; k <= n; k++) vv[k] = Math.sqrt(Hs[k]);
    newtonSweep(n, l, K, lnX, lnK, xMax, newton);
    const moved = SWEEP.moved;
    if (newton && moved > last) {
      // Newton made the residual grow (its linear model fails, e.g. for many nodes very close to expiry): go
      // back to the previous iterate's plain FP-B step and continue with plain sweeps, which contract.
      newton = false;
      for (let k = 1; k <= n; k++) Hs[k] = GV0[k] * GV0[k];
      continue;
    }
    last = moved;
    const g = GV0;
    GV0 = GV;
    GV = g;
    // Quadratic convergence: a step from residual ρ leaves ≲ NEWTON_CONSTANT·ρ² (relative), so the sweep that
    // would only confirm it is skipped once that is below the tolerance.
    if (moved <= tol || (SWEEP.ok && (moved / K) * (moved / K) * NEWTON_CONSTANT <= tolerance)) break;
  }
  // The price integrand needs ln(X/B(u)). For q ≤ r it is √H of the interpolated H; for q > r, where
  // ln(X/B) ~ √τ is itself smooth in the variable √τ, the interpolant of √H_k avoids the kink √H has
  // wherever the interpolant of H passes near zero (the price quadrature then converges geometrically).
  const lin = !quarter;
  if (lin) for (let k = 0; k <= n; k++) Hs[k] = Math.sqrt(Hs[k]);
  toCoefficients(sch.dct, Hs, coef, n);
  return xMax * exp(-(lin ? Hs[n] : Math.sqrt(Hs[n])));
}

/**
 * The last boundary solved, by its inputs: the boundary does not depend on S, so prices at other spots (greeks,
 * scenario grids) and, as aloPrice works in units of the strike, at other strikes with the same T, r, q, vol and
 * discretisation reuse it. The result is the same number as a fresh solve (the same computation on the same
 * inputs), whatever was priced before.
 */
const LAST = {
  valid: false,
  K: 0,
  T: 0,
  r: 0,
  q: 0,
  vol: 0,
  iterations: 0,
  tolerance: 0,
  sch: null as Scheme | null,
  bT: 0,
};

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
  nearBoundary?: [number, number, number],
): number {
  const n = Math.max(2, Math.round(nodes));
  const l = Math.max(2, Math.round(fpOrder));
  const p = Math.max(2, Math.round(priceOrder));
  const sch = scheme(n, l, p);
  const last = LAST;
  let bT: number;
  if (
    last.valid &&
    last.sch === sch &&
    last.K === K &&
    last.T === T &&
    last.r === r &&
    last.q === q &&
    last.vol === vol &&
    last.iterations === iterations &&
    last.tolerance === tolerance
  )
    bT = last.bT;
  else {
    last.valid = false;
    bT = solveBoundary(K, T, r, q, vol, n, l, iterations, tolerance, sch);
    last.K = K;
    last.T = T;
    last.r = r;
    last.q = q;
    last.vol = vol;
    last.iterations = iterations;
    last.tolerance = tolerance;
    last.sch = sch;
    last.bT = bT;
    last.valid = true;
  }
  const quarter = q <= r;
  const lin = !quarter;
  const lnX = Math.log(q > r ? (K * r) / q : K);
  if (S <= bT) return K - S;
  if (nearBoundary && Math.log(S / bT) < NEAR_BOUNDARY_A * vol * Math.sqrt(T)) {
    const [nb, lb, pb] = nearBoundary;
    if (n < nb || l < lb || p < pb)
      return aloPut(
        S,
        K,
        T,
        r,
        q,
        vol,
        Math.max(n, nb),
        Math.max(l, lb),
        iterations,
        tolerance,
        Math.max(p, pb),
      );
  }
  USED.nodes = n;
  USED.fpOrder = l;
  USED.priceOrder = p;
  const prem = premium(S, K, T, r, q, vol, n, lnX, quarter, lin, sch, bT, coef);
  const v = bsPrice('put', S, K, T, r, q, vol) + (prem > 0 ? prem : 0);
  return v > K - S ? v : K - S;
}

/**
 * The (n, l) the default discretisation needs to stay within 1e-8 per K = 100 for a put with q > r > 0 where the
 * K-terms switch on before or soon after expiry, κ = ln²(q/r)/(2σ²T) < 2 (`switchKappa`); `undefined` elsewhere
 * (n = 14, l = 12 suffice; for spots near B(T) see `nearBoundaryResolution`). Measured against the converged
 * reference on 1,800 random such inputs per band (max error):
 * κ ∈ [1, 2) (20, 20) 2.1e-9; [0.3, 1) (28, 24) 2.1e-9; [0.1, 0.3) (36, 28) 3.2e-9; below 0.1 (44, 32) 4.1e-9 —
 * where (14, 12) left up to 2.2e-6. l must grow with n: with l well below n a few inputs were 1–2e-8 off
 * (e.g. (40, 28) and (48, 32) on an input that (36, 28) priced to 4e-10).
 */
export function switchResolution(kappa: number): [number, number] | undefined {
  if (!(kappa < 2)) return undefined;
  return kappa >= 1 ? [20, 20] : kappa >= 0.3 ? [28, 24] : kappa >= 0.1 ? [36, 28] : [44, 32];
}

/** κ = ln²(q/r)/(2σ²T) of a put with q > r > 0 (NaN otherwise): where the K-terms switch on, see above. */
export function switchKappa(q: number, r: number, vol: number, T: number): number {
  if (!(q > r && r > 0)) return Number.NaN;
  const l = Math.log(q / r);
  return (l * l) / (2 * vol * vol * T);
}

/**
 * The (n, l, p) for spots within NEAR_BOUNDARY_A·σ√T of B(T) of a put with q > r > 0, by κ (`undefined`: the
 * default suffices). There the price depends on the boundary's last stretch, and the κ bands of
 * `switchResolution`, measured on random spots, left up to 4.2e-8 per K = 100 (15 % of such spots above 1e-8 where
 * κ < 0.03, σ√T 0.5–1.6) and (14, 12) up to 3.3e-8 for κ ∈ [2, 4). The boundary is solved a second time, at
 * this resolution, for those spots only. Measured max errors, 300 random such spots per band: see alo.test.ts.
 */
export function nearBoundaryResolution(kappa: number): [number, number, number] | undefined {
  if (!(kappa < 4)) return undefined;
  return kappa < 0.3 ? [64, 48, 256] : kappa < 1 ? [36, 28, 64] : [28, 24, 64];
}
const NEAR_BOUNDARY_A = 0.5;

/** ALO_DEFAULTS with the discretisation fields opts sets (an explicit `undefined` does not override). */
function withDefaults(opts: AloOptions | undefined): Required<AloOptions> {
  const out = { ...ALO_DEFAULTS };
  for (const k of Object.keys(out) as (keyof AloOptions)[]) {
    const v = opts?.[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The discretisation of the last aloPrice call (after the κ, drift and near-boundary rules). */
const USED: Required<AloOptions> = { ...ALO_DEFAULTS };

/**
 * The discretisation `aloPrice(type, S, K, T, r, q, vol, opts)` uses at these inputs, all fields set: passed as
 * `opts` to prices at nearby inputs it keeps their discretisation the same (no κ-band or near-boundary switch
 * between them), so that finite differences see one smooth function (see americanGreeks.ts). Prices once.
 */
export function aloDiscretisation(
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
  opts?: AloOptions,
): Required<AloOptions> {
  Object.assign(USED, withDefaults(opts));
  aloPrice(type, S, K, T, r, q, vol, opts);
  return { ...USED };
}

/**
 * American option price by the Andersen-Lake-Offengenden (2016) fixed-point boundary method, price units.
 * S, K price units; T years; r, q continuous per year; vol per √year. `opts` overrides ALO_DEFAULTS field
 * by field (ALO_FAST, ALO_HIGH_PRECISION are presets; where q > r with κ < 2 the default n and l are raised
 * by `switchResolution`, and for spots near B(T) with κ < 4 n, l and p by `nearBoundaryResolution`, unless
 * `opts` sets n or l, or, for the latter, p; `aloDiscretisation` returns what was used); exact limits at T = 0,
 * vol = 0 and where early exercise never pays.
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
  let { nodes: n, fpOrder: l, iterations: m, tolerance: tol, priceOrder: p } = withDefaults(opts);
  // drift against diffusion over the life: the boundary sharpens as it grows, so the resolution follows it
  const rho = (Math.max(Math.abs(r), Math.abs(q), Math.abs(r - q)) * Math.sqrt(T)) / vol;
  if (rho > 1000) return latticePrice(type, S, K, T, r, q, vol, 4000);
  // put-equivalent q > r (a call's r, q swap under the symmetry): resolve the K-terms' switch-on (see above)
  let near: [number, number, number] | undefined;
  if (opts?.nodes === undefined && opts?.fpOrder === undefined) {
    const kappa = type === 'put' ? switchKappa(q, r, vol, T) : switchKappa(r, q, vol, T);
    const res = switchResolution(kappa);
    if (res !== undefined) {
      n = Math.max(n, res[0]);
      l = Math.max(l, res[1]);
    }
    if (opts?.priceOrder === undefined) near = nearBoundaryResolution(kappa);
  }
  if (rho > 4 || vol * Math.sqrt(T) > 3) {
    const t = rho > 16 ? ALO_RESOLUTION_DRIFT : ALO_HIGH_PRECISION;
    n = Math.max(n, t.nodes);
    l = Math.max(l, t.fpOrder);
    m = Math.max(m, t.iterations);
    tol = Math.min(tol, t.tolerance);
    p = Math.max(p, t.priceOrder);
  }
  USED.nodes = n;
  USED.fpOrder = l;
  USED.priceOrder = p;
  USED.iterations = m;
  USED.tolerance = tol;
  return type === 'put'
    ? K * aloPut(S / K, 1, T, r, q, vol, n, l, m, tol, p, near)
    : S * aloPut(K / S, 1, T, q, r, vol, n, l, m, tol, p, near);
}
