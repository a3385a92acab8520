import { bsNumbers, isCallType, wholeCount } from '../arguments.js';
/**
 * American option on a binomial lattice: the oracle the closed-form and integral methods are checked against.
 *
 * Cox, Ross & Rubinstein (1979): u = e^{σ√Δt}, d = 1/u, p = (e^{(r−q)Δt} − d)/(u − d), backward induction
 * V = max(intrinsic, e^{−rΔt}(p·V_up + (1 − p)·V_down)). When the drift over the life exceeds one standard
 * deviation (|r − q|·√T > σ), where CRR's p degenerates, the tree is centred on the drift instead,
 * u,d = e^{(r−q)Δt ± σ√Δt} (Jarrow & Rudd 1983 spacing with the exact risk-neutral p), for every n.
 * Optional smoothing (Broadie & Detemple 1996): 'bbs' prices the last step with the Black-Scholes-Merton formula, 'bbsr' adds two-point Richardson
 * extrapolation 2·BBS(n) − BBS(n/2); error O(1/n) for plain CRR (oscillating), ~O(1/n^1.5–2) for 'bbsr'.
 * Cost O(n²/2); handles every r, q (including the double-boundary case r < 0, q < r for puts).
 */
import { bsPrice } from '../bsPrice.js';
import type { OptionType } from '../types.js';
import { americanZeroVolPrice } from './zeroVol.js';

/** Lattice refinements: plain CRR, Black-Scholes last step, or that plus Richardson extrapolation. */
export type BinomialSmoothing = 'none' | 'bbs' | 'bbsr';

/** Default number of time steps of `binomialPrice`. */
export const BINOMIAL_DEFAULT_STEPS = 801;

/** The three lattice nodes at time 0 of a tree grown two steps early: spots (price units) and values. */
interface SpotNodes {
  sDown: number;
  sMid: number;
  sUp: number;
  vDown: number;
  vMid: number;
  vUp: number;
}

let values = new Float64Array(1024);
let ratios = new Float64Array(1024);

/** One backward induction with n steps; `bbs` replaces the last step by the European formula. */
function lattice(
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
  n: number,
  bbs: boolean,
  spotNodes?: SpotNodes,
): number {
  // spotNodes: the tree grows two steps earlier (Pelsser & Vorst 1994), from S₀ = S·e^{−(ln u + ln d)}, so
  // that its three nodes two steps on, at time 0, are S·u/d, S, S·d/u; stopping there leaves the price at S
  // (the same number as the n-step tree from S) and its neighbours for delta and gamma.
  const pre = spotNodes ? 2 : 0;
  if (values.length < n + pre + 1) {
    values = new Float64Array(2 * n + 6);
    ratios = new Float64Array(2 * n + 6);
  }
  const v = values;
  const ratio = ratios;
  const w = type === 'call' ? 1 : -1;
  const dt = T / n;
  const s = vol * Math.sqrt(dt);
  const b = (r - q) * dt;
  // drift over the life beyond one standard deviation: CRR's p drifts towards 0 or 1 (and leaves [0, 1] for
  // small n), so the drift-centred tree is used for every n, keeping the convergence in n smooth.
  const driftCentred = Math.abs(r - q) * Math.sqrt(T) > vol;
  // CRR first: ln u = s, ln d = −s
  let lnU = s;
  let lnD = -s;
  let p = (Math.expm1(b) - Math.expm1(-s)) / (Math.expm1(s) - Math.expm1(-s));
  if (driftCentred || !(p > 0 && p < 1)) {
    lnU = b + s;
    lnD = b - s;
    p = -Math.expm1(-s) / (Math.expm1(s) - Math.expm1(-s));
  }
  const disc = Math.exp(-r * dt);
  const pu = disc * p;
  const pd = disc * (1 - p);
  const lnR = lnU - lnD;
  const spot = S;
  if (pre) {
    S *= Math.exp(-(lnU + lnD));
    n += pre;
  }
  // node (i, j) price = S·d^i·(u/d)^j; beyond e^{±600} the factors would overflow, so take logs per node
  const huge = n * lnR > 1200;
  const lnS = Math.log(S);
  if (!huge) for (let j = 0; j <= n; j++) ratio[j] = Math.exp(j * lnR);
  let last = n;
  if (bbs) {
    last = n - 1;
    const base = S * Math.exp(last * lnD);
    for (let j = 0; j <= last; j++) {
      const st = huge ? Math.exp(lnS + last * lnD + j * lnR) : base * ratio[j];
      const ex = w * (st - K);
      const eu = st < Number.POSITIVE_INFINITY ? bsPrice(type, st, K, dt, r, q, vol) : w > 0 ? st : 0;
      v[j] = eu > ex ? eu : ex;
    }
  } else {
    const base = S * Math.exp(n * lnD);
    for (let j = 0; j <= n; j++) {
      const ex = w * ((huge ? Math.exp(lnS + n * lnD + j * lnR) : base * ratio[j]) - K);
      v[j] = ex > 0 ? ex : 0;
    }
  }
  for (let i = last - 1; i >= pre; i--) {
    if (huge) {
      const lnBase = lnS + i * lnD;
      for (let j = 0; j <= i; j++) {
        const cont = pu * v[j + 1] + pd * v[j];
        const ex = w * (Math.exp(lnBase + j * lnR) - K);
        v[j] = cont > ex ? cont : ex;
      }
      continue;
    }
    const base = S * Math.exp(i * lnD);
    for (let j = 0; j <= i; j++) {
      const cont = pu * v[j + 1] + pd * v[j];
      const ex = w * (base * ratio[j] - K);
      v[j] = cont > ex ? cont : ex;
    }
  }
  if (spotNodes) {
    spotNodes.sDown = spot * Math.exp(-lnR);
    spotNodes.sMid = spot;
    spotNodes.sUp = spot * Math.exp(lnR);
    spotNodes.vDown = v[0];
    spotNodes.vMid = v[1];
    spotNodes.vUp = v[2];
    return v[1];
  }
  return v[0];
}

const SMOOTHINGS: readonly unknown[] = ['none', 'bbs', 'bbsr'];

/** A TypeError / RangeError for a bad right, step count (0, 0.4, NaN and ∞ ran as 1 step or crashed) or smoothing. */
function latticeArguments(type: unknown, steps: number, smoothing: unknown): void {
  isCallType(type);
  wholeCount(steps, 'steps');
  if (!SMOOTHINGS.includes(smoothing)) {
    throw new RangeError(`smoothing must be 'none', 'bbs' or 'bbsr', got ${String(smoothing)}`);
  }
}

/**
 * American option price on a binomial lattice, price units (CRR 1979; smoothing per Broadie & Detemple 1996).
 * S, K price units; T years; r, q continuous per year; vol per √year; `steps` ≥ 1 time steps (default 801).
 * T = 0 gives the intrinsic value, vol = 0 the exact deterministic value; NaN on negative or NaN inputs.
 */
export function binomialPrice(
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
  steps: number = BINOMIAL_DEFAULT_STEPS,
  smoothing: BinomialSmoothing = 'none',
): number {
  latticeArguments(type, steps, smoothing);
  bsNumbers('binomialPrice', S, K, T, r, q, vol);
  if (!(S >= 0 && K >= 0 && T >= 0 && vol >= 0) || r !== r || q !== q) return Number.NaN;
  if (!(S < Number.POSITIVE_INFINITY && K < Number.POSITIVE_INFINITY && T < Number.POSITIVE_INFINITY))
    return Number.NaN;
  const intrinsic = Math.max(type === 'call' ? S - K : K - S, 0);
  if (T === 0) return intrinsic;
  if (vol === 0) return Math.max(intrinsic, americanZeroVolPrice(type, S, K, T, r, q));
  const n = steps;
  // an extreme spread (σ√(nT) ≳ 300) overflows call payoffs: price the symmetric put C(S,K,r,q) = P(K,S,q,r)
  if (type === 'call' && vol * Math.sqrt(n * T) > 300)
    return binomialPrice('put', K, S, T, q, r, vol, n, smoothing);
  if (smoothing === 'none') return lattice(type, S, K, T, r, q, vol, n, false);
  if (smoothing === 'bbs') return lattice(type, S, K, T, r, q, vol, n, true);
  const nf = n % 2 === 0 ? n : n + 1;
  const fine = lattice(type, S, K, T, r, q, vol, nf, true);
  const coarse = lattice(type, S, K, T, r, q, vol, nf / 2, true);
  return Math.max(intrinsic, 2 * fine - coarse);
}

/** Delta (per unit of S) and gamma (per unit² of S) at the middle of three spot nodes, second order. */
function nodeGreeks(type: OptionType, K: number, x: SpotNodes): LatticeSpotGreeks {
  const hu = x.sUp - x.sMid;
  const hd = x.sMid - x.sDown;
  const su = (x.vUp - x.vMid) / hu;
  const sd = (x.vMid - x.vDown) / hd;
  const w = type === 'call' ? 1 : -1;
  const continuation = x.vDown > w * (x.sDown - K) && x.vMid > w * (x.sMid - K) && x.vUp > w * (x.sUp - K);
  return { delta: (su * hd + sd * hu) / (hu + hd), gamma: (2 * (su - sd)) / (hu + hd), continuation };
}

/** Lattice delta (per unit of S) and gamma (per unit² of S); `continuation`: no node of the stencil exercised. */
export interface LatticeSpotGreeks {
  delta: number;
  gamma: number;
  continuation: boolean;
}

/**
 * Delta and gamma of the lattice price from the lattice itself (Pelsser & Vorst 1994, "The binomial model and
 * the Greeks", J. Derivatives 1(3)): the tree starts two steps before time 0, so that at time 0 it has nodes at
 * S·u/d, S and S·d/u, and the greeks are the differences of those three nodes' values. Plain CRR prices
 * oscillate in S with the node positions, so differences of separate prices at S ± 1 % put gamma 10–30 % off
 * (measured); the nodes move with S and keep it at the lattice's O(1/n). 'bbsr' extrapolates both like the
 * price. `undefined` where `binomialPrice` takes another route (T = 0, vol = 0, invalid input, the call priced
 * as its symmetric put).
 */
export function binomialSpotGreeks(
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
  steps: number = BINOMIAL_DEFAULT_STEPS,
  smoothing: BinomialSmoothing = 'none',
): LatticeSpotGreeks | undefined {
  latticeArguments(type, steps, smoothing);
  if (!(S > 0 && K >= 0 && T > 0 && vol > 0) || r !== r || q !== q) return undefined;
  const n = steps;
  if (type === 'call' && vol * Math.sqrt(n * T) > 300) return undefined;
  const x: SpotNodes = { sDown: 0, sMid: 0, sUp: 0, vDown: 0, vMid: 0, vUp: 0 };
  if (smoothing !== 'bbsr') {
    lattice(type, S, K, T, r, q, vol, n, smoothing === 'bbs', x);
    return nodeGreeks(type, K, x);
  }
  const nf = n % 2 === 0 ? n : n + 1;
  lattice(type, S, K, T, r, q, vol, nf, true, x);
  const fine = nodeGreeks(type, K, x);
  lattice(type, S, K, T, r, q, vol, nf / 2, true, x);
  const coarse = nodeGreeks(type, K, x);
  return {
    delta: 2 * fine.delta - coarse.delta,
    gamma: 2 * fine.gamma - coarse.gamma,
    continuation: fine.continuation && coarse.continuation,
  };
}
