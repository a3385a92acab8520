/** Calendar arithmetic of expirations (UTC inside; the exchange calendar date is New York's). */
import { dayNumber } from './hardRules.js';

const MS_PER_DAY = 86_400_000;
/** Milliseconds in a 365-day year: T = (expiry − as-of) / 365 days (DESIGN.md "Time"). */
export const MS_PER_YEAR = 365 * MS_PER_DAY;

const nyFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** New York calendar date `YYYY-MM-DD` of an instant (epoch ms). */
export function newYorkDate(epochMs: number): string {
  return nyFormat.format(new Date(epochMs));
}

let lastInstant = Number.NaN;
let lastDay = Number.NaN;

/** Day number (days since 1970-01-01) of the New York date of an instant (the last answer is cached). */
export function newYorkDayNumber(epochMs: number): number {
  if (epochMs !== lastInstant) {
    lastDay = dayNumber(newYorkDate(epochMs));
    lastInstant = epochMs;
  }
  return lastDay;
}

/** Calendar days from the as-of New York date to `expiration` (`YYYY-MM-DD`): what traders call DTE. */
export function daysToExpiration(asOf: number, expiration: string): number {
  return dayNumber(expiration) - newYorkDayNumber(asOf);
}

/** Years from `asOf` to `expiryTime` (epoch ms); negative when expired. */
export function yearsBetween(asOf: number, expiryTime: number): number {
  return (expiryTime - asOf) / MS_PER_YEAR;
}
