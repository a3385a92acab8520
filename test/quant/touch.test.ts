import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { probAbove, probBelow } from '../../src/quant/probability.js';
import { probTouch, probTouchDiscrete } from '../../src/quant/touch.js';

const spot = fc.double({ min: 10, max: 500, noNaN: true });
const years = fc.double({ min: 1 / 365, max: 2, noNaN: true });
const vol = fc.double({ min: 0.05, max: 1.2, noNaN: true });
const drift = fc.double({ min: -0.1, max: 0.2, noNaN: true });
const distance = fc.double({ min: 0.001, max: 0.8, noNaN: true });

describe('published one-touch values (Haug 1998 p. 95, cases 5, 6, 9, 10; QuantLib digitaloption.cpp)', () => {
  // American cash-at-expiry digitals paying 15: value = 15·e^(−rT)·P(touch) (knock-in) or ·(1 − P) (knock-out),
  // r 0.10, q 0, T 0.5, σ 0.20, risk-neutral drift r − q; published to 4 decimals (tolerance 1e-4 as QuantLib).
  const df = 15 * Math.exp(-0.1 * 0.5);

  it('down barrier 100 from spot 105: touch 9.3604, no-touch 4.9081', () => {
    const p = probTouch(105, 100, 0.5, 0.2, 0.1);
    expect(Math.abs(df * p - 9.3604)).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(df * (1 - p) - 4.9081)).toBeLessThanOrEqual(1e-4);
  });

  it('up barrier 100 from spot 95: touch 11.2223, no-touch 3.0461', () => {
    const p = probTouch(95, 100, 0.5, 0.2, 0.1);
    expect(Math.abs(df * p - 11.2223)).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(df * (1 - p) - 3.0461)).toBeLessThanOrEqual(1e-4);
  });
});

describe('touch probability properties', () => {
  it('is at least the probability of finishing beyond the barrier (property)', () => {
    fc.assert(
      fc.property(spot, distance, years, vol, drift, (S, d, T, v, m) => {
        const up = S * Math.exp(d);
        const down = S * Math.exp(-d);
        expect(probTouch(S, up, T, v, m)).toBeGreaterThanOrEqual(probAbove(S, up, T, v, m) * (1 - 1e-12));
        expect(probTouch(S, down, T, v, m)).toBeGreaterThanOrEqual(probBelow(S, down, T, v, m) * (1 - 1e-12));
      }),
    );
  });

  it('is exactly twice the terminal probability when the log-drift m − σ²/2 is zero (reflection principle)', () => {
    fc.assert(
      fc.property(spot, distance, years, vol, (S, d, T, v) => {
        const m = 0.5 * v * v;
        const H = S * Math.exp(d);
        expect(probTouch(S, H, T, v, m)).toBeCloseTo(Math.min(1, 2 * probAbove(S, H, T, v, m)), 13);
      }),
    );
  });

  it('is ≈ 2× the terminal probability for a driftless price and a near barrier (1 day, 1% away: within 1%)', () => {
    const up = probTouch(100, 101, 1 / 365, 0.25, 0) / probAbove(100, 101, 1 / 365, 0.25, 0);
    const down = probTouch(100, 99, 1 / 365, 0.25, 0) / probBelow(100, 99, 1 / 365, 0.25, 0);
    expect(Math.abs(up - 2)).toBeLessThan(0.01);
    expect(Math.abs(down - 2)).toBeLessThan(0.01);
  });

  it('rises with time and falls with the distance to the barrier (property)', () => {
    fc.assert(
      fc.property(spot, distance, years, vol, drift, (S, d, T, v, m) => {
        const H = S * Math.exp(d);
        expect(probTouch(S, H, T * 1.5, v, m)).toBeGreaterThanOrEqual(probTouch(S, H, T, v, m) - 1e-15);
        expect(probTouch(S, H * 1.05, T, v, m)).toBeLessThanOrEqual(probTouch(S, H, T, v, m) + 1e-15);
      }),
    );
  });

  it('mirrors: a barrier β above with drift m equals one β below with drift σ² − m (property)', () => {
    fc.assert(
      fc.property(spot, distance, years, vol, drift, (S, d, T, v, m) => {
        const a = probTouch(S, S * Math.exp(d), T, v, m);
        const b = probTouch(S, S * Math.exp(-d), T, v, v * v - m);
        expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12);
      }),
    );
  });

  it('is 1 at the barrier, 0 at T = 0 away from it, and finite for a tiny volatility', () => {
    expect(probTouch(100, 100, 0.5, 0.2, 0)).toBe(1);
    expect(probTouch(100, 110, 0, 0.2, 0)).toBe(0);
    expect(probTouch(100, 104, 1, 0, 0.05)).toBe(1); // deterministic path reaches 105.1
    expect(probTouch(100, 106, 1, 0, 0.05)).toBe(0);
    // σ = 0.1%: exp(2ν'β/σ²) would overflow without log-space evaluation
    expect(probTouch(100, 104, 1, 0.001, 0.05)).toBeCloseTo(1, 12);
    expect(probTouch(100, 120, 1, 0.001, 0.05)).toBe(0);
    expect(probTouch(100, 95, 1, 0.001, 0.05)).toBe(0);
    expect(probTouch(100, 0, 1, 0.2, 0)).toBe(0);
    expect(probTouch(-1, 100, 1, 0.2, 0)).toBeNaN();
  });

  it('with discrete monitoring (BGK shift) lies below the continuous value', () => {
    const c = probTouch(100, 110, 0.25, 0.3, 0.03);
    const d = probTouchDiscrete(100, 110, 0.25, 0.3, 0.03, 1 / 252);
    expect(d).toBeLessThan(c);
    expect(d).toBeGreaterThan(0.9 * c);
    expect(probTouchDiscrete(100, 90, 0.25, 0.3, 0.03, 1 / 252)).toBeLessThan(
      probTouch(100, 90, 0.25, 0.3, 0.03),
    );
  });
});
