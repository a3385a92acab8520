/**
 * Calendar dates of the US equity exchanges (NYSE rules): day numbers, weekdays, holidays,
 * trading days, and the New York wall clock of an instant.
 *
 * A calendar date is `YYYY-MM-DD`; its day number is the count of days since 1970-01-01 (so that
 * date arithmetic is integer arithmetic). Full-day closures are the NYSE's regular holidays (one-off closures,
 * such as national days of mourning, are not modelled); `isEarlyClose` names the 13:00 early-close days.
 */
import { MarketInputError } from './inputError.js';

const MS_PER_DAY = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number (days since 1970-01-01) of a `YYYY-MM-DD` date; a typed error when malformed. */
export function dayNumber(date: string, field = 'date'): number {
  const m = DATE_RE.exec(date);
  if (m === null) throw new MarketInputError(field, `"${date}" is not a YYYY-MM-DD date`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new MarketInputError(field, `"${date}" is not a calendar date`);
  }
  return ms / MS_PER_DAY;
}

const dateCache = new Map<number, string>();

/** `YYYY-MM-DD` of a day number (cached: bars and IV histories ask for the same days again and again). */
export function dateOfDay(day: number): string {
  let date = dateCache.get(day);
  if (date === undefined) {
    date = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    if (dateCache.size > 50_000) dateCache.clear();
    dateCache.set(day, date);
  }
  return date;
}

/** Weekday of a day number: 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function dayOf(y: number, month: number, d: number): number {
  return Date.UTC(y, month - 1, d) / MS_PER_DAY;
}

/** Day number of the n-th (1-based) `weekday` of a month; n = −1 for the last one. */
export function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  if (n < 0) {
    const last = dayOf(year, month + 1, 0);
    return last - ((weekdayOf(last) - weekday + 7) % 7);
  }
  const first = dayOf(year, month, 1);
  return first + ((weekday - weekdayOf(first) + 7) % 7) + 7 * (n - 1);
}

/** Easter Sunday (Gregorian, anonymous algorithm of Meeus/Jones/Butcher) as a day number. */
function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayOf(year, month, day);
}

/**
 * True on the NYSE's 13:00 early-close days (a trading day is assumed): the day after Thanksgiving, and 3 July and
 * 24 December when they fall Monday–Thursday.
 */
export function isEarlyClose(day: number): boolean {
  const y = new Date(day * MS_PER_DAY).getUTCFullYear();
  if (day === nthWeekday(y, 11, 4, 4) + 1) return true; // the day after Thanksgiving
  const w = weekdayOf(day);
  return w >= 1 && w <= 4 && (day === dayOf(y, 7, 3) || day === dayOf(y, 12, 24));
}

/** A fixed-date holiday observed on Friday when it falls on Saturday, Monday when on Sunday. */
function observed(day: number): number {
  const w = weekdayOf(day);
  return w === 6 ? day - 1 : w === 0 ? day + 1 : day;
}

const holidayCache = new Map<number, ReadonlySet<number>>();

/** NYSE full-day holidays of a year, as day numbers. */
export function exchangeHolidays(year: number): ReadonlySet<number> {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const days: number[] = [];
  // New Year's Day: a Saturday New Year is not moved back into the old year (NYSE rule 7.2).
  const ny = dayOf(year, 1, 1);
  if (weekdayOf(ny) !== 6) days.push(observed(ny));
  days.push(nthWeekday(year, 1, 1, 3)); // Martin Luther King Jr. Day
  days.push(nthWeekday(year, 2, 1, 3)); // Washington's Birthday
  days.push(easterSunday(year) - 2); // Good Friday
  days.push(nthWeekday(year, 5, 1, -1)); // Memorial Day
  if (year >= 2022) days.push(observed(dayOf(year, 6, 19))); // Juneteenth
  days.push(observed(dayOf(year, 7, 4))); // Independence Day
  days.push(nthWeekday(year, 9, 1, 1)); // Labor Day
  days.push(nthWeekday(year, 11, 4, 4)); // Thanksgiving
  days.push(observed(dayOf(year, 12, 25))); // Christmas
  const set = new Set(days);
  holidayCache.set(year, set);
  return set;
}

/** Gregorian year of a day number (H. Hinnant's civil_from_days, integer arithmetic only). */
function yearOf(day: number): number {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  return yoe + era * 400 + (mp >= 10 ? 1 : 0);
}

/** True on Monday–Friday days that are not exchange holidays. */
export function isTradingDay(day: number): boolean {
  const w = weekdayOf(day);
  if (w === 0 || w === 6) return false;
  return !exchangeHolidays(yearOf(day)).has(day);
}

/** The latest trading day ≤ `day`. */
export function tradingDayOnOrBefore(day: number): number {
  while (!isTradingDay(day)) day--;
  return day;
}

/** The latest trading day < `day`. */
export function previousTradingDay(day: number): number {
  return tradingDayOnOrBefore(day - 1);
}

const nyFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

const offsetCache = new Map<number, number>();

/**
 * Offset of New York wall-clock time from UTC at an instant, minutes (−300 EST, −240 EDT). DST
 * switches on whole UTC hours, so the offset is cached per UTC hour (Intl is slow).
 */
export function newYorkOffsetMinutes(ms: number): number {
  const hour = Math.floor(ms / 3_600_000);
  let offset = offsetCache.get(hour);
  if (offset === undefined) {
    offset = intlOffsetMinutes(hour * 3_600_000);
    if (offsetCache.size > 100_000) offsetCache.clear();
    offsetCache.set(hour, offset);
  }
  return offset;
}

function intlOffsetMinutes(ms: number): number {
  let y = 0;
  let mo = 0;
  let d = 0;
  let h = 0;
  let mi = 0;
  let s = 0;
  for (const p of nyFormat.formatToParts(ms)) {
    if (p.type === 'year') y = Number(p.value);
    else if (p.type === 'month') mo = Number(p.value);
    else if (p.type === 'day') d = Number(p.value);
    else if (p.type === 'hour') h = Number(p.value);
    else if (p.type === 'minute') mi = Number(p.value);
    else if (p.type === 'second') s = Number(p.value);
  }
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  return Math.round((wall - (ms - (ms % 1000))) / 60_000);
}

/** New York calendar day (day number) and minute of the day (0–1439.99) of an instant. */
export interface NewYorkClock {
  day: number;
  minute: number;
}

/** The New York wall clock of an epoch-ms instant. */
export function newYorkClock(ms: number): NewYorkClock {
  const local = ms + newYorkOffsetMinutes(ms) * 60_000;
  const day = Math.floor(local / MS_PER_DAY);
  return { day, minute: (local - day * MS_PER_DAY) / 60_000 };
}

/** New York calendar date `YYYY-MM-DD` of an instant (the exchange's date). */
export function newYorkDate(ms: number): string {
  return dateOfDay(newYorkClock(ms).day);
}

/** Epoch ms of a New York wall-clock time on a calendar day (DST-correct; never ambiguous at market hours). */
export function newYorkInstant(day: number, minuteOfDay: number): number {
  const wallAsUtc = day * MS_PER_DAY + minuteOfDay * 60_000;
  // First guess with the offset at that wall time read as UTC, then correct once with the offset there.
  let ms = wallAsUtc - newYorkOffsetMinutes(wallAsUtc) * 60_000;
  ms = wallAsUtc - newYorkOffsetMinutes(ms) * 60_000;
  return ms;
}
