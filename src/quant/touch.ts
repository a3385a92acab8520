import { erfcx, normCdf } from './normal.js';

/**
 * Probability that a geometric Brownian motion touches a barrier before T (continuous monitoring).
 * With X_t = ln(S_t/S), a Brownian motion with drift ν = m − σ²/2 and volatility σ, the reflection
 * principle with Girsanov's change of drift gives the first-passage law (Harrison, "Brownian Motion and
 * Stochastic Flow Systems", 1985, §1.8; Reiner & Rubinstein 1991 "one-touch" digitals), for a barrier at
 * log-distance β = |ln(H/S)| and ν' = ν (barrier above) or −ν (barrier below):
 *
 *   P(touch) = N((−β + ν'T)/(σ√T)) + exp(2ν'β/σ²)·N((−β − ν'T)/(σ√T)).
 *
 * The second term is evaluated in log space (ln N via erfcx), so tiny σ does not overflow exp(·).
 * Drift m is explicit: r − q (risk-neutral) or μ − q (real-world). S, H in price units, T in years.
 */

const LN_HALF = Math.log(0.5);

/** ln Φ(x) for x ≤ 0 without underflow: ln(½·erfcx(−x/√2)) − x²/2. */
function logNormCdfLower(x: number): number {
  if (x > -5) return Math.log(normCdf(x));
  return LN_HALF + Math.log(erfcx(-x * Math.SQRT1_2)) - 0.5 * x * x;
}

/**
 * P(S_t reaches `barrier` for some t ≤ T), in [0, 1], continuous monitoring; the barrier may lie above
 * or below the spot (1 when S is already at it). S, barrier price units; T years; vol per √year; `drift` per
 * year = r − q (risk-neutral) or μ − q (real-world).
 */
export function probTouch(S: number, barrier: number, T: number, vol: number, drift: number): number {
  if (!(S > 0 && barrier >= 0 && T >= 0 && vol >= 0) || Number.isNaN(drift)) return Number.NaN;
  if (barrier === S) return 1;
  if (barrier === 0 || barrier === Number.POSITIVE_INFINITY) return 0;
  const up = barrier > S;
  const beta = Math.abs(Math.log(barrier / S));
  const sd = vol * Math.sqrt(T);
  if (!(sd > 0)) {
    // deterministic path S·e^(mt) is monotone: touched iff the terminal point is at or past the barrier
    const x = drift * T;
    return (up ? x >= beta : -x >= beta) ? 1 : 0;
  }
  const nu = (up ? 1 : -1) * (drift - 0.5 * vol * vol);
  const p1 = normCdf((-beta + nu * T) / sd);
  const logP2 = (2 * nu * beta) / (vol * vol) + logNormCdfLower((-beta - nu * T) / sd);
  const p = p1 + Math.exp(logP2);
  return p > 1 ? 1 : p;
}

/** Broadie-Glasserman-Kou continuity-correction constant −ζ(1/2)/√(2π) ≈ 0.5826. */
export const BGK_BETA = 0.5825971579390108;

/**
 * P(touch) when the price is only observed every `dt` years (e.g. daily closes, dt = 1/252): the
 * continuous formula with the barrier shifted away from the spot by exp(0.5826·σ·√dt) (Broadie,
 * Glasserman & Kou, "A continuity correction for discrete barrier options", Math. Finance 1997). Units as
 * `probTouch`, `dt` in years; 1 when S is already at the barrier (observed now), as `probTouch`.
 */
export function probTouchDiscrete(
  S: number,
  barrier: number,
  T: number,
  vol: number,
  drift: number,
  dt: number,
): number {
  if (barrier === S && S > 0) return 1; // the shift would move a barrier at the spot away from it (0.976)
  const shift = Math.exp(BGK_BETA * vol * Math.sqrt(dt));
  const shifted = barrier > S ? barrier * shift : barrier / shift;
  return probTouch(S, shifted, T, vol, drift);
}
