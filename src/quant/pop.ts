import { numberArgs } from './arguments.js';
import { bsPrice } from './bsPrice.js';
import { probAbove, probBetween } from './probability.js';

/**
 * Probability of profit (POP) of any position whose value at expiry is piecewise linear in S_T:
 * options, stock and cash. The expiry P&L is linear between strikes, so its profitable set is a union
 * of intervals between breakevens; POP = Σ P(a < S_T < b) over those intervals, each a lognormal
 * N(d2)-type probability (`probability.ts`), exact under GBM. This replaces the 1 − |Δ| shortcut,
 * which ignores the premium (the breakeven is not the strike) and mixes N(d1) with N(d2).
 * Money is per share of underlying (multiply by 100 × contracts for a position); P&L > 0 is profit.
 */

/** Leg kinds of a payoff. */
export type PayoffLegType = 'call' | 'put' | 'stock';

/** One leg of a position, per share of underlying. */
export interface PayoffLeg {
  type: PayoffLegType;
  /** Strike in price units (ignored for stock). */
  strike: number;
  /** Signed quantity in shares of underlying: +1 long, −1 short, any real for ratios. */
  quantity: number;
  /** Price per share paid when long / received when short (≥ 0); for stock, the entry price. */
  premium: number;
  /** Implied vol (per √year) to mark this leg before expiry (Monte Carlo P50); default: the model vol. */
  vol?: number;
}

/** Bounds of the expiry P&L over S_T ∈ [0, ∞), per share; ±Infinity when unbounded. */
export interface PayoffRange {
  maxProfit: number;
  maxLoss: number;
}

/** Expiry value of one leg per unit quantity (intrinsic value; S_T for stock), price units. */
export function legValueAt(leg: PayoffLeg, sT: number): number {
  if (leg.type === 'call') return sT > leg.strike ? sT - leg.strike : 0;
  if (leg.type === 'put') return leg.strike > sT ? leg.strike - sT : 0;
  return sT;
}

/** P&L per share at expiry for an underlying price `sT`: Σ quantity·(value − premium) + netCash. */
export function payoffAt(legs: readonly PayoffLeg[], sT: number, netCash = 0): number {
  let pnl = netCash;
  for (let i = 0; i < legs.length; i++) {
    const leg = legs[i];
    pnl += leg.quantity * (legValueAt(leg, sT) - leg.premium);
  }
  return pnl;
}

// Scratch buffers reused across calls: positions have a handful of legs, nothing is allocated per call.
let nodes = new Float64Array(16);
let values = new Float64Array(16);
let regions = new Float64Array(16);

/** Sorted distinct strikes into `nodes[1..m]` (nodes[0] = 0), their P&L into `values`; returns m. */
function buildNodes(legs: readonly PayoffLeg[], netCash: number): number {
  if (nodes.length < legs.length + 1) {
    nodes = new Float64Array(2 * legs.length + 2);
    values = new Float64Array(2 * legs.length + 2);
  }
  nodes[0] = 0;
  let m = 0;
  for (let i = 0; i < legs.length; i++) {
    const leg = legs[i];
    if (leg.type === 'stock') continue;
    const k = leg.strike;
    let j = m; // insertion sort, skipping duplicates
    while (j > 0 && nodes[j] > k) j--;
    if (j > 0 && nodes[j] === k) continue;
    for (let t = m; t > j; t--) nodes[t + 1] = nodes[t];
    nodes[j + 1] = k;
    m++;
  }
  for (let j = 0; j <= m; j++) values[j] = payoffAt(legs, nodes[j], netCash);
  return m;
}

/**
 * dP&L/dS_T beyond the highest strike: Σ quantity of calls and stock, 0 within rounding of Σ|quantity| (0.3 − 0.1 −
 * 0.2 is −2.8e-17: read as a slope it put a breakeven at 6.5e16 and made a bounded loss −∞).
 */
function tailSlope(legs: readonly PayoffLeg[]): number {
  let s = 0;
  let size = 0;
  for (const leg of legs) {
    if (leg.type === 'put') continue;
    s += leg.quantity;
    size += Math.abs(leg.quantity);
  }
  return Math.abs(s) <= 1e-12 * size ? 0 : s;
}

/** P&L below which a value counts as zero: 1e-10 of the position's notional scale (absorbs rounding). */
function zeroTolerance(legs: readonly PayoffLeg[], netCash: number): number {
  let scale = Math.abs(netCash);
  for (const leg of legs)
    scale += Math.abs(leg.quantity) * ((leg.type === 'stock' ? 0 : leg.strike) + leg.premium);
  return 1e-10 * scale;
}

function pushRegion(count: number, a: number, b: number): number {
  if (!(b > a)) return count;
  if (regions.length < 2 * count + 2) {
    const grown = new Float64Array(2 * regions.length);
    grown.set(regions);
    regions = grown;
  }
  regions[2 * count] = a;
  regions[2 * count + 1] = b;
  return count + 1;
}

/** Where the segment from (a, va) to (b, vb) crosses zero, clamped to [a, b]. */
function root(a: number, va: number, b: number, vb: number): number {
  const x = a + (b - a) * (va / (va - vb)); // not ((b − a)·va)/…: a product of two prices over- or underflows
  return x < a ? a : x > b ? b : x;
}

/** A TypeError naming the leg whose type is not 'call', 'put' or 'stock' ('Call' was valued as stock). */
export function checkLegTypes(legs: readonly PayoffLeg[]): void {
  legs.forEach((leg, i) => {
    const t: unknown = leg.type;
    if (t !== 'call' && t !== 'put' && t !== 'stock') {
      throw new TypeError(
        `legs[${i}].type must be 'call', 'put' or 'stock', got ${typeof t === 'string' ? `'${t}'` : String(t)}`,
      );
    }
  });
}

/**
 * Finite quantities, premiums and cash, and a positive finite strike on every option leg (false otherwise); a
 * TypeError for a leg type that is none of 'call', 'put', 'stock'.
 */
export function validPosition(legs: readonly PayoffLeg[], netCash: number): boolean {
  checkLegTypes(legs);
  if (!Number.isFinite(netCash)) return false;
  for (const leg of legs) {
    if (!Number.isFinite(leg.quantity) || !Number.isFinite(leg.premium)) return false;
    if (leg.type !== 'stock' && !(leg.strike > 0 && Number.isFinite(leg.strike))) return false;
  }
  return true;
}

/**
 * Profitable intervals (a, b) of S_T, ascending, into `regions`; returns their number (b may be
 * +Infinity), or −1 for an invalid position.
 */
function profitRegions(legs: readonly PayoffLeg[], netCash: number): number {
  if (!validPosition(legs, netCash)) return -1;
  const m = buildNodes(legs, netCash);
  const tol = zeroTolerance(legs, netCash);
  let count = 0;
  let inside = values[0] > tol;
  let start = 0;
  for (let j = 0; j < m; j++) {
    const a = nodes[j];
    const b = nodes[j + 1];
    const va = values[j];
    const vb = values[j + 1];
    const posB = vb > tol;
    if (posB === inside) continue;
    const x = root(a, va, b, vb);
    if (posB) start = x;
    else count = pushRegion(count, start, x);
    inside = posB;
  }
  const xm = nodes[m];
  const vm = values[m];
  const s = tailSlope(legs);
  if (inside) {
    count = pushRegion(count, start, s >= 0 ? Number.POSITIVE_INFINITY : xm + vm / -s);
  } else if (s > 0) {
    const x = xm - vm / s;
    count = pushRegion(count, x > xm ? x : xm, Number.POSITIVE_INFINITY);
  }
  return count;
}

/** Breakeven prices at expiry (price units, ascending): where the P&L turns from loss to profit or back; [] if invalid. */
export function breakevens(legs: readonly PayoffLeg[], netCash = 0): number[] {
  const count = profitRegions(legs, netCash);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const a = regions[2 * i];
    const b = regions[2 * i + 1];
    if (a > 0 && out[out.length - 1] !== a) out.push(a);
    if (Number.isFinite(b)) out.push(b);
  }
  return out;
}

/** Maximum profit and maximum loss of the expiry P&L per share (maxLoss ≤ 0 is a P&L; ±Infinity if unbounded). */
export function payoffRange(legs: readonly PayoffLeg[], netCash = 0): PayoffRange {
  if (!validPosition(legs, netCash)) return { maxProfit: Number.NaN, maxLoss: Number.NaN };
  const m = buildNodes(legs, netCash);
  let hi = Number.NEGATIVE_INFINITY;
  let lo = Number.POSITIVE_INFINITY;
  for (let j = 0; j <= m; j++) {
    if (values[j] > hi) hi = values[j];
    if (values[j] < lo) lo = values[j];
  }
  const s = tailSlope(legs);
  if (s > 0) hi = Number.POSITIVE_INFINITY;
  if (s < 0) lo = Number.NEGATIVE_INFINITY;
  return { maxProfit: hi, maxLoss: lo };
}

const POSITION_ARGS = ['S', 'T', 'vol', 'drift', 'netCash'];

/**
 * Probability of profit at expiry (0–1): P(P&L(S_T) > 0) for lognormal S_T with spot `S`, `T` years,
 * `vol` per √year and drift m = `drift` per year — pass r − q for the risk-neutral POP or μ − q for a
 * real-world one. `netCash` adds a fixed cash amount per share (e.g. −fees, or a net credit when the
 * legs carry premium 0). NaN for an invalid position (non-finite numbers, option strike ≤ 0). At σ√T = 0, S_T is the
 * forward S·e^(mT): 1 where the P&L there is a profit, else 0 (a breakeven at the forward is no profit).
 */
export function pop(
  legs: readonly PayoffLeg[],
  S: number,
  T: number,
  vol: number,
  drift: number,
  netCash = 0,
): number {
  numberArgs('pop', POSITION_ARGS, S, T, vol, drift, netCash);
  const count = profitRegions(legs, netCash);
  if (count < 0) return Number.NaN;
  if (
    vol * Math.sqrt(T) === 0 &&
    vol >= 0 &&
    T >= 0 &&
    S > 0 &&
    S < Number.POSITIVE_INFINITY &&
    !Number.isNaN(drift)
  ) {
    // S_T is the forward: profit or not there (a breakeven at the forward is no profit, not one half)
    return payoffAt(legs, S * Math.exp(drift * T), netCash) > zeroTolerance(legs, netCash) ? 1 : 0;
  }
  let p = 0;
  for (let i = 0; i < count; i++) {
    const a = regions[2 * i];
    const b = regions[2 * i + 1];
    p +=
      b === Number.POSITIVE_INFINITY ? probAbove(S, a, T, vol, drift) : probBetween(S, a, b, T, vol, drift);
  }
  return p > 1 ? 1 : p;
}

/**
 * Expected P&L at expiry per share (undiscounted, price units) under drift m = `drift` per year (r − q
 * risk-neutral, μ − q real-world); S price units, T years, vol per √year:
 * Σ quantity·(E[value(S_T)] − premium) + netCash, with E[(S_T − K)⁺] = Black-Scholes at
 * zero rate on the forward S·e^(mT). NaN for an invalid position or a negative or NaN S, T, vol or drift.
 */
export function expectedPnl(
  legs: readonly PayoffLeg[],
  S: number,
  T: number,
  vol: number,
  drift: number,
  netCash = 0,
): number {
  numberArgs('expectedPnl', POSITION_ARGS, S, T, vol, drift, netCash);
  if (!validPosition(legs, netCash) || !(S >= 0 && T >= 0 && vol >= 0) || Number.isNaN(drift))
    return Number.NaN;
  let ev = netCash;
  const forward = S * Math.exp(drift * T);
  for (const leg of legs) {
    const value = leg.type === 'stock' ? forward : bsPrice(leg.type, S, leg.strike, T, 0, -drift, vol);
    ev += leg.quantity * (value - leg.premium);
  }
  return ev;
}
