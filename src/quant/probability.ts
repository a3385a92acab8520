import { gaussLegendre } from './american/gaussLegendre.js';
import { numberArgs } from './arguments.js';
import { normCdf, normPdf } from './normal.js';

/**
 * Lognormal terminal probabilities under geometric Brownian motion,
 *   ln S_T ~ N(ln S + (m − σ²/2)·T, σ²·T),
 * so P(S_T > L) = N(d2) with d2 = [ln(S/L) + (m − σ²/2)T] / (σ√T) (the N(d2) of Black-Scholes-Merton;
 * Hull, "Options, Futures, and Other Derivatives", §15.8). The drift m is the caller's explicit choice:
 *   - risk-neutral (market-implied, what option prices embed): m = r − q  → `riskNeutralDrift(r, q)`;
 *   - real-world (a forecast): m = μ − q, μ the expected total return  → `realWorldDrift(mu, q)`.
 * S and levels in price units; T in years; vol per √year; drifts continuously compounded per year.
 * Each probability is evaluated on the tail that keeps its relative accuracy (no 1 − p cancellation).
 * Degenerate σ√T = 0: S_T = S·e^(mT) exactly (a level equal to it counts one half on each side).
 */

/** Risk-neutral drift of S (per year): r − q. */
export function riskNeutralDrift(r: number, q: number): number {
  return r - q;
}

/** Real-world drift of S (per year): expected total return μ minus the dividend yield q. */
export function realWorldDrift(mu: number, q: number): number {
  return mu - q;
}

/**
 * ln(x/y), near 1 as log1p((x − y)/y): x − y is exact there (Sterbenz), where ln of the rounded ratio is off by
 * up to 1e-16 absolute — a relative error of 1e-6 in a log of 1e-10, and of 1e-10 in a tail of 1e-75.
 */
export function logRatio(x: number, y: number): number {
  const d = x - y;
  return Math.abs(d) < 0.25 * y ? Math.log1p(d / y) : Math.log(x / y);
}

/** d2 of level L: [ln(S/L) + (m − σ²/2)T]/(σ√T); ±Infinity for L = 0 / L = +Infinity. */
function d2(S: number, L: number, T: number, sd: number, drift: number): number {
  return (logRatio(S, L) + drift * T) / sd - 0.5 * sd;
}

const NARROW_RULE = gaussLegendre(8);

/**
 * Φ(hi) − Φ(lo) for hi − lo = w small against 1/max(1, |mid|), as φ(mid)·∫_{−w/2}^{w/2} e^{−mid·t − t²/2} dt by
 * 8-point Gauss-Legendre (the exponent stays within ±0.63: error far below rounding). The difference of the two
 * Φ loses the digits the range is narrow by (a 1e-9-wide range lost 3.6e-6 relative).
 */
function narrowMass(mid: number, w: number): number {
  const h = 0.5 * w;
  let s = 0;
  for (let i = 0; i < NARROW_RULE.nodes.length; i++) {
    const t = h * NARROW_RULE.nodes[i];
    s += NARROW_RULE.weights[i] * Math.exp(-mid * t - 0.5 * t * t);
  }
  return normPdf(mid) * h * s;
}

/** Deterministic limit σ√T = 0: 1, 0 or ½ depending on where the forward S·e^(mT) lies against L. */
function degenerateAbove(S: number, L: number, T: number, drift: number): number {
  const f = S * Math.exp(drift * T);
  return f > L ? 1 : f < L ? 0 : 0.5;
}

const LEVEL_ARGS = ['S', 'level', 'T', 'vol', 'drift'];

function badInputs(S: number, L: number, T: number, vol: number, drift: number): boolean {
  return !(S > 0 && T >= 0 && vol >= 0 && L >= 0) || Number.isNaN(drift);
}

/**
 * P(S_T > level), a probability in [0, 1], under drift m = `drift` per year (r − q risk-neutral or μ − q
 * real-world); S, level price units, T years, vol per √year.
 */
export function probAbove(S: number, level: number, T: number, vol: number, drift: number): number {
  numberArgs('probAbove', LEVEL_ARGS, S, level, T, vol, drift);
  if (badInputs(S, level, T, vol, drift)) return Number.NaN;
  if (level === 0) return 1;
  const sd = vol * Math.sqrt(T);
  if (!(sd > 0)) return degenerateAbove(S, level, T, drift);
  return normCdf(d2(S, level, T, sd, drift));
}

/**
 * P(S_T < level), a probability in [0, 1], under drift m = `drift` per year (r − q risk-neutral or μ − q
 * real-world); S, level price units, T years, vol per √year.
 */
export function probBelow(S: number, level: number, T: number, vol: number, drift: number): number {
  numberArgs('probBelow', LEVEL_ARGS, S, level, T, vol, drift);
  if (badInputs(S, level, T, vol, drift)) return Number.NaN;
  if (level === 0) return 0;
  const sd = vol * Math.sqrt(T);
  if (!(sd > 0)) return 1 - degenerateAbove(S, level, T, drift);
  return normCdf(-d2(S, level, T, sd, drift));
}

/**
 * P(lower < S_T < upper), a probability in [0, 1], under drift m = `drift` per year (r − q risk-neutral or
 * μ − q real-world); S, levels price units, T years, vol per √year; 0 when lower ≥ upper. `upper` may be
 * +Infinity, `lower` may be 0.
 */
export function probBetween(
  S: number,
  lower: number,
  upper: number,
  T: number,
  vol: number,
  drift: number,
): number {
  numberArgs('probBetween', ['S', 'lower', 'upper', 'T', 'vol', 'drift'], S, lower, upper, T, vol, drift);
  if (badInputs(S, lower, T, vol, drift) || !(upper >= 0)) return Number.NaN;
  if (!(upper > lower)) return 0;
  const sd = vol * Math.sqrt(T);
  if (!(sd > 0)) {
    return Math.max(0, degenerateAbove(S, lower, T, drift) - degenerateAbove(S, upper, T, drift));
  }
  const dLo = lower === 0 ? Number.POSITIVE_INFINITY : d2(S, lower, T, sd, drift);
  const dHi = d2(S, upper, T, sd, drift);
  const w = lower > 0 ? logRatio(upper, lower) / sd : Number.POSITIVE_INFINITY; // dLo − dHi without rounding
  const mid = dHi + 0.5 * w;
  if (w * Math.max(1, Math.abs(mid)) < 1) return narrowMass(mid, w);
  // both bounds in the upper tail of S_T: difference of P(above); otherwise of P(below)
  const p = dLo < 0 ? normCdf(dLo) - normCdf(dHi) : normCdf(-dHi) - normCdf(-dLo);
  return p > 0 ? p : 0;
}
