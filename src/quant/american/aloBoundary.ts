/**
 * The exercise-boundary solver of the Andersen-Lake-Offengenden method (see alo.ts for the method, its
 * discretisation and accuracy): the collocation system on Chebyshev nodes, its Newton sweeps (fixed-point map,
 * Jacobian, stop rule) from the QD+ start, in work space reused across calls (no allocation per price).
 */
import { linearSolve } from '../linearSolve.js';
import { exp } from '../normal.js';
import { cdfFromGauss } from './aloPremium.js';
import { clenshaw, nodeTau, type Scheme, toCoefficients } from './aloScheme.js';
import { qdPlusPutBoundary } from './qdPlus.js';

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
let FH = new Float64Array(1024); // per quadrature point: the part of H(u) fixed during the sweeps (split solve)
/**
 * Points per node that have interpolation weights (the first LAG_PTS of each node's l): all l in the one-piece
 * solve; in the split solve the first piece's points take H(u) from FH alone, so their zero weights are skipped
 * in H(u) and in the Jacobian (same numbers: the skipped terms are exact zeros).
 */
let LAG_PTS = 0;

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
  const fh = FH;
  const lagPts = LAG_PTS;
  let iN = 0;
  let iD = 0;
  let sN = 0;
  let sD = 0;
  for (let j = 0; j < l; j++) {
    const o = STRIDE * (base + j);
    const ob = nn * (base + j);
    // H(u) (H_0 = 0); two partial sums (measured: the unrolled dot products here and in the Jacobian made the
    // default 9–18 % faster, most where n is large; results change by ~1e-16·K from reassociation)
    const nd = j < lagPts ? nn : 1;
    let hu0 = 0;
    let hu1 = 0;
    let i = 1;
    for (; i + 1 < nd; i += 2) {
      hu0 += lag[ob + i] * h[i];
      hu1 += lag[ob + i + 1] * h[i + 1];
    }
    if (i < nd) hu0 += lag[ob + i] * h[i];
    const hu = hu0 + hu1 + fh[base + j];
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
    const lj = LAG_PTS;
    for (let j = 0; j < lj; j++) an[j] = ad[j] * invD - an[j] * invN; // the weight of point j's lag row
    const row = (k - 1) * n - 1;
    const l4 = lj & ~3;
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
      for (; j < lj; j++) e0 += an[j] * lagT[o + j];
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
    const sqv = quarter ? sTau * cs * fr[j] : sTau * cs; // σ√(τ − u)
    setPoint(pt, STRIDE * (base + j), sqv, tau - u, ebInv, exp(r * u), exp(q * u), jac, r, q);
  }
}

/**
 * The constants of one fixed-point quadrature point at offset o (see STRIDE) from σ√(τ − u) = sqv, τ − u = t,
 * e^{−(r−q)τ}, e^{ru}, e^{qu} and the quadrature weight jac (du per unit of the rule's variable).
 */
function setPoint(
  pt: Float64Array,
  o: number,
  sqv: number,
  t: number,
  ebInv: number,
  eru: number,
  equ: number,
  jac: number,
  r: number,
  q: number,
): void {
  pt[o] = sqv;
  pt[o + 1] = (r - q) * t; // (r − q)(τ − u)
  pt[o + 2] = (ebInv * eru) / equ; // e^{−(r−q)(τ−u)} = e^{−(r−q)τ}·e^{ru}/e^{qu}
  pt[o + 3] = r * eru * jac; // weight of Φ(d₋) in N
  pt[o + 4] = q * equ * jac; // weight of Φ(d₊) in D
  pt[o + 5] = 1 / sqv;
}

/** Grows the work space for n nodes and l points per node. */
function ensureWorkSpace(n: number, l: number): void {
  const m = n * l;
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
  if (FH.length < m) FH = new Float64Array(2 * m);
}

/** Per-node constants of node k at τ (σ√τ = sTau) and its QD+ start value; returns the start boundary. */
function nodeStart(
  k: number,
  K: number,
  tau: number,
  r: number,
  q: number,
  vol: number,
  guess: number,
): number {
  const b = r - q;
  const sTau = vol * Math.sqrt(tau);
  nodeSdA[k] = sTau;
  nodeDriftA[k] = (b * tau) / sTau + 0.5 * sTau; // d₊(τ_k) less its ln(B/K)/σ√τ part
  nodeEbA[k] = exp(b * tau);
  nodeAlphaA[k] = K / nodeEbA[k];
  const xMax = q > r ? (K * r) / q : K;
  let bq = qdPlusPutBoundary(K, tau, r, q, vol, guess, QD_TOLERANCE);
  if (!(bq > 0 && bq <= xMax)) bq = guess;
  const lb = Math.log(bq / xMax);
  H[k] = lb * lb;
  return bq;
}

/**
 * Newton sweeps (plain FP-B sweeps should Newton make the residual grow) from the node values in H until the stop
 * rule (see NEWTON_CONSTANT) or `iterations`; leaves the node values in H. With `restartable`, a Newton step that
 * makes the residual grow ends the sweeps instead and returns false (the caller then starts again from QD+).
 */
function runSweeps(
  n: number,
  l: number,
  K: number,
  lnX: number,
  lnK: number,
  xMax: number,
  iterations: number,
  tolerance: number,
  restartable: boolean,
): boolean {
  const Hs = H;
  const maxSweeps = Math.max(1, Math.round(iterations));
  const tol = tolerance * K;
  let newton = true;
  let last = Number.POSITIVE_INFINITY;
  let prev = Number.POSITIVE_INFINITY; // the last sweep's move
  for (let it = 0; it < maxSweeps; it++) {
    for (let k = 0; k <= n; k++) vv[k] = Math.sqrt(Hs[k]);
    newtonSweep(n, l, K, lnX, lnK, xMax, newton);
    const moved = SWEEP.moved;
    if (newton && moved > last) {
      if (restartable) return false;
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
    // … trusted only while the sweeps are seen converging quadratically (this move within the constant times the
    // last one squared): where they were not (n ≥ 48 with q < 0: Newton's model is poor at the nodes nearest
    // expiry), the skipped sweep was worth up to 8e-6·K
    const quadratic =
      prev === Number.POSITIVE_INFINITY || moved / K <= NEWTON_CONSTANT * (prev / K) * (prev / K);
    prev = moved;
    if (moved <= tol || (SWEEP.ok && quadratic && (moved / K) * (moved / K) * NEWTON_CONSTANT <= tolerance))
      break;
  }
  return true;
}

/**
 * Warm starts (opt-in: `warm` of the solvers, AloOptions.warmStart). Every solve leaves, in a slot of its role
 * (one-piece, split first piece, split second piece) and discretisation, the offset of its converged node values
 * from its QD+ start, c_k = v_k − v_k^{QD+} (v = √H = ln(X/B(τ_k))). A warm solve starts from its own QD+ values
 * plus the offsets of its slot when the last price that solved anything wrote it (see beginPrice; so a chain of
 * prices that starts cold depends on its inputs only): QD+ carries the change of inputs, the offsets QD+'s error,
 * which varies slowly with them. Measured (200 random inputs, against 2–4 sweeps cold): after σ + 1e-4 or
 * r + 1e-5, 1 sweep for 96–99 %; after σ·1.001, 1–2; prices within 7e-11 per K = 100 of a cold solve's. Should a
 * warm start's Newton step make the residual grow (seen at σ√T ≈ 0.01), the solve starts again from QD+ alone.
 */
interface WarmSlot {
  /** the price (priceCount) that wrote it */
  id: number;
  quarter: boolean;
  off: Float64Array;
}
type WarmSlots = Map<Scheme, WarmSlot>;
const WARM_ONE: WarmSlots = new Map();
const WARM_A: WarmSlots = new Map();
const WARM_B: WarmSlots = new Map();
let QD_V = new Float64Array(64); // the QD+ start's v_k of the current solve
let priceCount = 0;
let currentPrice = 0;
let lastSolvingPrice = -1; // the last price that solved a boundary
let previousSolvingPrice = -1; // … before the current one

/** Marks the start of one price (aloPrice): its warm solves take the slots of the last price that solved. */
export function beginPrice(): void {
  currentPrice = ++priceCount;
  previousSolvingPrice = lastSolvingPrice;
}

/**
 * runSweeps from the QD+ node values in H, or (warm, same discretisation in the slot) from them plus the slot's
 * offsets; leaves the converged node values in H and their offsets in the slot.
 */
function sweepFrom(
  slots: WarmSlots,
  sch: Scheme,
  warm: boolean,
  quarter: boolean,
  n: number,
  l: number,
  K: number,
  lnX: number,
  lnK: number,
  xMax: number,
  iterations: number,
  tolerance: number,
): void {
  const Hs = H;
  if (QD_V.length < n + 1) QD_V = new Float64Array(2 * (n + 1));
  let slot = slots.get(sch);
  if (slot === undefined) {
    slot = { id: -2, quarter, off: new Float64Array(n + 1) }; // -2: never the previous solving price
    slots.set(sch, slot);
  }
  for (let k = 0; k <= n; k++) QD_V[k] = Math.sqrt(Hs[k]);
  const fromSlot = warm && slot.id === previousSolvingPrice && slot.quarter === quarter;
  if (fromSlot)
    for (let k = 1; k <= n; k++) {
      const v = QD_V[k] + slot.off[k];
      Hs[k] = v > 0 ? v * v : 0;
    }
  if (!runSweeps(n, l, K, lnX, lnK, xMax, iterations, tolerance, fromSlot)) {
    for (let k = 1; k <= n; k++) Hs[k] = QD_V[k] * QD_V[k];
    runSweeps(n, l, K, lnX, lnK, xMax, iterations, tolerance, false);
  }
  for (let k = 0; k <= n; k++) slot.off[k] = Math.sqrt(Hs[k]) - QD_V[k];
  slot.id = currentPrice;
  slot.quarter = quarter;
  lastSolvingPrice = currentPrice;
}

/**
 * The exercise boundary of the put with strike K (price units): runs the QD+ start and the Newton sweeps, leaves
 * the Chebyshev coefficients of H (q ≤ r) or of ln(X/B) (q > r) in `coef` and returns B(T).
 */
export function solveBoundary(
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
  warm = false,
  slots: WarmSlots = WARM_ONE,
): number {
  const z = sch.z;
  LAG = sch.lag;
  LAGT = sch.lagT;
  LAG_PTS = l;
  const xMax = q > r ? (K * r) / q : K;
  // B(0⁺) = K (q ≤ r): boundary variable (τ/T)^{1/4} (H ~ τ·ln τ near expiry);
  // B(0⁺) = rK/q < K (q > r): variable √(τ/T) (H ~ τ)
  const quarter = q <= r;
  const lnX = Math.log(xMax);
  const lnK = Math.log(K);
  ensureWorkSpace(n, l);
  FH.fill(0, 0, n * l);
  const Hs = H;
  // constants of the sweeps, and the QD+ start
  Hs[0] = 0;
  let guess = xMax;
  for (let k = 1; k <= n; k++) {
    const tau = nodeTau(T, z[k], quarter);
    nodePoints(pts, (k - 1) * l, l, sch, tau, vol * Math.sqrt(tau), r, q, quarter);
    guess = nodeStart(k, K, tau, r, q, vol, guess);
  }
  sweepFrom(slots, sch, warm, quarter, n, l, K, lnX, lnK, xMax, iterations, tolerance);
  // The price integrand needs ln(X/B(u)). For q ≤ r it is √H of the interpolated H; for q > r, where
  // ln(X/B) ~ √τ is itself smooth in the variable √τ, the interpolant of √H_k avoids the kink √H has
  // wherever the interpolant of H passes near zero (the price quadrature then converges geometrically).
  const lin = !quarter;
  if (lin) for (let k = 0; k <= n; k++) Hs[k] = Math.sqrt(Hs[k]);
  toCoefficients(sch.dct, Hs, coef, n);
  return xMax * exp(-(lin ? Hs[n] : Math.sqrt(Hs[n])));
}

/** The Chebyshev coefficients the last `solveBoundary` left (its work space: read before the next solve). */
export function boundaryCoefficients(): Float64Array {
  return coef;
}

let LAG_S = new Float64Array(1024); // split solve: interpolation weights of the second piece's points
let LAGT_S = new Float64Array(1024);
let COEF_A = new Float64Array(32); // split solve: Chebyshev coefficients of ln(X/B) on [0, τ_s] in √(u/τ_s)
let COEF_B = new Float64Array(64); // … and on [τ_s, T] in ln u
let A_PTS = new Float64Array(64); // split solve: u, weight, e^{ru}, e^{qu}, H(u) of each first-piece point
const SPLIT = { nA: 0, nB: 0, tauS: 0, logRange: 0 };

/**
 * The exercise boundary of a put with q > r > 0 (strike K, price units) in two causal pieces: [0, τ_s] is solved
 * first as a boundary of its own (maturity τ_s, scheme schA: nodes in √τ), then [τ_s, T] with nodes in ln τ
 * (scheme schB: n_B nodes, l_B points on [τ_s, τ_k] per node) whose integrals take the first piece's share
 * from its interpolant (schA's l_A points on [0, τ_s], fixed during the sweeps). Where the K-terms switch on
 * early (κ = ln²(q/r)/(2σ²T) small) the boundary is nearly a low-degree polynomial in ln τ beyond τ_s =
 * ln²(q/r)/(4σ²) (κ of [0, τ_s] is 2), which one polynomial in √τ over [0, T] resolves only slowly (measured:
 * 12–20 nodes in ln τ interpolate it to ≤ 1e-8 where 44 in √τ leave 1e-4). Returns B(T); the coefficients of
 * both pieces are left for `splitBoundary`.
 */
export function solveBoundarySplit(
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
  tauS: number,
  iterations: number,
  tolerance: number,
  schA: Scheme,
  schB: Scheme,
  warm = false,
): number {
  const nA = schA.z.length - 1;
  solveBoundary(K, tauS, r, q, vol, nA, schA.fs.length, iterations, tolerance, schA, warm, WARM_A);
  if (COEF_A.length < nA + 1) COEF_A = new Float64Array(2 * (nA + 1));
  for (let i = 0; i <= nA; i++) COEF_A[i] = coef[i];
  const n = schB.z.length - 1;
  const lB = schB.fs.length;
  const lA = schA.fs.length;
  const l = lB + lA;
  const nn = n + 1;
  ensureWorkSpace(n, l);
  const size = n * l * nn;
  if (LAG_S.length < size) {
    LAG_S = new Float64Array(2 * size);
    LAGT_S = new Float64Array(2 * size);
  }
  LAG = LAG_S;
  LAGT = LAGT_S;
  LAG_PTS = lB;
  const xMax = (K * r) / q;
  const lnX = Math.log(xMax);
  const lnK = Math.log(K);
  const L = Math.log(T / tauS);
  const b = r - q;
  const z = schB.z;
  const v0 = clenshaw(COEF_A, nA, 1);
  const Hs = H;
  Hs[0] = v0 * v0;
  // the first piece's points are the same for every node: u, weight, e^{ru}, e^{qu} and H(u) once
  if (A_PTS.length < 5 * lA) A_PTS = new Float64Array(10 * lA);
  for (let j = 0; j < lA; j++) {
    const sn = schA.fs[j];
    const u = tauS * sn * sn;
    const va = clenshaw(COEF_A, nA, 2 * sn - 1);
    A_PTS[5 * j] = u;
    A_PTS[5 * j + 1] = 2 * tauS * sn * schA.fc[j] * schA.fw[j];
    A_PTS[5 * j + 2] = exp(r * u);
    A_PTS[5 * j + 3] = exp(q * u);
    A_PTS[5 * j + 4] = va > 0 ? va * va : 0;
  }
  let guess = xMax * exp(-v0);
  for (let k = 1; k <= n; k++) {
    const tau = tauS * Math.exp(0.5 * L * (1 + z[k]));
    const ebInv = exp(-b * tau);
    const base = (k - 1) * l;
    const span = tau - tauS;
    const sSpan = vol * Math.sqrt(span);
    for (let j = 0; j < l; j++) {
      const inB = j < lB;
      let u: number;
      let jac: number;
      let sqv: number;
      let eru: number;
      let equ: number;
      if (inB) {
        // second piece: u = τ_s + (τ_k − τ_s)·sin²θ
        const sn = schB.fs[j];
        const cs = schB.fc[j];
        u = tauS + span * sn * sn;
        jac = 2 * span * sn * cs * schB.fw[j];
        sqv = sSpan * cs;
        eru = exp(r * u);
        equ = exp(q * u);
      } else {
        const a = 5 * (j - lB);
        u = A_PTS[a];
        jac = A_PTS[a + 1];
        sqv = vol * Math.sqrt(tau - u);
        eru = A_PTS[a + 2];
        equ = A_PTS[a + 3];
      }
      setPoint(pts, STRIDE * (base + j), sqv, tau - u, ebInv, eru, equ, jac, r, q);
      const ob = (base + j) * nn;
      if (inB) {
        // barycentric Lagrange weights at x = 2·ln(u/τ_s)/L − 1 on the extrema nodes z_i = −cos(iπ/n)
        const x = (2 * Math.log(u / tauS)) / L - 1;
        let den = 0;
        let hit = -1;
        for (let i = 0; i <= n; i++) {
          const d = x - z[i];
          if (d === 0) hit = i;
          const t = (((i & 1) === 0 ? 1 : -1) * (i === 0 || i === n ? 0.5 : 1)) / d;
          LAG_S[ob + i] = t;
          den += t;
        }
        const inv = 1 / den;
        for (let i = 0; i <= n; i++) LAG_S[ob + i] = hit < 0 ? LAG_S[ob + i] * inv : i === hit ? 1 : 0;
        FH[base + j] = LAG_S[ob] * Hs[0];
      } else {
        for (let i = 0; i <= n; i++) LAG_S[ob + i] = 0;
        FH[base + j] = A_PTS[5 * (j - lB) + 4];
      }
      for (let i = 0; i <= n; i++) LAGT_S[((k - 1) * nn + i) * l + j] = LAG_S[ob + i];
    }
    guess = nodeStart(k, K, tau, r, q, vol, guess);
  }
  sweepFrom(WARM_B, schB, warm, false, n, l, K, lnX, lnK, xMax, iterations, tolerance);
  for (let k = 0; k <= n; k++) Hs[k] = Math.sqrt(Hs[k]);
  if (COEF_B.length < nn) COEF_B = new Float64Array(2 * nn);
  toCoefficients(schB.dct, Hs, COEF_B, n);
  SPLIT.nA = nA;
  SPLIT.nB = n;
  SPLIT.tauS = tauS;
  SPLIT.logRange = L;
  return xMax * exp(-Hs[n]);
}

/** ln(X/B(u)) of the last split solve, u ∈ [0, T] (X = rK/q). */
export function splitBoundary(u: number): number {
  const tauS = SPLIT.tauS;
  if (u <= tauS) return clenshaw(COEF_A, SPLIT.nA, 2 * Math.sqrt(u / tauS) - 1);
  return clenshaw(COEF_B, SPLIT.nB, (2 * Math.log(u / tauS)) / SPLIT.logRange - 1);
}
