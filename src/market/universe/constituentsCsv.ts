/**
 * Reads the S&P 500 constituents CSV (`sp500_constituents_gics.csv`, see README.md here) and renders
 * it as the TypeScript module `sp500.ts`, so that the list ships inside the compiled package
 * (tsc copies no data files) and loads without file I/O. The test `test/market/universe.test.ts`
 * checks that `sp500.ts` still equals the CSV.
 */
import { MarketInputError } from '../inputError.js';

/**
 * One constituent: [symbol, company name, GICS sector, GICS sub-industry, SEC CIK]. The CIK names the issuer:
 * share classes of one company (GOOGL and GOOG, FOXA and FOX, NWSA and NWS) share it.
 */
export type ConstituentRow = readonly [
  symbol: string,
  name: string,
  sector: string,
  industry: string,
  cik: string,
];

/** Splits one CSV line (RFC 4180 quoting: `"a, b"` and `""` inside quotes). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cell);
      cell = '';
    } else cell += ch;
  }
  out.push(cell);
  return out;
}

const REQUIRED = ['Symbol', 'Security', 'GICS Sector', 'GICS Sub-Industry', 'CIK'] as const;

/** Parses the constituents CSV into rows, in file order; a typed error names a missing column or bad row. */
export function parseConstituentsCsv(text: string): ConstituentRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new MarketInputError('constituents csv', 'is empty');
  const header = splitCsvLine(lines[0]);
  const idx = REQUIRED.map((name) => {
    const i = header.indexOf(name);
    if (i < 0) throw new MarketInputError('constituents csv', `missing column "${name}"`);
    return i;
  });
  return lines.slice(1).map((line, n) => {
    const cells = splitCsvLine(line);
    const row = idx.map((i) => (cells[i] ?? '').trim());
    if (row.some((c) => c === '')) {
      throw new MarketInputError(
        `constituents csv line ${n + 2}`,
        'has an empty symbol, name, sector, industry or CIK',
      );
    }
    return [row[0], row[1], row[2], row[3], row[4]] as const;
  });
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The source text of `sp500.ts` for the given rows. */
export function renderConstituentsModule(rows: readonly ConstituentRow[]): string {
  const body = rows.map((r) => `  [${r.map(quote).join(', ')}],`).join('\n');
  return [
    '/**',
    ' * S&P 500 constituents with their GICS sector, sub-industry and SEC CIK, generated from',
    ' * `sp500_constituents_gics.csv` (provenance and licence in README.md beside it) by',
    ' * `renderConstituentsModule` in constituentsCsv.ts. Do not edit by hand: regenerate (see README.md).',
    ' */',
    "import type { ConstituentRow } from './constituentsCsv.js';",
    '',
    'export const SP500_CONSTITUENTS: readonly ConstituentRow[] = [',
    body,
    '];',
    '',
  ].join('\n');
}
