/**
 * The simulated market's dynamics. Log price = ln(base) + β·M + I: M is a market factor
 * (an index-like GBM with MARKET_VOL), I the ticker's own GBM, β = ρ·σ/σ_M so that the total
 * realised vol is the profile's σ and the correlation with the market is ρ. The implied-vol level
 * σ_now = σ_lr·e^F, σ_lr = σ·(IV premium), moves with a market and an own factor and rises when
 * the market has fallen over the last month (the leverage effect). All paths come from bridge.ts,
 * so any as-of samples them at the cost of a few segments.
 */
import {
  isTradingDay,
  newYorkClock,
  previousTradingDay,
  tradingDayOnOrBefore,
} from '../../exchangeCalendar.js';
import { CLOSE_MINUTE } from '../../expiry.js';
import { type PathSpec, pathValue, pathValues } from './bridge.js';
import { MARKET_VOL, type SimProfile } from './profiles.js';
import { rngFor } from './seeding.js';

const SQRT_252 = Math.sqrt(252);
/** Regular session open, minutes after New York midnight (09:30). */
export const OPEN_MINUTE = 9 * 60 + 30;
/** Mean-reversion speed of the ATM variance term structure, per year. */
const TERM_KAPPA = 4;
/** Sensitivity of log IV to the market's one-month log return (leverage effect). */
const LEVERAGE = 2.5;

function marketPriceSpec(seed: number): PathSpec {
  return {
    seed,
    key: 'MARKET:price',
    span: 512,
    knotSd: 0.15,
    dailySd: MARKET_VOL / SQRT_252,
    offDayWeight: 0.1,
  };
}

function marketIvSpec(seed: number): PathSpec {
  return { seed, key: 'MARKET:iv', span: 64, knotSd: 0.22, dailySd: 0.05, offDayWeight: 0.3 };
}

function ownPriceSpec(seed: number, p: SimProfile): PathSpec {
  const ownVol = p.vol * Math.sqrt(1 - p.marketCorrelation * p.marketCorrelation);
  return {
    seed,
    key: `${p.symbol}:price`,
    span: 512,
    knotSd: 0.25,
    dailySd: ownVol / SQRT_252,
    offDayWeight: 0.1,
  };
}

function ownIvSpec(seed: number, p: SimProfile): PathSpec {
  return { seed, key: `${p.symbol}:iv`, span: 64, knotSd: 0.16, dailySd: 0.04, offDayWeight: 0.3 };
}

/** The stock's market beta β = ρ·σ/σ_M. */
function beta(p: SimProfile): number {
  return (p.marketCorrelation * p.vol) / MARKET_VOL;
}

/** Log price at the close of a day (any calendar day; weekends carry little variance). */
export function logClose(seed: number, p: SimProfile, day: number): number {
  const m = pathValue(marketPriceSpec(seed), day);
  const own = pathValue(ownPriceSpec(seed, p), day);
  return Math.log(p.basePrice) + beta(p) * m + own;
}

/** Log closes of the consecutive days first … first + out.length − 1, into `out` (bulk logClose). */
export function logCloses(seed: number, p: SimProfile, first: number, out: Float64Array): Float64Array {
  const own = pathValues(ownPriceSpec(seed, p), first, new Float64Array(out.length));
  pathValues(marketPriceSpec(seed), first, out);
  const b = beta(p);
  const base = Math.log(p.basePrice);
  for (let i = 0; i < out.length; i++) out[i] = base + b * out[i] + own[i];
  return out;
}

/** Rounds a price to cents. */
export function cents(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Closing price of a trading day, $ (cents). */
export function closeOn(seed: number, p: SimProfile, day: number): number {
  return cents(Math.exp(logClose(seed, p, day)));
}

/** Where an as-of sits in the exchange's sessions. */
export interface SessionPosition {
  /** The New York calendar day of the as-of. */
  day: number;
  /** The last trading day whose close is known at the as-of. */
  lastClosedDay: number;
  /** The trading day in progress (its share of the session elapsed in `fraction`), or −1. */
  openDay: number;
  fraction: number;
}

export function sessionPosition(asOf: number): SessionPosition {
  const { day, minute } = newYorkClock(asOf);
  if (isTradingDay(day) && minute >= CLOSE_MINUTE)
    return { day, lastClosedDay: day, openDay: -1, fraction: 0 };
  const lastClosedDay = isTradingDay(day) ? previousTradingDay(day) : tradingDayOnOrBefore(day);
  if (isTradingDay(day) && minute > OPEN_MINUTE) {
    return {
      day,
      lastClosedDay,
      openDay: day,
      fraction: (minute - OPEN_MINUTE) / (CLOSE_MINUTE - OPEN_MINUTE),
    };
  }
  return { day, lastClosedDay, openDay: -1, fraction: 0 };
}

/**
 * Spot at an instant, $ (cents): the last close outside the session; during it, a Brownian bridge
 * from the previous close to the day's close, evaluated at the elapsed share of the session.
 */
export function spotAt(seed: number, p: SimProfile, asOf: number): number {
  const s = sessionPosition(asOf);
  if (s.openDay < 0) return closeOn(seed, p, s.lastClosedDay);
  const f = s.fraction;
  const a = logClose(seed, p, s.lastClosedDay);
  const b = logClose(seed, p, s.openDay);
  const z = rngFor(seed, p.symbol, 'intraday', s.openDay).normal();
  return cents(Math.exp(a + f * (b - a) + Math.sqrt(f * (1 - f)) * (p.vol / SQRT_252) * z));
}

/** Long-run ATM implied vol σ_lr of the ticker. */
export function longRunIv(p: SimProfile): number {
  return p.vol * p.ivPremium;
}

/** Current ATM implied-vol level σ_now at the close of a day (the short end of the term structure). */
export function ivLevel(seed: number, p: SimProfile, day: number): number {
  return ivLevels(seed, p, day, new Float64Array(1))[0];
}

/** σ_now on the closes of the consecutive days first … first + out.length − 1, into `out`. */
export function ivLevels(seed: number, p: SimProfile, first: number, out: Float64Array): Float64Array {
  const n = out.length;
  const market = pathValues(marketPriceSpec(seed), first - 30, new Float64Array(n + 30));
  const own = pathValues(ownIvSpec(seed, p), first, new Float64Array(n));
  pathValues(marketIvSpec(seed), first, out);
  const lr = longRunIv(p);
  for (let i = 0; i < n; i++) {
    const monthReturn = market[i + 30] - market[i];
    const f = 0.8 * out[i] + own[i] - LEVERAGE * monthReturn - 0.03;
    out[i] = lr * Math.exp(Math.min(Math.max(f, -0.7), 1.2));
  }
  return out;
}

/**
 * ATM implied vol for T years given the current level σ_now: total variance
 * w(T) = σ_lr²T + (σ_now² − σ_lr²)(1 − e^(−κT))/κ — the short end at σ_now, the long end at σ_lr,
 * increasing in T (no calendar arbitrage) — plus `eventVariance` (an earnings move²) when the
 * expiry is after the next report.
 */
export function atmVol(sigmaNow: number, sigmaLongRun: number, T: number, eventVariance = 0): number {
  const t = Math.max(T, 1e-6);
  const lr2 = sigmaLongRun * sigmaLongRun;
  const w =
    lr2 * t + ((sigmaNow * sigmaNow - lr2) * (1 - Math.exp(-TERM_KAPPA * t))) / TERM_KAPPA + eventVariance;
  return Math.sqrt(w / t);
}

/** 30-day constant-maturity ATM IV on a day's close (what an IV history records). */
export function iv30On(seed: number, p: SimProfile, day: number): number {
  return atmVol(ivLevel(seed, p, day), longRunIv(p), 30 / 365);
}
