import { describe, expect, it } from 'vitest';
import { tradeBias } from '../../src/selection/direction.js';
import type { StrategyName } from '../../src/strategies/types.js';

const trade = (strategy: StrategyName, delta: number, breakevens: number[]) => ({
  strategy,
  greeks: { delta, gamma: 0, theta: 0, vega: 0 },
  breakevens,
});

describe('tradeBias', () => {
  it('calls a two-breakeven iron condor or butterfly neutral whatever its delta (−0.057 had read bearish)', () => {
    expect(tradeBias(trade('iron_butterfly', -0.057, [84.38, 95.62]))).toBe('neutral');
    expect(tradeBias(trade('iron_condor', 0.0547, [81.74, 97.26]))).toBe('neutral');
    expect(tradeBias(trade('iron_condor', -0.2, [90, 110]))).toBe('neutral');
  });

  it('leans a one-breakeven (broken-wing) condor or butterfly by its delta’s sign', () => {
    expect(tradeBias(trade('iron_condor', -0.03, [97.26]))).toBe('bearish');
    expect(tradeBias(trade('iron_condor', 0.03, [81.74]))).toBe('bullish');
    expect(tradeBias(trade('iron_butterfly', -0.2, [105]))).toBe('bearish');
  });

  it('leans a calendar by its delta beyond 0.05 per share, and the spreads by their structure', () => {
    expect(tradeBias(trade('call_calendar', 0.07, [95, 105]))).toBe('bullish');
    expect(tradeBias(trade('put_calendar', -0.07, [95, 105]))).toBe('bearish');
    expect(tradeBias(trade('put_calendar', 0.02, [95, 105]))).toBe('neutral');
    expect(tradeBias(trade('put_credit_spread', -0.3, [95]))).toBe('bullish');
    expect(tradeBias(trade('call_credit_spread', 0.3, [105]))).toBe('bearish');
  });
});
