/**
 * The built-in universe: the S&P 500 constituents with their GICS sectors (data in
 * `universe/sp500_constituents_gics.csv`, provenance in `universe/README.md`) plus the liquid ETFs.
 */
import { LIQUID_ETFS } from './universe/etfs.js';
import { SP500_CONSTITUENTS } from './universe/sp500.js';

/** The sector label of funds (they have no GICS sector). */
export const ETF_SECTOR = 'ETF';

/** The eleven GICS sectors. */
export const GICS_SECTORS = [
  'Communication Services',
  'Consumer Discretionary',
  'Consumer Staples',
  'Energy',
  'Financials',
  'Health Care',
  'Industrials',
  'Information Technology',
  'Materials',
  'Real Estate',
  'Utilities',
] as const;
export type GicsSector = (typeof GICS_SECTORS)[number];

export interface UniverseMember {
  symbol: string;
  name: string;
  /** GICS sector, or `ETF` for funds. */
  sector: string;
  /** GICS sub-industry, or what the fund tracks. */
  industry: string;
  kind: 'stock' | 'etf';
  /**
   * The company behind the ticker: `CIK <n>` for a stock (share classes of one company, GOOGL and GOOG, share
   * it), the symbol for a fund. "One trade per ticker" means one per issuer.
   */
  issuer: string;
}

let members: readonly UniverseMember[] | null = null;
let bySymbol: ReadonlyMap<string, UniverseMember> | null = null;

/** Every member, ETFs first (in their table's order), then the S&P 500 in the list's order. Frozen. */
export function builtInUniverse(): readonly UniverseMember[] {
  if (members === null) {
    const list: UniverseMember[] = [];
    for (const [symbol, name, industry] of LIQUID_ETFS) {
      list.push(
        Object.freeze({ symbol, name, sector: ETF_SECTOR, industry, kind: 'etf' as const, issuer: symbol }),
      );
    }
    for (const [symbol, name, sector, industry, cik] of SP500_CONSTITUENTS) {
      list.push(
        Object.freeze({ symbol, name, sector, industry, kind: 'stock' as const, issuer: `CIK ${cik}` }),
      );
    }
    members = Object.freeze(list);
  }
  return members;
}

/** Canonical form of a ticker: upper case, share class with `.` (`brk-b` → `BRK.B`), an index without Yahoo's `^`. */
export function normalizeSymbol(symbol: string): string {
  return symbol.trim().toUpperCase().replace(/-/g, '.').replace(/^\^/, '');
}

/** The member for a ticker (any case; `BRK-B` and `BRK.B` alike), or undefined when not in the universe. */
export function findUniverseMember(symbol: string): UniverseMember | undefined {
  if (bySymbol === null) bySymbol = new Map(builtInUniverse().map((m) => [m.symbol, m]));
  return bySymbol.get(normalizeSymbol(symbol));
}

/** The issuer of a ticker (see `UniverseMember.issuer`); outside the universe, its canonical symbol. */
export function issuerOf(symbol: string): string {
  return findUniverseMember(symbol)?.issuer ?? normalizeSymbol(symbol);
}

/** The tickers of the built-in universe, in `builtInUniverse()` order. */
export function universeSymbols(): string[] {
  return builtInUniverse().map((m) => m.symbol);
}
