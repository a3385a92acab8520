import { describe, expect, it } from 'vitest';
import { exerciseRegime } from '../../../src/quant/american/regime.js';
import { americanZeroVolPrice } from '../../../src/quant/american/zeroVol.js';

describe('americanZeroVolPrice', () => {
  // QuantLib testQdAmericanEngines zero-volatility rows (exact deterministic values), tolerance 1e-10
  it('reproduces the exercise-at-the-best-time values of QuantLib', () => {
    expect(Math.abs(americanZeroVolPrice('put', 100, 120, 40, 0.01, 0.5) - 108.9809045611846)).toBeLessThan(
      1e-10,
    );
    expect(Math.abs(americanZeroVolPrice('put', 100, 120, 1, 0.0, 0.05) - 24.877057549928608)).toBeLessThan(
      1e-10,
    );
    expect(Math.abs(americanZeroVolPrice('call', 100, 50, 1, 0.05, 0.01) - 51.44351214988111)).toBeLessThan(
      1e-10,
    );
    expect(americanZeroVolPrice('put', 100, 120, 1, 0.05, 0.01)).toBe(20);
  });

  it('is the maximum over exercise times (checked on a fine time grid)', () => {
    for (const [S, K, T, r, q] of [
      [100, 120, 40, 0.01, 0.5],
      [80, 100, 3, 0.02, 0.07],
      [120, 100, 5, 0.01, 0.06],
    ]) {
      let best = 0;
      for (let i = 0; i <= 100000; i++) {
        const t = (T * i) / 100000;
        best = Math.max(best, K * Math.exp(-r * t) - S * Math.exp(-q * t), 0);
      }
      const v = americanZeroVolPrice('put', S, K, T, r, q);
      expect(v).toBeGreaterThanOrEqual(best - 1e-12);
      expect(v - best).toBeLessThan(1e-6);
    }
  });
});

describe('exerciseRegime', () => {
  it('classifies puts and calls by r and q (calls through the put-call symmetry)', () => {
    expect(exerciseRegime('put', 0.05, 0.02)).toBe('single');
    expect(exerciseRegime('put', -0.01, 0.0)).toBe('european');
    expect(exerciseRegime('put', -0.01, -0.03)).toBe('double');
    expect(exerciseRegime('call', 0.05, 0)).toBe('european');
    expect(exerciseRegime('call', 0.05, 0.02)).toBe('single');
    expect(exerciseRegime('call', -0.03, -0.01)).toBe('double');
  });
});
