import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adjustedScores,
  boundConstant,
  lagrangeMultipliers,
  type Relaxation,
  reducedCostFilter,
} from '../../src/selection/bounds.js';

interface Item {
  key: number;
  score: number;
  delta: number;
  vega: number;
  capital: number;
}

function relaxation(
  items: Item[],
  limits: { dMin: number; dMax: number; vMin: number; cap: number },
): Relaxation {
  return {
    score: Float64Array.from(items, (x) => x.score),
    delta: Float64Array.from(items, (x) => x.delta),
    vega: Float64Array.from(items, (x) => x.vega),
    capital: Float64Array.from(items, (x) => x.capital),
    keys: Int32Array.from(items, (x) => x.key),
    keyCount: 6,
    deltaMin: limits.dMin,
    deltaMax: limits.dMax,
    vegaMin: limits.vMin,
    capitalMax: limits.cap,
  };
}

/** Best exactly-t basket of distinct keys meeting the limits (no sector cap): score and members. */
function best(items: Item[], t: number, p: Relaxation): { score: number; members: number[] } {
  let out = { score: Number.NEGATIVE_INFINITY, members: [] as number[] };
  for (let mask = 0; mask < 1 << items.length; mask++) {
    const m = items.map((_, i) => i).filter((i) => mask & (1 << i));
    if (m.length !== t || new Set(m.map((i) => items[i].key)).size !== t) continue;
    const sum = (f: (x: Item) => number) => m.reduce((s, i) => s + f(items[i]), 0);
    const d = sum((x) => x.delta);
    if (
      d < p.deltaMin ||
      d > p.deltaMax ||
      sum((x) => x.vega) < p.vegaMin ||
      sum((x) => x.capital) > p.capitalMax
    )
      continue;
    const s = sum((x) => x.score);
    if (s > out.score) out = { score: s, members: m };
  }
  return out;
}

const itemArb = fc.record({
  key: fc.integer({ min: 0, max: 5 }),
  score: fc.double({ min: 0, max: 100, noNaN: true }),
  delta: fc.double({ min: -0.3, max: 0.3, noNaN: true }),
  vega: fc.double({ min: -0.06, max: 0.08, noNaN: true }),
  capital: fc.double({ min: 50, max: 3000, noNaN: true }),
});
const limitsArb = fc.record({
  dMin: fc.double({ min: -0.4, max: 0, noNaN: true }),
  dMax: fc.double({ min: 0, max: 0.4, noNaN: true }),
  vMin: fc.double({ min: -0.1, max: 0.02, noNaN: true }),
  cap: fc.constantFrom(Number.POSITIVE_INFINITY, 2000, 6000),
});

describe('Lagrangian bound', () => {
  it('never falls below the best feasible basket, for any target', () => {
    fc.assert(
      fc.property(
        fc.array(itemArb, { minLength: 1, maxLength: 10 }),
        limitsArb,
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 400, noNaN: true }),
        (items, limits, t, target) => {
          const p = relaxation(items, limits);
          const z = best(items, t, p);
          if (z.members.length === 0) return;
          const fit = lagrangeMultipliers(p, t, target);
          expect(fit.bound).toBeGreaterThanOrEqual(z.score - 1e-9);
          // the bound as the search uses it: constant + Σ adjusted of the members ≥ their score
          const adj = adjustedScores(p, fit.multipliers);
          const lhs = boundConstant(p, fit.multipliers, 0, 0, 0) + z.members.reduce((s, i) => s + adj[i], 0);
          expect(lhs).toBeGreaterThanOrEqual(z.score - 1e-9);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('keeps finite multipliers when a slack is denormal (a huge Polyak step once made ∞·0 = NaN)', () => {
    const items = [
      { key: 0, score: 0, delta: 0, vega: 0, capital: 50 },
      { key: 0, score: 5e-324, delta: 1.5717277847026288e-162, vega: 0, capital: 50 },
    ];
    const p = relaxation(items, { dMin: 0, dMax: 0, vMin: 0, cap: Number.POSITIVE_INFINITY });
    const fit = lagrangeMultipliers(p, 1, -0.001);
    for (const x of Object.values(fit.multipliers)) expect(Number.isFinite(x)).toBe(true);
    expect(fit.bound).toBeGreaterThanOrEqual(0);
    expect(Array.from(reducedCostFilter(p, fit.multipliers, 1, -0.001))).toContain(0);
  });

  it('reduced-cost filtering keeps every member of a basket that beats the incumbent', () => {
    fc.assert(
      fc.property(
        fc.array(itemArb, { minLength: 1, maxLength: 10 }),
        limitsArb,
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0.001, max: 50, noNaN: true }),
        (items, limits, t, below) => {
          const p = relaxation(items, limits);
          const z = best(items, t, p);
          if (z.members.length === 0) return;
          const incumbent = z.score - below;
          const fit = lagrangeMultipliers(p, t, incumbent);
          const kept = new Set(reducedCostFilter(p, fit.multipliers, t, incumbent));
          for (const i of z.members) expect(kept.has(i)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});
