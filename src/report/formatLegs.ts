/**
 * Compact legs text for the table: `-P 440 / +P 435 2026-12-18` (sign = SELL/BUY, expiry with year); with several
 * contract sets the counts to trade: `-3P 440 / +3P 435 2026-12-18`, `+300 sh`.
 */

export interface LegLike {
  action: 'BUY' | 'SELL';
  type: 'call' | 'put' | 'stock';
  strike: number;
  expiration: string;
  quantity: number;
}

const strikeText = (k: number) => (Number.isInteger(k) ? String(k) : String(+k.toFixed(2)));

function legText(leg: LegLike, contracts: number): string {
  const sign = leg.action === 'SELL' ? '-' : '+';
  const n = leg.quantity * contracts;
  const qty = n !== 1 && leg.type !== 'stock' ? `${n}` : '';
  // A stock leg's quantity is in round lots of 100 shares (see strategies/types.ts Leg).
  if (leg.type === 'stock') return `${sign}${n * 100} sh`;
  return `${sign}${qty}${leg.type === 'call' ? 'C' : 'P'} ${strikeText(leg.strike)}`;
}

/**
 * Legs grouped by expiration; each group ends with its date. Returns the pieces (one per leg, the last
 * leg of a group carrying the date) so the table can wrap between legs. `contracts`: contract sets of the trade
 * (each leg's quantity is per set).
 */
export function legPieces(legs: LegLike[], contracts = 1): string[] {
  const pieces: string[] = [];
  const options = legs.filter((l) => l.type !== 'stock');
  const stock = legs.filter((l) => l.type === 'stock');
  const expirations = [...new Set(options.map((l) => l.expiration))].sort();
  for (const exp of expirations) {
    const group = options.filter((l) => l.expiration === exp);
    group.forEach((l, i) => {
      pieces.push(i === group.length - 1 ? `${legText(l, contracts)} ${exp}` : legText(l, contracts));
    });
  }
  for (const l of stock) pieces.push(legText(l, contracts));
  return pieces;
}

export function formatLegs(legs: LegLike[], contracts = 1): string {
  return legPieces(legs, contracts).join(' / ');
}
