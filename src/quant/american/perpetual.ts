/**
 * The perpetual American put (Merton 1973; McKean 1965) and where a finite-maturity put equals it.
 *
 * With log-drift μ = r − q − σ²/2 the perpetual put exercises at B∞ = K·λ/(λ − 1), λ < 0 the negative root of
 * ½σ²λ² + μλ − r = 0, and is worth P∞(S) = (K − B∞)·(S/B∞)^λ above it (K − S below). A put with maturity T is
 * worth no more (it has fewer exercise dates) and at least the strategy "exercise when S first hits B∞, if before
 * T", so with τ the hitting time of B∞
 *   0 ≤ P∞ − P_T ≤ (K − B∞)·E[e^{−rτ}; T < τ < ∞] ≤ (K − B∞)·e^{−rT}·P(T < τ < ∞),
 * and P(τ ≤ t) = Φ((−x − μt)/(σ√t)) + e^{−2μx/σ²}·Φ((−x + μt)/(σ√t)), x = ln(S/B∞) (first passage of Brownian
 * motion with drift). When drift dominates diffusion over the life (σ ≪ (r − q)√T) that bound is below any
 * accuracy asked of a price, and the closed form is exact where the integral methods lose the boundary's
 * (σ/r)² time scale: ALO's 64-node scheme was 1e-3–7 % off at σ√T/(r√T) = 1/200–1/500.
 */
import { normCdf } from '../normal.js';

/** Relative accuracy the perpetual value must provably have to stand for the finite-maturity price. */
const REL_TOL = 1e-12;

/**
 * The American put price (price units) when it equals the perpetual put's within REL_TOL relative by the
 * bound above, else `undefined`. S, K price units; T years; r > 0, q continuous per year; vol per √year > 0.
 */
export function perpetualPutLimit(
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
): number | undefined {
  if (!(r > 0 && vol > 0 && T > 0 && S > 0 && K > 0)) return undefined;
  const v2 = vol * vol;
  const mu = r - q - 0.5 * v2;
  const root = Math.sqrt(mu * mu + 2 * r * v2);
  // the negative root without cancellation: −(μ + √D)/σ² for μ ≥ 0, −2r/(√D − μ) for μ < 0
  const lambda = mu >= 0 ? -(mu + root) / v2 : (-2 * r) / (root - mu);
  // x = ln(S/B∞), B∞ = K·λ/(λ − 1); |λ| ~ 2(r − q)/σ² is huge here, so ln(S/K) near the money comes from the
  // exact S − K (ln of the rounded S/K would carry 1e-16·|λ| into the price: 6e-10 relative at λ = −6e6)
  const lnSK = Math.abs(S - K) < 0.5 * K ? Math.log1p((S - K) / K) : Math.log(S / K);
  const x = lnSK + Math.log1p(-1 / lambda);
  if (x <= 0) return K - S; // S ≤ B∞ ≤ B(T): exercise at once, whatever T
  const value = (K / (1 - lambda)) * Math.exp(lambda * x); // (K − B∞)·(S/B∞)^λ
  const sdT = vol * Math.sqrt(T);
  // ln of bound / P∞ = −rT + ln P(T < τ < ∞) − λx, with P(T < τ < ∞) bounded by
  // e^{−2μx/σ²}·Φ((x − μT)/σ√T) for μ > 0 (−2μ/σ² − λ = 2r/(√D + μ), no cancellation), Φ((x + μT)/σ√T) for μ ≤ 0
  const lnRatio =
    mu > 0
      ? -r * T + ((2 * r) / (root + mu)) * x + Math.log(normCdf((x - mu * T) / sdT))
      : -r * T + Math.log(normCdf((x + mu * T) / sdT)) - lambda * x;
  return lnRatio <= Math.log(REL_TOL) ? value : undefined;
}
