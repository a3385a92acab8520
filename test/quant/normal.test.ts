import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erf, erfc, erfcx, exp, log, normCdf, normInv, normPdf } from '../../src/quant/normal.js';

/** |a/b − 1| (0 when both are 0). */
const relErr = (a: number, b: number): number => (a === b ? 0 : Math.abs(a / b - 1));

// Reference values: 17-significant-digit values of the exact functions (high-precision evaluation, mpmath at
// 50 digits), agreeing with Abramowitz & Stegun Tables 26.1 and 7.1 where those tables reach and with
// Wichura's AS 241 test values for the quantiles (Φ⁻¹(0.25), Φ⁻¹(0.001), Φ⁻¹(1e−20)).
const CDF: [number, number][] = [
  [-37.5, 4.605353009581955e-308],
  [-30, 4.906713927148187e-198],
  [-20, 2.7536241186062337e-89],
  [-10, 7.619853024160525e-24],
  [-5, 2.866515718791939e-7],
  [-3, 0.0013498980316300946],
  [-1, 0.15865525393145705],
  [0, 0.5],
  [1, 0.8413447460685429],
  [1.96, 0.9750021048517795],
  [3, 0.9986501019683699],
  [5, 0.9999997133484281],
  [8, 0.9999999999999993],
];

const QUANTILES: [number, number][] = [
  [1e-300, -37.0470962993612],
  [1e-100, -21.273453560965326],
  [1e-20, -9.262340089798407],
  [1e-10, -6.361340902404057],
  [0.001, -3.0902323061678136],
  [0.025, -1.9599639845400543],
  [0.25, -0.6744897501960817],
  [0.975, 1.9599639845400543],
  [0.995, 2.575829303548901],
];

describe('normCdf', () => {
  it.each(CDF)('Φ(%d) matches the high-precision value to 1e-15 relative', (x, expected) => {
    expect(relErr(normCdf(x), expected)).toBeLessThan(1e-15);
  });

  it('keeps the commonly quoted Φ(−10) = 7.619853024160527e−24 to 4e−16 relative (no cancellation)', () => {
    expect(relErr(normCdf(-10), 7.619853024160527e-24)).toBeLessThan(4e-16);
  });

  it('returns the subnormal Φ(−38) ≈ 2.88542836e−316, not 0 (1e−7 relative: subnormal spacing)', () => {
    expect(relErr(normCdf(-38), 2.88542835e-316)).toBeLessThan(1e-7);
  });

  it('saturates to exactly 0 and 1 far out and propagates NaN', () => {
    expect(normCdf(-40)).toBe(0);
    expect(normCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normCdf(40)).toBe(1);
    expect(normCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(normCdf(Number.NaN)).toBeNaN();
  });

  it('is symmetric: Φ(x) + Φ(−x) = 1 within 2 ulp of 1', () => {
    fc.assert(
      fc.property(fc.double({ min: -9, max: 9, noNaN: true }), (x) => {
        expect(Math.abs(normCdf(x) + normCdf(-x) - 1)).toBeLessThanOrEqual(4.5e-16);
      }),
    );
  });

  it('is non-decreasing', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -39, max: 9, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (x, h) => {
          expect(normCdf(x + h)).toBeGreaterThanOrEqual(normCdf(x));
        },
      ),
    );
  });
});

describe('normPdf', () => {
  it('matches φ(0) = 1/√(2π), φ(1), φ(5) and the subnormal φ(38) (1e−15; 1e−9 subnormal)', () => {
    expect(relErr(normPdf(0), 0.3989422804014327)).toBeLessThan(1e-16);
    expect(relErr(normPdf(1), 0.24197072451914334)).toBeLessThan(1e-15);
    expect(relErr(normPdf(-5), 1.4867195147342977e-6)).toBeLessThan(1e-15);
    expect(relErr(normPdf(38), 1.097221052e-314)).toBeLessThan(1e-9);
    expect(normPdf(Number.POSITIVE_INFINITY)).toBe(0);
  });
});

describe('normInv', () => {
  it.each(QUANTILES)('Φ⁻¹(%d) matches the high-precision value to 1e−15 relative', (p, expected) => {
    expect(relErr(normInv(p), expected)).toBeLessThan(1e-15);
  });

  it('maps 0 to −∞, 1 to +∞, and anything outside [0, 1] or NaN to NaN', () => {
    expect(normInv(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normInv(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normInv(0.5)).toBe(0);
    expect(normInv(-0.1)).toBeNaN();
    expect(normInv(1.1)).toBeNaN();
    expect(normInv(Number.NaN)).toBeNaN();
  });

  it('reaches the smallest subnormal: Φ⁻¹(5e−324) = −38.4674056171443 (1e−14)', () => {
    expect(relErr(normInv(5e-324), -38.467405617144344)).toBeLessThan(1e-14);
  });

  it('round-trips Φ(Φ⁻¹(p)) = p within the conditioning (6 + x²)·ulp, p down to 1e−300', () => {
    fc.assert(
      fc.property(fc.double({ min: -300, max: -0.302, noNaN: true }), fc.boolean(), (e, upper) => {
        const lower = 10 ** e; // p ≤ 0.5
        const p = upper ? 1 - lower : lower;
        const x = normInv(p);
        const tol = (6 + x * x) * 2.3e-16; // Φ error (few ulp) + rounding of x amplified by |x|·φ/Φ
        if (upper) expect(Math.abs(normCdf(x) - p) / lower).toBeLessThan(tol + 2.3e-16 / lower);
        else expect(relErr(normCdf(x), p)).toBeLessThan(tol);
      }),
    );
  });

  it('inverts normCdf: Φ⁻¹(Φ(x)) = x for x in [−37, −0.1] to 1e−14 relative', () => {
    fc.assert(
      fc.property(fc.double({ min: -37, max: -0.1, noNaN: true }), (x) => {
        expect(relErr(normInv(normCdf(x)), x)).toBeLessThan(1e-14);
      }),
    );
  });
});

describe('erf, erfc, erfcx', () => {
  it('match high-precision values (A&S Table 7.1 range and beyond) to 1e−15 relative', () => {
    expect(relErr(erfc(1), 0.15729920705028513)).toBeLessThan(1e-15);
    expect(relErr(erfc(5), 1.537459794428035e-12)).toBeLessThan(1e-15);
    expect(relErr(erfc(26), 5.663192408856143e-296)).toBeLessThan(1e-15);
    expect(relErr(erfc(0.3), 0.6713732405408726)).toBeLessThan(1e-15);
    expect(relErr(erfc(-1), 1.842700792949715)).toBeLessThan(1e-15);
    expect(relErr(erf(1), 1 - 0.15729920705028513)).toBeLessThan(1e-15);
    expect(relErr(erfcx(30), 0.01879588886141675)).toBeLessThan(1e-15);
    expect(relErr(erfcx(-1), 5.008980080762283)).toBeLessThan(1e-15);
    expect(relErr(erfcx(2), 0.25539567631050575)).toBeLessThan(1e-15);
    expect(relErr(erfcx(0.2), 0.8090195199015807)).toBeLessThan(1e-15);
    expect(relErr(erfcx(1e4), 5.641895807268084e-5)).toBeLessThan(1e-15);
  });

  it('handle the ends: erfc(∞) = 0, erfc(−∞) = 2, erfcx(∞) = 0, erfcx(−30) = ∞', () => {
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(Number.NEGATIVE_INFINITY)).toBe(2);
    expect(erfcx(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfcx(-30)).toBe(Number.POSITIVE_INFINITY);
    expect(erf(Number.NEGATIVE_INFINITY)).toBe(-1);
  });

  it('erf is odd and erf + erfc = 1 within 2 ulp', () => {
    fc.assert(
      fc.property(fc.double({ min: -6, max: 6, noNaN: true }), (x) => {
        expect(erf(-x)).toBe(-erf(x));
        expect(Math.abs(erf(x) + erfc(x) - 1)).toBeLessThanOrEqual(4.5e-16);
      }),
    );
  });
});

describe('exp and log (inlinable)', () => {
  it('hit the constants e, 1/e, ln 2, ln 10 and the ends', () => {
    expect(exp(1)).toBe(Math.E);
    expect(relErr(exp(-1), 0.36787944117144233)).toBeLessThan(1.2e-16);
    expect(exp(0)).toBe(1);
    expect(log(2)).toBe(Math.LN2);
    expect(relErr(log(10), Math.LN10)).toBeLessThan(2.3e-16);
    expect(log(1)).toBe(0);
    expect(relErr(log(1 + 2 ** -40), 2 ** -40 - 2 ** -81)).toBeLessThan(2.3e-16);
    expect(exp(710)).toBe(Number.POSITIVE_INFINITY);
    expect(exp(-746)).toBe(0);
    expect(exp(Number.NaN)).toBeNaN();
    expect(log(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(log(-1)).toBeNaN();
    expect(log(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(relErr(log(5e-324), -744.4400719213812)).toBeLessThan(2.3e-16);
  });

  it('agree with the C library (fdlibm, < 1 ulp) within 2 ulp over the whole range', () => {
    fc.assert(
      fc.property(fc.double({ min: -745, max: 709.7, noNaN: true }), (x) => {
        expect(relErr(exp(x), Math.exp(x))).toBeLessThanOrEqual(4.5e-16);
      }),
    );
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (x) => {
        expect(Math.abs(log(x) - Math.log(x))).toBeLessThanOrEqual(4.5e-16 * Math.abs(Math.log(x)) + 1e-300);
      }),
    );
  });

  it('log is relative-accurate next to 1 (no cancellation): log(1 + d) = d − d²/2 + …', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-15, max: 1e-4, noNaN: true }), fc.boolean(), (h, up) => {
        const x = up ? 1 + h : 1 - h;
        const d = x - 1; // exact
        const series = d * (1 - d * (1 / 2 - d * (1 / 3 - d * (1 / 4 - d / 5)))); // log1p series, error < d⁶
        expect(relErr(log(x), series)).toBeLessThan(4.5e-16);
      }),
    );
  });
});
