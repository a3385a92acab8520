/**
 * `ops validate-api-data`: fetch a sample from each provider in use and check it — the payload
 * parses (each adapter validates its schema; a failure is reported here), quotes are fresh, bid ≤
 * ask, put-call parity holds within the spreads, and the provider's deltas agree with deltas
 * recomputed from its own IVs (BSM with the stock's dividend yield).
 */
import type { MarketDataProvider } from '../market/provider.js';
import { bsGreeks } from '../quant/bsGreeks.js';
import { chainContracts } from './contractQuotes.js';
import { textTable } from './text.js';

export interface ApiDataCheck {
  provider: string;
  symbol: string;
  check: 'fetch' | 'freshness' | 'bid_le_ask' | 'put_call_parity' | 'greeks';
  checked: number;
  failed: number;
  ok: boolean;
  detail: string;
}

export interface ApiDataReport {
  checkedAt: string;
  ok: boolean;
  checks: ApiDataCheck[];
}

export interface ApiDataOptions {
  symbols: readonly string[];
  asOf: number;
  /** Quotes older than this are stale (settings constraints.max_quote_age_seconds). */
  maxQuoteAgeSeconds: number;
  /** Risk-free rate for parity and greeks, fraction (default 0.042). */
  rate?: number;
  /** Expirations sampled per symbol (nearest first, default 2). */
  expirations?: number;
  /** Share of contracts allowed to fail a check before it counts as failed (default 0.05). */
  tolerance?: number;
  deltaTolerance?: number;
}

async function sample(
  p: MarketDataProvider,
  symbol: string,
  o: ApiDataOptions,
  push: (c: ApiDataCheck) => void,
) {
  const base = { provider: p.name, symbol };
  if (!p.getQuotes || !p.getExpirations || !p.getChain) {
    push({
      ...base,
      check: 'fetch',
      checked: 0,
      failed: 0,
      ok: true,
      detail: 'provider serves no option chains',
    });
    return;
  }
  const ctx = { asOf: o.asOf };
  let quote: Awaited<ReturnType<NonNullable<MarketDataProvider['getQuotes']>>>[number] | undefined;
  let chain: Awaited<ReturnType<NonNullable<MarketDataProvider['getChain']>>>;
  try {
    quote = (await p.getQuotes([symbol], ctx))[0];
    const exps = (await p.getExpirations(symbol, ctx)).filter((e) => Date.parse(`${e}T21:00:00Z`) > o.asOf);
    chain = await p.getChain(symbol, exps.slice(0, o.expirations ?? 2), ctx);
  } catch (e) {
    push({ ...base, check: 'fetch', checked: 1, failed: 1, ok: false, detail: (e as Error).message });
    return;
  }
  const contracts = chainContracts(chain);
  push({
    ...base,
    check: 'fetch',
    checked: 1,
    failed: 0,
    ok: true,
    detail: `${contracts.length} contracts, spot ${chain.spot}`,
  });
  const tol = o.tolerance ?? 0.05;
  const verdict = (check: ApiDataCheck['check'], checked: number, failed: number, detail: string) =>
    push({ ...base, check, checked, failed, ok: checked === 0 || failed / checked <= tol, detail });

  const maxAge = o.maxQuoteAgeSeconds * 1000;
  const timed = contracts.filter((c) => Number.isFinite(c.quoteTime));
  const stale = timed.filter((c) => o.asOf - c.quoteTime > maxAge).length;
  verdict('freshness', timed.length, stale, `${stale} quote(s) older than ${o.maxQuoteAgeSeconds} s`);

  const quoted = contracts.filter((c) => Number.isFinite(c.bid) && Number.isFinite(c.ask) && c.ask > 0);
  const crossed = quoted.filter((c) => c.bid > c.ask).length;
  verdict('bid_le_ask', quoted.length, crossed, `${crossed} crossed quote(s)`);

  const r = o.rate ?? 0.042;
  const q = quote?.dividendYield ?? 0;
  const S = chain.spot;
  let parityChecked = 0;
  let parityFailed = 0;
  let greeksChecked = 0;
  let greeksFailed = 0;
  for (const e of chain.expirations) {
    const T = (e.expiryTime - o.asOf) / (365 * 86_400_000);
    if (!(T > 0)) continue;
    for (let i = 0; i < e.strikes.length; i++) {
      const K = e.strikes[i];
      const c = e.calls;
      const pu = e.puts;
      if (c.ask[i] > 0 && pu.ask[i] > 0 && c.bid[i] >= 0 && pu.bid[i] >= 0) {
        parityChecked++;
        const lhs = (c.bid[i] + c.ask[i]) / 2 - (pu.bid[i] + pu.ask[i]) / 2;
        const rhs = S * Math.exp(-q * T) - K * Math.exp(-r * T);
        // Within the two half-spreads, plus the early-exercise premium allowance of American options.
        const slack = (c.ask[i] - c.bid[i]) / 2 + (pu.ask[i] - pu.bid[i]) / 2 + 0.01 * S * T + 0.05;
        if (Math.abs(lhs - rhs) > slack) parityFailed++;
      }
      for (const [type, col] of [
        ['call', c],
        ['put', pu],
      ] as const) {
        if (!(col.iv[i] > 0) || !Number.isFinite(col.delta[i])) continue;
        greeksChecked++;
        const model = bsGreeks(type, S, K, T, r, q, col.iv[i]).delta;
        if (Math.abs(model - col.delta[i]) > (o.deltaTolerance ?? 0.05)) greeksFailed++;
      }
    }
  }
  verdict(
    'put_call_parity',
    parityChecked,
    parityFailed,
    `${parityFailed} strike(s) outside the parity band`,
  );
  verdict('greeks', greeksChecked, greeksFailed, `${greeksFailed} delta(s) off the BSM delta of their IV`);
}

export async function validateApiData(
  providers: readonly MarketDataProvider[],
  o: ApiDataOptions,
): Promise<ApiDataReport> {
  const checks: ApiDataCheck[] = [];
  for (const p of providers) for (const s of o.symbols) await sample(p, s, o, (c) => checks.push(c));
  return { checkedAt: new Date().toISOString(), ok: checks.every((c) => c.ok), checks };
}

export function renderApiData(r: ApiDataReport): string {
  return `${textTable(
    ['Provider', 'Symbol', 'Check', 'Checked', 'Failed', 'Result', 'Detail'],
    r.checks.map((c) => [c.provider, c.symbol, c.check, c.checked, c.failed, c.ok ? 'ok' : 'FAIL', c.detail]),
  )}\n\nAPI data: ${r.ok ? 'OK' : 'PROBLEMS FOUND'}\n`;
}
