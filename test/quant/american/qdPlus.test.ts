import { describe, expect, it } from 'vitest';
import { qdPlusPutBoundary } from '../../../src/quant/american/qdPlus.js';

describe('qdPlusPutBoundary', () => {
  // QuantLib test-suite/americanoption.cpp, testQdPlusBoundaryValues: K = 120, r = 10%, q = 3%, σ = 25%;
  // (τ, boundary). QuantLib checks 1e-12 against its own Halley solver; our Newton stops at a 1e-13 relative
  // step, so we allow 1e-10.
  it.each([
    [4.9, 87.76960949965387],
    [4.0, 88.39053003614612],
    [2.5, 90.14327315762256],
    [1.0, 94.49793803095984],
    [0.1, 106.2588964442338],
  ])('matches QuantLib at τ = %d: %d', (tau, value) => {
    expect(Math.abs(qdPlusPutBoundary(120, tau, 0.1, 0.03, 0.25, 100) - value)).toBeLessThan(1e-10);
  });

  it('does not depend on the starting guess and stays below X = K·min(1, r/q)', () => {
    const a = qdPlusPutBoundary(100, 0.25, 0.05, 0.05, 0.25, 99);
    for (const g of [1, 50, 70, 85, 100])
      expect(Math.abs(qdPlusPutBoundary(100, 0.25, 0.05, 0.05, 0.25, g) - a)).toBeLessThan(1e-9);
    expect(qdPlusPutBoundary(100, 0.5, 0.02, 0.08, 0.3, 10)).toBeLessThanOrEqual(25);
  });

  it('is X at τ = 0', () => {
    expect(qdPlusPutBoundary(100, 0, 0.02, 0.08, 0.3, 10)).toBe(25);
  });
});
