/** Which way a trade leans: from its structure, or for the symmetric ones from the sign of its delta. */
import type { Trade } from '../strategies/types.js';

export type Bias = 'bullish' | 'bearish' | 'neutral';

/** |trade delta| per share below which a calendar counts as neutral. */
export const NEUTRAL_DELTA = 0.05;

/**
 * The lean that scoring (momentum and flow alignment) and the thesis read. Credit spreads, cash-secured puts and
 * covered calls by their structure. An iron condor or butterfly with two breakevens profits inside a range: it is
 * neutral whatever its small delta — a fixed 0.05 per share had called 7 of 10 butterflies bearish (a body just
 * below spot gives −0.057) and switched their momentum score from Φ(−|z|) to Φ(−z), up to 22 points of score; one
 * with a single breakeven (a wing narrower than the credit: it cannot lose on that side) leans by its delta's
 * sign. A calendar leans by its delta beyond NEUTRAL_DELTA (its peak sits at its strike, which may be off the spot).
 */
export function tradeBias(trade: Pick<Trade, 'strategy' | 'greeks' | 'breakevens'>): Bias {
  const d = trade.greeks.delta;
  switch (trade.strategy) {
    case 'put_credit_spread':
    case 'cash_secured_put':
    case 'covered_call':
      return 'bullish';
    case 'call_credit_spread':
      return 'bearish';
    case 'iron_condor':
    case 'iron_butterfly':
      if (trade.breakevens.length >= 2) return 'neutral';
      return d > 0 ? 'bullish' : d < 0 ? 'bearish' : 'neutral';
    default:
      return d > NEUTRAL_DELTA ? 'bullish' : d < -NEUTRAL_DELTA ? 'bearish' : 'neutral';
  }
}
