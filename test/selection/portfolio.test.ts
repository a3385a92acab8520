import { describe, expect, it } from 'vitest';
import {
  basketGreeks,
  basketRules,
  basketViolations,
  portfolioLimits,
} from '../../src/selection/portfolio.js';

const trade = (ticker: string, sector: string, contracts: number, delta: number, vega: number) => ({
  ticker,
  sector,
  contracts,
  greeks: { delta, gamma: -0.01, theta: 0.02, vega },
  capitalRequired: 400 * contracts,
});

describe('portfolio', () => {
  it('basket greeks are Σ trade greeks × contracts; sectors counted', () => {
    const p = basketGreeks([trade('A', 'Energy', 2, 0.1, -0.03), trade('B', 'Energy', 1, -0.05, 0.04)]);
    expect(p.delta).toBeCloseTo(0.15, 12);
    expect(p.vega).toBeCloseTo(-0.02, 12);
    expect(p.gamma).toBeCloseTo(-0.03, 12);
    expect(p.theta).toBeCloseTo(0.06, 12);
    expect(p.capital).toBe(1200);
    expect(p.sectors).toEqual({ Energy: 2 });
  });

  it('limits scale with NAV/100k', () => {
    expect(portfolioLimits({ delta_min: -0.3, delta_max: 0.3, vega_min: -0.05 }, 250_000)).toEqual({
      deltaMin: -0.75,
      deltaMax: 0.75,
      vegaMin: -0.125,
    });
  });

  it('names every broken basket rule', () => {
    const rules = {
      maxTrades: 2,
      maxPerSector: 1,
      oneTradePerTicker: true,
      limits: { deltaMin: -0.3, deltaMax: 0.3, vegaMin: -0.05 },
      capitalScope: 'basket' as const,
      availableCapital: 1000,
    };
    const v = basketViolations(
      [trade('A', 'Energy', 2, 0.1, -0.03), trade('A', 'Energy', 2, 0.1, -0.03), trade('B', 'X', 1, 0.2, 0)],
      rules,
    );
    expect(v).toEqual([
      '3 trades > max 2',
      expect.stringMatching(/^delta 0\.6\d* > 0\.3$/),
      expect.stringMatching(/^vega -0\.12\d* < -0\.05$/),
      '2 trades in Energy > 1',
      'two trades on A',
      'capital 2000 > 1000',
    ]);
  });

  it('a NaN delta or capital breaks its rule, like a NaN vega', () => {
    const rules = {
      maxTrades: 5,
      maxPerSector: 2,
      oneTradePerTicker: true,
      limits: { deltaMin: -0.3, deltaMax: 0.3, vegaMin: -0.05 },
      capitalScope: 'basket' as const,
      availableCapital: 1000,
    };
    expect(basketViolations([trade('A', 'X', 1, Number.NaN, 0)], rules)).toEqual([
      'delta NaN < -0.3',
      'delta NaN > 0.3',
    ]);
    expect(basketViolations([{ ...trade('A', 'X', 1, 0, 0), capitalRequired: Number.NaN }], rules)).toEqual([
      'capital NaN > 1000',
    ]);
  });

  it('basketRules reads the settings sections', () => {
    const r = basketRules(
      {
        nav: 200_000,
        available_capital: 5000,
        max_trades: 5,
        capital_scope: 'per_trade',
        one_trade_per_ticker: true,
      },
      {
        min_pop: 0.65,
        min_credit_ratio: 0.33,
        max_loss_per_trade: 500,
        min_dte: 15,
        max_dte: 45,
        max_quote_age_seconds: 600,
        min_open_interest: 100,
        min_volume: 10,
        max_bid_ask_pct: 0.1,
        max_trades_per_sector: 2,
        min_days_to_earnings: 0,
        portfolio: { delta_min: -0.3, delta_max: 0.3, vega_min: -0.05 },
      },
    );
    expect(r).toEqual({
      maxTrades: 5,
      maxPerSector: 2,
      oneTradePerTicker: true,
      limits: { deltaMin: -0.6, deltaMax: 0.6, vegaMin: -0.1 },
      capitalScope: 'per_trade',
      availableCapital: 5000,
    });
  });
});
