import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALO_HIGH_PRECISION, aloPrice } from '../../../src/quant/american/alo.js';
import { binomialPrice } from '../../../src/quant/american/binomial.js';
import { bsPrice } from '../../../src/quant/bsPrice.js';
import type { OptionType } from '../../../src/quant/types.js';

describe('binomialPrice', () => {
  it("reproduces Hull's five-step CRR tree: American put S = K = 50, r = 10%, σ = 40%, T = 5/12 → 4.49", () => {
    // J. C. Hull, "Options, Futures, and Other Derivatives", binomial-tree example (value printed to 2 decimals)
    expect(Math.abs(binomialPrice('put', 50, 50, 5 / 12, 0.1, 0, 0.4, 5) - 4.49)).toBeLessThan(5e-3);
  });

  it('converges to the ALO reference: CRR 801 steps within 1e-2, BBSR 801 steps within 5e-4 (K = 100)', () => {
    for (const type of ['call', 'put'] as OptionType[])
      for (const [S, T, r, q, vol] of [
        [95, 0.5, 0.05, 0.03, 0.25],
        [105, 1.5, 0.02, 0.04, 0.6],
        [100, 0.1, 0.06, 0.0, 0.15],
      ]) {
        const ref = aloPrice(type, S, 100, T, r, q, vol, ALO_HIGH_PRECISION);
        expect(Math.abs(binomialPrice(type, S, 100, T, r, q, vol) - ref)).toBeLessThan(1e-2);
        expect(Math.abs(binomialPrice(type, S, 100, T, r, q, vol, 801, 'bbsr') - ref)).toBeLessThan(5e-4);
      }
  });

  it('satisfies the put-call symmetry C(S,K,r,q) = P(K,S,q,r) within lattice error (property)', () => {
    // the two lattices are different trees, so this checks the method rather than an identity of the code
    fc.assert(
      fc.property(
        fc.double({ min: 50, max: 150, noNaN: true }),
        fc.double({ min: 0.05, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 0.08, noNaN: true }),
        fc.double({ min: 0, max: 0.08, noNaN: true }),
        fc.double({ min: 0.1, max: 0.8, noNaN: true }),
        (S, T, r, q, vol) => {
          const c = binomialPrice('call', S, 100, T, r, q, vol, 400, 'bbsr');
          const p = binomialPrice('put', 100, S, T, q, r, vol, 400, 'bbsr');
          expect(Math.abs(c - p)).toBeLessThan(2e-3);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('handles the double-boundary case (put with q < r < 0): at least European and intrinsic', () => {
    const v = binomialPrice('put', 100, 100, 2, -0.01, -0.04, 0.2, 801, 'bbsr');
    expect(v).toBeGreaterThanOrEqual(bsPrice('put', 100, 100, 2, -0.01, -0.04, 0.2) - 1e-3);
    expect(binomialPrice('put', 40, 100, 2, -0.01, -0.04, 0.2)).toBeGreaterThanOrEqual(60);
  });

  it('stays finite for extreme volatility (σ = 100) and drift-dominated inputs', () => {
    const v = binomialPrice('call', 100, 100, 1, 0.01, 0.05, 100, 2000, 'bbsr');
    expect(v).toBeGreaterThan(99.98);
    expect(v).toBeLessThanOrEqual(100);
    // 40-year put, q = 50%: drift-centred tree; the ALO value here is 109.00245 (64-node scheme)
    expect(
      Math.abs(binomialPrice('put', 100, 120, 40, 0.01, 0.5, 0.05, 2000, 'bbsr') - 109.00245),
    ).toBeLessThan(1e-4);
  });

  it('returns intrinsic at expiry, the deterministic value at zero vol, NaN on invalid input', () => {
    expect(binomialPrice('call', 110, 100, 0, 0.05, 0, 0.2)).toBe(10);
    expect(binomialPrice('put', 100, 120, 1, 0, 0.05, 0)).toBeCloseTo(24.877057549928608, 12);
    expect(binomialPrice('put', 100, -1, 1, 0.05, 0, 0.2)).toBeNaN();
  });
});
