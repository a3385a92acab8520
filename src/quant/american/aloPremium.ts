/**
 * The price from an ALO exercise boundary (see alo.ts): Kim's (1990) early-exercise premium integral, and Φ from
 * its Gaussian factor.
 */
import { erf, erfcx, exp } from '../normal.js';
import { clenshaw, type Scheme } from './aloScheme.js';

/** Φ(d) from g = e^{−d²/2} (Cody erf / erfcx as in bsPrice), sparing a second exponential. */
export function cdfFromGauss(d: number, g: number): number {
  const u = d * Math.SQRT1_2;
  if (u < -0.46875) return 0.5 * erfcx(-u) * g;
  if (u > 0.46875) return 1 - 0.5 * erfcx(u) * g;
  return 0.5 + 0.5 * erf(u);
}

/**
 * The premium integral is split when a = |ln(S/B(T))|/σ√T < PREMIUM_A_MAX (see premium): at y_s = PREMIUM_SPLIT·a
 * and, when y_s < PREMIUM_Y_MID, again at y_m = PREMIUM_Y_MID.
 */
const PREMIUM_SPLIT = 4;
const PREMIUM_A_MAX = 0.2;
const PREMIUM_Y_MID = 0.5;
/** Kim's integrand at u (time to maturity of the boundary point): lr = ln(S/B(u)), tm = T − u, s = σ√tm. */
function kimIntegrand(lr: number, tm: number, s: number, S: number, K: number, r: number, q: number): number {
  const b = r - q;
  const dm = (lr + b * tm) / s - 0.5 * s;
  const gm = exp(-0.5 * dm * dm);
  const ebt = exp(b * tm);
  const gp = (gm * exp(-lr)) / ebt;
  const erm = exp(-r * tm);
  let cm = 0;
  let cp = 0;
  for (let t = 0; t < 2; t++) {
    const c = cdfFromGauss(t === 0 ? -dm : -dm - s, t === 0 ? gm : gp);
    if (t === 0) cm = c;
    else cp = c;
  }
  return erm * (r * K * cm - q * S * ebt * cp);
}

/** Kim's integrand at u = T(1 − y²), y = √((T − u)/T) (lsx = ln(S/X), sVol = σ√T; the boundary from cf). */
function atY(
  y: number,
  lsx: number,
  T: number,
  sVol: number,
  S: number,
  K: number,
  r: number,
  q: number,
  n: number,
  quarter: boolean,
  lin: boolean,
  cf: Float64Array,
): number {
  const om = 1 - y * y;
  const w = quarter ? Math.sqrt(Math.sqrt(om)) : Math.sqrt(om);
  const hu = clenshaw(cf, n, 2 * w - 1);
  const lr = lsx + (lin ? hu : Math.sqrt(hu > 0 ? hu : 0)); // ln(S/B(u))
  return kimIntegrand(lr, T * y * y, sVol * y, S, K, r, q);
}

/** y_s = PREMIUM_SPLIT·a of the near-expiry split when a = |ln(S/B(T))|/σ√T < PREMIUM_A_MAX, else 0 (unsplit). */
function nearExpiryStart(S: number, bT: number, sVol: number): number {
  const a = Math.abs(Math.log(S / bT)) / sVol;
  return a < PREMIUM_A_MAX ? PREMIUM_SPLIT * a : 0;
}

/** y_m: the ln y piece runs on [y_s, y_m] when y_s < PREMIUM_Y_MID. */
function nearExpiryMid(yS: number): number {
  return yS > 0 && yS < PREMIUM_Y_MID ? PREMIUM_Y_MID : yS;
}

/**
 * prem plus the near-expiry pieces of the premium integral: y ∈ [y_s, y_m] by Gauss-Legendre in ln y and
 * y ∈ [0, y_s] in y, u = T(1 − y²); g(y) is Kim's integrand at that u.
 */
function nearExpiryPieces(
  prem: number,
  T: number,
  yS: number,
  yM: number,
  sch: Scheme,
  g: (y: number) => number,
): number {
  let sum = prem;
  if (yM > yS) {
    // y = e^t, t ∈ [ln y_s, ln y_m], du = 2T·y²·dt
    const { nodes, weights } = sch.splitLog;
    const t0 = Math.log(yS);
    const h = 0.5 * (Math.log(yM) - t0);
    for (let j = 0; j < nodes.length; j++) {
      const y = Math.exp(t0 + h * (nodes[j] + 1));
      sum += h * weights[j] * 2 * T * y * y * g(y);
    }
  }
  if (yS > 0) {
    // du = 2Ty dy
    const { nodes, weights } = sch.split2;
    for (let j = 0; j < nodes.length; j++) {
      const y = 0.5 * yS * (nodes[j] + 1);
      sum += 0.5 * yS * weights[j] * 2 * T * y * g(y);
    }
  }
  return sum;
}

/**
 * Kim's (1990) early-exercise premium
 *   ∫₀^T [rK·e^{−r(T−u)}Φ(−d₋(T−u, S/B(u))) − qS·e^{−q(T−u)}Φ(−d₊(T−u, S/B(u)))] du
 * with the boundary from the Chebyshev coefficients cf (of H, or of ln(X/B) itself when lin), by Gauss-Legendre
 * in θ with u = T·sin⁴θ (sin²θ for q > r), analytic at both ends. When S is near the long end of the boundary,
 * a = |ln(S/B(T))|/(σ√T) small, the integrand holds Φ(∓a/y)-like terms, y = √((T − u)/T): a switch over y ~ a and
 * a tail ∝ a/y beyond it, which the θ rule resolves only with many points (its error stayed at ~6e-8 per K = 100
 * as a → 0 with 64 points, measured). The integral is then split into u ∈ [0, u_m] in θ (u = u_m·sin^e θ,
 * y_m = max(y_s, PREMIUM_Y_MID)), y ∈ [y_s, y_m] by Gauss-Legendre in ln y (a/y = a·e^{−ln y} is entire there),
 * and y ∈ [0, y_s] in y, y_s = PREMIUM_SPLIT·a, where the switch is resolved at any a.
 */
export function premium(
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
  n: number,
  lnX: number,
  quarter: boolean,
  lin: boolean,
  sch: Scheme,
  bT: number,
  cf: Float64Array,
): number {
  const lsx = Math.log(S) - lnX;
  const sqT = Math.sqrt(T);
  const sVol = vol * sqT;
  const yS = nearExpiryStart(S, bT, sVol);
  const yM = nearExpiryMid(yS);
  // piece 1: u = u_m·sin^e θ, w = (u/T)^{1/e} = w_m·sin θ
  const uM = yM > 0 ? T * (1 - yM * yM) : T;
  const wm = quarter ? Math.sqrt(Math.sqrt(uM / T)) : Math.sqrt(uM / T);
  const { ps, pc, pw } = sch;
  const p1 = ps.length;
  let prem = 0;
  for (let j = 0; j < p1; j++) {
    const sn = ps[j];
    const s2 = sn * sn;
    const u = quarter ? uM * s2 * s2 : uM * s2;
    const tm = T - u;
    const hu = clenshaw(cf, n, 2 * wm * sn - 1);
    const lr = lsx + (lin ? hu : Math.sqrt(hu > 0 ? hu : 0)); // ln(S/B(u))
    const f = kimIntegrand(lr, tm, vol * Math.sqrt(tm), S, K, r, q);
    prem += pw[j] * (quarter ? 4 * uM * s2 * sn : 2 * uM * sn) * pc[j] * f;
  }
  if (yS === 0) return prem;
  return nearExpiryPieces(prem, T, yS, yM, sch, (y) => atY(y, lsx, T, sVol, S, K, r, q, n, quarter, lin, cf));
}

/**
 * Kim's premium as `premium`, for a boundary in two pieces joined at τ_s (see solveBoundarySplit): ln(X/B(u))
 * from lnXB; Gauss-Legendre in θ on [0, τ_s] (u = τ_s·sin²θ) and on [τ_s, u_m] (u = τ_s + (u_m − τ_s)·sin²θ,
 * analytic at both ends), then the same ln y and y pieces near u = T as `premium` when S is near B(T).
 */
export function premiumSplit(
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
  lnX: number,
  tauS: number,
  lnXB: (u: number) => number,
  sch: Scheme,
  bT: number,
): number {
  const lsx = Math.log(S) - lnX;
  const sVol = vol * Math.sqrt(T);
  const yS = nearExpiryStart(S, bT, sVol);
  const yM = nearExpiryMid(yS);
  const uM = yM > 0 ? T * (1 - yM * yM) : T;
  const { ps, pc, pw } = sch;
  const at = (u: number): number => {
    const tm = T - u;
    return kimIntegrand(lsx + lnXB(u), tm, vol * Math.sqrt(tm), S, K, r, q);
  };
  let prem = 0;
  const u1 = Math.min(tauS, uM);
  for (let j = 0; j < ps.length; j++) {
    const s2 = ps[j] * ps[j];
    prem += pw[j] * 2 * u1 * ps[j] * pc[j] * at(u1 * s2);
  }
  if (uM > tauS) {
    const span = uM - tauS;
    for (let j = 0; j < ps.length; j++) {
      const s2 = ps[j] * ps[j];
      prem += pw[j] * 2 * span * ps[j] * pc[j] * at(tauS + span * s2);
    }
  }
  return nearExpiryPieces(prem, T, yS, yM, sch, (y) => at(T * (1 - y * y)));
}
