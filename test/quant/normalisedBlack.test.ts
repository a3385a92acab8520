import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  normalisedBlack,
  normalisedBlackOtm,
  normalisedBlackOtmComplementCore,
  normalisedVega,
} from '../../src/quant/normalisedBlack.js';

const relErr = (a: number, b: number) => Math.abs(a / b - 1);

describe('normalisedBlack: published values (py_lets_be_rational test suite, Jäckel reference code)', () => {
  // F = 100, K = 95, T = 0.5, σ = 0.3: x = ln(F/K), s = σ√T. Published to 17 digits.
  const x = Math.log(100 / 95);
  const s = 0.3 * Math.sqrt(0.5);

  it('matches the call and put of F=100, K=95, T=0.5, σ=0.3 to 1e-15 relative', () => {
    expect(relErr(normalisedBlack(x, s, true), 0.11259558142181655)).toBeLessThan(1e-15);
    expect(relErr(normalisedBlack(x, s, false), 0.061296663817558904)).toBeLessThan(1e-15);
  });

  it('matches b(−1, 0.25) = 1.7736606889378084e-06 and b(10, 0.25) = 148.4064211555775 to 1e-15 relative', () => {
    expect(relErr(normalisedBlack(-1, 0.25, true), 1.7736606889378084e-6)).toBeLessThan(1e-15);
    expect(relErr(normalisedBlack(10, 0.25, true), 148.4064211555775)).toBeLessThan(1e-15);
  });

  it('matches the published normalised vegas to 1e-15 relative', () => {
    expect(normalisedVega(0, 0)).toBe(0.3989422804014327);
    expect(relErr(normalisedVega(0, 0.2), 0.3969525474770118)).toBeLessThan(1e-15);
    expect(relErr(normalisedVega(0, 2.937528694999807), 0.13566415614561067)).toBeLessThan(1e-15);
  });
});

describe('normalisedBlackOtm: accuracy in each regime', () => {
  // Reference values: mpmath 1.3 at 50 significant digits, rounded to double; b = e^{x/2}Φ(x/s + s/2) − e^{−x/2}Φ(x/s − s/2).
  const cases: [x: number, s: number, b: number, tol: number, regime: string][] = [
    [-1.0, 0.05, 6.847932680690649e-92, 1e-13, 'asymptotic, h = −20, t = 0.025'],
    [-0.48178318954012916, 0.014985187983447067, 2.013242842183779e-230, 2e-13, 'asymptotic, h = −32'],
    [-12, 1.1, 4.457844930414275e-29, 1e-14, 'asymptotic, h = −10.9, t = 0.55'],
    [-30, 1.5, 1.553356595635154e-90, 1e-13, 'asymptotic, h = −20, t = 0.75'],
    [-40, 3.0, 5.4169095699679625e-42, 1e-13, 'asymptotic, h = −13.3, t = 1.5'],
    [-1e-8, 1e-4, 3.988922822299181e-5, 1e-15, 'small t, h = −1e-4'],
    [-0.3, 0.1, 3.817410194082516e-5, 1e-15, 'small t, h = −3'],
    [-2, 0.4, 2.0987927330961113e-8, 2e-15, 'small t, h = −5, t = 0.2'],
    [0, 0.2, 0.07965567455405796, 1e-15, 'small t, at the money'],
    [0, 1e-6, 3.98942280401416e-7, 1e-15, 'small t, at the money, s = 1e-6'],
    [-1.0, 0.8, 0.03832373104084641, 2e-15, 'erfcx difference, h = −1.25'],
    [-8.0, 1.6, 6.340232327857377e-8, 5e-15, 'erfcx difference, h = −5 (conditioning ~h²ε)'],
    [-0.5, 0.5, 0.04084056484095476, 2e-15, 'erfcx difference, h = −1, t = 0.25'],
    [-0.05, 0.45, 0.1541531762993334, 2e-15, 'erfcx difference, t = 0.225'],
    [-0.1, 2.0, 0.634127122705939, 2e-15, 'Φ side, h + t = 0.95'],
    [-5, 8.0, 0.08203188510569137, 2e-15, 'Φ side, h + t = 3.4'],
  ];
  it.each(cases)('b(%d, %d) = %d (rel. tol %d: %s)', (x, s, b, tol) => {
    expect(relErr(normalisedBlackOtm(x, s), b)).toBeLessThan(tol);
  });

  it('is 0 at s = 0 and where it underflows', () => {
    expect(normalisedBlackOtm(-1, 0)).toBe(0);
    expect(normalisedBlackOtm(0, 0)).toBe(0);
    expect(normalisedBlackOtm(-0.5, 0.01)).toBe(0); // 2.2e-549
  });
});

describe('normalisedBlack: properties', () => {
  const xArb = fc.double({ min: -20, max: 20, noNaN: true });
  const sArb = fc.double({ min: 1e-6, max: 20, noNaN: true });

  it('put at x equals call at −x, and call − put = 2·sinh(x/2) (parity), to 1e-14 of the call', () => {
    fc.assert(
      fc.property(xArb, sArb, (x, s) => {
        const call = normalisedBlack(x, s, true);
        const put = normalisedBlack(x, s, false);
        expect(put).toBe(normalisedBlack(-x, s, true));
        expect(Math.abs(call - put - 2 * Math.sinh(0.5 * x))).toBeLessThanOrEqual(
          1e-14 * Math.max(call, 1e-300),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('increases with s and stays within [intrinsic, e^{x/2}]', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -20, max: 0, noNaN: true }),
        sArb,
        fc.double({ min: 1e-6, max: 1, noNaN: true }),
        (x, s, d) => {
          const b1 = normalisedBlackOtm(x, s);
          const b2 = normalisedBlackOtm(x, s * (1 + d));
          expect(b2).toBeGreaterThanOrEqual(b1);
          expect(b1).toBeGreaterThanOrEqual(0);
          expect(b2).toBeLessThanOrEqual(Math.exp(0.5 * x) * (1 + 4 * Number.EPSILON));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('vega is the derivative in s (central difference, 1e-6 relative, |x/s| ≤ 5)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        (u, s) => {
          const x = -u * s;
          const ds = 1e-5 * s;
          const fd = (normalisedBlackOtm(x, s + ds) - normalisedBlackOtm(x, s - ds)) / (2 * ds);
          const v = normalisedVega(x, s);
          if (v > 1e-200) expect(relErr(fd, v)).toBeLessThan(1e-6);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('b_max − b, complement form: mpmath values (50 digits) to 2e-15 relative', () => {
    // e^{x/2}Φ(−x/s − s/2) + e^{−x/2}Φ(x/s − s/2) at s ≥ √(2|x|), mpmath 1.3, rounded to double
    const cases: [number, number, number][] = [
      [-1.0, 1.5, 0.412203140620015],
      [-0.9949855401646346, 6.845712395035662, 0.0006139632705096142],
      [-4.0, 3.0, 0.07572959654409303],
      [-0.01, 0.2, 0.9202566120998235],
      [-2.5, 8.0, 6.06124605618603e-5],
    ];
    for (const [x, s, c] of cases) {
      const h = x / s;
      const t = 0.5 * s;
      expect(
        relErr(normalisedBlackOtmComplementCore(h, t, Math.exp(-0.5 * (h * h + t * t))), c),
      ).toBeLessThan(2e-15);
    }
  });

  // The reference e^{x/2} − b cancels by the factor e^{x/2}/(e^{x/2} − b), which scales its own rounding error.
  it('b_max − b from the complement form agrees with e^{x/2} − b within the latter’s cancellation error', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -5, max: 0, noNaN: true }),
        fc.double({ min: 0.5, max: 10, noNaN: true }),
        (x, s) => {
          const sc = Math.max(s, Math.sqrt(-2 * x)); // the complement form is meant for s ≥ √(2|x|)
          const h = x / sc;
          const t = 0.5 * sc;
          const c = normalisedBlackOtmComplementCore(h, t, Math.exp(-0.5 * (h * h + t * t)));
          const direct = Math.exp(0.5 * x) - normalisedBlackOtm(x, sc);
          const bMax = Math.exp(0.5 * x);
          if (direct > 1e-3 * bMax)
            expect(relErr(c, direct)).toBeLessThan(1e-15 + (4 * Number.EPSILON * bMax) / direct);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
