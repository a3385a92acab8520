import { describe, expect, it } from 'vitest';
import { solveBoundary, solveBoundarySplit, splitBoundary } from '../../../src/quant/american/aloBoundary.js';
import { scheme } from '../../../src/quant/american/aloScheme.js';

/** B(T)/K of a put from the converged one-piece discretisation (n = l = 64). */
function convergedBoundary(T: number, r: number, q: number, vol: number): number {
  return solveBoundary(1, T, r, q, vol, 64, 64, 40, 1e-14, scheme(64, 64, 64));
}

describe('solveBoundarySplit', () => {
  // q > r with κ = ln²(q/r)/(2σ²T) small: the K-terms switch on at τ ~ ln²(q/r)/σ² ≪ T
  const cases: [number, number, number, number][] = [
    [1, 0.03, 0.035, 0.4], // κ = 0.074
    [2, 0.02, 0.021, 0.3], // κ = 1.3e-3
    [1, 0.02, 0.03, 0.4], // κ = 0.51
  ];

  it('ends at the converged boundary B(T) and joins its pieces continuously at τ_s', () => {
    for (const [T, r, q, vol] of cases) {
      const tauS = Math.log(q / r) ** 2 / (8 * vol * vol);
      if (!(tauS < T)) continue;
      const fine = solveBoundarySplit(
        1,
        T,
        r,
        q,
        vol,
        tauS,
        20,
        1e-12,
        scheme(20, 20, 64),
        scheme(24, 24, 64),
      );
      const bT = solveBoundarySplit(1, T, r, q, vol, tauS, 20, 1e-10, scheme(14, 12, 64), scheme(16, 16, 64));
      // converged in its own discretisation, and the one-piece method (an independent discretisation, itself
      // ~3e-9 from n = 96 at κ = 1.3e-3) agrees
      expect(Math.abs(bT - fine)).toBeLessThan(1.5e-9);
      expect(Math.abs(bT - convergedBoundary(T, r, q, vol))).toBeLessThan(6e-9);
      // both pieces' interpolants agree at the join: the second piece's node 0 is the first piece's end value
      const below = splitBoundary(tauS * (1 - 1e-12));
      const above = splitBoundary(tauS * (1 + 1e-12));
      expect(Math.abs(below - above)).toBeLessThan(1e-9);
    }
  });

  it('gives a boundary that falls with time to maturity from X = rK/q', () => {
    const [T, r, q, vol] = cases[1];
    const tauS = Math.log(q / r) ** 2 / (8 * vol * vol);
    solveBoundarySplit(1, T, r, q, vol, tauS, 20, 1e-10, scheme(14, 12, 64), scheme(16, 16, 64));
    let last = 0; // ln(X/B) rises as B falls
    for (let i = 1; i <= 200; i++) {
      const u = T * (i / 200) ** 3;
      const v = splitBoundary(u);
      expect(v).toBeGreaterThanOrEqual(last - 1e-12);
      last = v;
    }
    expect(splitBoundary(1e-12 * T)).toBeLessThan(1e-3); // B(0⁺) = X
  });
});
