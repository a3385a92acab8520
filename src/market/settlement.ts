/**
 * Settlement of option contracts: PM (the expiration day's closing price: equity and ETF options, SPXW) or AM (a
 * Special Opening Quotation from the expiration morning's opening prints: the standard index roots). The expiry
 * instant of an AM-settled contract is the open, 09:30 New York: its value stops moving there, 6½ hours before a
 * PM-settled contract of the same date (and its last trading day is the day before).
 * Sources: Cboe product specifications for SPX, RUT, DJX and VIX options (AM-settled; SPXW, RUTW and VIX's PM
 * variants aside), Nasdaq's for NDX (NDXP is the PM-settled root).
 */
export type Settlement = 'am' | 'pm';

/** Option roots settled on the expiration morning's opening quotation (VIX's weeklies, `VIXW`, too). */
export const AM_SETTLED_ROOTS: ReadonlySet<string> = new Set(['SPX', 'NDX', 'RUT', 'DJX', 'VIX', 'VIXW']);

export function settlementOfRoot(root: string): Settlement {
  return AM_SETTLED_ROOTS.has(root.toUpperCase()) ? 'am' : 'pm';
}

/**
 * The root of an OCC option symbol: what precedes its 15-character tail (YYMMDD, C/P, strike × 1000 in 8 digits),
 * `SPXW261218C05000000` → `SPXW`; null when the symbol has no such tail.
 */
export function occRoot(symbol: string): string | null {
  const m = /^([A-Z0-9.]{1,6}?)\s*\d{6}[CP]\d{8}$/.exec(symbol.trim().toUpperCase());
  return m ? m[1] : null;
}

/**
 * The contracts of one expiration date that share one settlement, and that settlement. Where an index lists an AM
 * and a PM root on the same date (SPX beside SPXW on third Fridays) they are different contracts expiring 6½ hours
 * apart, and one expiration of a chain has one expiry instant: the underlying's own root decides when it quotes
 * that date, else the root with the most contracts. A contract whose root is unknown (`rootOf` null) counts as the
 * underlying's own.
 */
export function oneSettlement<T>(
  contracts: readonly T[],
  rootOf: (c: T) => string | null,
  symbol: string,
): { kept: T[]; settlement: Settlement } {
  const own = symbol.toUpperCase();
  const count = new Map<string, number>();
  for (const c of contracts) {
    const root = (rootOf(c) ?? own).toUpperCase();
    count.set(root, (count.get(root) ?? 0) + 1);
  }
  let lead = own;
  if (!count.has(own)) {
    let most = 0;
    for (const [root, n] of count)
      if (n > most || (n === most && root < lead)) {
        most = n;
        lead = root;
      }
  }
  const settlement = settlementOfRoot(lead);
  const kept = contracts.filter((c) => settlementOfRoot(rootOf(c) ?? own) === settlement);
  return { kept, settlement };
}
