/**
 * Option expirations: the expiry instant, time to expiry, and the listed expiration calendar
 * (monthly third Fridays, weekly Fridays, daily expirations of the most liquid ETFs).
 *
 * Conventions (DESIGN.md): expiry is 16:00 America/New_York on the expiration date (09:30 for the AM-settled index
 * roots, see settlement.ts); T in years is
 * (expiry − as-of) / 365 days; days to expiry (DTE) count calendar days between the as-of's New York
 * date and the expiration date. When a Friday expiration falls on an exchange holiday (Good Friday,
 * Juneteenth, July 4th, Christmas), the options expire on the trading day before.
 */
import {
  dateOfDay,
  dayNumber,
  isEarlyClose,
  isTradingDay,
  newYorkClock,
  newYorkInstant,
  nthWeekday,
  tradingDayOnOrBefore,
  weekdayOf,
} from './exchangeCalendar.js';
import type { Settlement } from './settlement.js';

const MS_PER_DAY = 86_400_000;
/** One year of T: 365 calendar days, ms. */
export const MS_PER_YEAR = 365 * MS_PER_DAY;
/** The closing bell, minutes after New York midnight. */
export const CLOSE_MINUTE = 16 * 60;

const expiryCache = new Map<string, number>();

/** Early close, minutes after New York midnight (13:00). */
export const EARLY_CLOSE_MINUTE = 13 * 60;

/** The opening bell, minutes after New York midnight (09:30): the expiry of AM-settled contracts. */
export const OPEN_MINUTE = 9 * 60 + 30;

/**
 * Expiry instant (epoch ms) of an expiration date: the close of that date's session in America/New_York — 16:00,
 * or 13:00 on an early-close day (the 24 December 2026 expiry ends at 13:00: taken at 16:00, T was 3 hours long) —
 * or, for AM-settled contracts (`settlement.ts`: SPX's monthlies, VIX), its open at 09:30.
 */
export function expiryTime(expiration: string, settlement: Settlement = 'pm'): number {
  const key = settlement === 'am' ? `${expiration} am` : expiration;
  let t = expiryCache.get(key);
  if (t === undefined) {
    const day = dayNumber(expiration, 'expiration');
    const minute =
      settlement === 'am'
        ? OPEN_MINUTE
        : isTradingDay(day) && isEarlyClose(day)
          ? EARLY_CLOSE_MINUTE
          : CLOSE_MINUTE;
    t = newYorkInstant(day, minute);
    if (expiryCache.size > 10_000) expiryCache.clear();
    expiryCache.set(key, t);
  }
  return t;
}

/** T in years, (expiry − asOf) / 365 days; negative once expired. */
export function yearsToExpiry(expiry: number, asOf: number): number {
  return (expiry - asOf) / MS_PER_YEAR;
}

/** Calendar days from the as-of's New York date to the expiration date (0 on expiration day). */
export function daysToExpiry(expiration: string, asOf: number): number {
  return dayNumber(expiration, 'expiration') - newYorkClock(asOf).day;
}

/** The third Friday of a month (`month` 1–12), `YYYY-MM-DD`, before any holiday adjustment. */
export function thirdFriday(year: number, month: number): string {
  return dateOfDay(nthWeekday(year, month, 5, 3));
}

/** The trading day on which a nominal (Friday) expiration settles: the day itself or the one before. */
function settleDay(day: number): number {
  return tradingDayOnOrBefore(day);
}

/** True when `expiration` is a standard monthly expiration (third Friday, or the day before it on a holiday). */
export function isMonthlyExpiration(expiration: string): boolean {
  const day = dayNumber(expiration, 'expiration');
  const d = new Date(day * MS_PER_DAY);
  return settleDay(nthWeekday(d.getUTCFullYear(), d.getUTCMonth() + 1, 5, 3)) === day;
}

/** A listed expiration and its kind, as vendors label it. */
export interface ListedExpiration {
  date: string;
  /** `standard` (monthly third Friday), `weekly` (other Fridays) or `daily` (other weekdays). */
  type: 'standard' | 'weekly' | 'daily';
}

export interface ExpirationCalendarOptions {
  /** Weekly (Friday) expirations listed this many weeks ahead (default 6). */
  weeklyWeeks?: number;
  /** Monthly expirations listed this many months ahead (default 12). */
  monthlyMonths?: number;
  /** Daily (Mon–Thu) expirations listed this many trading days ahead (default 0: none). */
  dailyDays?: number;
}

/**
 * The expirations listed at `asOf` (epoch ms), ascending, only those whose expiry instant is still
 * ahead: monthly third Fridays for `monthlyMonths`, every other Friday for `weeklyWeeks` weeks, and
 * Monday–Thursday dailies for `dailyDays` trading days (as for SPY, QQQ and IWM).
 */
export function listExpirations(asOf: number, options: ExpirationCalendarOptions = {}): ListedExpiration[] {
  const weeklyWeeks = options.weeklyWeeks ?? 6;
  const monthlyMonths = options.monthlyMonths ?? 12;
  const dailyDays = options.dailyDays ?? 0;
  const today = newYorkClock(asOf).day;
  const byDay = new Map<number, ListedExpiration['type']>();
  const start = new Date(today * MS_PER_DAY);
  let y = start.getUTCFullYear();
  let m = start.getUTCMonth() + 1;
  for (let i = 0; i <= monthlyMonths; i++) {
    byDay.set(settleDay(nthWeekday(y, m, 5, 3)), 'standard');
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
  const horizon = today + 7 * weeklyWeeks;
  let friday = today + ((5 - weekdayOf(today) + 7) % 7);
  for (; friday <= horizon; friday += 7) {
    const day = settleDay(friday);
    if (!byDay.has(day)) byDay.set(day, 'weekly');
  }
  let counted = 0;
  for (let day = today; counted < dailyDays; day++) {
    if (!isTradingDay(day)) continue;
    counted++;
    if (!byDay.has(day)) byDay.set(day, 'daily');
  }
  const out: ListedExpiration[] = [];
  for (const [day, type] of byDay) {
    const date = dateOfDay(day);
    if (expiryTime(date) > asOf && day <= today + 366 + 31) out.push({ date, type });
  }
  out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return out;
}
