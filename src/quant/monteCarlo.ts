import { bsPrice } from './bsPrice.js';
import { legValueAt, type PayoffLeg, payoffAt, payoffRange, validPosition } from './pop.js';
import { Rng } from './random.js';

/**
 * Monte Carlo of a position under geometric Brownian motion (Glasserman, "Monte Carlo Methods in
 * Financial Engineering", 2003: exact log-Euler GBM steps §3.2, antithetic variates §4.2):
 *   ln S_{t+Δ} = ln S_t + (m − σ²/2)Δ + σ√Δ·Z,  Z ~ N(0, 1) from a seeded xoshiro128** (`random.ts`).
 * Estimates POP and the expected P&L at expiry, and P50: the probability that the position's
 * mark-to-market P&L reaches a profit target (default 50% of max profit) on some monitoring date up to
 * and including expiry. Legs are marked with Black-Scholes-Merton at (S_t, T − t, r, q, leg vol).
 * Each estimate carries its standard error, computed over antithetic pairs (the pair average is the
 * i.i.d. sample). Same input and seed → bit-identical result. Money per share of underlying.
 */

/** Inputs of `monteCarlo`. */
export interface MonteCarloInput {
  legs: readonly PayoffLeg[];
  /** Fixed cash per share added to the P&L (e.g. −fees). Default 0. */
  netCash?: number;
  /** Spot, price units. */
  S: number;
  /** Years to expiry. */
  T: number;
  /** Simulation volatility per √year; also marks legs without their own `vol`. */
  vol: number;
  /** Risk-free rate and dividend yield (continuous, per year) used to mark legs before expiry. */
  r: number;
  q: number;
  /** Simulation drift m per year: default r − q (risk-neutral); pass μ − q for a real-world run. */
  drift?: number;
  /** Number of paths, rounded up to an even number (antithetic pairs). Default 10,000. */
  paths?: number;
  /** PRNG seed. Default 1. */
  seed?: number;
  /** Monitoring dates per year (daily closes: 252). Default 252; at least one step (expiry). */
  stepsPerYear?: number;
  /** P&L per share that counts as reached for P50. Default 0.5 × max profit (NaN if unbounded). */
  profitTarget?: number;
}

/** A Monte Carlo estimate and its standard error (same units). */
export interface McEstimate {
  value: number;
  stdError: number;
}

/** Result of `monteCarlo`. */
export interface MonteCarloResult {
  /** P(P&L at expiry > 0), probability. */
  pop: McEstimate;
  /** E[P&L at expiry] per share, price units (undiscounted). */
  expectedValue: McEstimate;
  /** P(mark-to-market P&L ≥ profitTarget on some monitoring date ≤ T); NaN when there is no target. */
  p50: McEstimate;
  /** The profit target used, per share. */
  profitTarget: number;
  paths: number;
  steps: number;
}

/** Running mean and variance (Welford) of the antithetic pair averages. */
class Welford {
  n = 0;
  mean = 0;
  m2 = 0;
  add(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }
  estimate(): McEstimate {
    const se = this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1) / this.n) : Number.NaN;
    return { value: this.mean, stdError: se };
  }
}

/** Mark-to-market P&L per share at spot `s` with `tau` years left. */
function markToMarket(
  legs: readonly PayoffLeg[],
  legVols: Float64Array,
  s: number,
  tau: number,
  r: number,
  q: number,
  netCash: number,
): number {
  let pnl = netCash;
  for (let i = 0; i < legs.length; i++) {
    const leg = legs[i];
    const v =
      leg.type === 'stock' || tau <= 0
        ? legValueAt(leg, s)
        : bsPrice(leg.type, s, leg.strike, tau, r, q, legVols[i]);
    pnl += leg.quantity * (v - leg.premium);
  }
  return pnl;
}

interface PathOutcome {
  pnl: number;
  hit: boolean;
}

/** Follows one path driven by ±z; returns its expiry P&L and whether the target was reached. */
function runPath(
  input: MonteCarloInput,
  legVols: Float64Array,
  z: Float64Array,
  sign: number,
  muDt: number,
  sigDt: number,
  dt: number,
  target: number,
  out: PathOutcome,
): void {
  const { legs, r, q } = input;
  const netCash = input.netCash ?? 0;
  const n = z.length;
  const monitor = !Number.isNaN(target);
  let x = Math.log(input.S);
  let hit = false;
  for (let k = 0; k < n; k++) {
    x += muDt + sign * sigDt * z[k];
    if (monitor && !hit) {
      const tau = k === n - 1 ? 0 : input.T - (k + 1) * dt;
      hit = markToMarket(legs, legVols, Math.exp(x), tau, r, q, netCash) >= target;
    }
  }
  out.pnl = payoffAt(legs, Math.exp(x), netCash);
  out.hit = hit;
}

/**
 * Monte Carlo POP, expected P&L and P50 of a position (see module doc), each with its standard error.
 * At least 10,000 paths are advised; cost ≈ paths × steps × legs BSM evaluations while a target is
 * monitored. Numbers outside their domain (S ≤ 0, T < 0, vol < 0, non-finite S, T, vol, r or q) give NaN
 * estimates, as `pop` and `bsPrice` do; at T = 0 the position is at expiry (exact, standard error 0). A caller's
 * mistake in the rest (legs, paths, steps, a given drift) throws RangeError.
 */
export function monteCarlo(input: MonteCarloInput): MonteCarloResult {
  const { legs, S, T, vol, r, q } = input;
  const paths = input.paths ?? 10_000;
  const stepsPerYear = input.stepsPerYear ?? 252;
  // a NaN here made every path NaN (or none): POP 1 with standard error 0, a confident wrong answer
  if (input.drift !== undefined && !Number.isFinite(input.drift))
    throw new RangeError(`monteCarlo: drift must be a finite number, got ${input.drift}`);
  if (!(Number.isInteger(paths) && paths >= 1)) {
    // 2.2 ran 4 paths
    throw new RangeError(`monteCarlo: paths must be a whole number ≥ 1, got ${paths}`);
  }
  if (!(stepsPerYear > 0 && Number.isFinite(stepsPerYear))) {
    throw new RangeError(`monteCarlo: stepsPerYear must be a finite number > 0, got ${stepsPerYear}`);
  }
  if (!validPosition(legs, input.netCash ?? 0)) {
    throw new RangeError(
      'monteCarlo: legs need finite quantities and premiums and option strikes > 0; netCash finite',
    );
  }
  legs.forEach((leg, i) => {
    if (leg.vol !== undefined && !(leg.vol >= 0 && Number.isFinite(leg.vol))) {
      throw new RangeError(`monteCarlo: legs[${i}].vol must be a finite number ≥ 0, got ${leg.vol}`);
    }
  });
  const range = payoffRange(legs, input.netCash ?? 0);
  const target =
    input.profitTarget ??
    (Number.isFinite(range.maxProfit) && range.maxProfit > 0 ? 0.5 * range.maxProfit : Number.NaN);
  // out of the domain: NaN, not a throw (a scan that met T = 0 here crashed where pop answered)
  if (!(S > 0 && T >= 0 && vol >= 0) || ![S, T, vol, r, q].every(Number.isFinite)) {
    const nan = { value: Number.NaN, stdError: Number.NaN };
    return { pop: nan, expectedValue: nan, p50: nan, profitTarget: target, paths: 0, steps: 0 };
  }
  if (T === 0) {
    const pnl = payoffAt(legs, S, input.netCash ?? 0);
    const exact = (value: number) => ({ value, stdError: 0 });
    return {
      pop: exact(pnl > 0 ? 1 : 0),
      expectedValue: exact(pnl),
      p50: Number.isNaN(target) ? { value: Number.NaN, stdError: Number.NaN } : exact(pnl >= target ? 1 : 0),
      profitTarget: target,
      paths: 0,
      steps: 0,
    };
  }
  const drift = input.drift ?? r - q;
  const pairs = Math.ceil(paths / 2);
  const steps = Math.max(1, Math.round(T * stepsPerYear));
  const dt = T / steps;
  const muDt = (drift - 0.5 * vol * vol) * dt;
  const sigDt = vol * Math.sqrt(dt);
  const legVols = new Float64Array(legs.length);
  for (let i = 0; i < legs.length; i++) legVols[i] = legs[i].vol ?? vol;

  const rng = new Rng(input.seed ?? 1);
  const z = new Float64Array(steps);
  const a: PathOutcome = { pnl: 0, hit: false };
  const b: PathOutcome = { pnl: 0, hit: false };
  const popAcc = new Welford();
  const evAcc = new Welford();
  const p50Acc = new Welford();
  for (let p = 0; p < pairs; p++) {
    rng.fillNormal(z);
    runPath(input, legVols, z, 1, muDt, sigDt, dt, target, a);
    runPath(input, legVols, z, -1, muDt, sigDt, dt, target, b);
    popAcc.add(((a.pnl > 0 ? 1 : 0) + (b.pnl > 0 ? 1 : 0)) / 2);
    evAcc.add((a.pnl + b.pnl) / 2);
    p50Acc.add(((a.hit ? 1 : 0) + (b.hit ? 1 : 0)) / 2);
  }
  const p50 = Number.isNaN(target) ? { value: Number.NaN, stdError: Number.NaN } : p50Acc.estimate();
  return {
    pop: popAcc.estimate(),
    expectedValue: evAcc.estimate(),
    p50,
    profitTarget: target,
    paths: 2 * pairs,
    steps,
  };
}
