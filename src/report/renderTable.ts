/**
 * The fixed-width table `Ticker | Strategy | Legs | Thesis | POP`: plain ASCII, columns padded
 * consistently, thesis and legs wrapped inside their columns (continuation lines leave the other
 * columns blank), nothing truncated.
 */
import { type LegLike, legPieces } from './formatLegs.js';
import { wrapPieces, wrapText } from './wrapText.js';

export interface TableTrade {
  ticker: string;
  /** Upper-snake strategy label, e.g. `PUT_CREDIT_SPREAD`. */
  strategy: string;
  legs: LegLike[];
  /** Contract sets to trade (sizing): the legs show each leg's count when it is not 1. Default 1. */
  contracts?: number;
  thesis: string;
  /** Probability of profit, fraction. */
  pop: number;
}

export interface TableOptions {
  /** Thesis column width in characters. */
  thesisWidth?: number;
  /** Legs wrap between legs beyond this width. */
  legsWidth?: number;
}

/** `PUT_CREDIT_SPREAD` → `Put Credit Spread`. */
export function strategyLabel(strategy: string): string {
  return strategy
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

/** The single line printed when fewer than `maxTrades` trades pass every rule. */
export function insufficientMessage(maxTrades: number): string {
  return `Fewer than ${maxTrades} trades meet criteria, do not execute.`;
}

const TRANSLITERATE: Record<string, string> = {
  σ: 'sd',
  '—': '-',
  '–': '-',
  '≥': '>=',
  '≤': '<=',
  '±': '+/-',
  '×': 'x',
  '’': "'",
};

/** Transliterates common symbols and replaces anything else outside printable ASCII, so the table stays console-safe. */
export const ascii = (s: string) => s.replace(/[^\x20-\x7e]/g, (c) => TRANSLITERATE[c] ?? '?');

/**
 * POP as a percentage with one decimal, rounded half up from the JSON's 6-decimal value — so the table reads
 * as anyone formatting `scan --format json`'s `pop` would (0.5374997867 is 0.5375 there: 53.8 %, not 53.7 %).
 * Integer micro-units keep the halves exact.
 */
export function popPercent(pop: number): string {
  if (!Number.isFinite(pop)) return 'n/a';
  const tenths = Math.round(Math.round(pop * 1e6) / 1000); // tenths of a percent, from the micro-units
  return `${(tenths / 10).toFixed(1)}%`;
}

export function renderTable(trades: TableTrade[], opts: TableOptions = {}): string {
  const thesisWidth = opts.thesisWidth ?? 48;
  const legsWidth = opts.legsWidth ?? 40;
  const rows = trades.map((t) => [
    [ascii(t.ticker)],
    [strategyLabel(ascii(t.strategy))],
    wrapPieces(legPieces(t.legs, t.contracts ?? 1).map(ascii), ' / ', legsWidth),
    wrapText(ascii(t.thesis), thesisWidth),
    [popPercent(t.pop)],
  ]);
  const header = ['Ticker', 'Strategy', 'Legs', 'Thesis', 'POP'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.flatMap((r) => r[c].map((l) => l.length))));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join(' | ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-+-')];
  for (const r of rows) {
    const height = Math.max(...r.map((col) => col.length));
    for (let i = 0; i < height; i++) out.push(line(r.map((col) => col[i] ?? '')));
  }
  return `${out.join('\n')}\n`;
}
