/**
 * Contracts per trade: the configured fixed number (1 by default), or optionally fractional Kelly capped by
 * the per-trade max loss and the available capital.
 */
import type { Trade } from '../strategies/types.js';
import { type BasketRules, type BasketTrade, basketViolations } from './portfolio.js';

/** The same trade with `contracts` contract sets: position money amounts scale, per-share numbers do not. */
export function withContracts<T extends Trade>(trade: T, contracts: number): T {
  if (!(Number.isInteger(contracts) && contracts > 0)) {
    throw new RangeError(`contracts: must be a positive integer (got ${contracts})`);
  }
  const f = contracts / trade.contracts;
  return {
    ...trade,
    contracts,
    maxProfit: trade.maxProfit * f,
    maxLoss: trade.maxLoss * f,
    capitalRequired: trade.capitalRequired * f,
    expectedValue: trade.expectedValue * f,
  };
}

export interface KellyParams {
  /** Share of the full Kelly stake, 0–1 (e.g. 0.25 for quarter Kelly). */
  fraction: number;
  /** Account net liquidation value, $. */
  nav: number;
  /** Max loss allowed per trade, $ (already scaled by NAV/100k). */
  maxLoss: number;
  /** Capital available to the trade, $. */
  availableCapital: number;
}

/**
 * Kelly stake on the two-outcome reading of a trade (win maxProfit with probability POP, else lose
 * maxLoss): f* = p − (1 − p)/b with b = maxProfit / maxLoss, as a fraction of NAV put at risk.
 * Contracts = ⌊fraction × f* × NAV / max loss per contract⌋, capped so that the position's max loss and
 * capital stay within limits, and never below 1: the hard rules decide whether to trade, Kelly only how
 * much more than one contract (a trade with f* ≤ 0 keeps 1).
 */
export function kellyContracts(trade: Trade, p: KellyParams): number {
  const lossPer = trade.maxLoss / trade.contracts;
  const profitPer = trade.maxProfit / trade.contracts;
  const capitalPer = trade.capitalRequired / trade.contracts;
  if (!(lossPer > 0 && profitPer > 0)) return 1;
  const b = profitPer / lossPer;
  const kelly = trade.pop - (1 - trade.pop) / b;
  if (!(kelly > 0)) return 1;
  let n = Math.floor((p.fraction * kelly * p.nav) / lossPer);
  n = Math.min(n, Math.floor(p.maxLoss / lossPer));
  if (capitalPer > 0) n = Math.min(n, Math.floor(p.availableCapital / capitalPer));
  return Number.isFinite(n) ? Math.max(n, 1) : 1;
}

export interface SizingParams {
  /** `fixed`: keep the generated contracts (trading.contracts_per_trade); `kelly`: fractional Kelly. */
  method: 'fixed' | 'kelly';
  /** Share of the full Kelly stake, 0–1. */
  kellyFraction: number;
  nav: number;
  /** Max loss allowed per trade, $ (already scaled by NAV/100k). */
  maxLoss: number;
}

/**
 * Contracts for each trade of a selected basket (best first). With `kelly`, each trade gets
 * kellyContracts() — its capital cap is what the other trades leave of the available capital, in either
 * `capital_scope` (why: `per_trade` admits each generated trade alone, but sizing up is ours, and capping
 * each trade at the whole capital committed 4.8× the account with five trades) — and is then scaled down
 * until the basket keeps every rule (greek limits scale with contracts). Never below the generated size,
 * which already met every rule.
 */
export function sizeBasket<T extends Trade & BasketTrade>(
  trades: readonly T[],
  rules: BasketRules,
  p: SizingParams,
): T[] {
  const out = [...trades];
  if (p.method !== 'kelly') return out;
  for (let i = 0; i < out.length; i++) {
    const t = out[i];
    const othersCapital = out.reduce((s, x, j) => (j === i ? s : s + x.capitalRequired), 0);
    const capital = rules.availableCapital - othersCapital;
    let n = kellyContracts(t, {
      fraction: p.kellyFraction,
      nav: p.nav,
      maxLoss: p.maxLoss,
      availableCapital: capital,
    });
    while (n > t.contracts) {
      const trial = out.map((x, j) => (j === i ? withContracts(t, n) : x));
      if (basketViolations(trial, rules).length === 0) break;
      n--;
    }
    if (n > t.contracts) out[i] = withContracts(t, n);
  }
  return out;
}
