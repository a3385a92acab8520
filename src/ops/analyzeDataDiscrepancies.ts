/**
 * `ops analyze-data-discrepancies`: the same contracts from two sources — two providers (Tradier
 * vs Yahoo) or the stored snapshot vs a fresh fetch — matched by (type, expiration, strike);
 * differences beyond tolerance are listed, worst first. A mid difference counts when it exceeds
 * the two half-spreads plus `priceTolerance` (quotes taken at different moments legitimately move
 * inside their spreads); an IV difference when above `ivTolerance` (vol points / 100). No contract
 * in common is a finding too (`ok: false`): nothing was compared, so nothing was shown to agree.
 *
 * A stored snapshot is hours or days old: the underlying has moved and time has passed, so its mids are carried
 * forward before they are compared (`carryForward`) — by δ·ΔS + ½γ·ΔS² + θ·Δt with the snapshot's own greeks. ΔS
 * per expiration is the move put-call parity implies (the median over strikes of the change in call mid − put
 * mid), so no stored spot is needed; it is reported, so an implied move the underlying never made shows. Without
 * it a 1 % move of the underlying listed every contract of the chain as a discrepancy.
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
  /**
   * With `carryForward`: the parity-implied move of the underlying from A to B per expiration ($; absent where no
   * strike had a call and a put quoted in both), by which A's mids were carried forward.
   */
  impliedMoves?: Record<string, number>;
  /** No difference beyond tolerance, and at least one contract compared. */
  ok: boolean;
}

const mid = (c: ContractQuote) => (c.bid + c.ask) / 2;
const MS_PER_DAY = 86_400_000;

/** Median of the per-strike changes in call mid − put mid from `a` to `b`, per expiration. */
function parityMoves(
  a: readonly ContractQuote[],
  byKey: Map<string, ContractQuote>,
): Record<string, number[]> {
  const calls = new Map(a.filter((c) => c.type === 'call').map((c) => [`${c.expiration}|${c.strike}`, c]));
  const out: Record<string, number[]> = {};
  for (const p of a) {
    if (p.type !== 'put') continue;
    const c = calls.get(`${p.expiration}|${p.strike}`);
    const c2 = c && byKey.get(c.key);
    const p2 = byKey.get(p.key);
    if (!c || !c2 || !p2) continue;
    const d = mid(c2) - mid(p2) - (mid(c) - mid(p));
    if (!Number.isFinite(d)) continue;
    out[p.expiration] ??= [];
    out[p.expiration].push(d);
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function compareContracts(
  symbol: string,
  a: { name: string; contracts: readonly ContractQuote[] },
  b: { name: string; contracts: readonly ContractQuote[] },
  opts: { priceTolerance?: number; ivTolerance?: number; carryForward?: boolean } = {},
): DiscrepancyReport {
  const pt = opts.priceTolerance ?? 0.05;
  const it = opts.ivTolerance ?? 0.05;
  const byKey = new Map(b.contracts.map((c) => [c.key, c]));
  const moves: Record<string, number> = {};
  if (opts.carryForward)
    for (const [e, ds] of Object.entries(parityMoves(a.contracts, byKey))) moves[e] = median(ds);
  const out: Discrepancy[] = [];
  let matched = 0;
  for (const x of a.contracts) {
    const y = byKey.get(x.key);
    if (!y) continue;
    matched++;
    if ([x.bid, x.ask, y.bid, y.ask].every(Number.isFinite)) {
      let ma = mid(x);
      if (opts.carryForward) {
        const dS = moves[x.expiration] ?? 0;
        const days = (y.quoteTime - x.quoteTime) / MS_PER_DAY;
        ma +=
          (Number.isFinite(x.delta) ? x.delta * dS : 0) +
          (Number.isFinite(x.gamma) ? 0.5 * x.gamma * dS * dS : 0) +
          (Number.isFinite(x.theta) && days > 0 ? x.theta * days : 0);
      }
      const diff = Math.abs(ma - mid(y));
      const allowed = Math.max(0, x.ask - x.bid) / 2 + Math.max(0, y.ask - y.bid) / 2 + pt;
      if (diff > allowed) out.push({ key: x.key, field: 'mid', a: ma, b: mid(y), diff, allowed });
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
    ...(opts.carryForward ? { impliedMoves: moves } : {}),
    ok: out.length === 0 && matched > 0,
  };
}

export function renderDiscrepancies(reports: readonly DiscrepancyReport[]): string {
  return reports
    .map((r) => {
      const head = `${r.symbol}: ${r.sourceA} (${r.contractsA}) vs ${r.sourceB} (${r.contractsB}); matched ${r.matched}, only in ${r.sourceA} ${r.onlyInA}, only in ${r.sourceB} ${r.onlyInB}; ${r.discrepancies.length} beyond tolerance`;
      if (r.matched === 0)
        return `${head}\nNo contract (type, expiration, strike) is in both sources: nothing was compared.\n`;
      const moves = Object.entries(r.impliedMoves ?? {});
      const carried = r.impliedMoves
        ? `\n${r.sourceA}'s mids carried forward (δ·ΔS + ½γ·ΔS² + θ·Δt) by the parity-implied move of the underlying: ${
            moves.length
              ? moves.map(([e, m]) => `${e} ${m >= 0 ? '+' : ''}${fmtNum(m, 2)}`).join(', ')
              : 'none found'
          }`
        : '';
      if (r.discrepancies.length === 0) return `${head}${carried}\n`;
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
      return `${head}${carried}\n${t}\n`;
    })
    .join('\n');
}
