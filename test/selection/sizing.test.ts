import { describe, expect, it } from 'vitest';
import { kellyContracts, withContracts } from '../../src/selection/sizing.js';
import { candidates, withShorts } from '../strategies/fixtures.js';

const spread = withShorts(candidates('put_credit_spread'), 95); // +$80 / −$420

describe('sizing', () => {
  it('withContracts scales the position amounts only', () => {
    const t = withContracts(spread, 3);
    expect(t.contracts).toBe(3);
    expect(t.maxLoss).toBeCloseTo(1260, 9);
    expect(t.maxProfit).toBeCloseTo(240, 9);
    expect(t.capitalRequired).toBeCloseTo(1260, 9);
    expect(t.expectedValue).toBeCloseTo(3 * spread.expectedValue, 9);
    expect(t.netCredit).toBe(spread.netCredit);
    expect(t.greeks).toBe(spread.greeks);
    expect(t.creditToMaxLoss).toBe(spread.creditToMaxLoss);
    expect(() => withContracts(spread, 0)).toThrow(/contracts/);
  });

  it('fractional Kelly: f* = p − (1 − p)/b, capped by max loss and capital, at least 1', () => {
    const p = { fraction: 0.5, nav: 100_000, maxLoss: 5000, availableCapital: 50_000 };
    // p = 0.9, b = 80/420: f* = 0.9 − 0.1 × 420/80 = 0.375 → 0.5 × 0.375 × 100000 / 420 = 44.6 → cap 5000/420 = 11
    expect(kellyContracts({ ...spread, pop: 0.9 }, p)).toBe(11);
    expect(kellyContracts({ ...spread, pop: 0.9 }, { ...p, maxLoss: 100_000 })).toBe(44);
    expect(kellyContracts({ ...spread, pop: 0.9 }, { ...p, maxLoss: 100_000, availableCapital: 2000 })).toBe(
      4,
    );
    // negative edge: keep 1
    expect(kellyContracts({ ...spread, pop: 0.7 }, p)).toBe(1);
  });
});
