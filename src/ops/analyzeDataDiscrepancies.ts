/**
 * `ops analyze-data-discrepancies`: the same contracts from two sources — two providers (Tradier
 * vs Yahoo) or the stored snapshot vs a fresh fetch — matched by (type, expiration, strike);
 * differences beyond tolerance are listed, worst first. A mid difference counts when it exceeds
 * the two half-spreads plus `priceTolerance` (quotes taken at different moments legitimately move
 * inside their spreads); an IV difference when above `ivTolerance` (vol points / 100). No contract
 * in common is a finding too (`ok: false`): nothing was compared, so nothing was shown to agree.
 */
import type { ContractQuote } from './contractQuotes.js';
import { fmtNum, textTable } from './text.js';

export interface Discrepancy {
  key: string;
  field: 'mid' | 'iv';
  a: number;
  b: number;
  diff: number;
  allowed: number;
}

export interface DiscrepancyReport {
  symbol: string;
  sourceA: string;
  sourceB: string;
  contractsA: number;
  contractsB: number;
  matched: number;
  onlyInA: number;
  onlyInB: number;
  discrepancies: Discrepancy[];
  /** No difference beyond tolerance, and at least one contract compared. */
  ok: boolean;
}

export function compareContracts(
  symbol: string,
  a: { name: string; contracts: readonly ContractQuote[] },
  b: { name: string; contracts: readonly ContractQuote[] },
  opts: { priceTolerance?: number; ivTolerance?: number } = {},
): DiscrepancyReport {
  const pt = opts.priceTolerance ?? 0.05;
  const it = opts.ivTolerance ?? 0.05;
  const byKey = new Map(b.contracts.map((c) => [c.key, c]));
  const out: Discrepancy[] = [];
  let matched = 0;
  for (const x of a.contracts) {
    const y = byKey.get(x.key);
    if (!y) continue;
    matched++;
    if ([x.bid, x.ask, y.bid, y.ask].every(Number.isFinite)) {
      const diff = Math.abs((x.bid + x.ask) / 2 - (y.bid + y.ask) / 2);
      const allowed = Math.max(0, x.ask - x.bid) / 2 + Math.max(0, y.ask - y.bid) / 2 + pt;
      if (diff > allowed)
        out.push({ key: x.key, field: 'mid', a: (x.bid + x.ask) / 2, b: (y.bid + y.ask) / 2, diff, allowed });
    }
    if (x.iv > 0 && y.iv > 0 && Math.abs(x.iv - y.iv) > it)
      out.push({ key: x.key, field: 'iv', a: x.iv, b: y.iv, diff: Math.abs(x.iv - y.iv), allowed: it });
  }
  const aKeys = new Set(a.contracts.map((c) => c.key));
  out.sort((p, q) => q.diff / q.allowed - p.diff / p.allowed);
  return {
    symbol,
    sourceA: a.name,
    sourceB: b.name,
    contractsA: a.contracts.length,
    contractsB: b.contracts.length,
    matched,
    onlyInA: a.contracts.length - matched,
    onlyInB: b.contracts.filter((c) => !aKeys.has(c.key)).length,
    discrepancies: out,
    ok: out.length === 0 && matched > 0,
  };
}

export function renderDiscrepancies(reports: readonly DiscrepancyReport[]): string {
  return reports
    .map((r) => {
      const head = `${r.symbol}: ${r.sourceA} (${r.contractsA}) vs ${r.sourceB} (${r.contractsB}); matched ${r.matched}, only in ${r.sourceA} ${r.onlyInA}, only in ${r.sourceB} ${r.onlyInB}; ${r.discrepancies.length} beyond tolerance`;
      if (r.matched === 0)
        return `${head}\nNo contract (type, expiration, strike) is in both sources: nothing was compared.\n`;
      if (r.discrepancies.length === 0) return `${head}\n`;
      const t = textTable(
        ['Contract', 'Field', r.sourceA, r.sourceB, 'Diff', 'Allowed'],
        r.discrepancies
          .slice(0, 15)
          .map((d) => [
            d.key,
            d.field,
            fmtNum(d.a, 4),
            fmtNum(d.b, 4),
            fmtNum(d.diff, 4),
            fmtNum(d.allowed, 4),
          ]),
      );
      return `${head}\n${t}\n`;
    })
    .join('\n');
}
