import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectedMove } from '../../src/quant/expectedMove.js';

describe('expected move', () => {
  it("follows Natenberg's rule of sixteen: 100 at 20% vol moves 1.25 a day (T = 1/256)", () => {
    expect(expectedMove(100, 1 / 256, 0.2)).toBeCloseTo(1.25, 14);
  });

  it('is S·σ·√T: 100 at 20% over 30 calendar days is 5.7338 (hand-computed), two sigma twice that', () => {
    expect(Math.abs(expectedMove(100, 30 / 365, 0.2) - 5.7338)).toBeLessThanOrEqual(5e-5);
    expect(expectedMove(100, 30 / 365, 0.2, 2)).toBeCloseTo(2 * expectedMove(100, 30 / 365, 0.2), 14);
  });

  it('scales linearly in S and σ and with √T (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1000, noNaN: true }),
        fc.double({ min: 0.01, max: 2, noNaN: true }),
        fc.double({ min: 0.001, max: 3, noNaN: true }),
        (S, v, T) => {
          const m = expectedMove(S, T, v);
          expect(expectedMove(2 * S, T, v)).toBeCloseTo(2 * m, 10);
          expect(expectedMove(S, T, 3 * v)).toBeCloseTo(3 * m, 10);
          expect(expectedMove(S, 4 * T, v)).toBeCloseTo(2 * m, 10);
        },
      ),
    );
  });

  it('is NaN for negative inputs and 0 at T = 0', () => {
    expect(expectedMove(-1, 1, 0.2)).toBeNaN();
    expect(expectedMove(100, 1, 0.2, -1)).toBeNaN(); // a move is a distance: it read −20
    expect(expectedMove(100, 1, 0.2, Number.NaN)).toBeNaN();
    expect(expectedMove(100, 0, 0.2)).toBe(0);
  });

  it('takes T before vol, as bsPrice, probAbove and probTouch do (it took vol first)', () => {
    expect(expectedMove(100, 0.25, 0.5)).toBeCloseTo(25, 12); // T = 0.25, σ = 50 %
    expect(expectedMove(100, -0.25, 0.5)).toBeNaN(); // a negative T
  });
});
