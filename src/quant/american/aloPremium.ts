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

/** The premium integral is split at y_s = PREMIUM_SPLIT·a when a = |ln(S/B(T))|/σ√T < PREMIUM_A_MAX (see premium). */
const PREMIUM_SPLIT = 4;
const PREMIUM_A_MAX = 0.2;
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

/**
 * Kim's (1990) early-exercise premium
 *   ∫₀^T [rK·e^{−r(T−u)}Φ(−d₋(T−u, S/B(u))) − qS·e^{−q(T−u)}Φ(−d₊(T−u, S/B(u)))] du
 * with the boundary from the Chebyshev coefficients cf (of H, or of ln(X/B) itself when lin). When S is near the long end of the boundary, a = |ln(S/B(T))|/(σ√T) small, the
 * integrand switches on over T − u ~ a²T (Φ(−a/y), y = √((T − u)/T)), a scale Gauss-Legendre in θ resolves only
 * with many points; the integral is then split at y_s = PREMIUM_SPLIT·a: u ∈ [0, u_s] by p₁ points in θ with
 * u = u_s·sin⁴θ (sin²θ for q > r), and y ∈ [0, y_s] by p₂ points in y, where the switch is resolved at any a.
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
  const a = Math.abs(Math.log(S / bT)) / sVol;
  const yS = a < PREMIUM_A_MAX ? PREMIUM_SPLIT * a : 0;
  // piece 1: u = u_s·sin^e θ, w = (u/T)^{1/e} = w_s·sin θ
  const uS = yS > 0 ? T * (1 - yS * yS) : T;
  const ws = quarter ? Math.sqrt(Math.sqrt(uS / T)) : Math.sqrt(uS / T);
  const { ps, pc, pw } = yS > 0 ? sch.split1 : sch;
  const p1 = ps.length;
  let prem = 0;
  for (let j = 0; j < p1; j++) {
    const sn = ps[j];
    const s2 = sn * sn;
    const u = quarter ? uS * s2 * s2 : uS * s2;
    const tm = T - u;
    const hu = clenshaw(cf, n, 2 * ws * sn - 1);
    const lr = lsx + (lin ? hu : Math.sqrt(hu > 0 ? hu : 0)); // ln(S/B(u))
    const f = kimIntegrand(lr, tm, vol * Math.sqrt(tm), S, K, r, q);
    prem += pw[j] * (quarter ? 4 * uS * s2 * sn : 2 * uS * sn) * pc[j] * f;
  }
  if (yS > 0) {
    // piece 2: y ∈ [0, y_s], u = T(1 − y²), du = 2Ty dy
    const { nodes, weights } = sch.split2;
    for (let j = 0; j < nodes.length; j++) {
      const y = 0.5 * yS * (nodes[j] + 1);
      const om = 1 - y * y;
      const w = quarter ? Math.sqrt(Math.sqrt(om)) : Math.sqrt(om);
      const hu = clenshaw(cf, n, 2 * w - 1);
      const lr = lsx + (lin ? hu : Math.sqrt(hu > 0 ? hu : 0));
      const f = kimIntegrand(lr, T * y * y, sVol * y, S, K, r, q);
      prem += 0.5 * yS * weights[j] * 2 * T * y * f;
    }
  }
  return prem;
}
