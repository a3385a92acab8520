/**
 * The NYSE regular session: 09:30–16:00 America/New_York on trading days, 13:00 on the early-close
 * days (the day after Thanksgiving, and 3 July and 24 December when they fall Monday–Thursday).
 * Holidays come from the built-in calendar of market/exchangeCalendar.ts. Pure functions of an
 * epoch-ms instant; the scheduler asks "is it open?" and "when is the next scan due?".
 */
import { isEarlyClose, isTradingDay, newYorkClock, newYorkInstant } from '../market/exchangeCalendar.js';

/** Session open, minutes after New York midnight (09:30). */
export const OPEN_MINUTE = 9 * 60 + 30;
/** Regular close, minutes after New York midnight (16:00). */
export const CLOSE_MINUTE = 16 * 60;
/** Early close, minutes after New York midnight (13:00). */
export const EARLY_CLOSE_MINUTE = 13 * 60;

const MS_PER_DAY = 86_400_000;

export interface Session {
  /** Day number (days since 1970-01-01) of the New York calendar date. */
  day: number;
  /** `YYYY-MM-DD`. */
  date: string;
  /** Epoch ms of the open and the close. */
  openMs: number;
  closeMs: number;
  earlyClose: boolean;
}

export { isEarlyClose };

/** The regular session of a New York calendar day, or null when the exchange is closed all day. */
export function sessionOn(day: number): Session | null {
  if (!isTradingDay(day)) return null;
  const early = isEarlyClose(day);
  return {
    day,
    date: new Date(day * MS_PER_DAY).toISOString().slice(0, 10),
    openMs: newYorkInstant(day, OPEN_MINUTE),
    closeMs: newYorkInstant(day, early ? EARLY_CLOSE_MINUTE : CLOSE_MINUTE),
    earlyClose: early,
  };
}

/** Whether the regular session is open at `ms` (open inclusive, close exclusive). */
export function isMarketOpen(ms: number): boolean {
  const s = sessionOn(newYorkClock(ms).day);
  return s !== null && ms >= s.openMs && ms < s.closeMs;
}

/** The session that is open at `ms`, or else the next one to open (searches up to 30 days ahead). */
export function currentOrNextSession(ms: number): Session {
  const today = newYorkClock(ms).day;
  for (let day = today; day < today + 30; day++) {
    const s = sessionOn(day);
    if (s && ms < s.closeMs) return s;
  }
  throw new Error(`no NYSE session within 30 days of ${new Date(ms).toISOString()}`);
}

export interface MarketStatus {
  open: boolean;
  /** The session open now, or the next one. */
  session: Session;
}

export function marketStatus(ms: number): MarketStatus {
  const session = currentOrNextSession(ms);
  return { open: ms >= session.openMs && ms < session.closeMs, session };
}

/**
 * When the next scan is due, epoch ms: `interval` after the last scheduled start (never before
 * `now`: a scan that overran delays the next one); with `marketHoursOnly`, moved to the next open
 * when that instant falls outside a session.
 */
export function nextScanAt(
  now: number,
  lastStart: number | null,
  intervalMs: number,
  marketHoursOnly: boolean,
): number {
  const due = Math.max(now, lastStart === null ? now : lastStart + intervalMs);
  if (!marketHoursOnly) return due;
  const s = currentOrNextSession(due);
  return Math.max(due, s.openMs);
}
