import { describe, expect, it } from 'vitest';
import { gaussLegendre } from '../../../src/quant/american/gaussLegendre.js';

describe('gaussLegendre', () => {
  it('reproduces the tabulated 5-point rule (Abramowitz & Stegun, table 25.4) to 1e-15', () => {
    const { nodes, weights } = gaussLegendre(5);
    const x = [-0.906179845938664, -0.5384693101056831, 0, 0.5384693101056831, 0.906179845938664];
    const w = [
      0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891,
    ];
    for (let i = 0; i < 5; i++) {
      expect(Math.abs(nodes[i] - x[i])).toBeLessThan(1e-15);
      expect(Math.abs(weights[i] - w[i])).toBeLessThan(1e-15);
    }
  });

  it('has the closed-form 2- and 3-point rules: ±1/√3; 0, ±√(3/5) with weights 8/9, 5/9', () => {
    expect(Math.abs(gaussLegendre(2).nodes[1] - 1 / Math.sqrt(3))).toBeLessThan(2.3e-16);
    const r3 = gaussLegendre(3);
    expect(Math.abs(r3.nodes[2] - Math.sqrt(0.6))).toBeLessThan(2.3e-16);
    expect(Math.abs(r3.weights[1] - 8 / 9)).toBeLessThan(1e-15);
  });

  it('integrates polynomials of degree ≤ 2n − 1 exactly for n up to 200', () => {
    for (const n of [1, 4, 12, 33, 64, 200]) {
      const { nodes, weights } = gaussLegendre(n);
      for (const deg of [0, 1, 2, 2 * n - 2, 2 * n - 1].filter(
        (d) => d >= 0 && d <= Math.min(2 * n - 1, 60),
      )) {
        let s = 0;
        for (let i = 0; i < n; i++) s += weights[i] * nodes[i] ** deg;
        const exact = deg % 2 === 1 ? 0 : 2 / (deg + 1);
        expect(Math.abs(s - exact)).toBeLessThan(5e-14);
      }
    }
  });

  it('rejects a non-positive or fractional order', () => {
    expect(() => gaussLegendre(0)).toThrow(RangeError);
    expect(() => gaussLegendre(2.5)).toThrow(RangeError);
  });
});
