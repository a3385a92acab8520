import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convexControlFitLeft, convexControlFitRight, rationalCubic } from '../../src/quant/rationalCubic.js';

describe('rationalCubic (Delbourgo-Gregory 1985)', () => {
  it('r = 3 is cubic Hermite interpolation: reproduces a cubic exactly (1e-14)', () => {
    const p = (x: number) => 2 - x + 0.5 * x * x - 0.25 * x * x * x;
    const dp = (x: number) => -1 + x - 0.75 * x * x;
    for (const x of [0.3, 0.9, 1.5, 2.2]) {
      expect(rationalCubic(x, 0.2, 2.5, p(0.2), p(2.5), dp(0.2), dp(2.5), 3)).toBeCloseTo(p(x), 14);
    }
  });

  it('matches end values and end slopes for any control r > −1', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -0.9, max: 100, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (r, dl, dr) => {
          const f = (x: number) => rationalCubic(x, 1, 2, 3, 5, dl, dr, r);
          expect(f(1)).toBeCloseTo(3, 12);
          expect(f(2)).toBeCloseTo(5, 12);
          const d = 1e-7;
          expect((f(1 + d) - f(1)) / d).toBeCloseTo(dl, 2);
          expect((f(2) - f(2 - d)) / d).toBeCloseTo(dr, 2);
        },
      ),
    );
  });

  it('tends to the straight line as r → ∞', () => {
    expect(rationalCubic(1.5, 1, 2, 3, 5, -10, 10, 1e40)).toBe(4);
  });

  it('fit functions give the requested end second derivative when no shape floor binds (1e-5)', () => {
    // data from y = x³ on [1, 2] (convex), target the true y'' at either end
    const [xl, xr, yl, yr, dl, dr] = [1, 2, 1, 8, 3, 12];
    const h = 1e-4;
    const rl = convexControlFitLeft(xl, xr, yl, yr, dl, dr, 6, false);
    const fl = (x: number) => rationalCubic(x, xl, xr, yl, yr, dl, dr, rl);
    expect((fl(xl + 2 * h) - 2 * fl(xl + h) + fl(xl)) / (h * h)).toBeCloseTo(6, 2);
    const rr = convexControlFitRight(xl, xr, yl, yr, dl, dr, 12, false);
    const fr = (x: number) => rationalCubic(x, xl, xr, yl, yr, dl, dr, rr);
    expect((fr(xr) - 2 * fr(xr - h) + fr(xr - 2 * h)) / (h * h)).toBeCloseTo(12, 2);
  });

  it('convex, increasing data stay convex and increasing with the convex control (shape preservation)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: 1.01, max: 50, noNaN: true }),
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        (dl, ratio, d2) => {
          // slopes dl < Δ = 1 < dr: convex and increasing data on [0, 1] from 0 to 1
          const dr = ratio;
          const r = convexControlFitLeft(0, 1, 0, 1, dl, dr, d2, true);
          let prev = Number.NEGATIVE_INFINITY;
          let prevSlope = Number.NEGATIVE_INFINITY;
          for (let k = 1; k <= 64; k++) {
            const y0 = rationalCubic((k - 1) / 64, 0, 1, 0, 1, dl, dr, r);
            const y1 = rationalCubic(k / 64, 0, 1, 0, 1, dl, dr, r);
            const slope = (y1 - y0) * 64;
            expect(y1).toBeGreaterThanOrEqual(prev - 1e-12);
            expect(slope).toBeGreaterThanOrEqual(prevSlope - 1e-9 * Math.max(1, Math.abs(slope)));
            prev = y1;
            prevSlope = slope;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
