import { describe, expect, it } from 'vitest';
import { type MonteCarloInput, monteCarlo } from '../../src/quant/monteCarlo.js';
import { expectedPnl, type PayoffLeg, payoffAt, pop } from '../../src/quant/pop.js';
import { probTouchDiscrete } from '../../src/quant/touch.js';

const condor: PayoffLeg[] = [
  { type: 'put', strike: 90, quantity: 1, premium: 0.5 },
  { type: 'put', strike: 95, quantity: -1, premium: 1.5 },
  { type: 'call', strike: 105, quantity: -1, premium: 1.4 },
  { type: 'call', strike: 110, quantity: 1, premium: 0.4 },
];
const base: MonteCarloInput = { legs: condor, S: 100, T: 45 / 365, vol: 0.25, r: 0.04, q: 0.01, seed: 2024 };

/** |estimate − exact| ≤ k standard errors (+ an absolute allowance for known discretisation bias). */
function expectWithin(est: { value: number; stdError: number }, exact: number, k = 4, bias = 0): void {
  expect(est.stdError).toBeGreaterThan(0);
  expect(Math.abs(est.value - exact)).toBeLessThanOrEqual(k * est.stdError + bias);
}

describe('Monte Carlo under GBM with antithetic variates', () => {
  const condorRun = monteCarlo(base);

  it('runs 10,000 paths by default with daily (1/252) monitoring', () => {
    expect(condorRun.paths).toBe(10_000);
    expect(condorRun.steps).toBe(Math.round((45 / 365) * 252));
    expect(condorRun.profitTarget).toBe(1); // half of the 2.00 max profit
  });

  it('is bit-identical for the same seed and differs for another seed', () => {
    expect(monteCarlo(base)).toEqual(condorRun);
    expect(monteCarlo({ ...base, seed: 2025 }).pop.value).not.toBe(condorRun.pop.value);
  });

  it('POP and expected P&L of an iron condor agree with the closed forms within 4 standard errors', () => {
    const m = base.r - base.q;
    expectWithin(condorRun.pop, pop(condor, 100, base.T, base.vol, m));
    expectWithin(condorRun.expectedValue, expectedPnl(condor, 100, base.T, base.vol, m));
  });

  it('a real-world drift (μ − q = 12%) moves a short put POP and a long call EV as the closed forms say', () => {
    const shortPut: PayoffLeg[] = [{ type: 'put', strike: 95, quantity: -1, premium: 2 }];
    const sp = monteCarlo({ ...base, legs: shortPut, drift: 0.12, paths: 20_000 });
    expectWithin(sp.pop, pop(shortPut, 100, base.T, base.vol, 0.12));
    const longCall: PayoffLeg[] = [{ type: 'call', strike: 105, quantity: 1, premium: 1.2 }];
    const lc = monteCarlo({ ...base, legs: longCall, drift: 0.12, paths: 20_000 });
    expectWithin(lc.expectedValue, expectedPnl(longCall, 100, base.T, base.vol, 0.12));
    expect(lc.p50.value).toBeNaN(); // unlimited max profit and no explicit target
  });

  it('P50 of stock with a +8 target equals the daily-monitored touch probability (BGK-corrected closed form)', () => {
    // Stock bought at 100: P&L ≥ 8 on some close ⇔ the price touches 108. Allowance 0.005 for the
    // O(1/steps) error of the Broadie-Glasserman-Kou correction.
    const legs: PayoffLeg[] = [{ type: 'stock', strike: 0, quantity: 1, premium: 100 }];
    const run = monteCarlo({
      ...base,
      legs,
      T: 0.25,
      vol: 0.3,
      r: 0.03,
      q: 0,
      profitTarget: 8,
      paths: 20_000,
    });
    expectWithin(run.p50, probTouchDiscrete(100, 108, 0.25, 0.3, 0.03, 0.25 / run.steps), 4, 0.005);
  });

  it('P50 of the condor is at least the probability of ending with ≥ 50% of max profit', () => {
    // P(P&L_T > 1) is the closed-form POP of the same legs with 1.00 less cash.
    const atExpiry = pop(condor, 100, base.T, base.vol, base.r - base.q, -1);
    expect(condorRun.p50.value).toBeGreaterThanOrEqual(atExpiry - 4 * condorRun.p50.stdError);
    expect(condorRun.p50.value).toBeLessThanOrEqual(1);
  });

  it('P50 of the condor agrees with an independent simulation, with the model vol and with each leg at its own IV', () => {
    // Reference: numpy GBM on the same 31 daily dates, legs marked by scipy Black-Scholes at (S_t, T − t, r, q,
    // leg vol), intrinsic at expiry, hit when the P&L ≥ 1.00 (half the 2.00 credit); 4,000,000 paths each:
    // 0.67333 ± 0.00023 (model vol 0.25) and 0.68364 ± 0.00023 (legs at 0.31, 0.28, 0.22, 0.21). A mark with the
    // wrong τ, r and q swapped, or 2σ reads 0.507 — and the bound "P50 ≥ P(P&L_T ≥ target)" above still held.
    const flat = monteCarlo({ ...base, paths: 100_000, seed: 7 });
    expect(flat.steps).toBe(31);
    expectWithin(flat.p50, 0.67333, 4, 4 * 0.00023);
    const vols = [0.31, 0.28, 0.22, 0.21];
    const skew = monteCarlo({
      ...base,
      legs: condor.map((l, i) => ({ ...l, vol: vols[i] })),
      paths: 60_000,
      seed: 7,
    });
    expectWithin(skew.p50, 0.68364, 4, 4 * 0.00023);
    // the two references differ by 0.0103: the model-vol run is outside the leg-vol band, so the band tests the leg vols
    expect(Math.abs(flat.p50.value - 0.68364)).toBeGreaterThan(4 * flat.p50.stdError + 4 * 0.00023);
  });

  it('antithetic pairs cut the standard error of a linear payoff far below the plain-MC value', () => {
    // Plain MC: sd(S_T)/√n ≈ 100·0.3·√0.25/√20000 ≈ 0.106; the antithetic pair average cancels the linear part.
    const legs: PayoffLeg[] = [{ type: 'stock', strike: 0, quantity: 1, premium: 100 }];
    const run = monteCarlo({ ...base, legs, T: 0.25, vol: 0.3, paths: 20_000 });
    expect(run.expectedValue.stdError).toBeLessThan(0.2 * 0.106);
    expectWithin(run.expectedValue, expectedPnl(legs, 100, 0.25, 0.3, base.r - base.q));
  });

  it('answers NaN for numbers outside their domain and the exact payoff at T = 0, as pop does (it threw)', () => {
    for (const bad of [{ S: -1 }, { S: 0 }, { T: -0.1 }, { vol: -0.2 }, { r: Number.NaN }, { q: Infinity }]) {
      const run = monteCarlo({ ...base, ...bad });
      expect(run.pop.value, JSON.stringify(bad)).toBeNaN();
      expect(run.expectedValue.value).toBeNaN();
      expect(run.p50.value).toBeNaN();
    }
    // at expiry: the position's payoff at S, exactly — POP as pop() gives it
    const atExpiry = monteCarlo({ ...base, T: 0 });
    expect(atExpiry.pop).toEqual({ value: pop(base.legs, base.S, 0, base.vol, 0), stdError: 0 });
    expect(atExpiry.expectedValue).toEqual({ value: payoffAt(base.legs, base.S, 0), stdError: 0 });
    // a caller's mistake in the position still throws
    expect(() => monteCarlo({ ...base, T: 0, paths: 0 })).toThrow(RangeError);
  });
});
