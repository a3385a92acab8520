/**
 * Chains for tests and benchmarks: a hand-written one (`manualChain`, every quote given) and a synthetic
 * one (`syntheticChain`: BSM prices on a skewed smile, cent-rounded bid/ask around them, market greeks).
 */
import type { ExpiryChain, OptionChain, OptionColumns } from '../../src/market/types.js';
import { bsGreeks } from '../../src/quant/bsGreeks.js';

export const DAY = 86_400_000;

/** 16:00 New York on `date` (EST offset; the tests use winter dates). */
export function expiryInstant(date: string): number {
  return Date.parse(`${date}T21:00:00.000Z`);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

function columns(n: number): OptionColumns {
  const f = () => new Float64Array(n).fill(Number.NaN);
  return {
    symbols: new Array<string>(n).fill(''),
    bid: f(),
    ask: f(),
    last: f(),
    volume: f(),
    openInterest: f(),
    iv: f(),
    delta: f(),
    gamma: f(),
    theta: f(),
    vega: f(),
    quoteTime: f(),
  };
}

/** One contract of a hand-written chain. */
export interface ManualQuote {
  bid: number;
  ask: number;
  delta: number;
  iv?: number;
  gamma?: number;
  theta?: number;
  vega?: number;
  openInterest?: number;
  volume?: number;
  quoteTime?: number;
}

export interface ManualExpiry {
  expiration: string;
  strikes: number[];
  calls?: (ManualQuote | null)[];
  puts?: (ManualQuote | null)[];
}

function fill(cols: OptionColumns, quotes: (ManualQuote | null)[] | undefined, asOf: number): void {
  quotes?.forEach((q, i) => {
    if (!q) return;
    cols.bid[i] = q.bid;
    cols.ask[i] = q.ask;
    cols.delta[i] = q.delta;
    cols.iv[i] = q.iv ?? 0.3;
    cols.gamma[i] = q.gamma ?? 0.01;
    cols.theta[i] = q.theta ?? -0.02;
    cols.vega[i] = q.vega ?? 0.1;
    cols.openInterest[i] = q.openInterest ?? 1000;
    cols.volume[i] = q.volume ?? 100;
    cols.quoteTime[i] = q.quoteTime ?? asOf - 30_000;
  });
}

export function manualChain(
  underlying: string,
  spot: number,
  asOf: number,
  expiries: ManualExpiry[],
): OptionChain {
  return {
    underlying,
    spot,
    asOf,
    expirations: expiries.map((e): ExpiryChain => {
      const calls = columns(e.strikes.length);
      const puts = columns(e.strikes.length);
      fill(calls, e.calls, asOf);
      fill(puts, e.puts, asOf);
      return {
        expiration: e.expiration,
        expiryTime: expiryInstant(e.expiration),
        expirationType: 'standard',
        strikes: Float64Array.from(e.strikes),
        calls,
        puts,
      };
    }),
  };
}

export interface SyntheticOptions {
  underlying: string;
  spot: number;
  asOf: number;
  /** Days from the as-of date to each expiration. */
  dtes: number[];
  /** ATM vol. */
  vol?: number;
  r?: number;
  q?: number;
  /** Strike spacing, $ (default by price level). */
  step?: number;
  /** Strikes each side of spot. */
  strikesEachSide?: number;
  /** Deterministic noise source in [0, 1). */
  rnd?: () => number;
}

/** Typical listed strike spacing for a price level. */
export function strikeStep(spot: number): number {
  return spot < 25 ? 0.5 : spot < 100 ? 1 : spot < 250 ? 2.5 : 5;
}

const cents = (x: number) => Math.round(x * 100) / 100;

/** A realistic chain: smile vol(K) = vol·(1 − 0.8·m + 1.5·m²), m = ln(K/S)/√T·0.1; bid/ask ≈ mid ∓ 2–6 %. */
export function syntheticChain(o: SyntheticOptions): OptionChain {
  const vol = o.vol ?? 0.3;
  const r = o.r ?? 0.04;
  const q = o.q ?? 0.01;
  const step = o.step ?? strikeStep(o.spot);
  const each = o.strikesEachSide ?? 25;
  const rnd = o.rnd ?? (() => 0.5);
  const centre = Math.round(o.spot / step) * step;
  const strikes: number[] = [];
  for (let k = -each; k <= each; k++)
    if (centre + k * step > 0) strikes.push(+(centre + k * step).toFixed(2));
  const asOfDate = new Date(o.asOf).toISOString().slice(0, 10);
  const expirations = o.dtes.map((dte): ExpiryChain => {
    const expiration = addDays(asOfDate, dte);
    const expiryTime = expiryInstant(expiration);
    const T = (expiryTime - o.asOf) / (365 * DAY);
    const n = strikes.length;
    const calls = columns(n);
    const puts = columns(n);
    for (let i = 0; i < n; i++) {
      const K = strikes[i];
      const m = (Math.log(K / o.spot) / Math.sqrt(T)) * 0.1;
      const iv = vol * (1 - 0.8 * m + 1.5 * m * m);
      for (const [type, cols] of [
        ['call', calls],
        ['put', puts],
      ] as const) {
        const g = bsGreeks(type, o.spot, K, T, r, q, iv);
        const half = Math.max(0.01, g.price * (0.02 + 0.04 * rnd()));
        const bid = Math.max(0, cents(g.price - half));
        const ask = Math.max(0.01, cents(g.price + half));
        cols.bid[i] = bid;
        cols.ask[i] = ask;
        cols.last[i] = cents(g.price);
        cols.iv[i] = iv;
        cols.delta[i] = g.delta;
        cols.gamma[i] = g.gamma;
        cols.theta[i] = g.theta / 365;
        cols.vega[i] = g.vega / 100;
        cols.openInterest[i] = Math.round(50 + 5000 * rnd());
        cols.volume[i] = Math.round(500 * rnd());
        cols.quoteTime[i] = o.asOf - Math.round(900_000 * rnd() * rnd());
      }
    }
    return {
      expiration,
      expiryTime,
      expirationType: 'weekly',
      strikes: Float64Array.from(strikes),
      calls,
      puts,
    };
  });
  return { underlying: o.underlying, spot: o.spot, asOf: o.asOf, expirations };
}
