import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BasketRules, basketViolations } from '../../src/selection/portfolio.js';
import { compareScored } from '../../src/selection/scoring.js';
import {
  greedyBasket,
  type SelectableTrade,
  selectBasket,
  suffixTopSums,
} from '../../src/selection/selector.js';

function cand(
  ticker: string,
  score: number,
  delta: number,
  vega: number,
  sector: string,
  extra: Partial<SelectableTrade> = {},
): SelectableTrade {
  return {
    id: `${ticker}-${score}`,
    ticker,
    sector,
    score,
    momentumZ: 0,
    flowZ: 0,
    contracts: 1,
    greeks: { delta, vega },
    capitalRequired: 400,
    ...extra,
  };
}

const rules = (over: Partial<BasketRules> = {}): BasketRules => ({
  maxTrades: 3,
  maxPerSector: 2,
  oneTradePerTicker: true,
  limits: { deltaMin: -0.3, deltaMax: 0.3, vegaMin: -0.05 },
  capitalScope: 'per_trade',
  availableCapital: 5000,
  ...over,
});

describe('selectBasket on hand-built sets', () => {
  const A = cand('AAA', 90, 0.15, -0.02, 'Information Technology');
  const B = cand('BBB', 88, 0.14, -0.02, 'Health Care');
  const C = cand('CCC', 86, 0.12, -0.02, 'Energy');
  const D = cand('DDD', 80, -0.1, -0.02, 'Financials');
  const E = cand('EEE', 70, 0, 0.05, 'Utilities', { strategy: 'put_calendar' });

  it('greedy top-3 (three bullish put spreads, delta 0.41) is infeasible; the search finds A + B + calendar', () => {
    const greedy = greedyBasket([A, B, C, D, E], rules());
    expect(greedy).toEqual([A, B, C]);
    expect(basketViolations(greedy, rules())).toEqual([
      expect.stringMatching(/^delta 0\.41\d* > 0\.3$/),
      expect.stringMatching(/^vega -0\.06\d* < -0\.05$/),
    ]);
    const r = selectBasket([E, D, C, B, A], rules());
    expect(r.greedyFeasible).toBe(false);
    // A+B+D breaks vega (−0.06), A+C+D too; A+B+E: delta 0.29, vega +0.01, score 248 is the best feasible.
    expect(r.trades).toEqual([A, B, E]);
    expect(r.totalScore).toBe(248);
    expect(r.optimal).toBe(true);
    expect(basketViolations(r.trades, rules())).toEqual([]);
  });

  it('out of node budget: says so, and bounds the best score from above', () => {
    // 2 nodes cannot finish the 3-trade search; the 2-trade one finds A + B (the best pair, 178)
    const r = selectBasket([E, D, C, B, A], rules(), { nodeBudget: 2, firstPassNodes: 2 });
    expect(r.optimal).toBe(false);
    expect(r.trades).toHaveLength(2);
    expect(Number.isFinite(r.upperBound)).toBe(true);
    expect(r.upperBound).toBeGreaterThanOrEqual(178);
    expect(r.totalScore).toBeLessThanOrEqual(r.upperBound);
    expect(basketViolations(r.trades, rules())).toEqual([]);
  });

  it('when the greedy basket is feasible it is the answer', () => {
    const r = selectBasket([A, D, E], rules());
    expect(r.greedyFeasible).toBe(true);
    expect(r.trades).toEqual([A, D, E]);
  });

  it('caps trades per sector', () => {
    const tech = ['T1', 'T2', 'T3'].map((t, i) => cand(t, 90 - i, 0.01, 0, 'Information Technology'));
    const other = cand('OTH', 10, 0.01, 0, 'Energy');
    const r = selectBasket([...tech, other], rules());
    expect(r.trades.map((t) => t.ticker)).toEqual(['T1', 'T2', 'OTH']);
  });

  it('one trade per ticker unless configured', () => {
    const a1 = cand('AAA', 90, 0.01, 0, 'S1');
    const a2 = cand('AAA', 85, -0.01, 0, 'S2', { id: 'AAA-2' });
    const b = cand('BBB', 20, 0.01, 0, 'S3');
    expect(selectBasket([a1, a2, b], rules({ maxTrades: 2 })).trades).toEqual([a1, b]);
    expect(selectBasket([a1, a2, b], rules({ maxTrades: 2, oneTradePerTicker: false })).trades).toEqual([
      a1,
      a2,
    ]);
  });

  it('capital scope basket: the sum must fit the available capital', () => {
    const big = (t: string, s: number) => cand(t, s, 0, 0, t, { capitalRequired: 2000 });
    const set = [
      big('A', 90),
      big('B', 80),
      big('C', 70),
      cand('D', 10, 0, 0, 'D', { capitalRequired: 500 }),
    ];
    expect(selectBasket(set, rules()).trades.map((t) => t.ticker)).toEqual(['A', 'B', 'C']);
    const r = selectBasket(set, rules({ capitalScope: 'basket' }));
    expect(r.trades.map((t) => t.ticker)).toEqual(['A', 'B', 'D']);
  });

  it('prefers more trades to a higher total: 3 modest trades beat 2 strong ones that block a third', () => {
    const s1 = cand('S1', 99, 0.25, 0, 'X');
    const s2 = cand('S2', 98, 0.04, 0, 'Y');
    const m = [cand('M1', 30, 0.1, 0, 'Z'), cand('M2', 29, 0.1, 0, 'W'), cand('M3', 28, 0.1, 0, 'V')];
    const r = selectBasket([s1, s2, ...m], rules());
    expect(r.trades).toHaveLength(3);
    expect(basketViolations(r.trades, rules())).toEqual([]);
  });

  it('returns the largest feasible basket when fewer than maxTrades fit', () => {
    const r = selectBasket([A, B, C], rules());
    expect(r.trades).toEqual([A, B]);
    expect(r.optimal).toBe(true);
  });

  it('proves at once that the sector cap leaves no room for maxTrades (it spent its whole budget to say so)', () => {
    // 400 candidates in two sectors, two per sector: four trades at most
    const many = Array.from({ length: 400 }, (_, i) =>
      cand(`T${i}`, 80 - i * 0.05, ((i * 37) % 11) / 50 - 0.1, -0.005, i % 2 ? 'Energy' : 'Financials'),
    );
    const r = selectBasket(many, rules({ maxTrades: 5 }));
    expect(r.trades).toHaveLength(4);
    expect(r.optimal).toBe(true);
    expect(r.nodes).toBeLessThan(1000);
    expect(r.totalScore).toBe(selectBasket(many, rules({ maxTrades: 4 })).totalScore);
  });

  it('leaves out candidates with non-finite numbers and counts them', () => {
    const r = selectBasket([A, cand('NaN', 95, Number.NaN, 0, 'X')], rules());
    expect(r.excluded).toBe(1);
    expect(r.trades).toEqual([A]);
  });

  it('takes one trade per issuer: two share classes of a company are one ticker for the rule', () => {
    const googl = cand('GOOGL', 95, 0.05, -0.01, 'Communication Services', { issuer: 'CIK 1652044' });
    const goog = cand('GOOG', 94, 0.05, -0.01, 'Communication Services', { issuer: 'CIK 1652044' });
    const r = selectBasket([googl, goog, D], rules());
    expect(r.trades.map((t) => t.ticker)).toEqual(['GOOGL', 'DDD']);
    expect(greedyBasket([googl, goog, D], rules()).map((t) => t.ticker)).toEqual(['GOOGL', 'DDD']);
    expect(basketViolations([googl, goog], rules())).toEqual(['two trades on GOOGL and GOOG, one issuer']);
    // with the rule off, both may be held
    expect(selectBasket([googl, goog, D], rules({ oneTradePerTicker: false })).trades).toHaveLength(3);
  });

  it('leaves out candidates whose contracts are not a positive whole number, and counts them', () => {
    const odd = [0.5, Number.POSITIVE_INFINITY, 0, -1].map((contracts, i) => ({
      ...cand(`Q${i}`, 99, 0, 0, `S${i}`),
      contracts,
    }));
    const r = selectBasket([A, ...odd], rules());
    expect(r.excluded).toBe(4);
    expect(r.trades).toEqual([A]);
  });

  it('uses a low-ranked candidate of a ticker when only it fits: 5 trades, not 4 and "do not execute"', () => {
    // ticker A: nine bullish spreads, then its delta/vega/capital extremes (each unusable here), rank above the
    // one balanced spread that lets A join B–E under the delta limit (a top-8-per-ticker pool dropped it)
    const five = rules({ maxTrades: 5 });
    const a = [
      ...Array.from({ length: 9 }, (_, i) => cand('A', 60 - i, 0.2, -0.01, 'Tech')),
      cand('A', 40, -0.5, -0.05, 'Tech'),
      cand('A', 39, 0.5, 0.05, 'Tech'),
      cand('A', 38, 0.2, -0.01, 'Tech', { capitalRequired: 10 }),
    ];
    const balanced = cand('A', 30, 0, -0.01, 'Tech');
    const others = ['B', 'C', 'D', 'E'].map((t) => cand(t, 50, 0.075, -0.01, `S${t}`));
    const r = selectBasket([...a, balanced, ...others], five);
    expect(r.trades).toHaveLength(5);
    expect(r.trades).toContain(balanced);
    expect(r.totalScore).toBe(230);
    expect(r.optimal).toBe(true);
    expect(basketViolations(r.trades, five)).toEqual([]);
  });

  it('scales contracts into the basket greeks', () => {
    const two = cand('TWO', 90, 0.1, -0.01, 'X', { contracts: 4 }); // delta 0.40 > 0.30 alone
    expect(selectBasket([two], rules()).trades).toEqual([]);
  });
});

/** Best (count, score) over every subset of size ≤ maxTrades: the reference. */
function bruteForce(c: SelectableTrade[], r: BasketRules): { count: number; score: number } {
  let best = { count: 0, score: 0 };
  const n = c.length;
  for (let mask = 1; mask < 1 << n; mask++) {
    const set = c.filter((_, i) => mask & (1 << i));
    if (set.length > r.maxTrades || basketViolations(set, r).length > 0) continue;
    const score = set.reduce((s, t) => s + t.score, 0);
    if (set.length > best.count || (set.length === best.count && score > best.score))
      best = { count: set.length, score };
  }
  return best;
}

describe('selectBasket equals brute force on small random sets', () => {
  const candArb = fc.record({
    ticker: fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'),
    sector: fc.constantFrom('S1', 'S2', 'S3'),
    score: fc.double({ min: 0, max: 100, noNaN: true }),
    delta: fc.double({ min: -0.3, max: 0.3, noNaN: true }),
    vega: fc.double({ min: -0.06, max: 0.08, noNaN: true }),
    capital: fc.double({ min: 50, max: 3000, noNaN: true }),
    contracts: fc.integer({ min: 1, max: 2 }),
  });
  const rulesArb = fc.record({
    maxTrades: fc.integer({ min: 1, max: 5 }),
    maxPerSector: fc.integer({ min: 1, max: 3 }),
    oneTradePerTicker: fc.boolean(),
    deltaMin: fc.double({ min: -0.4, max: 0, noNaN: true }),
    deltaMax: fc.double({ min: 0, max: 0.4, noNaN: true }),
    vegaMin: fc.double({ min: -0.1, max: 0.02, noNaN: true }),
    basket: fc.boolean(),
    available: fc.double({ min: 500, max: 8000, noNaN: true }),
  });

  it('same number of trades and same total score, and the basket meets every rule', () => {
    fc.assert(
      fc.property(fc.array(candArb, { minLength: 0, maxLength: 11 }), rulesArb, (raw, rr) => {
        const cands = raw.map((x, i) =>
          cand(x.ticker, x.score, x.delta, x.vega, x.sector, {
            id: `c${i}`,
            contracts: x.contracts,
            capitalRequired: x.capital,
          }),
        );
        const r: BasketRules = {
          maxTrades: rr.maxTrades,
          maxPerSector: rr.maxPerSector,
          oneTradePerTicker: rr.oneTradePerTicker,
          limits: { deltaMin: rr.deltaMin, deltaMax: rr.deltaMax, vegaMin: rr.vegaMin },
          capitalScope: rr.basket ? 'basket' : 'per_trade',
          availableCapital: rr.available,
        };
        const want = bruteForce(cands, r);
        // plain bounds only, and with the Lagrangian rounds forced by a 3-node first pass
        for (const firstPassNodes of [undefined, 3, 12]) {
          const got = selectBasket(cands, r, { poolPerTicker: Number.POSITIVE_INFINITY, firstPassNodes });
          expect(got.optimal).toBe(true);
          expect(got.trades.length).toBe(want.count);
          expect(got.totalScore).toBeCloseTo(want.score, 9);
          if (got.trades.length > 0) expect(basketViolations(got.trades, r)).toEqual([]);
          expect([...got.trades].sort(compareScored)).toEqual(got.trades);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('suffixTopSums', () => {
  it('sums the best r values among distinct keys of each suffix', () => {
    const values = Float64Array.from([5, 9, 3, 7, 1]);
    const keys = Int32Array.from([0, 1, 0, 2, 1]);
    const t = suffixTopSums(values, keys, 3, 2);
    const at = (i: number, r: number) => t[i * 3 + r];
    expect(at(0, 1)).toBe(9);
    expect(at(0, 2)).toBe(16); // 9 (key 1) + 7 (key 2)
    expect(at(2, 2)).toBe(10); // 7 + 3
    expect(at(3, 2)).toBe(8); // 7 + 1
    expect(at(4, 2)).toBe(Number.NEGATIVE_INFINITY);
    expect(at(5, 1)).toBe(Number.NEGATIVE_INFINITY);
  });
});
