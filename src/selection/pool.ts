/**
 * The search pool of the basket selector: per ticker, its best candidates by rank, plus the candidates a
 * basket may need to satisfy the greek limits even when they rank lower — the ticker's best of each
 * strategy, its most negative and most positive delta, its highest vega and its smallest capital.
 * The search is exact over the pool; a candidate left out is outranked by `perTicker` candidates of its
 * own ticker and is no ticker extreme in delta, vega or capital — yet it may be the one that balances a
 * basket (measured: with 8 per ticker, 3 of 5 default scans chose a lower-scoring basket, and a constructed
 * book printed "do not execute" although 5 trades fit). So the default is every candidate (the result is
 * exact over the input: 40–220 ms for 10,000 candidates, see bench/README.md); a finite `perTicker` is a
 * speed option for callers who accept that.
 */

import type { BasketTrade } from './portfolio.js';
import { compareScored, type Rankable } from './scoring.js';

/** What the selector needs of a trade. */
export interface SelectableTrade extends BasketTrade, Rankable {
  strategy?: string;
}

/** Default number of top-ranked candidates kept per ticker: all of them (see the module doc). */
export const DEFAULT_POOL_PER_TICKER = Number.POSITIVE_INFINITY;

/** True when every number the selector uses is finite and contracts are a positive whole number. */
export function isSelectable(t: SelectableTrade): boolean {
  return (
    Number.isFinite(t.score) &&
    Number.isFinite(t.greeks.delta) &&
    Number.isFinite(t.greeks.vega) &&
    Number.isFinite(t.capitalRequired) &&
    Number.isInteger(t.contracts) &&
    t.contracts > 0
  );
}

/** The pool (see module doc), ranked by `compareScored`. */
export function buildPool<T extends SelectableTrade>(candidates: readonly T[], perTicker: number): T[] {
  const byTicker = new Map<string, T[]>();
  for (const c of candidates) {
    const list = byTicker.get(c.ticker);
    if (list) list.push(c);
    else byTicker.set(c.ticker, [c]);
  }
  const out: T[] = [];
  for (const list of byTicker.values()) {
    list.sort(compareScored);
    if (list.length <= perTicker) {
      out.push(...list);
      continue;
    }
    const keep = new Set<T>(list.slice(0, perTicker));
    const seenStrategy = new Set<string | undefined>();
    let minDelta = list[0];
    let maxDelta = list[0];
    let maxVega = list[0];
    let minCapital = list[0];
    for (const c of list) {
      if (!seenStrategy.has(c.strategy)) {
        seenStrategy.add(c.strategy);
        keep.add(c);
      }
      const d = c.greeks.delta * c.contracts;
      if (d < minDelta.greeks.delta * minDelta.contracts) minDelta = c;
      if (d > maxDelta.greeks.delta * maxDelta.contracts) maxDelta = c;
      if (c.greeks.vega * c.contracts > maxVega.greeks.vega * maxVega.contracts) maxVega = c;
      if (c.capitalRequired < minCapital.capitalRequired) minCapital = c;
    }
    keep.add(minDelta).add(maxDelta).add(maxVega).add(minCapital);
    out.push(...keep);
  }
  return out.sort(compareScored);
}
