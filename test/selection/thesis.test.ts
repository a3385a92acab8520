import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STRATEGY_NAMES } from '../../src/config/schema.js';
import { THESIS_MAX_WORDS, thesis, wordCount } from '../../src/selection/thesis.js';
import { candidates, withShorts } from '../strategies/fixtures.js';

describe('thesis', () => {
  it('reads the put spread numbers: lean, IV rank, momentum, breakeven and its sd distance, days', () => {
    const t = withShorts(candidates('put_credit_spread'), 95);
    const text = thesis({ ...t, ivRank: 55.4, momentumZ: 0.42 });
    const sd = Math.abs(t.breakevenSigmas[0]).toFixed(1);
    expect(text).toBe(
      `Bullish put credit spread: IV rank 55, momentum z +0.4. Profits above 94.20 (${sd} sd below spot 100.00) over 28 days.`,
    );
  });

  it('says n/a for an unknown IV rank or momentum, not a neutral +0.0', () => {
    const t = withShorts(candidates('put_credit_spread'), 95);
    expect(thesis({ ...t, ivRank: Number.NaN, momentumZ: Number.NaN })).toMatch(
      /^Bullish put credit spread: IV rank n\/a, momentum z n\/a\. /,
    );
  });

  it('a condor names both breakevens; a call spread profits below; a covered call names its cap', () => {
    const ic = withShorts(candidates('iron_condor'), 95, 105);
    expect(thesis({ ...ic, ivRank: 70, momentumZ: -0.1 })).toMatch(
      /^(Neutral|Bullish|Bearish) iron condor: IV rank 70, momentum z -0\.1\. Profits between 93\.25 and 106\.75 \(\d\.\d sd below, \d\.\d sd above spot 100\.00\) over 28 days\.$/,
    );
    const ccs = withShorts(candidates('call_credit_spread'), 105);
    expect(thesis({ ...ccs, ivRank: 30, momentumZ: -1.26 })).toMatch(
      /^Bearish call credit spread: IV rank 30, momentum z -1\.3\. Profits below 105\.95 \(\d\.\d sd above spot/,
    );
    const cc = withShorts(candidates('covered_call'), 105);
    expect(thesis({ ...cc, ivRank: 30, momentumZ: 0 })).toContain('capped at 105');
  });

  it('is at most 30 words of printable ASCII for every strategy and any numbers', () => {
    const trades = STRATEGY_NAMES.flatMap((s) =>
      candidates(s, { assumeStockOwned: s === 'covered_call' }).slice(0, 1),
    );
    expect(trades).toHaveLength(STRATEGY_NAMES.length);
    fc.assert(
      fc.property(
        fc.constantFrom(...trades),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: -1e6, max: 1e6 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.double({ min: 0.01, max: 1e6, noNaN: true }),
        (t, ivRank, momentumZ, dte, spot) => {
          const text = thesis({ ...t, ivRank, momentumZ, dte, underlyingPrice: spot });
          expect(wordCount(text)).toBeLessThanOrEqual(THESIS_MAX_WORDS);
          expect(text).toMatch(/^[\x20-\x7e]+$/);
          expect(text).toContain(`IV rank ${Math.round(ivRank)}`);
          expect(text).toContain(`${dte} day`);
        },
      ),
      { numRuns: 300 },
    );
  });
});
