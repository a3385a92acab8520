/**
 * A small local reader of the real PLTR Tradier chain snapshot (shared/data/options/, captured after
 * the 2025-10-31 close). It maps each record to an OptionQuote the way a Tradier adapter would —
 * bid/ask/last, volume, open interest, `mid_iv` as the quote's IV (0 → NaN: Tradier's "no IV"),
 * the vendor's greeks (already in market units), quote time = latest of bid/ask time — so the
 * quality filters can run on real data without depending on the Tradier adapter.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOptionChain } from '../../../src/market/chainBuilder.js';
import type { OptionChain, OptionQuote } from '../../../src/market/types.js';

export const PLTR_SNAPSHOT = fileURLToPath(
  new URL('../../fixtures/data/options/PLTR_tradier_chain_snapshot_2025-10-31.json', import.meta.url),
);

interface TradierGreeks {
  delta: number | null;
  gamma: number | null;
  theta: number | null;
  vega: number | null;
  mid_iv: number | null;
  smv_vol: number | null;
}

interface TradierOption {
  symbol: string;
  underlying: string;
  option_type: 'call' | 'put';
  strike: number;
  expiration_date: string;
  expiration_type: string;
  bid: number | null;
  ask: number | null;
  last: number | null;
  volume: number | null;
  open_interest: number | null;
  bid_date: number | null;
  ask_date: number | null;
  greeks: TradierGreeks | null;
}

interface Snapshot {
  timestamp: number;
  underlying: { last: number; bid: number; ask: number; updated_at: number };
  chains: { PLTR: Record<string, TradierOption[]> };
}

const num = (x: number | null | undefined) => (typeof x === 'number' ? x : Number.NaN);

export interface PltrData {
  chain: OptionChain;
  /** The vendor's smoothed vol (`smv_vol`) per OCC symbol, from which its greeks were computed. */
  smvVol: Map<string, number>;
  /** Raw record count and count of bid = 0 records. */
  records: number;
  zeroBid: number;
  underlyingUpdatedAt: number;
}

export function readPltrSnapshot(path = PLTR_SNAPSHOT): PltrData {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const quotes: OptionQuote[] = [];
  const types: Record<string, string> = {};
  const smvVol = new Map<string, number>();
  let zeroBid = 0;
  for (const [expiration, list] of Object.entries(snap.chains.PLTR)) {
    for (const o of list) {
      types[expiration] = o.expiration_type;
      if (o.bid === 0) zeroBid++;
      const g = o.greeks;
      const iv = num(g?.mid_iv);
      smvVol.set(o.symbol, num(g?.smv_vol));
      quotes.push({
        symbol: o.symbol,
        underlying: o.underlying,
        type: o.option_type,
        strike: o.strike,
        expiration: o.expiration_date,
        bid: num(o.bid),
        ask: num(o.ask),
        last: num(o.last),
        volume: num(o.volume),
        openInterest: num(o.open_interest),
        iv: iv > 0 ? iv : Number.NaN,
        delta: num(g?.delta),
        gamma: num(g?.gamma),
        theta: num(g?.theta),
        vega: num(g?.vega),
        quoteTime: Math.max(num(o.bid_date), num(o.ask_date)),
      });
    }
  }
  const u = snap.underlying;
  // Mid of the closing bid/ask: the last trade (200.47) is the 16:00 print, the quote moved after-hours.
  const spot = u.last;
  const chain = buildOptionChain('PLTR', spot, u.updated_at, quotes, types);
  return { chain, smvVol, records: quotes.length, zeroBid, underlyingUpdatedAt: u.updated_at };
}
