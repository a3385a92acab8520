/**
 * Simulated daily series: OHLCV bars on exchange trading days and the 30-day IV history.
 * Closes are the market model's path (so the last bar's close is the spot after the close);
 * open, high, low and volume are drawn per (seed, ticker, day), so a bar never depends on the
 * range asked for.
 */
import { dateOfDay, isTradingDay } from '../../exchangeCalendar.js';
import type { DailyBar, IvPoint } from '../../types.js';
import { atmVol, cents, ivLevels, logCloses, longRunIv } from './marketModel.js';
import type { SimProfile } from './profiles.js';
import { hashSeed, rngAt } from './seeding.js';

const SQRT_252 = Math.sqrt(252);

/** The bar of one trading day from the log closes of the previous trading day and of the day. */
function bar(base: number, p: SimProfile, day: number, prev: number, lnClose: number): DailyBar {
  const rng = rngAt(base, day);
  const sd = p.vol / SQRT_252;
  // The overnight gap takes a share of the day's move plus noise; the range extends past open/close.
  const open = cents(Math.exp(prev + 0.3 * (lnClose - prev) + 0.2 * sd * rng.normal()));
  const close = cents(Math.exp(lnClose));
  const high = cents(Math.max(open, close) * Math.exp(0.5 * sd * Math.abs(rng.normal())));
  const low = cents(Math.min(open, close) * Math.exp(-0.5 * sd * Math.abs(rng.normal())));
  const surprise = Math.abs(lnClose - prev) / sd;
  const volume = Math.round(p.avgVolume * Math.exp(0.3 * rng.normal()) * (0.8 + 0.2 * surprise));
  return { date: dateOfDay(day), open, high, low, close, volume };
}

/** Bars of the trading days first … last (day numbers, inclusive), ascending. Closes = closeOn. */
export function barsBetween(seed: number, p: SimProfile, first: number, last: number): DailyBar[] {
  const out: DailyBar[] = [];
  if (last < first) return out;
  let start = first - 1;
  while (!isTradingDay(start)) start--;
  const ln = logCloses(seed, p, start, new Float64Array(last - start + 1));
  const base = hashSeed(seed, p.symbol, 'bar');
  let prev = ln[0];
  for (let day = first; day <= last; day++) {
    if (!isTradingDay(day)) continue;
    const x = ln[day - start];
    out.push(bar(base, p, day, prev, x));
    prev = x;
  }
  return out;
}

/** iv30 on the closes of the trading days first … last, ascending (fraction, 4 decimals). */
export function ivHistoryBetween(seed: number, p: SimProfile, first: number, last: number): IvPoint[] {
  const out: IvPoint[] = [];
  if (last < first) return out;
  const levels = ivLevels(seed, p, first, new Float64Array(last - first + 1));
  const lr = longRunIv(p);
  for (let day = first; day <= last; day++) {
    if (!isTradingDay(day)) continue;
    const iv30 = atmVol(levels[day - first], lr, 30 / 365);
    out.push({ date: dateOfDay(day), iv30: Math.round(iv30 * 1e4) / 1e4 });
  }
  return out;
}
