import { describe, expect, it } from 'vitest';
import { type BasketRules, basketGreeks, basketViolations } from '../../src/selection/portfolio.js';
import { kellyContracts, sizeBasket, withContracts } from '../../src/selection/sizing.js';
import { candidates, withShorts } from '../strategies/fixtures.js';

const spread = withShorts(candidates('put_credit_spread'), 95); // +$80 / −$420

describe('sizing', () => {
  it('withContracts scales the position amounts only', () => {
    const t = withContracts(spread, 3);
    expect(t.contracts).toBe(3);
    expect(t.maxLoss).toBeCloseTo(1260, 9);
    expect(t.maxProfit).toBeCloseTo(240, 9);
    expect(t.capitalRequired).toBeCloseTo(1260, 9);
    expect(t.expectedValue).toBeCloseTo(3 * spread.expectedValue, 9);
    expect(t.netCredit).toBe(spread.netCredit);
    expect(t.greeks).toBe(spread.greeks);
    expect(t.creditToMaxLoss).toBe(spread.creditToMaxLoss);
    expect(() => withContracts(spread, 0)).toThrow(/contracts/);
  });

  it('fractional Kelly: f* = p − (1 − p)/b, capped by max loss and capital, at least 1', () => {
    const p = { fraction: 0.5, nav: 100_000, maxLoss: 5000, availableCapital: 50_000 };
    // p = 0.9, b = 80/420: f* = 0.9 − 0.1 × 420/80 = 0.375 → 0.5 × 0.375 × 100000 / 420 = 44.6 → cap 5000/420 = 11
    expect(kellyContracts({ ...spread, pop: 0.9 }, p)).toBe(11);
    expect(kellyContracts({ ...spread, pop: 0.9 }, { ...p, maxLoss: 100_000 })).toBe(44);
    expect(kellyContracts({ ...spread, pop: 0.9 }, { ...p, maxLoss: 100_000, availableCapital: 2000 })).toBe(
      4,
    );
    // negative edge: keep 1
    expect(kellyContracts({ ...spread, pop: 0.7 }, p)).toBe(1);
  });

  describe('sizeBasket', () => {
    const a = {
      ...spread,
      ticker: 'AAA',
      sector: 'Energy',
      pop: 0.9,
      greeks: { ...spread.greeks, delta: 0.05, vega: -0.01 },
    };
    const b = {
      ...spread,
      ticker: 'BBB',
      sector: 'Utilities',
      pop: 0.9,
      greeks: { ...spread.greeks, delta: -0.02, vega: -0.01 },
    };
    const rules = (over: Partial<BasketRules> = {}): BasketRules => ({
      maxTrades: 5,
      maxPerSector: 2,
      oneTradePerTicker: true,
      limits: { deltaMin: -10, deltaMax: 10, vegaMin: -10 },
      capitalScope: 'per_trade',
      availableCapital: 50_000,
      ...over,
    });
    const kelly = { method: 'kelly' as const, kellyFraction: 0.5, nav: 100_000, maxLoss: 5000 };

    it('keeps the generated contracts with fixed sizing', () => {
      expect(sizeBasket([a, b], rules(), { ...kelly, method: 'fixed' }).map((t) => t.contracts)).toEqual([
        1, 1,
      ]);
    });

    it('gives each trade its capped Kelly size when the limits allow it', () => {
      const sized = sizeBasket([a, b], rules(), kelly);
      const want = kellyContracts(a, {
        fraction: 0.5,
        nav: 100_000,
        maxLoss: 5000,
        availableCapital: 50_000,
      });
      expect(want).toBe(11);
      expect(sized.map((t) => t.contracts)).toEqual([11, 11]);
      expect(sized[0].maxLoss).toBeCloseTo(11 * spread.maxLoss, 9);
    });

    it('scales a trade down until the basket greeks fit the portfolio limits', () => {
      const r = rules({ limits: { deltaMin: -1, deltaMax: 0.3, vegaMin: -10 } });
      const sized = sizeBasket([a, b], r, kelly);
      expect(basketViolations(sized, r)).toEqual([]);
      // a alone at 11 contracts would put delta at 0.55 − 0.02 > 0.3; b then adds negative delta
      expect(sized[0].contracts).toBe(6); // 6 × 0.05 − 0.02 = 0.28 ≤ 0.3 < 7 × 0.05 − 0.02
      expect(basketGreeks(sized).delta).toBeLessThanOrEqual(0.3 + 1e-9);
      expect(sized[1].contracts).toBeGreaterThan(1);
    });

    it.each(['basket', 'per_trade'] as const)(
      'shares the capital under capital_scope %s: the basket never passes it by sizing',
      (scope) => {
        // per_trade admits each trade alone; sizing each up to the whole capital had committed it several times over
        const r = rules({ capitalScope: scope, availableCapital: 5000 });
        const sized = sizeBasket([a, b], r, kelly);
        expect(basketViolations(sized, r)).toEqual([]);
        expect(sized.reduce((s, t) => s + t.capitalRequired, 0)).toBeLessThanOrEqual(5000);
        expect(sized[0].contracts).toBeGreaterThan(sized[1].contracts); // the better-ranked trade sizes first
      },
    );

    it('adds no contract to a basket that already needs more than the capital (per_trade)', () => {
      const r = rules({ availableCapital: 1.5 * a.capitalRequired });
      const sized = sizeBasket([a, b], r, kelly);
      expect(sized.map((t) => t.contracts)).toEqual([1, 1]);
    });
  });
});
