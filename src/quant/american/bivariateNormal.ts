/**
 * Bivariate standard normal cumulative distribution, double precision.
 *
 * A. Genz, "Numerical computation of rectangular bivariate and trivariate normal and t
 * probabilities", Statistics and Computing 14 (2004) 251–260, after Drezner & Wesolowsky (1990):
 * - |ρ| < 0.925: L(h, k, ρ) = Φ(−h)Φ(−k) + (1/2π) ∫_0^{asin ρ} exp(−(h² + k² − 2hk·sinθ) / (2cos²θ)) dθ,
 *   by Gauss-Legendre with 6, 12 or 20 points for |ρ| < 0.3, < 0.75, < 0.925;
 * - |ρ| ≥ 0.925: the substitution x = √(1 − ρ²) with the singular part of the integrand removed by a
 *   two-term Taylor expansion and integrated exactly (Genz 2004, §2.2), the rest by 20-point Gauss-Legendre.
 * Absolute accuracy ≈ 1e-15.
 */
import { normCdf } from '../normal.js';
import { gaussLegendre } from './gaussLegendre.js';

const TWO_PI = 2 * Math.PI;
const SQRT_TWO_PI = Math.sqrt(TWO_PI);

/** L(h, k, ρ) = P(X > h, Y > k) for standard normals with correlation ρ (Genz 2004 BVNU). */
function upperBvn(h: number, k: number, r: number): number {
  const ar = Math.abs(r);
  const rule = gaussLegendre(ar < 0.3 ? 6 : ar < 0.75 ? 12 : 20);
  const xs = rule.nodes;
  const ws = rule.weights;
  const n = xs.length;
  let hk = h * k;
  if (ar < 0.925) {
    const hs = 0.5 * (h * h + k * k);
    const asr = Math.asin(r);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const sn = Math.sin(0.5 * asr * (xs[i] + 1));
      s += ws[i] * Math.exp((sn * hk - hs) / (1 - sn * sn));
    }
    return (s * asr) / (2 * TWO_PI) + normCdf(-h) * normCdf(-k);
  }
  if (r < 0) {
    k = -k;
    hk = -hk;
  }
  let bvn = 0;
  if (ar < 1) {
    const as = (1 - r) * (1 + r);
    let a = Math.sqrt(as);
    const bs = (h - k) * (h - k);
    const c = (4 - hk) / 8;
    const d = (12 - hk) / 16;
    bvn =
      a *
      Math.exp(-(bs / as + hk) / 2) *
      (1 - (c * (bs - as) * (1 - (d * bs) / 5)) / 3 + (c * d * as * as) / 5);
    if (hk > -160) {
      const b = Math.sqrt(bs);
      bvn -= Math.exp(-hk / 2) * SQRT_TWO_PI * normCdf(-b / a) * b * (1 - (c * bs * (1 - (d * bs) / 5)) / 3);
    }
    a *= 0.5;
    for (let i = 0; i < n; i++) {
      const xa = a * (xs[i] + 1);
      const x2 = xa * xa;
      const rs = Math.sqrt(1 - x2);
      bvn +=
        a *
        ws[i] *
        (Math.exp(-bs / (2 * x2) - hk / (1 + rs)) / rs -
          Math.exp(-(bs / x2 + hk) / 2) * (1 + c * x2 * (1 + d * x2)));
    }
    bvn = -bvn / TWO_PI;
  }
  if (r > 0) return bvn + normCdf(-Math.max(h, k));
  return -bvn + Math.max(0, normCdf(-h) - normCdf(-k));
}

/** Bivariate standard normal CDF M(a, b; ρ) = P(X ≤ a, Y ≤ b), corr(X, Y) = ρ ∈ [−1, 1]; dimensionless (Genz 2004). */
export function bivariateNormalCdf(a: number, b: number, rho: number): number {
  if (a !== a || b !== b || !(rho >= -1 && rho <= 1)) return Number.NaN;
  const v = upperBvn(-a, -b, rho);
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
