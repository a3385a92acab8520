import { describe, expect, it } from 'vitest';
import {
  dateOfDay,
  dayNumber,
  exchangeHolidays,
  isTradingDay,
  newYorkClock,
  newYorkDate,
  weekdayOf,
} from '../../src/market/exchangeCalendar.js';
import {
  daysToExpiry,
  expiryTime,
  isMonthlyExpiration,
  listExpirations,
  MS_PER_YEAR,
  thirdFriday,
  yearsToExpiry,
} from '../../src/market/expiry.js';
import { MarketInputError } from '../../src/market/inputError.js';
import { readPltrSnapshot } from './helpers/pltrSnapshot.js';

const holidays = (year: number) => [...exchangeHolidays(year)].sort((a, b) => a - b).map(dateOfDay);

describe('exchange calendar', () => {
  it('lists the NYSE holidays of 2026 and 2027, observed dates included', () => {
    expect(holidays(2026)).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-04-03',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03', // July 4th is a Saturday
      '2026-09-07',
      '2026-11-26',
      '2026-12-25',
    ]);
    expect(holidays(2027)).toEqual([
      '2027-01-01',
      '2027-01-18',
      '2027-02-15',
      '2027-03-26',
      '2027-05-31',
      '2027-06-18', // Juneteenth is a Saturday
      '2027-07-05', // July 4th is a Sunday
      '2027-09-06',
      '2027-11-25',
      '2027-12-24', // Christmas is a Saturday
    ]);
  });

  it('does not move a Saturday New Year back into the old year', () => {
    expect(holidays(2022)).not.toContain('2021-12-31');
    expect(isTradingDay(dayNumber('2021-12-31'))).toBe(true);
    expect(holidays(2022)).toContain('2022-12-26'); // Christmas on a Sunday
  });

  it('knows weekends and weekdays', () => {
    expect(weekdayOf(dayNumber('1970-01-01'))).toBe(4);
    expect(weekdayOf(dayNumber('2026-11-27'))).toBe(5);
    expect(isTradingDay(dayNumber('2026-11-28'))).toBe(false);
    expect(isTradingDay(dayNumber('2026-11-27'))).toBe(true);
  });

  it('rejects malformed dates with a typed error naming the field', () => {
    expect(() => dayNumber('2026-02-30', 'expiration')).toThrow(MarketInputError);
    expect(() => dayNumber('26-1-1', 'from')).toThrow(/from: "26-1-1" is not a YYYY-MM-DD date/);
  });

  it('reads the New York wall clock across the DST switches', () => {
    // 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST
    expect(newYorkClock(Date.parse('2026-03-08T06:59:00Z')).minute).toBeCloseTo(60 + 59);
    expect(newYorkClock(Date.parse('2026-03-08T07:00:00Z')).minute).toBeCloseTo(3 * 60);
    expect(newYorkClock(Date.parse('2026-11-01T05:30:00Z')).minute).toBeCloseTo(60 + 30);
    expect(newYorkClock(Date.parse('2026-11-01T06:30:00Z')).minute).toBeCloseTo(60 + 30);
    expect(newYorkDate(Date.parse('2026-11-25T04:59:59Z'))).toBe('2026-11-24');
    expect(newYorkDate(Date.parse('2026-11-25T05:00:00Z'))).toBe('2026-11-25');
  });
});

describe('expiry', () => {
  it('puts the expiry instant at 16:00 New York, EST or EDT', () => {
    expect(new Date(expiryTime('2025-11-07')).toISOString()).toBe('2025-11-07T21:00:00.000Z');
    expect(new Date(expiryTime('2025-10-31')).toISOString()).toBe('2025-10-31T20:00:00.000Z');
    expect(new Date(expiryTime('2026-03-06')).toISOString()).toBe('2026-03-06T21:00:00.000Z');
    expect(new Date(expiryTime('2026-03-09')).toISOString()).toBe('2026-03-09T20:00:00.000Z');
  });

  it('puts it at 13:00 New York on an early-close day (a 24 December expiry was taken to run 3 hours longer)', () => {
    expect(new Date(expiryTime('2026-12-24')).toISOString()).toBe('2026-12-24T18:00:00.000Z'); // Thursday
    expect(new Date(expiryTime('2026-11-27')).toISOString()).toBe('2026-11-27T18:00:00.000Z'); // after Thanksgiving
    expect(new Date(expiryTime('2025-07-03')).toISOString()).toBe('2025-07-03T17:00:00.000Z'); // Thursday, EDT
    expect(new Date(expiryTime('2026-12-23')).toISOString()).toBe('2026-12-23T21:00:00.000Z');
    // 24 December 2027 is a Friday, the observed Christmas holiday: no session, the date keeps 16:00
    expect(new Date(expiryTime('2027-12-24')).toISOString()).toBe('2027-12-24T21:00:00.000Z');
  });

  it('puts an AM-settled expiry at the 09:30 open, EST or EDT, early close or not (SPX monthlies, VIX)', () => {
    expect(new Date(expiryTime('2026-12-18', 'am')).toISOString()).toBe('2026-12-18T14:30:00.000Z');
    expect(new Date(expiryTime('2026-06-18', 'am')).toISOString()).toBe('2026-06-18T13:30:00.000Z'); // EDT
    expect(new Date(expiryTime('2026-11-27', 'am')).toISOString()).toBe('2026-11-27T14:30:00.000Z'); // early close
    // the PM instant of the same date is not disturbed by the AM one cached beside it
    expect(new Date(expiryTime('2026-12-18')).toISOString()).toBe('2026-12-18T21:00:00.000Z');
    expect(expiryTime('2026-12-18', 'pm') - expiryTime('2026-12-18', 'am')).toBe(6.5 * 3_600_000);
  });

  it('measures T in years of 365 days and DTE in New York calendar days', () => {
    const asOf = Date.parse('2025-10-31T20:00:00Z');
    expect(yearsToExpiry(expiryTime('2025-11-07'), asOf)).toBeCloseTo((7 * 24 + 1) / (365 * 24), 12);
    expect(MS_PER_YEAR).toBe(365 * 86_400_000);
    expect(daysToExpiry('2025-11-21', asOf)).toBe(21);
    // 23:30 New York on Oct 31 is already Nov 1 in UTC, still Oct 31 for the exchange
    expect(daysToExpiry('2025-11-21', Date.parse('2025-11-01T03:30:00Z'))).toBe(21);
  });

  it('finds third Fridays and moves holiday expirations to the day before', () => {
    expect(thirdFriday(2026, 1)).toBe('2026-01-16');
    expect(thirdFriday(2026, 6)).toBe('2026-06-19'); // Juneteenth
    expect(isMonthlyExpiration('2026-06-18')).toBe(true);
    expect(isMonthlyExpiration('2026-06-19')).toBe(false);
    expect(isMonthlyExpiration('2026-12-18')).toBe(true);
    expect(isMonthlyExpiration('2026-12-11')).toBe(false);
  });

  it('agrees with the real PLTR chain: its standard expirations are our monthlies, its near weeklies are not', () => {
    const { chain } = readPltrSnapshot();
    expect(chain.expirations).toHaveLength(21);
    for (const e of chain.expirations) {
      expect(e.expiryTime).toBe(expiryTime(e.expiration));
      if (e.expirationType === 'standard') expect(isMonthlyExpiration(e.expiration), e.expiration).toBe(true);
    }
    // Tradier labels the holiday-adjusted 2027-06-17 "weeklys"; the near weeklies and end-of-month are not monthlies
    const near = chain.expirations.filter(
      (e) => e.expirationType !== 'standard' && e.expiration < '2026-01-01',
    );
    expect(near.map((e) => e.expiration)).toEqual([
      '2025-11-07',
      '2025-11-14',
      '2025-11-28',
      '2025-12-05',
      '2025-12-12',
    ]);
    for (const e of near) expect(isMonthlyExpiration(e.expiration)).toBe(false);
  });

  it('lists weeklies for six weeks and monthlies for a year, as PLTR had on 2025-10-31', () => {
    const asOf = Date.parse('2025-10-31T20:30:00Z'); // after the close
    const listed = listExpirations(asOf);
    expect(listed.slice(0, 8).map((e) => `${e.date}:${e.type}`)).toEqual([
      '2025-11-07:weekly',
      '2025-11-14:weekly',
      '2025-11-21:standard',
      '2025-11-28:weekly',
      '2025-12-05:weekly',
      '2025-12-12:weekly',
      '2025-12-19:standard',
      '2026-01-16:standard',
    ]);
    // the real listing's first eight are exactly these (beyond, PLTR lists only its quarterly cycle)
    const { chain } = readPltrSnapshot();
    expect(chain.expirations.slice(0, 8).map((e) => e.expiration)).toEqual(
      listed.slice(0, 8).map((e) => e.date),
    );
    expect(listed.filter((e) => e.type === 'standard')).toHaveLength(12);
    expect(listed.at(-1)?.date).toBe('2026-10-16');
  });

  it('lists dailies when asked, skips holidays, and drops an expiration once its instant has passed', () => {
    const wednesdayMorning = Date.parse('2026-11-25T15:00:00Z');
    const dailies = listExpirations(wednesdayMorning, { weeklyWeeks: 1, monthlyMonths: 0, dailyDays: 4 });
    // Thanksgiving (Thu 26th) is closed; Friday 27th is the weekly
    expect(dailies.map((e) => `${e.date}:${e.type}`)).toEqual([
      '2026-11-25:daily',
      '2026-11-27:weekly',
      '2026-11-30:daily',
      '2026-12-01:daily',
    ]);
    const afterClose = Date.parse('2026-11-25T21:00:01Z');
    expect(listExpirations(afterClose, { weeklyWeeks: 1, monthlyMonths: 0, dailyDays: 2 })[0].date).toBe(
      '2026-11-27',
    );
  });
});
