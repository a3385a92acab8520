/** Which way a trade leans: from its structure, or for the symmetric ones from the sign of its delta. */
import type { Trade } from '../strategies/types.js';

export type Bias = 'bullish' | 'bearish' | 'neutral';

/** |trade delta| per share below which a symmetric structure (condor, butterfly, calendar) counts as neutral. */
export const NEUTRAL_DELTA = 0.05;

export function tradeBias(trade: Pick<Trade, 'strategy' | 'greeks'>): Bias {
  switch (trade.strategy) {
    case 'put_credit_spread':
    case 'cash_secured_put':
    case 'covered_call':
      return 'bullish';
    case 'call_credit_spread':
      return 'bearish';
    default: {
      const d = trade.greeks.delta;
      return d > NEUTRAL_DELTA ? 'bullish' : d < -NEUTRAL_DELTA ? 'bearish' : 'neutral';
    }
  }
}
