import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MarketInputError } from '../../src/market/inputError.js';
import {
  parseConstituentsCsv,
  renderConstituentsModule,
  splitCsvLine,
} from '../../src/market/universe/constituentsCsv.js';
import { SP500_CONSTITUENTS } from '../../src/market/universe/sp500.js';
import {
  builtInUniverse,
  ETF_SECTOR,
  findUniverseMember,
  GICS_SECTORS,
  issuerOf,
  normalizeSymbol,
  universeSymbols,
} from '../../src/market/universe.js';

const CSV = new URL('../../src/market/universe/sp500_constituents_gics.csv', import.meta.url);
const SHARED_COUNTS = fileURLToPath(
  new URL('../fixtures/data/gics/sp500_sector_counts.csv', import.meta.url),
);

describe('built-in universe', () => {
  it('ships the constituents CSV as a module that still matches it row for row', () => {
    const rows = parseConstituentsCsv(readFileSync(CSV, 'utf8'));
    expect(rows).toHaveLength(503);
    expect(SP500_CONSTITUENTS).toEqual(rows);
  });

  it('holds the S&P 500 with their eleven GICS sectors plus the liquid ETFs', () => {
    const all = builtInUniverse();
    expect(all).toHaveLength(503 + 15);
    expect(new Set(universeSymbols()).size).toBe(all.length);
    const stocks = all.filter((m) => m.kind === 'stock');
    expect(new Set(stocks.map((m) => m.sector))).toEqual(new Set(GICS_SECTORS));
    const etfs = all.filter((m) => m.kind === 'etf').map((m) => m.symbol);
    expect(etfs).toEqual([
      'SPY',
      'QQQ',
      'IWM',
      'DIA',
      'XLK',
      'XLF',
      'XLE',
      'XLV',
      'XLY',
      'XLP',
      'XLI',
      'XLB',
      'XLU',
      'XLRE',
      'XLC',
    ]);
    expect(all.filter((m) => m.kind === 'etf').every((m) => m.sector === ETF_SECTOR)).toBe(true);
  });

  it('has the sector counts published with the source data', () => {
    const lines = readFileSync(SHARED_COUNTS, 'utf8').trim().split('\n').slice(1);
    const counts = new Map<string, number>();
    for (const m of builtInUniverse())
      if (m.kind === 'stock') counts.set(m.sector, (counts.get(m.sector) ?? 0) + 1);
    for (const line of lines) {
      const [sector, count] = splitCsvLine(line);
      expect(counts.get(sector), sector).toBe(Number(count));
    }
  });

  it('finds members in any case and with either share-class separator', () => {
    expect(findUniverseMember('aapl')?.sector).toBe('Information Technology');
    expect(findUniverseMember('BRK-B')?.symbol).toBe('BRK.B');
    expect(findUniverseMember('BRK.B')?.industry).toBe('Multi-Sector Holdings');
    expect(findUniverseMember('XLE')?.kind).toBe('etf');
    expect(findUniverseMember('NOPE')).toBeUndefined();
    expect(normalizeSymbol(' bf-b ')).toBe('BF.B');
  });

  it('gives share classes of one company one issuer, and every other company its own', () => {
    expect(issuerOf('GOOG')).toBe(issuerOf('googl'));
    expect(issuerOf('FOX')).toBe(issuerOf('FOXA'));
    expect(issuerOf('NWS')).toBe(issuerOf('NWSA'));
    expect(issuerOf('GOOG')).not.toBe(issuerOf('META'));
    expect(issuerOf('SPY')).toBe('SPY');
    expect(issuerOf('zzzz')).toBe('ZZZZ'); // outside the universe: the ticker
    const stocks = builtInUniverse().filter((m) => m.kind === 'stock');
    const issuers = new Set(stocks.map((m) => m.issuer));
    expect(stocks.length - issuers.size).toBe(3); // exactly the three dual-class pairs of the list
  });

  it('returns frozen members so no caller can corrupt the shared list', () => {
    const m = builtInUniverse()[0];
    expect(Object.isFrozen(m)).toBe(true);
    expect(Object.isFrozen(builtInUniverse())).toBe(true);
  });
});

describe('constituents CSV reader', () => {
  it('splits quoted cells with commas and doubled quotes', () => {
    expect(splitCsvLine('MMM,3M,"Saint Paul, Minnesota","say ""hi"""')).toEqual([
      'MMM',
      '3M',
      'Saint Paul, Minnesota',
      'say "hi"',
    ]);
  });

  it('names a missing column or an incomplete row', () => {
    expect(() => parseConstituentsCsv('Symbol,Security,GICS Sector\nA,B,C')).toThrow(
      /missing column "GICS Sub-Industry"/,
    );
    const bad = 'Symbol,Security,GICS Sector,GICS Sub-Industry,CIK\nA,Alpha,,Things,1';
    expect(() => parseConstituentsCsv(bad)).toThrow(MarketInputError);
    expect(() => parseConstituentsCsv(bad)).toThrow(/line 2/);
  });

  it('renders a module whose rows escape quotes', () => {
    const text = renderConstituentsModule([['CASY', "Casey's", 'Consumer Staples', 'Food Retail', '726958']]);
    expect(text).toContain("['CASY', 'Casey\\'s', 'Consumer Staples', 'Food Retail', '726958'],");
    expect(text).toContain('export const SP500_CONSTITUENTS');
  });
});
