import { describe, expect, it } from 'vitest';
import { dayNumber } from '../../src/market/exchangeCalendar.js';
import {
  isEarlyClose,
  isMarketOpen,
  marketStatus,
  nextScanAt,
  sessionOn,
} from '../../src/service/marketHours.js';

const day = (d: string) => dayNumber(d);
const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;

describe('sessionOn', () => {
  it('opens 09:30 and closes 16:00 New York time, across DST', () => {
    expect(sessionOn(day('2026-03-06'))).toMatchObject({
      openMs: at('2026-03-06T14:30:00Z'),
      closeMs: at('2026-03-06T21:00:00Z'),
    });
    expect(sessionOn(day('2026-03-09'))).toMatchObject({
      openMs: at('2026-03-09T13:30:00Z'),
      closeMs: at('2026-03-09T20:00:00Z'),
    });
  });

  it('is closed on weekends and NYSE holidays', () => {
    for (const d of [
      '2026-11-28',
      '2026-11-29',
      '2026-11-26',
      '2026-12-25',
      '2026-07-03',
      '2026-04-03',
      '2027-01-01',
    ]) {
      expect(sessionOn(day(d)), d).toBeNull();
    }
  });

  it('closes at 13:00 on the early-close days', () => {
    expect(sessionOn(day('2026-11-27'))).toMatchObject({
      closeMs: at('2026-11-27T18:00:00Z'),
      earlyClose: true,
    });
    expect(sessionOn(day('2026-12-24'))).toMatchObject({
      closeMs: at('2026-12-24T18:00:00Z'),
      earlyClose: true,
    });
    expect(sessionOn(day('2025-07-03'))).toMatchObject({
      closeMs: at('2025-07-03T17:00:00Z'),
      earlyClose: true,
    });
    for (const d of ['2024-07-03', '2024-12-24', '2023-07-03', '2019-12-24'])
      expect(isEarlyClose(day(d)), d).toBe(true);
    // 3 July on a Friday is the observed Independence Day; 23 Dec 2022 was a normal day.
    for (const d of ['2026-07-02', '2022-12-23', '2026-11-25', '2021-12-23'])
      expect(isEarlyClose(day(d)), d).toBe(false);
  });
});

describe('isMarketOpen', () => {
  it('includes the open and excludes the close', () => {
    expect(isMarketOpen(at('2026-11-25T14:29:59.999Z'))).toBe(false);
    expect(isMarketOpen(at('2026-11-25T14:30:00Z'))).toBe(true);
    expect(isMarketOpen(at('2026-11-25T20:59:59Z'))).toBe(true);
    expect(isMarketOpen(at('2026-11-25T21:00:00Z'))).toBe(false);
    expect(isMarketOpen(at('2026-11-27T18:30:00Z'))).toBe(false);
  });

  it('reports the next session while closed', () => {
    const s = marketStatus(at('2026-11-26T15:00:00Z'));
    expect(s.open).toBe(false);
    expect(s.session.date).toBe('2026-11-27');
  });
});

describe('nextScanAt', () => {
  it('is one interval after the last scheduled start, or now when that has passed', () => {
    expect(nextScanAt(at('2026-11-25T15:01:00Z'), at('2026-11-25T15:00:00Z'), 15 * MIN, true)).toBe(
      at('2026-11-25T15:15:00Z'),
    );
    expect(nextScanAt(at('2026-11-25T15:20:00Z'), at('2026-11-25T15:00:00Z'), 15 * MIN, true)).toBe(
      at('2026-11-25T15:20:00Z'),
    );
    expect(nextScanAt(at('2026-11-25T15:01:00Z'), null, 15 * MIN, true)).toBe(at('2026-11-25T15:01:00Z'));
  });

  it('moves to the next open outside the session, skipping holidays and early closes', () => {
    // 12:50 ET on the day after Thanksgiving: 13:05 is after the early close → Monday 09:30.
    expect(nextScanAt(at('2026-11-27T17:51:00Z'), at('2026-11-27T17:50:00Z'), 15 * MIN, true)).toBe(
      at('2026-11-30T14:30:00Z'),
    );
    // Wednesday evening before Thanksgiving → Friday's open.
    expect(nextScanAt(at('2026-11-25T22:00:00Z'), null, 15 * MIN, true)).toBe(at('2026-11-27T14:30:00Z'));
  });

  it('runs around the clock when market_hours_only is off', () => {
    expect(nextScanAt(at('2026-11-28T03:00:00Z'), at('2026-11-28T02:50:00Z'), 15 * MIN, false)).toBe(
      at('2026-11-28T03:05:00Z'),
    );
  });
});
