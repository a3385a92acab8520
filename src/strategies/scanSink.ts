/** Where the scan loops count what they evaluated and rejected, and put the trades they built. */
import type { StrategyName } from '../config/schema.js';
import { CODE_COUNT } from './hardRules.js';
import type { Trade } from './types.js';

export interface ScanSink {
  /** Rejections indexed by rule code (see hardRules.ts). */
  counts: Float64Array;
  /** Candidates evaluated, per strategy. */
  evaluated: Record<StrategyName, number>;
  trades: Trade[];
  /** Contract sets per candidate. */
  contracts: number;
}

export function createSink(contracts: number): ScanSink {
  return {
    counts: new Float64Array(CODE_COUNT),
    evaluated: {
      put_credit_spread: 0,
      call_credit_spread: 0,
      iron_condor: 0,
      covered_call: 0,
      cash_secured_put: 0,
      call_calendar: 0,
      put_calendar: 0,
      iron_butterfly: 0,
    },
    trades: [],
    contracts,
  };
}
