/**
 * The scan as one JSON document (`scan --format json`); field names and units as documented in the
 * README ("JSON output"). Non-finite numbers become null; floats are rounded to 6 decimals.
 */
import type { RankedTrade, ScanResult } from '../scan/types.js';

// Beyond 1e9 six decimals are below a double's resolution anyway (and x·1e6 could overflow to Infinity).
const round = (x: number) =>
  Number.isFinite(x) ? (Math.abs(x) < 1e9 ? Math.round(x * 1e6) / 1e6 : x) : null;

/** Deep copy with numbers rounded and NaN/Infinity as null. */
function clean(v: unknown): unknown {
  if (typeof v === 'number') return round(v);
  if (Array.isArray(v)) return v.map(clean);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = clean(x);
    return out;
  }
  return v;
}

export function tradeJson(t: RankedTrade): Record<string, unknown> {
  return {
    rank: t.rank,
    ticker: t.ticker,
    sector: t.sector,
    strategy: t.label,
    underlyingPrice: t.underlyingPrice,
    contracts: t.contracts,
    expiration: t.expiration,
    dte: t.dte,
    legs: t.legs.map((l) => ({
      action: l.action,
      type: l.type,
      strike: l.strike,
      expiration: l.expiration,
      expiryTime: Number.isFinite(l.expiryTime) ? new Date(l.expiryTime).toISOString() : null,
      quantity: l.quantity,
      bid: l.bid,
      ask: l.ask,
      mid: l.mid,
      iv: l.iv,
      delta: l.delta,
      gamma: l.gamma,
      theta: l.theta,
      vega: l.vega,
      openInterest: l.openInterest,
      volume: l.volume,
      quoteTime: Number.isFinite(l.quoteTime) ? new Date(l.quoteTime).toISOString() : null,
    })),
    netCredit: t.netCredit,
    netCreditMid: t.netCreditMid,
    maxProfit: t.maxProfit,
    maxLoss: t.maxLoss,
    breakevens: t.breakevens,
    breakevenSigmas: t.breakevenSigmas,
    pop: t.pop,
    expectedValue: t.expectedValue,
    returnOnRisk: t.returnOnRisk,
    creditToMaxLoss: t.creditToMaxLoss,
    capitalRequired: t.capitalRequired,
    greeks: t.greeks,
    ivRank: t.ivRank,
    ivPercentile: t.ivPercentile,
    momentumZ: t.momentumZ,
    flowZ: t.flowZ,
    score: t.score,
    scoreComponents: t.scoreComponents,
    thesis: t.thesis,
  };
}

export function scanJson(result: ScanResult): Record<string, unknown> {
  return clean({
    scanId: result.scanId,
    asOf: result.asOf,
    status: result.status,
    message: result.message,
    params: result.params,
    trades: result.trades.map(tradeJson),
    portfolio: result.portfolio,
    stats: result.stats,
    skipped: result.skipped,
  }) as Record<string, unknown>;
}

export function renderJson(result: ScanResult): string {
  return `${JSON.stringify(scanJson(result), null, 2)}\n`;
}
