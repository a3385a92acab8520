import { describe, expect, it } from 'vitest';
import {
  economicsRuleCode,
  type HardLimits,
  legRuleCode,
  R_BID_ASK,
  R_CAPITAL,
  R_CREDIT_RATIO,
  R_MAX_LOSS,
} from '../../src/strategies/hardRules.js';

const LIMITS: HardLimits = {
  minPop: 0.65,
  minCreditRatio: 0.33,
  maxLoss: 750,
  maxCapital: 5000,
  maxQuoteAgeMs: 600_000,
  minOpenInterest: 0,
  minVolume: 0,
  maxBidAskPct: 0.1,
  minDte: 0,
  maxDte: 60,
  minDaysToEarnings: 0,
};

const cents = (n: number) => n / 100;

describe('hard rules at their thresholds (cent prices in binary floating point)', () => {
  it('a leg whose spread is exactly 10 % of mid passes, whatever its cents; one a cent wider fails', () => {
    const at: string[] = [];
    for (let k = 1; k <= 200; k++) {
      // bid 0.19k, ask 0.21k: (ask − bid)/mid = 0.1 exactly in decimal (1.05 − 0.95 = 0.10000000000000009 in binary)
      const bid = cents(19 * k);
      const ask = cents(21 * k);
      if (legRuleCode(bid, ask, 0, 0, 0, 0, LIMITS) !== 0) at.push(`${bid}/${ask}`);
    }
    expect(at).toEqual([]);
    expect(legRuleCode(0.95, 1.06, 0, 0, 0, 0, LIMITS)).toBe(R_BID_ASK);
  });

  it('a max loss of exactly the limit passes when the credit is a float difference of cents', () => {
    const credit = 8.03 - 5.53; // 2.499999999999999
    const maxLoss = (10 - credit) * 100; // 750.0000000000001
    expect(maxLoss).toBeGreaterThan(750);
    expect(economicsRuleCode(true, credit, (credit * 100) / maxLoss, maxLoss, maxLoss, LIMITS)).toBe(0);
    const wider = (10 - (8.02 - 5.53)) * 100; // a cent less credit: $751
    expect(economicsRuleCode(true, 2.49, (2.49 * 100) / wider, wider, wider, LIMITS)).toBe(R_MAX_LOSS);
  });

  it('a credit ratio of exactly the minimum passes; a cent less credit fails', () => {
    const limits = { ...LIMITS, minCreditRatio: 0.25 };
    const credit = 1.13 - 0.13; // 0.9999999999999999
    const maxLoss = (5 - credit) * 100;
    const ratio = (credit * 100) / maxLoss; // 0.24999999999999997
    expect(ratio).toBeLessThan(0.25);
    expect(economicsRuleCode(true, credit, ratio, maxLoss, maxLoss, limits)).toBe(0);
    expect(economicsRuleCode(true, 0.99, 99 / 401, 401, 401, limits)).toBe(R_CREDIT_RATIO);
  });

  it('capital of exactly the limit passes, a cent more fails', () => {
    const capital = 5000 + 1e-12; // 5000 and one ulp: a sum of cent amounts that rounded up
    expect(capital).toBeGreaterThan(5000);
    expect(economicsRuleCode(false, -1, Number.NaN, 100, capital, LIMITS)).toBe(0);
    expect(economicsRuleCode(false, -1, Number.NaN, 100, 5000.01, LIMITS)).toBe(R_CAPITAL);
  });
});
