/**
 * One simulated expiration, written straight into columns (no per-contract objects).
 *
 * Per strike: the smile vol σ(K) = σ_atm·m(x), x = ln(K/F)/(σ_atm√T) (see SimProfile); price
 * and greeks from the quant core (Black-Scholes-Merton, European, continuous dividend yield);
 * bid/ask around that fair value, rounded outward to the tick (so fair value is always inside the
 * quote), the width growing with the option's price, with distance from the money and with the
 * name's illiquidity; open interest and volume highest at the money and for monthlies; quote times
 * seconds to minutes before the as-of. A seeded ~1.2 % of quotes are stale (10–90 min old), ~0.2 %
 * crossed, ~0.3 % zero-bid, ~0.2 % without greeks, and ~0.2 % of strikes lack one side — so that
 * the data-quality filters have work, as with a real feed.
 */
import { bsGreeksInto, type GreeksArrays } from '../../../quant/bsGreeks.js';
import type { Rng } from '../../../quant/random.js';
import { allocColumns, NUMERIC_COLUMNS } from '../../chainBuilder.js';
import { expiryTime, type ListedExpiration, yearsToExpiry } from '../../expiry.js';
import type { ExpiryChain, OptionColumns } from '../../types.js';
import { atmVol } from './marketModel.js';
import type { SimProfile } from './profiles.js';
import { rngFor } from './seeding.js';
import { strikeLadder } from './strikeLadder.js';

/** Everything about the underlying at the as-of that every expiration shares. */
export interface UnderlyingState {
  seed: number;
  profile: SimProfile;
  spot: number;
  asOf: number;
  /** Risk-free rate, continuously compounded. */
  r: number;
  /** Current and long-run ATM implied-vol levels (see marketModel.ts). */
  sigmaNow: number;
  sigmaLongRun: number;
  /** Instant of the next earnings report, epoch ms, or null. */
  nextEarnings: number | null;
}

const STALE_SHARE = 0.012;
const CROSSED_SHARE = 0.002;
const ZERO_BID_SHARE = 0.003;
const NO_GREEKS_SHARE = 0.002;
const MISSING_SIDE_SHARE = 0.002;
/** Relative standard deviation of a contract's IV around the smooth smile (liquid names). */
const IV_NOISE = 0.006;

let scratch: GreeksArrays = {
  price: new Float64Array(0),
  delta: new Float64Array(0),
  gamma: new Float64Array(0),
  theta: new Float64Array(0),
  vega: new Float64Array(0),
  rho: new Float64Array(0),
};

function scratchFor(n: number): GreeksArrays {
  if (scratch.price.length < n) {
    const size = Math.max(n, 2 * scratch.price.length);
    scratch = {
      price: new Float64Array(size),
      delta: new Float64Array(size),
      gamma: new Float64Array(size),
      theta: new Float64Array(size),
      vega: new Float64Array(size),
      rho: new Float64Array(size),
    };
  }
  return scratch;
}

const strikeCodes = new Map<number, string>();

/** The 8-digit strike part of an OCC symbol (strike × 1000), cached: ladders reuse the same strikes. */
function strikeCode(strike: number): string {
  let code = strikeCodes.get(strike);
  if (code === undefined) {
    code = String(Math.round(strike * 1000)).padStart(8, '0');
    if (strikeCodes.size > 100_000) strikeCodes.clear();
    strikeCodes.set(strike, code);
  }
  return code;
}

function roundCents(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Fills one side's market columns at strike i from the fair value in `g[i]` (see module doc). */
function quoteSide(
  cols: OptionColumns,
  i: number,
  g: GreeksArrays,
  x: number,
  oiScale: number,
  turnover: number,
  illiq: number,
  spot: number,
  penny: boolean,
  asOf: number,
  rng: Rng,
): void {
  const mid = g.price[i];
  // Minimum increments by quote price: penny-class $0.01 under $3 and $0.05 above, else $0.05 / $0.10.
  const small = penny ? 0.01 : 0.05;
  const big = penny ? 0.05 : 0.1;
  const tick = mid < 3 ? small : big;
  const ax = x < 0 ? -x : x;
  const wing = ax > 1 ? 1 + 0.35 * (ax - 1) : 1;
  let width =
    (0.01 + spot * 0.00015 * (0.5 + illiq) + 0.1 * illiq * illiq + (0.008 + 0.12 * illiq * illiq) * mid) *
    wing;
  if (width < tick) width = tick;
  const rawBid = mid - 0.5 * width;
  const rawAsk = mid + 0.5 * width;
  const bidTick = rawBid < 3 ? small : big;
  const askTick = rawAsk <= 3 ? small : big;
  let bid = roundCents(Math.floor(rawBid / bidTick + 1e-9) * bidTick);
  let ask = roundCents(Math.ceil(rawAsk / askTick - 1e-9) * askTick);
  if (bid < 0) bid = 0;
  if (ask - bid < small - 1e-9) ask = roundCents(bid + askTick);

  const u = rng.uniform();
  const ageU = rng.uniform();
  const age =
    u < STALE_SHARE ? 601 + 4800 * ageU : Math.min(2 + -Math.log(1 - ageU) * (15 + 120 * illiq), 590);
  if (u >= STALE_SHARE && u < STALE_SHARE + CROSSED_SHARE) bid = roundCents(ask + tick);
  else if (u >= STALE_SHARE + CROSSED_SHARE && u < STALE_SHARE + CROSSED_SHARE + ZERO_BID_SHARE) bid = 0;
  const noGreeks = u >= 1 - NO_GREEKS_SHARE;

  const money = Math.exp(-0.5 * (x / 1.5) * (x / 1.5));
  const oi = Math.round(oiScale * money * Math.exp(0.6 * rng.normal()));
  const vol = Math.round(
    oi * turnover * Math.exp(-0.5 * (x / 1.2) * (x / 1.2)) * Math.exp(0.8 * rng.normal()),
  );
  const lastU = rng.uniform();
  cols.bid[i] = bid;
  cols.ask[i] = ask;
  const traded = Math.round((bid + lastU * (ask - bid)) / tick) * tick;
  cols.last[i] = vol > 0 || lastU < 0.5 ? roundCents(Math.max(tick, traded)) : Number.NaN;
  cols.volume[i] = vol;
  cols.openInterest[i] = oi;
  cols.quoteTime[i] = Math.round(asOf - age * 1000);
  if (noGreeks) {
    cols.iv[i] = Number.NaN;
    cols.delta[i] = Number.NaN;
    cols.gamma[i] = Number.NaN;
    cols.theta[i] = Number.NaN;
    cols.vega[i] = Number.NaN;
  } else {
    cols.delta[i] = g.delta[i];
    cols.gamma[i] = g.gamma[i];
    cols.theta[i] = g.theta[i] / 365; // per calendar day
    cols.vega[i] = g.vega[i] / 100; // per volatility point
  }
}

function clearSide(cols: OptionColumns, i: number): void {
  cols.symbols[i] = '';
  for (const c of [cols.bid, cols.ask, cols.last, cols.volume, cols.openInterest, cols.iv]) c[i] = Number.NaN;
  for (const c of [cols.delta, cols.gamma, cols.theta, cols.vega, cols.quoteTime]) c[i] = Number.NaN;
}

/** What an expiration needs before its columns are filled: time, ATM vol and strikes. */
interface ExpiryPlan {
  listed: ListedExpiration;
  expiry: number;
  T: number;
  sigmaAtm: number;
  strikes: number[];
}

function planExpiry(u: UnderlyingState, listed: ListedExpiration): ExpiryPlan | null {
  const p = u.profile;
  const expiry = expiryTime(listed.date);
  const T = yearsToExpiry(expiry, u.asOf);
  if (!(T > 0)) return null;
  const hasEvent = u.nextEarnings !== null && u.nextEarnings > u.asOf && u.nextEarnings <= expiry;
  const sigmaAtm = atmVol(u.sigmaNow, u.sigmaLongRun, T, hasEvent ? p.earningsMove * p.earningsMove : 0);
  const strikes = strikeLadder(u.spot, T, atmVol(u.sigmaNow, u.sigmaLongRun, T), p);
  return { listed, expiry, T, sigmaAtm, strikes };
}

/** Float64s per strike in a chain buffer: the strike and both sides' numeric columns. */
const PER_STRIKE = 1 + 2 * NUMERIC_COLUMNS.length;
let xScratch = new Float64Array(256);

/** Fills one expiration into `buf` (length strikes × PER_STRIKE), which its columns then view. */
function fillExpiry(u: UnderlyingState, plan: ExpiryPlan, buf: Float64Array): ExpiryChain {
  const p = u.profile;
  const { listed, T, sigmaAtm } = plan;
  const n = plan.strikes.length;
  const strikes = buf.subarray(0, n);
  for (let i = 0; i < n; i++) strikes[i] = plan.strikes[i];
  const half = NUMERIC_COLUMNS.length * n;
  const calls = allocColumns(n, buf.subarray(n, n + half)); // every entry is written below
  const puts = allocColumns(n, buf.subarray(n + half, n + 2 * half));
  const q = p.dividendYield;
  const S = u.spot;
  const sqrtT = Math.sqrt(T);
  const dq = Math.exp(-q * T);
  const dr = Math.exp(-u.r * T);
  const forward = (S * dq) / dr;
  const sdAtm = sigmaAtm * sqrtT;

  // Smile vols and standardised moneyness, into the IV columns (puts share the calls' vol).
  if (xScratch.length < n) xScratch = new Float64Array(2 * n);
  const x = xScratch;
  for (let i = 0; i < n; i++) {
    let xi = Math.log(strikes[i] / forward) / sdAtm;
    xi = xi < -6 ? -6 : Math.min(xi, 6);
    let m =
      xi < 0
        ? 1 + p.putSkew * xi + p.putCurvature * xi * xi
        : 1 + p.callSkew * xi + p.callCurvature * xi * xi;
    m = m < 0.55 ? 0.55 : Math.min(m, 3);
    calls.iv[i] = sigmaAtm * m;
    puts.iv[i] = sigmaAtm * m;
    x[i] = xi;
  }
  // Market makers' marks are not a smooth surface: each contract's IV deviates a little from it.
  const noiseRng = rngFor(u.seed, p.symbol, 'marks', Math.floor(u.asOf / 60_000), listed.date);
  const noise = IV_NOISE * (1 + 2 * (1 - p.liquidity));
  for (let i = 0; i < n; i++) {
    calls.iv[i] *= Math.exp(noise * noiseRng.normal());
    puts.iv[i] *= Math.exp(noise * noiseRng.normal());
  }

  const root = p.symbol.replace(/\./g, '');
  const prefix = `${root}${listed.date.slice(2, 4)}${listed.date.slice(5, 7)}${listed.date.slice(8, 10)}`;
  const illiq = 1 - p.liquidity;
  const typeScale = listed.type === 'standard' ? 1 : listed.type === 'weekly' ? 0.35 : 0.15;
  const oiScale = 10 ** (1.8 + 3.2 * p.liquidity) * typeScale * (T > 0.5 ? 0.6 : 1);
  const turnover = 0.12 * (T < 10 / 365 ? 2 : 1);
  const rng = rngFor(u.seed, p.symbol, 'chain', Math.floor(u.asOf / 60_000), listed.date);
  const g = scratchFor(n);

  for (const side of [calls, puts]) {
    const isCall = side === calls;
    for (let i = 0; i < n; i++)
      bsGreeksInto(isCall, S, strikes[i], T, u.r, q, side.iv[i], dq, dr, sqrtT, g, i);
    const letter = isCall ? 'C' : 'P';
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      // OTM options carry more open interest than ITM ones; OTM puts the most (hedging demand).
      const otm = isCall ? xi > 0 : xi < 0;
      const bias = otm ? (isCall ? 1 : 1.3) : 0.5;
      side.symbols[i] = prefix + letter + strikeCode(strikes[i]);
      quoteSide(side, i, g, xi, oiScale * bias, turnover, illiq, S, p.pennyIncrements, u.asOf, rng);
    }
  }
  for (let i = 0; i < n; i++) {
    const m = rng.uniform();
    if (m < MISSING_SIDE_SHARE) clearSide(m < MISSING_SIDE_SHARE / 2 ? calls : puts, i);
  }
  return {
    expiration: listed.date,
    expiryTime: plan.expiry,
    expirationType: listed.type,
    strikes,
    calls,
    puts,
  };
}

/**
 * The listed expirations of the underlying that have not expired at the as-of, in order. All their
 * numbers live in one Float64Array (strikes and columns are views into it): one allocation per chain.
 */
export function generateExpirations(u: UnderlyingState, listed: readonly ListedExpiration[]): ExpiryChain[] {
  const plans: ExpiryPlan[] = [];
  let total = 0;
  for (const l of listed) {
    const plan = planExpiry(u, l);
    if (plan === null) continue;
    plans.push(plan);
    total += plan.strikes.length * PER_STRIKE;
  }
  const buf = new Float64Array(total);
  let offset = 0;
  return plans.map((plan) => {
    const size = plan.strikes.length * PER_STRIKE;
    const e = fillExpiry(u, plan, buf.subarray(offset, offset + size));
    offset += size;
    return e;
  });
}
