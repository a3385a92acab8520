/**
 * Simulated earnings calendar: each company reports four times a year, a fixed number of days
 * (its profile's `earningsOffset`, 18–45) after each calendar quarter starts — late January, April,
 * July and October, as most S&P 500 companies do — moved forward to the next trading day.
 * Reports are assumed after the close (16:00 New York): the move lands in the next session.
 */
import { dateOfDay, isTradingDay, newYorkInstant } from '../../exchangeCalendar.js';
import { CLOSE_MINUTE } from '../../expiry.js';
import type { SimProfile } from './profiles.js';

const MS_PER_DAY = 86_400_000;

/** Day number of the first report on or after `day`, or null for funds. */
export function nextEarningsDay(p: SimProfile, day: number): number | null {
  if (p.earningsOffset === null) return null;
  const d = new Date(day * MS_PER_DAY);
  let year = d.getUTCFullYear();
  let quarter = Math.floor(d.getUTCMonth() / 3) - 1; // start one quarter back: its report may still be ahead
  for (let i = 0; i < 6; i++, quarter++) {
    if (quarter < 0) {
      quarter += 4;
      year--;
    } else if (quarter > 3) {
      quarter -= 4;
      year++;
    }
    let report = Date.UTC(year, quarter * 3, 1) / MS_PER_DAY + p.earningsOffset;
    while (!isTradingDay(report)) report++;
    if (report >= day) return report;
  }
  return null;
}

/** Next earnings date `YYYY-MM-DD` on or after the as-of's New York day, or null. */
export function nextEarningsDate(p: SimProfile, day: number): string | null {
  const report = nextEarningsDay(p, day);
  return report === null ? null : dateOfDay(report);
}

/** Instant of the next report (after that day's close), epoch ms, or null. */
export function nextEarningsInstant(p: SimProfile, day: number): number | null {
  const report = nextEarningsDay(p, day);
  return report === null ? null : newYorkInstant(report, CLOSE_MINUTE);
}
