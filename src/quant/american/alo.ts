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
 * beyond 16 a 64-node scheme, beyond 1000 (σ → 0) the CRR lattice — except where the price provably equals the
 * perpetual put's within 1e-12 relative (drift against σ, see perpetual.ts), which it then is. Calls by the
 * put-call symmetry C(S, K, r, q) = P(K, S, q, r) (McDonald & Schroder 1998), and in units of the strike, P(S, K) = K·P(S/K, 1): the
 * boundary then depends on T, r, q, σ only, and the last one solved is reused (see LAST).
 * Accuracy of the defaults (n, l, p) = (14, 12, 64), tolerance 1e-8, against a converged reference
 * (n = l = 64, p = 256), per K = 100, 2 × 1000 random realistic inputs: put-equivalent q ≤ r median 2e-11,
 * p99 6e-10, max 5e-9 (≤ 3e-9 on the test grid). For q > r the boundary has a sharp transition where the
 * K-dependent terms e^{−ln²(q/r)/(2σ²τ)} switch on, at τ ~ ln²(q/r)/σ²; where that falls before (or just after)
 * expiry, κ = ln²(q/r)/(2σ²T) < 2, Chebyshev interpolation in √τ resolves it only slowly ((14, 12) left up to
 * 2.2e-6), so the default then takes (n, l) from `switchResolution`, (20, 20) up to (44, 32) as κ falls: ≤ 4.1e-9
 * on 7,200 random such inputs, at 2–10× the cost of those prices. Maps of τ clustering the nodes at the switch
 * (√τ ∝ sinh) gained at most 3× in error, not enough to keep (14, 12) (measured) — see
 * test/quant/american/alo.test.ts. Since then (2026-12-06) the default solves κ ∈ [1e-4, 1) in two causal pieces
 * instead (`SPLIT_KAPPA_MIN`, aloBoundary.ts): [0, τ_s] with (14, 12), then [τ_s, T] with 16–24 nodes in ln τ, where
 * the boundary is nearly a low-degree polynomial — ~10× more accurate than the bands and 1.6× faster on the
 * benchmark overall. Spots just above B(T) are the hardest: the price there depends on the boundary's
 * last stretch and the premium integrand switches on over T − u ~ a²T (see aloPremium.ts). Adversarial boxes of
 * such spots (2026-12-06; S = B(T)·e^{aσ√T}, a ≤ 1, 300–400 each) found up to 6.2e-8 before the fixes of that day
 * (the ln y piece of the price integral, `nearBoundaryResolution`, the Newton constant); now ≤ 8.5e-9 in each.
 */
import { booleanOption, bsNumbers, nonNegativeNumber, wholeCount } from '../arguments.js';
import { bsPrice } from '../bsPrice.js';
import type { OptionType } from '../types.js';
import {
  beginPrice,
  boundaryCoefficients,
  solveBoundary,
  solveBoundarySplit,
  splitBoundary,
} from './aloBoundary.js';
import { premium, premiumSplit } from './aloPremium.js';
import { type Scheme, scheme } from './aloScheme.js';
import { americanLimitPrice, latticePrice } from './limits.js';
import { perpetualPutLimit } from './perpetual.js';

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
  /**
   * Solve the boundary of a put-equivalent with q > r in two pieces (see SPLIT_KAPPA): `nodes`, `fpOrder` are
   * then the second piece's. Default: where κ ∈ [SPLIT_KAPPA_MIN, SPLIT_KAPPA_MAX) unless nodes or fpOrder is set.
   */
  split?: boolean;
  /**
   * Start the boundary's Newton iteration from the last solve of the same discretisation (its converged offset
   * from the QD+ start, see aloBoundary.ts) rather than from QD+ alone: for iterative callers at nearby inputs
   * (implied vol, greeks' bumps), 1–2 sweeps instead of 2–4. The price then depends on that earlier solve within
   * the stop tolerance (measured ≤ 7e-11 per K = 100), so only a call sequence that starts cold is reproducible.
   * Default false.
   */
  warmStart?: boolean;
}

/**
 * Default discretisation (n, l, m, p) = (14, 12, ≤ 20, 64), sweeps stop once nodes move < 1e-8·K; n and l are
 * raised for put-equivalents with q > r and κ < 2 (see `switchResolution`) and for r·T or |q|·T > 0.25.
 */
export const ALO_DEFAULTS: Readonly<Required<AloOptions>> = {
  nodes: 14,
  fpOrder: 12,
  iterations: 20,
  tolerance: 1e-8,
  priceOrder: 64,
  split: false,
  warmStart: false,
};

/** Faster, coarser discretisation: ≤ 1e-4 per K = 100 on realistic inputs (median ~3e-7). */
export const ALO_FAST: Readonly<Required<AloOptions>> = {
  nodes: 8,
  fpOrder: 8,
  iterations: 4,
  tolerance: 1e-10,
  priceOrder: 16,
  split: false,
  warmStart: false,
};

/** Resolution used when drift dominates diffusion (max(|r|, |q|, |r − q|)·√T/σ > 16). */
const ALO_RESOLUTION_DRIFT: Readonly<Required<AloOptions>> = {
  nodes: 64,
  fpOrder: 64,
  iterations: 30,
  tolerance: 1e-14,
  priceOrder: 192,
  split: false,
  warmStart: false,
};

/** High-precision discretisation for reference values: ≤ 1e-10 (q ≤ r) / ≤ 3e-8 (q > r; 2.2e-8 seen) per K = 100. */
export const ALO_HIGH_PRECISION: Readonly<Required<AloOptions>> = {
  nodes: 32,
  fpOrder: 32,
  iterations: 20,
  tolerance: 1e-14,
  priceOrder: 96,
  split: false,
  warmStart: false,
};

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
  split: false,
  warm: false,
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
  split = false,
  warm = false,
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
    last.split === split &&
    last.warm === warm &&
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
    bT = split
      ? solveBoundarySplit(
          K,
          T,
          r,
          q,
          vol,
          splitTau(r, q, vol),
          iterations,
          tolerance,
          SPLIT_FIRST(p),
          sch,
          warm,
        )
      : solveBoundary(K, T, r, q, vol, n, l, iterations, tolerance, sch, warm);
    last.split = split;
    last.warm = warm;
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
        undefined,
        split,
        warm,
      );
  }
  USED.nodes = n;
  USED.fpOrder = l;
  USED.priceOrder = p;
  USED.split = split;
  const prem = split
    ? premiumSplit(S, K, T, r, q, vol, lnX, splitTau(r, q, vol), splitBoundary, sch, bT)
    : premium(S, K, T, r, q, vol, n, lnX, quarter, lin, sch, bT, boundaryCoefficients());
  const v = bsPrice('put', S, K, T, r, q, vol) + (prem > 0 ? prem : 0);
  return v > K - S ? v : K - S;
}

/**
 * The (n, l) the default discretisation needs to stay within 1e-8 per K = 100 for a put with q > r > 0 where the
 * K-terms switch on before or soon after expiry, κ = ln²(q/r)/(2σ²T) < 2 (`switchKappa`); `undefined` elsewhere
 * (n = 14, l = 12 suffice; for spots near B(T) see `nearBoundaryResolution`). Used where the split solve is not
 * (κ < 1e-4, κ ∈ [1, 2), `split: false` or an explicit n or l). Measured against the converged
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
 * Put-equivalents with q > r and κ ∈ [SPLIT_KAPPA_MIN, SPLIT_KAPPA_MAX) solve their boundary in two causal pieces
 * (see solveBoundarySplit): [0, τ_s], τ_s = ln²(q/r)/(2·SPLIT_KAPPA_FIRST·σ²) (so κ of that piece is
 * SPLIT_KAPPA_FIRST and (14, 12) resolves it), then [τ_s, T] in ln τ with n_B = clamp(16, ⌈2·ln(T/τ_s)⌉, 24)
 * nodes and l_B = 16 points (24 near B(T)). Measured against n = l = 96, p = 384 (300 random spots per band, 200
 * near B(T)): max 3.5e-10 (κ ∈ [0.01, 0.1)), 2.8e-10 ([0.1, 0.3)), 3.7e-10 ([0.3, 1)), 9.7e-10 ([0, 0.01) with
 * n_B by the rule), near B(T) 4.4e-9 (κ < 0.01) — where the one-piece κ bands reached 3.5e-9 (4.7e-9 near B(T)
 * with `nearBoundaryResolution`), at 0.35–0.55 of their time below κ = 0.3 (0.2 near B(T)) and about the same
 * above. With SPLIT_KAPPA_FIRST = 2 the first piece left 1.1e-8; below κ ~ 1e-4 ln(T/τ_s) needs n_B > 24. Beyond the
 * realistic box (T to 8 years, σ√T to 3, r to 15 %, 500 inputs) ≤ 7.3e-9 with n_B from 2·ln(T/τ_s) (1.6× left 1.2e-8)
 * and at least (20, 20) above σ√T = 1.5.
 */
const SPLIT_KAPPA_MIN = 1e-4;
const SPLIT_KAPPA_MAX = 1;
const SPLIT_KAPPA_FIRST = 4;
/** σ√T above which the split solve's second piece takes at least (20, 20). */
const SPLIT_WIDE = 1.5;
const SPLIT_FIRST = (p: number): Scheme => scheme(14, 12, p);

/** τ_s of the split solve, years. */
function splitTau(r: number, q: number, vol: number): number {
  const l = Math.log(q / r);
  return (l * l) / (2 * SPLIT_KAPPA_FIRST * vol * vol);
}

/** n_B of the split solve's second piece for κ (see SPLIT_KAPPA_MIN). */
function splitNodes(kappa: number): number {
  const range = Math.log(SPLIT_KAPPA_FIRST / kappa); // ln(T/τ_s)
  return Math.min(24, Math.max(16, Math.ceil(2 * range)));
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
const NEAR_BOUNDARY_A = 1;

/**
 * ALO_DEFAULTS with the discretisation fields opts sets (an explicit `undefined` does not override); a field out of
 * its domain throws, naming it (a priceOrder of 0 priced 9.915 where the price is 10.165, a nodes of 2.5 ran as 3).
 */
function withDefaults(opts: AloOptions | undefined): Required<AloOptions> {
  const out: Required<AloOptions> = { ...ALO_DEFAULTS };
  for (const k of Object.keys(out) as (keyof AloOptions)[]) {
    const v = opts?.[k];
    if (v !== undefined) (out as Record<keyof AloOptions, number | boolean>)[k] = v;
  }
  if (opts !== undefined) {
    // (the solver needs two nodes and two quadrature points: 1 ran as 2)
    for (const k of ['nodes', 'fpOrder', 'priceOrder'] as const) wholeCount(out[k], k, 2);
    wholeCount(out.iterations, 'iterations');
    nonNegativeNumber(out.tolerance, 'tolerance');
    booleanOption(out.split, 'split');
    booleanOption(out.warmStart, 'warmStart');
  }
  return out;
}

/** r·T (or |q|·T) beyond which the default discretisation is raised to (20, 16). */
const LONG_RATE_TIME = 0.25;

/** The discretisation of the last aloPrice call (after the κ, drift and near-boundary rules). */
const USED: Required<AloOptions> = { ...ALO_DEFAULTS };

/**
 * The discretisation `aloPrice(type, S, K, T, r, q, vol, opts)` uses at these inputs, all fields set: passed as
 * `opts` to prices at nearby inputs it keeps their discretisation the same (no κ-band or near-boundary switch
 * between them), so that finite differences see one smooth function (see americanGreeks.ts). Prices once.
 * Inputs in `aloPrice`'s units (S, K price units; T years; r, q, vol per year / per √year); the result holds counts
 * (nodes, orders, sweeps) and the tolerance as a fraction of K.
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
 * by `switchResolution`, where r·T or |q|·T exceeds 0.25 (long-dated at high rates) to at least (20, 16), and
 * for spots near B(T) with κ < 4 n, l and p by `nearBoundaryResolution`, unless
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
  bsNumbers('aloPrice', S, K, T, r, q, vol);
  const lim = americanLimitPrice(type, S, K, T, r, q, vol);
  if (lim !== undefined) return lim;
  // drift-dominated (σ ≪ (r − q)√T): provably the perpetual price, where the boundary's (σ/r)² time scale is
  // beyond any collocation (see perpetual.ts); calls by the symmetry C(S, K, r, q) = P(K, S, q, r)
  const perpetual =
    type === 'put' ? perpetualPutLimit(S, K, T, r, q, vol) : perpetualPutLimit(K, S, T, q, r, vol);
  if (perpetual !== undefined) return perpetual;
  let { nodes: n, fpOrder: l, iterations: m, tolerance: tol, priceOrder: p } = withDefaults(opts);
  // drift against diffusion over the life: the boundary sharpens as it grows, so the resolution follows it
  const rho = (Math.max(Math.abs(r), Math.abs(q), Math.abs(r - q)) * Math.sqrt(T)) / vol;
  if (rho > 1000) return latticePrice(type, S, K, T, r, q, vol, 4000);
  // put-equivalent q > r (a call's r, q swap under the symmetry): resolve the K-terms' switch-on (see above)
  let near: [number, number, number] | undefined;
  const kappa = type === 'put' ? switchKappa(q, r, vol, T) : switchKappa(r, q, vol, T);
  const drift = rho > 4 || vol * Math.sqrt(T) > 3;
  const split =
    !drift &&
    kappa >= SPLIT_KAPPA_MIN &&
    (opts?.split ?? (opts?.nodes === undefined && opts?.fpOrder === undefined && kappa < SPLIT_KAPPA_MAX));
  if (split && opts?.split === undefined) {
    // σ√T beyond the realistic range (1.7 at 120 %, 2 years): at 2.4, (16, 16) left 2.6e-8, (20, 20) 1.6e-9
    const wide = vol * Math.sqrt(T) > SPLIT_WIDE;
    n = wide ? Math.max(20, splitNodes(kappa)) : splitNodes(kappa);
    l = wide ? 20 : 16;
    if (opts?.priceOrder === undefined) near = [n, 24, p];
  }
  if (!split && opts?.nodes === undefined && opts?.fpOrder === undefined) {
    const res = switchResolution(kappa);
    if (res !== undefined) {
      n = Math.max(n, res[0]);
      l = Math.max(l, res[1]);
    }
    if (opts?.priceOrder === undefined) near = nearBoundaryResolution(kappa);
    // long-dated at a high rate (r·T or |q|·T beyond 0.25: LEAPS, not the realistic box's ≤ 0.12): the boundary
    // falls over a wider range than (14, 12) resolves — 9.3e-7 off for a 6.6-year put at r = 10.7 %, σ = 9.6 %,
    // 2.2e-9 with (20, 16)
    if (Math.max(Math.abs(r), Math.abs(q)) * T > LONG_RATE_TIME) {
      n = Math.max(n, 20);
      l = Math.max(l, 16);
    }
  }
  if (drift) {
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
  USED.split = split;
  const warm = opts?.warmStart === true;
  USED.warmStart = warm;
  beginPrice();
  return type === 'put'
    ? K * aloPut(S / K, 1, T, r, q, vol, n, l, m, tol, p, near, split, warm)
    : S * aloPut(K / S, 1, T, q, r, vol, n, l, m, tol, p, near, split, warm);
}
