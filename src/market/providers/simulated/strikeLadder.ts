/**
 * Listed strikes of a simulated expiration, as exchanges list them: a fine increment near the
 * money that grows with the price level ($0.50 under $25, $1 under $100, $2.50 under $250, $5 under
 * $1,000, $10 above; the broad index ETFs $1 throughout the inner band), a coarser one further out,
 * and a range that widens with σ√T up to about ±40 % of spot for the long-dated monthlies.
 */
import type { SimProfile } from './profiles.js';

const COARSER: Readonly<Record<number, number>> = { 0.5: 1, 1: 2.5, 2.5: 5, 5: 10, 10: 25, 25: 50 };

/** The fine strike increment for a price level, $. Thin names list every other strike. */
export function strikeIncrement(price: number, profile: SimProfile): number {
  if (profile.kind === 'etf' && price >= 25) return 1;
  const inc = price < 25 ? 0.5 : price < 100 ? 1 : price < 250 ? 2.5 : price < 1000 ? 5 : 10;
  return profile.liquidity < 0.3 ? COARSER[inc] : inc;
}

/** Appends the multiples of `inc` in [lo, hi] (or [lo, hi) when `open`), ascending, to `out`. */
function pushMultiples(out: number[], inc: number, lo: number, hi: number, open: boolean): void {
  const first = Math.ceil(lo / inc - 1e-9);
  const last = Math.floor(hi / inc + 1e-9);
  for (let k = first; k <= last; k++) {
    const strike = Math.round(k * inc * 100) / 100;
    if (strike > 0 && (!open || strike < hi)) out.push(strike);
  }
}

/**
 * Strikes ascending for spot `spot`, T years and ATM vol `vol`: fine increments within
 * ±max(2σ√T, 8 %) in log-moneyness, coarse ones out to ±clamp(4σ√T, 12 %, 40 %). Built in order
 * (coarse below, fine, coarse above), so no sort is needed.
 */
export function strikeLadder(spot: number, T: number, vol: number, profile: SimProfile): number[] {
  const sd = vol * Math.sqrt(Math.max(T, 0));
  const outer = Math.min(Math.max(4 * sd, 0.12), 0.4);
  const inner = Math.min(Math.max(2 * sd, 0.08), outer);
  const fine = strikeIncrement(spot, profile);
  const coarse = COARSER[fine] ?? fine * 2;
  const innerLo = spot * Math.exp(-inner);
  const innerHi = spot * Math.exp(inner);
  const list: number[] = [];
  pushMultiples(list, coarse, spot * Math.exp(-outer), innerLo, true);
  pushMultiples(list, fine, innerLo, innerHi, false);
  const above = list.length > 0 ? list[list.length - 1] : 0;
  const upper: number[] = [];
  pushMultiples(upper, coarse, innerHi, spot * Math.exp(outer), false);
  for (const k of upper) if (k > above) list.push(k);
  return list;
}
