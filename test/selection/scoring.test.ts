import { describe, expect, it } from 'vitest';
import type { Settings } from '../../src/config/schema.js';
import { normCdf } from '../../src/quant/normal.js';
import { tradeBias } from '../../src/selection/direction.js';
import {
  compareScored,
  liquidityComponent,
  regimeOf,
  scanRegime,
  scoreTrade,
  type TickerSignals,
} from '../../src/selection/scoring.js';
import { candidates, withShorts } from '../strategies/fixtures.js';

const scoring: Settings['scoring'] = {
  weights: { pop: 0.3, iv_rank: 0.2, momentum: 0.15, flow: 0.1, risk_reward: 0.15, liquidity: 0.1 },
  regime_weights: {
    high: { pop: 0.35, iv_rank: 0.25, momentum: 0.1, flow: 0.05, risk_reward: 0.15, liquidity: 0.1 },
    low: { pop: 0.25, iv_rank: 0.15, momentum: 0.2, flow: 0.15, risk_reward: 0.15, liquidity: 0.1 },
  },
  regime_high_percentile: 80,
  regime_low_percentile: 20,
};
const params = { scoring, maxBidAskPct: 0.1 };
const signals: TickerSignals = {
  sector: 'Industrials',
  ivRank: 60,
  ivPercentile: 40,
  momentumZ: 1,
  flowZ: -0.5,
  rvPercentile: 50,
};
const spread = withShorts(candidates('put_credit_spread'), 95);

describe('scoreTrade', () => {
  it('keeps every component and sums them with the settings weights (95/90 put spread)', () => {
    const s = scoreTrade(spread, signals, params);
    const c = s.scoreComponents;
    expect(c.regime).toBe('normal');
    expect(c.bias).toBe('bullish');
    expect(c.pop).toBe(spread.pop);
    expect(c.ivRank).toBeCloseTo(0.6, 12); // short vega: rich premium scores
    expect(c.momentum).toBeCloseTo(normCdf(1), 12);
    expect(c.flow).toBeCloseTo(normCdf(-0.5), 12);
    expect(c.riskReward).toBeCloseTo(80 / 500, 12);
    // worst leg (0.70 − 0.60)/0.65 = 15 % > 10 % → spread term 0; OI 1000 → log10(1001)/4
    expect(c.liquidity).toBeCloseTo(0.3 * (Math.log10(1001) / 4), 12);
    const expected =
      100 *
      (0.3 * spread.pop +
        0.2 * 0.6 +
        0.15 * normCdf(1) +
        0.1 * normCdf(-0.5) +
        0.15 * 0.16 +
        0.1 * c.liquidity);
    expect(s.score).toBeCloseTo(expected, 10);
    expect(s).toMatchObject({
      sector: 'Industrials',
      ivRank: 60,
      ivPercentile: 40,
      momentumZ: 1,
      flowZ: -0.5,
    });
    // without history the momentum is unknown, not neutral: NaN (JSON null), the score taking the neutral part
    const unknown = scoreTrade(spread, { ...signals, momentumZ: Number.NaN }, params);
    expect(unknown.momentumZ).toBeNaN();
    expect(Number.isFinite(unknown.score)).toBe(true);
  });

  it('uses the regime weights when realized vol is above the high or below the low percentile', () => {
    expect(regimeOf(85, scoring)).toBe('high');
    // the rule: above 80 high, below 20 low — a percentile of exactly 80 or 20 (a median of two tickers,
    // k of n finite days) is normal, as `volatilityRegime` of the quant library has it
    expect(regimeOf(80.000001, scoring)).toBe('high');
    expect(regimeOf(80, scoring)).toBe('normal');
    expect(regimeOf(20, scoring)).toBe('normal');
    expect(regimeOf(19.999999, scoring)).toBe('low');
    expect(scanRegime([79, 81], scoring)).toBe('normal');
    expect(regimeOf(50, scoring)).toBe('normal');
    expect(regimeOf(Number.NaN, scoring)).toBe('normal');
    const high = scoreTrade(spread, { ...signals, rvPercentile: 90 }, params);
    expect(high.scoreComponents.weights).toBe(scoring.regime_weights.high);
    expect(high.score).not.toBeCloseTo(scoreTrade(spread, signals, params).score, 6);
  });

  it("ranks a trade better in every component above one that is not, whatever each ticker's own regime", () => {
    // a calm ticker's trade (low regime: pop weighted 0.25) dominates a volatile ticker's (high: 0.35) component by
    // component; scored each with its own ticker's regime it came out lower
    const better = { ...spread, pop: 0.8 };
    const worse = { ...spread, pop: 0.79 };
    const calm = { ...signals, rvPercentile: 10, ivRank: 60 };
    const wild = { ...signals, rvPercentile: 90, ivRank: 59 };
    const own = [scoreTrade(better, calm, params), scoreTrade(worse, wild, params)];
    expect(own[0].score).toBeLessThan(own[1].score); // the inversion the per-ticker regime gave
    const regime = scanRegime([10, 90, 50], scoring);
    expect(regime).toBe('normal');
    const shared = { ...params, regime };
    const [a, b] = [scoreTrade(better, calm, shared), scoreTrade(worse, wild, shared)];
    expect(a.score).toBeGreaterThan(b.score);
    expect(a.scoreComponents.weights).toBe(b.scoreComponents.weights);
  });

  it('takes the scan regime from the median realized-vol percentile, unknown ones left out', () => {
    expect(scanRegime([90, 85, 10], scoring)).toBe('high');
    expect(scanRegime([5, 15, 95, Number.NaN], scoring)).toBe('low'); // median of 5, 15, 95
    expect(scanRegime([10, 40], scoring)).toBe('normal'); // median 25
    expect(scanRegime([10, 30], scoring)).toBe('normal'); // median 20: not below 20
    expect(scanRegime([10, 29], scoring)).toBe('low'); // median 19.5
    expect(scanRegime([Number.NaN], scoring)).toBe('normal');
  });

  it('a long-vega calendar reads IV rank the other way and a neutral lean penalizes any trend', () => {
    const cal = candidates('put_calendar')[0];
    expect(tradeBias(cal)).toBe('neutral');
    const c = scoreTrade(cal, signals, params).scoreComponents;
    expect(c.ivRank).toBeCloseTo(0.4, 12);
    expect(c.momentum).toBeCloseTo(normCdf(-1), 12);
    expect(c.flow).toBeCloseTo(normCdf(-0.5), 12);
  });

  it('a bearish call spread reads momentum the other way; unknown IV rank is neutral 0.5', () => {
    const ccs = withShorts(candidates('call_credit_spread'), 105);
    const c = scoreTrade(ccs, { ...signals, ivRank: Number.NaN }, params).scoreComponents;
    expect(c.bias).toBe('bearish');
    expect(c.momentum).toBeCloseTo(normCdf(-1), 12);
    expect(c.ivRank).toBe(0.5);
  });

  it('liquidity: tight quotes and deep open interest score near 1', () => {
    const legs = spread.legs.map((l) => ({ ...l, bid: 1, ask: 1.01, openInterest: 50_000 }));
    expect(liquidityComponent({ legs }, 0.1)).toBeGreaterThan(0.93);
  });
});

describe('compareScored', () => {
  it('ranks by score, then momentum z, then flow z', () => {
    const t = (id: string, score: number, momentumZ: number, flowZ: number) => ({
      id,
      score,
      momentumZ,
      flowZ,
    });
    const list = [t('a', 50, 0, 0), t('b', 60, -1, 0), t('c', 50, 1, -1), t('d', 50, 1, 2)];
    expect(list.sort(compareScored).map((x) => x.id)).toEqual(['b', 'd', 'c', 'a']);
    // an unknown momentum (NaN, shown as null / n/a) ranks as 0: between +1 and −1, consistently
    const withNaN = [t('n', 50, Number.NaN, 0), t('p', 50, 1, 0), t('m', 50, -1, 0), t('z', 50, 0, 1)];
    expect(withNaN.sort(compareScored).map((x) => x.id)).toEqual(['p', 'z', 'n', 'm']);
  });
});
