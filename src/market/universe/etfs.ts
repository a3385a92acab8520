/**
 * The liquid ETFs of the built-in universe: the broad-market index funds and the eleven Select
 * Sector SPDRs (one per GICS sector). `sector` is `ETF` for every fund (so the basket's sector cap
 * treats funds as their own group); `industry` says what the fund tracks.
 */

/** One fund: [symbol, fund name, what it tracks]. */
export type EtfRow = readonly [symbol: string, name: string, tracks: string];

export const LIQUID_ETFS: readonly EtfRow[] = [
  ['SPY', 'SPDR S&P 500 ETF Trust', 'Broad market: S&P 500'],
  ['QQQ', 'Invesco QQQ Trust', 'Broad market: Nasdaq-100'],
  ['IWM', 'iShares Russell 2000 ETF', 'Broad market: Russell 2000'],
  ['DIA', 'SPDR Dow Jones Industrial Average ETF Trust', 'Broad market: Dow Jones Industrial Average'],
  ['XLK', 'Technology Select Sector SPDR Fund', 'Sector: Information Technology'],
  ['XLF', 'Financial Select Sector SPDR Fund', 'Sector: Financials'],
  ['XLE', 'Energy Select Sector SPDR Fund', 'Sector: Energy'],
  ['XLV', 'Health Care Select Sector SPDR Fund', 'Sector: Health Care'],
  ['XLY', 'Consumer Discretionary Select Sector SPDR Fund', 'Sector: Consumer Discretionary'],
  ['XLP', 'Consumer Staples Select Sector SPDR Fund', 'Sector: Consumer Staples'],
  ['XLI', 'Industrial Select Sector SPDR Fund', 'Sector: Industrials'],
  ['XLB', 'Materials Select Sector SPDR Fund', 'Sector: Materials'],
  ['XLU', 'Utilities Select Sector SPDR Fund', 'Sector: Utilities'],
  ['XLRE', 'Real Estate Select Sector SPDR Fund', 'Sector: Real Estate'],
  ['XLC', 'Communication Services Select Sector SPDR Fund', 'Sector: Communication Services'],
];
