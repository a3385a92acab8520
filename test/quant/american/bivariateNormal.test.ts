import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bivariateNormalCdf } from '../../../src/quant/american/bivariateNormal.js';
import { normCdf, normPdf } from '../../../src/quant/normal.js';

/** Independent reference: M(a, b; ρ) = ∫_{−∞}^{a} φ(x)·Φ((b − ρx)/√(1 − ρ²)) dx by composite Simpson (2·10⁴ panels). */
function simpson(a: number, b: number, rho: number): number {
  const lo = -12;
  const hi = Math.min(a, 12);
  if (hi <= lo) return 0;
  const n = 20000;
  const h = (hi - lo) / n;
  const s = Math.sqrt(1 - rho * rho);
  let acc = 0;
  for (let i = 0; i <= n; i++) {
    const x = lo + i * h;
    acc += (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * normPdf(x) * normCdf((b - rho * x) / s);
  }
  return (acc * h) / 3;
}

describe('bivariateNormalCdf', () => {
  it("reproduces Sheppard's quadrant probability M(0, 0; ρ) = 1/4 + asin(ρ)/(2π) to 1e-15", () => {
    for (const rho of [-0.99, -0.9, -0.786, -0.5, -0.1, 0, 0.2, 0.6, 0.786, 0.93, 0.999]) {
      expect(Math.abs(bivariateNormalCdf(0, 0, rho) - (0.25 + Math.asin(rho) / (2 * Math.PI)))).toBeLessThan(
        1e-15,
      );
    }
  });

  it('reduces to Φ(a)Φ(b) at ρ = 0, Φ(min(a, b)) at ρ = 1 and (Φ(a) + Φ(b) − 1)⁺ at ρ = −1', () => {
    for (const [a, b] of [
      [0.3, -1.2],
      [2, 1],
      [-3, 0.5],
    ]) {
      expect(Math.abs(bivariateNormalCdf(a, b, 0) - normCdf(a) * normCdf(b))).toBeLessThan(1e-15);
      expect(Math.abs(bivariateNormalCdf(a, b, 1) - normCdf(Math.min(a, b)))).toBeLessThan(1e-15);
      expect(Math.abs(bivariateNormalCdf(a, b, -1) - Math.max(0, normCdf(a) + normCdf(b) - 1))).toBeLessThan(
        1e-15,
      );
    }
  });

  it('agrees with direct numerical integration to 1e-13 over a grid of arguments and correlations', () => {
    for (const rho of [-0.95, -0.786, -0.4, 0.25, 0.786, 0.95])
      for (const a of [-4, -1.3, 0.4, 2.2])
        for (const b of [-2.5, -0.2, 1.1, 3]) {
          expect(Math.abs(bivariateNormalCdf(a, b, rho) - simpson(a, b, rho))).toBeLessThan(1e-13);
        }
  });

  it('is symmetric in (a, b) and satisfies M(a, b; ρ) + M(a, −b; −ρ) = Φ(a) (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -8, max: 8, noNaN: true }),
        fc.double({ min: -8, max: 8, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (a, b, rho) => {
          expect(Math.abs(bivariateNormalCdf(a, b, rho) - bivariateNormalCdf(b, a, rho))).toBeLessThan(2e-15);
          expect(
            Math.abs(bivariateNormalCdf(a, b, rho) + bivariateNormalCdf(a, -b, -rho) - normCdf(a)),
          ).toBeLessThan(1e-14);
        },
      ),
    );
  });

  it('returns NaN for NaN arguments or |ρ| > 1', () => {
    expect(bivariateNormalCdf(Number.NaN, 0, 0.5)).toBeNaN();
    expect(bivariateNormalCdf(0, 0, 1.5)).toBeNaN();
  });
});
