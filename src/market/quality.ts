/**
 * Data quality of option chains: which contracts are fit to trade on, and why the others are not.
 *
 * Every (strike, side) slot of every expiration gets one code — 0 for usable, else the first
 * failing check in this order: no contract at that strike (`missingStrike`), expiry already past
 * (`expired`), no bid or ask (`missingQuote`), bid above ask (`crossed`), bid of zero (`zeroBid`),
 * quote older than the allowed age, dated after `latestQuoteTime` or without a time (`stale`), spread wider than the allowed share of
 * mid (`wideSpread`), no usable IV (none, or outside MIN_IV … MAX_IV) or greeks (`missingGreeks`), greeks inconsistent with the quote's
 * own IV (`greeksInconsistent`); then, among the contracts still usable, pairs of strikes whose quotes are an
 * arbitrage against each other (`strikeArbitrage`, both contracts; see strikeArbitrage); then, among those still
 * usable, the middle of three consecutive strikes whose bid exceeds the cost of its two wings at their asks
 * (`butterflyArbitrage`; see markButterflyArbitrage). Counts by reason sum to the rejected slots.
 *
 * The greeks check recomputes Black-Scholes-Merton greeks (European, continuous dividend yield q)
 * from the contract's IV, the chain's spot and the given rate, converts them to market units
 * (theta per calendar day, vega per vol point) and compares with the vendor's. Real vendors compute
 * greeks from a smoothed surface vol rather than the quote's own IV, price American exercise, and
 * time their greeks apart from their quotes, so the default tolerances are loose enough for that
 * (on the real PLTR Tradier snapshot: |Δdelta| ≤ 0.10 everywhere, median 0.003) yet catch what
 * breaks a strategy: greeks in the wrong units (theta per year, vega per 1.00), a flipped sign, or
 * greeks computed at a different spot.
 *
 * The codes are Uint8Arrays aligned with the chain's strikes: strategies scan them alongside the
 * columns without allocating (`codes[i] === 0`).
 */
import { bsGreeksInto, type GreeksArrays } from '../quant/bsGreeks.js';
import { impliedVol } from '../quant/impliedVol.js';
import { yearsToExpiry } from './expiry.js';
import type { ExpiryChain, OptionChain, OptionColumns } from './types.js';

/**
 * Usable implied vols, annualised fractions. Below 1 % no listed equity or ETF option trades: such a value is a
 * placeholder (Yahoo sends 0.00001 for contracts it could not solve, e.g. before the open), and greeks and POP
 * computed from it are meaningless (a delta of 0 or 1, a POP of 0 or 1). Above 2000 % likewise.
 */
export const MIN_IV = 0.01;
export const MAX_IV = 20;

export const QUALITY_REASONS = [
  'missingStrike',
  'expired',
  'missingQuote',
  'crossed',
  'zeroBid',
  'stale',
  'wideSpread',
  'missingGreeks',
  'greeksInconsistent',
  'strikeArbitrage',
  'butterflyArbitrage',
] as const;
export type QualityReason = (typeof QUALITY_REASONS)[number];

/** Code of a reason in the masks (its index in QUALITY_REASONS + 1; 0 = usable). */
export function reasonCode(reason: QualityReason): number {
  return QUALITY_REASONS.indexOf(reason) + 1;
}

/** The reason of a non-zero code, or null for 0 (usable). */
export function reasonOf(code: number): QualityReason | null {
  return code === 0 ? null : (QUALITY_REASONS[code - 1] ?? null);
}

/**
 * Allowed gap between vendor greeks (market units) and greeks recomputed from the quote's IV.
 * Gamma, theta and vega pass when |vendor − ours| ≤ rel·max(|vendor|, |ours|) + abs.
 */
export interface GreeksTolerance {
  /** Absolute, in delta (per share). */
  delta: number;
  gammaRel: number;
  /** Per $1 per share. */
  gammaAbs: number;
  thetaRel: number;
  /** $ per share per calendar day. */
  thetaAbs: number;
  vegaRel: number;
  /** $ per share per vol point. */
  vegaAbs: number;
}

export const DEFAULT_GREEKS_TOLERANCE: Readonly<GreeksTolerance> = Object.freeze({
  delta: 0.1,
  gammaRel: 0.5,
  gammaAbs: 0.002,
  thetaRel: 0.5,
  thetaAbs: 0.02,
  vegaRel: 0.5,
  vegaAbs: 0.02,
});

export interface QualityOptions {
  /** The scan's now, epoch ms. */
  asOf: number;
  /** Quotes older than this at `quotesJudgedAt` are `stale` (settings `constraints.max_quote_age_seconds`). */
  maxQuoteAgeSeconds: number;
  /** The instant quote ages are measured at, epoch ms (default `asOf`; a live scan passes the end of its collection). */
  quotesJudgedAt?: number;
  /**
   * Quotes dated after this (epoch ms) are `stale` too: a clock or unit error, or — in an `--as-of` replay
   * against a live provider — a quote from after the scan's "now" (look-ahead). Default: no bound.
   */
  latestQuoteTime?: number;
  /** (ask − bid) / mid above this is `wideSpread` (settings `constraints.max_bid_ask_pct`). */
  maxSpreadPct: number;
  /** Risk-free rate for the greeks check, continuously compounded. */
  riskFreeRate: number;
  /** Dividend yield of the underlying, continuous. */
  dividendYield: number;
  /** Check greeks against the IV (default true). */
  checkGreeks?: boolean;
  greeksTolerance?: Partial<GreeksTolerance>;
}

export type QualityCounts = Record<QualityReason, number>;

export interface ExpiryQuality {
  expiration: string;
  /** Per strike: 0 usable, else a reason code (see reasonOf). */
  calls: Uint8Array;
  puts: Uint8Array;
}

export interface ChainQuality {
  /** Aligned with chain.expirations. */
  expirations: ExpiryQuality[];
  counts: QualityCounts;
  /** Slots examined (strikes × 2 per expiration), accepted and rejected. */
  checked: number;
  accepted: number;
  rejected: number;
}

/** A zeroed count per reason. */
export function emptyCounts(): QualityCounts {
  const counts = {} as QualityCounts;
  for (const r of QUALITY_REASONS) counts[r] = 0;
  return counts;
}

const one: GreeksArrays = {
  price: new Float64Array(1),
  delta: new Float64Array(1),
  gamma: new Float64Array(1),
  theta: new Float64Array(1),
  vega: new Float64Array(1),
  rho: new Float64Array(1),
};

function within(vendor: number, ours: number, rel: number, abs: number): boolean {
  const diff = vendor > ours ? vendor - ours : ours - vendor;
  const av = vendor < 0 ? -vendor : vendor;
  const ao = ours < 0 ? -ours : ours;
  return diff <= rel * Math.max(av, ao) + abs;
}

const MISSING_STRIKE = reasonCode('missingStrike');
const EXPIRED = reasonCode('expired');
const MISSING_QUOTE = reasonCode('missingQuote');
const CROSSED = reasonCode('crossed');
const ZERO_BID = reasonCode('zeroBid');
const STALE = reasonCode('stale');
const WIDE_SPREAD = reasonCode('wideSpread');
const MISSING_GREEKS = reasonCode('missingGreeks');
const INCONSISTENT = reasonCode('greeksInconsistent');
const STRIKE_ARBITRAGE = reasonCode('strikeArbitrage');
const BUTTERFLY_ARBITRAGE = reasonCode('butterflyArbitrage');
/** Cents are binary fractions: a violation has to exceed this, price units. */
const ARBITRAGE_SLACK = 1e-9;
/**
 * How far (price units, per share) a middle bid may exceed its wings' interpolated asks before it is
 * `butterflyArbitrage`. Not the binary slack: the weights of unequal strike spacing (1/3, 2/5, …) put the wing cost
 * off the cent grid, and each of the three cent-quoted legs may sit up to half a cent from its unrounded value, so
 * a violation of half a cent or less (a butterfly credit of at most 1 cent per share on equal spacing, where the
 * middle counts twice) is within the rounding of the quotes, not evidence of a bad print. Anything beyond it pays
 * at least 2 cents per share at executable prices on an equally spaced fly; the prints this rule is for are far
 * out (FICO 89/90/91 calls: 0.10 per share, a 0.20 credit).
 */
const BUTTERFLY_TOLERANCE = 0.005;
/** Reused stack of strike indices for markButterflyArbitrage (grown, never shrunk: no allocation per side). */
let flyStack = new Int32Array(256);

/**
 * Marks `strikeArbitrage` on usable contracts (code 0) of one side whose executable quotes contradict another
 * strike's: a put (call) bid above the ask of a higher-strike put (lower-strike call) — the price must rise
 * (fall) with the strike — or a vertical whose bid-side leg exceeds its ask-side leg by more than the strike
 * width, the most any vertical can pay (American exercise included). Each is money for nothing, so one of the two
 * quotes is wrong, and a spread built on either is priced off it: a simulated 1-wide SPY put credit spread paid
 * 0.75 (mid 0.975) where its neighbour's bid sat above its long leg's ask. Both contracts are marked, as there is no
 * telling which quote is the bad one. O(n): running extremes over the lower strikes.
 */
function markStrikeArbitrage(cols: OptionColumns, isCall: boolean, K: Float64Array, codes: Uint8Array): void {
  let best = -1; // puts: the highest bid below; calls: the lowest ask below
  let edge = -1; // puts: the lowest ask − K below; calls: the highest bid + K below
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] !== 0 && codes[i] !== STRIKE_ARBITRAGE) continue;
    const bid = cols.bid[i];
    const ask = cols.ask[i];
    if (isCall) {
      if (best >= 0 && bid > cols.ask[best] + ARBITRAGE_SLACK) codes[i] = codes[best] = STRIKE_ARBITRAGE;
      if (edge >= 0 && cols.bid[edge] + K[edge] > ask + K[i] + ARBITRAGE_SLACK)
        codes[i] = codes[edge] = STRIKE_ARBITRAGE;
      if (best < 0 || ask < cols.ask[best]) best = i;
      if (edge < 0 || bid + K[i] > cols.bid[edge] + K[edge]) edge = i;
    } else {
      if (best >= 0 && cols.bid[best] > ask + ARBITRAGE_SLACK) codes[i] = codes[best] = STRIKE_ARBITRAGE;
      if (edge >= 0 && bid - K[i] > cols.ask[edge] - K[edge] + ARBITRAGE_SLACK)
        codes[i] = codes[edge] = STRIKE_ARBITRAGE;
      if (best < 0 || bid > cols.bid[best]) best = i;
      if (edge < 0 || ask - K[i] < cols.ask[edge] - K[edge]) edge = i;
    }
  }
}

/**
 * Marks `butterflyArbitrage` on usable contracts (code 0) of one side that are priced above convexity: for three
 * usable strikes K1 < K2 < K3 next to each other, the middle's bid above w1·ask(K1) + w3·ask(K3), with
 * w1 = (K3 − K2)/(K3 − K1) and w3 = (K2 − K1)/(K3 − K1) (by more than BUTTERFLY_TOLERANCE). Buying w1 of K1 and w3
 * of K3 at their asks and selling one K2 at its bid is then a credit with no possible loss (the wings' payoff is
 * the chord over the middle's convex payoff, for calls and puts alike), so the quote is wrong; only the middle is
 * marked: a bid too high is the print a strategy would sell (a simulated FICO 90 call at IV 0.756 between 0.725
 * and 0.728 was the short leg of a top-ranked credit spread). A wing whose ask is too low breaks the same inequality
 * for the middles on both its sides; it is marked itself (below).
 *
 * Once a middle is marked the triples are formed again from the contracts left, backwards as well as forwards:
 * with K2 gone, K1's neighbours are its own lower neighbour and K3, a triple the strategies will now see next to
 * each other and which may itself be an arbitrage. Left to right, the kept strikes are a stack whose consecutive
 * triples all pass (the monotone-chain way of a convex hull): a new strike pops, and marks, the top while the top
 * fails between the one below it and the new strike, then is pushed. That is a fixed point of iterating the check
 * until nothing changes (no triple of kept neighbours fails), reached in one pass: every strike is pushed once and
 * popped at most once, O(n), with no allocation once the stack has grown to the longest chain. A plain forward pass
 * would keep a rich print next to a richer one (each passes as the other's wing until the richer goes). Contracts
 * rejected for any other reason (strikeArbitrage included) are no wing: they are skipped, and the triple is formed
 * across them. Only kept neighbours are compared: a fly with kept strikes between its legs is not checked. Before
 * that pass a wing whose ask is too low — both its neighbours fail against it, and its mid's implied vol dips below
 * its outer neighbours' more than theirs rise above it (two rich neighbours fail the same way) — is marked itself:
 * the same inequality would otherwise mark its neighbours, and keep it.
 */
function markButterflyArbitrage(
  cols: OptionColumns,
  isCall: boolean,
  c: SideContext,
  codes: Uint8Array,
): void {
  const K = c.K;
  if (flyStack.length < codes.length) flyStack = new Int32Array(Math.max(codes.length, 2 * flyStack.length));
  const stack = flyStack;
  const bid = cols.bid;
  const ask = cols.ask;
  // bid(K2)·(K3 − K1) > (K3 − K2)·ask(K1) + (K2 − K1)·ask(K3): the weights without a division
  const fails = (l: number, m: number, r: number): boolean => {
    const width = K[r] - K[l];
    return (
      bid[m] * width >
      (K[r] - K[m]) * ask[l] + (K[m] - K[l]) * ask[r] + (BUTTERFLY_TOLERANCE + ARBITRAGE_SLACK) * width
    );
  };
  // First the wings too cheap: a strike whose ask undercuts the chord makes both its neighbours fail as middles.
  // So do two rich neighbours around a fair strike, and prices alone cannot tell the two apart (either way the kept
  // chain is convex once the one, or the two, are gone); the implied vols of the five mids can: a cheap wing is a
  // dip below the line through its outer neighbours' vols, rich neighbours are spikes above it. The larger anomaly
  // is the bad quote. A cheap wing is marked and its neighbours are judged without it below (marking them kept the
  // cheap print and rejected up to four good quotes around it, measured); rich neighbours are left to that pass.
  let u = 0; // stack[0 … u) the usable strikes, in order
  for (let i = 0; i < codes.length; i++) if (codes[i] === 0) stack[u++] = i;
  for (let t = 2; t + 2 < u; t++) {
    const a = stack[t - 2];
    const b = stack[t - 1];
    const m = stack[t];
    const d = stack[t + 1];
    const e = stack[t + 2];
    if (!(fails(a, b, m) && fails(m, d, e))) continue;
    const va = midVol(cols, isCall, c, a);
    const ve = midVol(cols, isCall, c, e);
    const line = (j: number) => va + ((ve - va) * (K[j] - K[a])) / (K[e] - K[a]);
    const dip = line(m) - midVol(cols, isCall, c, m);
    const spike = Math.max(midVol(cols, isCall, c, b) - line(b), midVol(cols, isCall, c, d) - line(d));
    if (dip > spike) codes[m] = BUTTERFLY_ARBITRAGE;
  }
  let top = 0; // stack[0 … top) are the kept strikes so far
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] !== 0) continue;
    while (top >= 2 && fails(stack[top - 2], stack[top - 1], i)) {
      codes[stack[top - 1]] = BUTTERFLY_ARBITRAGE;
      top--;
    }
    stack[top++] = i;
  }
}

/**
 * The implied vol of contract j's mid (Black-Scholes-Merton, the chain's spot, r and q): for the rare triples the
 * butterfly rule must attribute, not the quote's own IV column (a feed's may lag its quote). NaN where the mid is
 * outside the no-arbitrage bounds — a comparison with NaN is false, so such a strike is never called the culprit.
 */
function midVol(cols: OptionColumns, isCall: boolean, c: SideContext, j: number): number {
  return impliedVol(isCall ? 'call' : 'put', 0.5 * (cols.bid[j] + cols.ask[j]), c.S, c.K[j], c.T, c.r, c.q);
}

interface SideContext {
  S: number;
  K: Float64Array;
  T: number;
  r: number;
  q: number;
  dq: number;
  dr: number;
  sqrtT: number;
  oldest: number;
  latest: number;
  maxSpread: number;
  checkGreeks: boolean;
  tol: GreeksTolerance;
}

function assessSide(cols: OptionColumns, isCall: boolean, c: SideContext, out: Uint8Array): void {
  for (let i = 0; i < out.length; i++) {
    if (cols.symbols[i] === '') {
      out[i] = MISSING_STRIKE;
      continue;
    }
    if (!(c.T > 0)) {
      out[i] = EXPIRED;
      continue;
    }
    const bid = cols.bid[i];
    const ask = cols.ask[i];
    // an infinite ask is no quote either: the spread test compares ∞ > ∞ (false) and let it through
    if (!(bid >= 0 && ask >= 0 && ask < Number.POSITIVE_INFINITY)) {
      out[i] = MISSING_QUOTE;
      continue;
    }
    if (bid > ask) {
      out[i] = CROSSED;
      continue;
    }
    if (bid === 0) {
      out[i] = ZERO_BID;
      continue;
    }
    if (!(cols.quoteTime[i] >= c.oldest && cols.quoteTime[i] <= c.latest)) {
      out[i] = STALE;
      continue;
    }
    // (slack for the binary rounding of cents: 1.05 − 0.95 = 0.10000000000000009 is 10 % of mid, not more)
    if (ask - bid > (c.maxSpread * 0.5 + 1e-9) * (ask + bid)) {
      out[i] = WIDE_SPREAD;
      continue;
    }
    if (!c.checkGreeks) {
      out[i] = 0;
      continue;
    }
    const iv = cols.iv[i];
    const delta = cols.delta[i];
    const gamma = cols.gamma[i];
    const theta = cols.theta[i];
    const vega = cols.vega[i];
    if (!(iv >= MIN_IV && iv < MAX_IV) || !Number.isFinite(delta + gamma + theta + vega)) {
      out[i] = MISSING_GREEKS;
      continue;
    }
    bsGreeksInto(isCall, c.S, c.K[i], c.T, c.r, c.q, iv, c.dq, c.dr, c.sqrtT, one, 0);
    const t = c.tol;
    const dd = delta - one.delta[0];
    const ok =
      (dd < 0 ? -dd : dd) <= t.delta &&
      within(gamma, one.gamma[0], t.gammaRel, t.gammaAbs) &&
      within(theta, one.theta[0] / 365, t.thetaRel, t.thetaAbs) &&
      within(vega, one.vega[0] / 100, t.vegaRel, t.vegaAbs);
    out[i] = ok ? 0 : INCONSISTENT;
  }
}

/** One expiration's codes (see the module doc); `counts` is incremented. */
export function assessExpiry(
  expiry: ExpiryChain,
  spot: number,
  options: QualityOptions,
  counts: QualityCounts = emptyCounts(),
): ExpiryQuality {
  const n = expiry.strikes.length;
  const T = yearsToExpiry(expiry.expiryTime, options.asOf);
  const r = options.riskFreeRate;
  const q = options.dividendYield;
  const ctx: SideContext = {
    S: spot,
    K: expiry.strikes,
    T,
    r,
    q,
    dq: Math.exp(-q * T),
    dr: Math.exp(-r * T),
    sqrtT: Math.sqrt(Math.max(T, 0)),
    oldest: (options.quotesJudgedAt ?? options.asOf) - options.maxQuoteAgeSeconds * 1000,
    latest: options.latestQuoteTime ?? Number.POSITIVE_INFINITY,
    maxSpread: options.maxSpreadPct,
    checkGreeks: options.checkGreeks !== false && spot > 0,
    tol: { ...DEFAULT_GREEKS_TOLERANCE, ...options.greeksTolerance },
  };
  const calls = new Uint8Array(n);
  const puts = new Uint8Array(n);
  assessSide(expiry.calls, true, ctx, calls);
  assessSide(expiry.puts, false, ctx, puts);
  markStrikeArbitrage(expiry.calls, true, expiry.strikes, calls);
  markStrikeArbitrage(expiry.puts, false, expiry.strikes, puts);
  markButterflyArbitrage(expiry.calls, true, ctx, calls);
  markButterflyArbitrage(expiry.puts, false, ctx, puts);
  for (const codes of [calls, puts]) {
    for (let i = 0; i < n; i++) {
      const code = codes[i];
      if (code !== 0) counts[QUALITY_REASONS[code - 1]]++;
    }
  }
  return { expiration: expiry.expiration, calls, puts };
}

/** Codes for every expiration of a chain, with counts by reason. */
export function assessChain(chain: OptionChain, options: QualityOptions): ChainQuality {
  const counts = emptyCounts();
  let checked = 0;
  const expirations = chain.expirations.map((e) => {
    checked += 2 * e.strikes.length;
    return assessExpiry(e, chain.spot, options, counts);
  });
  let rejected = 0;
  for (const r of QUALITY_REASONS) rejected += counts[r];
  return { expirations, counts, checked, accepted: checked - rejected, rejected };
}

/** Adds `b`'s counts into `a` (for totals over many chains). */
export function addCounts(a: QualityCounts, b: Readonly<QualityCounts>): QualityCounts {
  for (const r of QUALITY_REASONS) a[r] += b[r];
  return a;
}

function keepOnly(cols: OptionColumns, codes: Uint8Array): OptionColumns {
  const out: OptionColumns = {
    symbols: cols.symbols.map((s, i) => (codes[i] === 0 ? s : '')),
    bid: cols.bid.slice(),
    ask: cols.ask.slice(),
    last: cols.last.slice(),
    volume: cols.volume.slice(),
    openInterest: cols.openInterest.slice(),
    iv: cols.iv.slice(),
    delta: cols.delta.slice(),
    gamma: cols.gamma.slice(),
    theta: cols.theta.slice(),
    vega: cols.vega.slice(),
    quoteTime: cols.quoteTime.slice(),
  };
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] === 0) continue;
    out.bid[i] = out.ask[i] = out.last[i] = out.volume[i] = out.openInterest[i] = Number.NaN;
    out.iv[i] = out.delta[i] = out.gamma[i] = out.theta[i] = out.vega[i] = out.quoteTime[i] = Number.NaN;
  }
  return out;
}

/**
 * A copy of the chain in which every rejected contract is an empty side (symbol `''`, NaN columns),
 * for consumers that prefer a filtered chain to scanning with the codes. Strikes are kept.
 */
export function filterChain(chain: OptionChain, quality: ChainQuality): OptionChain {
  return {
    ...chain,
    expirations: chain.expirations.map((e, k) => ({
      ...e,
      calls: keepOnly(e.calls, quality.expirations[k].calls),
      puts: keepOnly(e.puts, quality.expirations[k].puts),
    })),
  };
}
