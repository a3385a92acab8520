import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normCdf } from '../../src/quant/normal.js';
import { probAbove, probBelow } from '../../src/quant/probability.js';
import { probTouch, probTouchDiscrete } from '../../src/quant/touch.js';

const spot = fc.double({ min: 10, max: 500, noNaN: true });
const years = fc.double({ min: 1 / 365, max: 2, noNaN: true });
const vol = fc.double({ min: 0.05, max: 1.2, noNaN: true });
const drift = fc.double({ min: -0.1, max: 0.2, noNaN: true });
const distance = fc.double({ min: 0.001, max: 0.8, noNaN: true });
const up = (S: number, H: number) => H > S;

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

  it('at σ√T = 0 is ½ where the forward is at the barrier, the σ → 0 limit, never below P(end past it)', () => {
    const H = 100 * Math.exp(0.05);
    expect(probTouch(100, H, 1, 0, 0.05)).toBe(0.5); // ln(H/S) rounded above m·T: it read 0 where P(above) is ½
    expect(probTouch(100, H, 1, 0, 0.05)).toBe(probAbove(100, H, 1, 0, 0.05));
    expect(probTouch(100, H, 1, 1e-7, 0.05)).toBeCloseTo(0.5, 5);
  });

  it('tends to S/H for a barrier above and to 1 for one below as σ → ∞', () => {
    expect(probTouch(100, 110, 1, Number.POSITIVE_INFINITY, 0.05)).toBeCloseTo(100 / 110, 15); // was 0
    expect(probTouch(100, 110, 1, 1000, 0.05)).toBeCloseTo(100 / 110, 4);
    expect(probTouch(100, 90, 1, Number.POSITIVE_INFINITY, 0.05)).toBe(1);
  });

  it('with one or two monitoring dates is exact: P(S_T past) for one, a two-date integral for two', () => {
    // one date (T ≤ dt): the close at T alone — BGK's shifted barrier had read 0.1025 where it is 0.1466
    const dt = 1 / 252;
    expect(probTouchDiscrete(100, 102, dt, 0.3, 0.03, dt)).toBe(probAbove(100, 102, dt, 0.3, 0.03));
    expect(probTouchDiscrete(100, 98, dt / 2, 0.3, 0.03, dt)).toBe(probBelow(100, 98, dt / 2, 0.3, 0.03));
    // two dates t₁ = T − dt, T: 1 − ∫_{x < β} f₁(x)·P(x + ΔX < β) dx by Gauss-Legendre on a fine split, an
    // independent route from the bivariate normal (X = ±ln(S_t/S), drift ±(m − σ²/2))
    const noTouch = (S: number, H: number, T: number, v: number, m: number) => {
      const up = H > S;
      const beta = Math.abs(Math.log(H / S));
      const nu = (up ? 1 : -1) * (m - 0.5 * v * v);
      const t1 = T - dt;
      const s1 = v * Math.sqrt(t1);
      const s2 = v * Math.sqrt(dt);
      const lo = nu * t1 - 12 * s1;
      const gl = [
        [-0.906179845938664, 0.236926885056189],
        [-0.5384693101056831, 0.4786286704993665],
        [0, 0.5688888888888889],
        [0.5384693101056831, 0.4786286704993665],
        [0.906179845938664, 0.236926885056189],
      ];
      const pieces = 4000;
      const h = (beta - lo) / pieces;
      let acc = 0;
      for (let k = 0; k < pieces; k++) {
        for (const [x, w] of gl) {
          const u = lo + h * (k + 0.5 * (x + 1));
          const f1 = Math.exp(-0.5 * ((u - nu * t1) / s1) ** 2) / (s1 * Math.sqrt(2 * Math.PI));
          acc += 0.5 * h * w * f1 * normCdf((beta - u - nu * dt) / s2);
        }
      }
      return acc;
    };
    for (const [S, H, T, v, m] of [
      [100, 102, 2 / 252, 0.3, 0.03],
      [100, 97, 2 / 252, 0.3, 0.03],
      [100, 101, 1.5 / 252, 0.5, -0.02],
      [50, 56, 2 / 252, 1.1, 0.1],
    ]) {
      const p = probTouchDiscrete(S, H, T, v, m, dt);
      expect(Math.abs(p - (1 - noTouch(S, H, T, v, m)))).toBeLessThan(1e-10);
      expect(p).toBeLessThan(probTouch(S, H, T, v, m)); // fewer looks, fewer touches
      expect(p).toBeGreaterThan(up(S, H) ? probAbove(S, H, T, v, m) : probBelow(S, H, T, v, m));
    }
    expect(probTouchDiscrete(100, 102, 2 / 252, 0.3, 0.03, dt)).toBeCloseTo(0.2752, 3); // simulation: 0.2752
    expect(probTouchDiscrete(100, 102, 1, 0.3, 0.03, 0)).toBeNaN();
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
