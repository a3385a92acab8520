/**
 * The smile-aware terminal probabilities against the market's digital computed another way: −e^{rT}·∂C/∂K by a
 * central difference of Black-Scholes-Merton call prices, each strike priced at its own implied vol σ(K) on a
 * known smile (Breeden & Litzenberger 1978) — not the closed form again.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bsPrice } from '../../src/quant/bsPrice.js';
import { probAbove, probBelow } from '../../src/quant/probability.js';
import { probAboveSmile, probBelowSmile } from '../../src/quant/smileProbability.js';

/** −e^{rT}·dC/dK on the smile σ(K) = a + b·(K − S), by a central difference with step h. */
function digitalByPrices(
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  a: number,
  b: number,
): number {
  const h = 2e-5 * K; // truncation ~h²·C‴/6 ≈ 1e-10, rounding ~1e-16·C/h ≈ 1e-11
  const sigma = (k: number) => a + b * (k - S);
  const c = (k: number) => bsPrice('call', S, k, T, r, q, sigma(k));
  return (-Math.exp(r * T) * (c(K + h) - c(K - h))) / (2 * h);
}

describe('probAboveSmile', () => {
  it("equals the market's digital −e^{rT}∂C/∂K on a linear smile (a call credit spread's breakeven)", () => {
    // SPY-like: spot 100, 30 days, skew −0.4 vol points per $1; the flat N(d2) at σ(K) overstates P(S_T < 105)
    const [S, K, T, r, q, a, b] = [100, 105, 30 / 365, 0.04, 0.01, 0.2, -0.004];
    const vol = a + b * (K - S);
    const market = digitalByPrices(S, K, T, r, q, a, b);
    expect(probAboveSmile(S, K, T, vol, b, r - q)).toBeCloseTo(market, 7);
    expect(probBelowSmile(S, K, T, vol, b, r - q)).toBeCloseTo(1 - market, 7);
    // the flat reading is off by the smile term, by ~2 points here
    expect(probAbove(S, K, T, vol, r - q) - market).toBeLessThan(-0.01);
  });

  it('agrees with the priced digital on random smiles, strikes and maturities', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.7, max: 1.3, noNaN: true }),
        fc.double({ min: 7 / 365, max: 1, noNaN: true }),
        fc.double({ min: 0.1, max: 0.8, noNaN: true }),
        fc.double({ min: -0.5, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.06, noNaN: true }),
        (m, T, a, skew, r) => {
          const S = 100;
          const K = S * m;
          const b = (skew * a) / S; // slope per $1: a 30 % move of K changes σ by ≤ 15 % of itself
          const vol = a + b * (K - S);
          const market = digitalByPrices(S, K, T, r, 0, a, b);
          const p = probAboveSmile(S, K, T, vol, b, r);
          // clamped at the ends; elsewhere within the central difference's error
          return market < 0 || market > 1 || Math.abs(p - market) < 1e-6;
        },
      ),
      { seed: 20261207, numRuns: 300 },
    );
  });

  it('is the flat probability on a flat smile, and the two tails add to one', () => {
    const args = [100, 92, 0.1, 0.35] as const;
    expect(probAboveSmile(...args, 0, 0.03)).toBe(probAbove(...args, 0.03));
    expect(probBelowSmile(...args, 0, 0.03)).toBe(probBelow(...args, 0.03));
    for (const slope of [-0.01, -0.002, 0.003]) {
      expect(probAboveSmile(...args, slope, 0.03) + probBelowSmile(...args, slope, 0.03)).toBeCloseTo(1, 14);
    }
    // a slope so steep that the first-order term passes 1 is clamped, never a probability above 1
    expect(probAboveSmile(100, 100, 1, 0.3, -1, 0)).toBe(1);
    expect(probAboveSmile(Number.NaN, 100, 1, 0.3, -0.01, 0)).toBeNaN();
  });
});
