import { describe, expect, it } from 'vitest';
import { parseAsOf } from '../../../src/cli/commands/scanCommand.js';
import { UsageError } from '../../../src/cli/io.js';

describe('parseAsOf (--as-of)', () => {
  it('is "now" when the flag is absent', () => {
    expect(parseAsOf(undefined, 1234)).toBe(1234);
  });

  const NOW = Date.UTC(2030, 0, 1);

  it('reads ISO 8601 times with Z or an offset as epoch ms', () => {
    expect(parseAsOf('2026-11-20T15:30:00Z', NOW)).toBe(Date.UTC(2026, 10, 20, 15, 30));
    expect(parseAsOf('2026-11-20T10:30:00-05:00', NOW)).toBe(Date.UTC(2026, 10, 20, 15, 30));
    expect(parseAsOf('2026-11-20T15:30Z', NOW)).toBe(Date.UTC(2026, 10, 20, 15, 30));
    expect(parseAsOf('2028-02-29T00:00:00.5+00:00', NOW)).toBe(Date.UTC(2028, 1, 29, 0, 0, 0, 500));
  });

  it('refuses a time to come (a replay of 9999 made up trades or failed as "no market data", exit 1)', () => {
    const now = Date.UTC(2026, 11, 7, 12);
    expect(() => parseAsOf('9999-12-31T23:59:59Z', now)).toThrow(/^--as-of: must not be in the future/);
    expect(() => parseAsOf('2026-12-07T12:02:00Z', now)).toThrow(UsageError);
    expect(parseAsOf('2026-12-07T12:00:30Z', now)).toBe(now + 30_000); // clock skew between hosts
  });

  it('refuses an as-of before 1970 (a year-0000 scan ran, then PostgreSQL refused to store it: exit 1, scan lost)', () => {
    expect(() => parseAsOf('0000-01-01T00:00:00Z', NOW)).toThrow(
      /^--as-of: must be 1970-01-01T00:00:00Z or later/,
    );
    expect(() => parseAsOf('1969-12-31T23:59:59Z', NOW)).toThrow(UsageError);
    expect(parseAsOf('1970-01-01T00:00:00Z', NOW)).toBe(0);
  });

  it.each([
    'yesterday',
    '2026-02-30T00:00:00Z', // Date.parse rolls it over to March 2
    '2026-04-31',
    '2027-02-29',
    '2026-13-01',
    '2026-01-01T25:00:00Z',
    '20261120',
    // no zone: read in the host's zone (TZ=Asia/Tokyo moved the scan 9 hours), or a bare date as UTC midnight
    // (the evening before in New York: every DTE a day longer)
    '2026-11-20T15:30:00',
    '2026-11-20',
    '2028-02-29',
  ])('rejects %s as a usage error naming the flag', (text) => {
    expect(() => parseAsOf(text, 0)).toThrow(UsageError);
    expect(() => parseAsOf(text, 0)).toThrow(/^--as-of: expected an ISO 8601 time/);
  });
});
