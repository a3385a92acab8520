/** Small deterministic scans, trades and option chains for store tests. */
import type { ExpiryChain, OptionChain, OptionColumns } from '../../../src/market/types.js';
import { newScanId, type ScanRecord } from '../../../src/store/scansRepo.js';
import type { TradeRecord } from '../../../src/store/tradesRepo.js';

export function makeScan(over: Partial<ScanRecord> = {}): ScanRecord {
  return {
    id: newScanId(),
    startedAt: new Date('2026-11-25T14:30:00Z'),
    finishedAt: new Date('2026-11-25T14:30:09.500Z'),
    status: 'completed',
    source: 'cli',
    asOf: new Date('2026-11-25T14:30:00Z'),
    params: { universe: 'default', strategies: ['iron_condor', 'put_credit_spread'], min_pop: 0.65 },
    timings: { collect: 812.4, analyze: 40.2, generate: 120, filter: 15.5, score: 35.1, select: 2 },
    counts: { tickers: 3, candidates: 420, rejected: { min_pop: 300, max_loss: 100 } },
    errors: [{ stage: 'collect', ticker: 'XYZ', message: 'no chain' }],
    ...over,
  };
}

export function makeTrades(n: number): TradeRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    rank: i + 1,
    ticker: ['AAPL', 'MSFT', 'SPY', 'PLTR', 'XOM'][i % 5],
    strategy: 'put_credit_spread',
    legs: [
      { side: 'sell', type: 'put', strike: 95 - i, expiration: '2026-12-18', quantity: 1, price: 1.2 },
      { side: 'buy', type: 'put', strike: 90 - i, expiration: '2026-12-18', quantity: 1, price: 0.45 },
    ],
    expiration: '2026-12-18',
    pop: 0.72 - i * 0.01,
    score: 0.81 - i * 0.02,
    netPremium: 0.75,
    maxProfit: 75,
    maxLoss: 425,
    capitalRequired: 425,
    delta: 0.12,
    gamma: -0.01,
    theta: 0.02,
    vega: -0.05,
    metrics: { credit_ratio: 0.176, breakevens: [94.25], liquidity: 0.9 },
    scoreComponents: { pop: 0.8, iv_rank: 0.6, momentum: 0.1, flow: 0, risk_reward: 0.3, liquidity: 0.9 },
    thesis: `High IV rank; short put below support ${i}.`,
  }));
}

function columns(
  prefix: string,
  n: number,
  type: 'C' | 'P',
  expiry: string,
  strikes: Float64Array,
  t: number,
): OptionColumns {
  const f = (g: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => g(i));
  const yymmdd = expiry.slice(2).replaceAll('-', '');
  return {
    symbols: Array.from(
      strikes,
      (k) => `${prefix}${yymmdd}${type}${String(Math.round(k * 1000)).padStart(8, '0')}`,
    ),
    bid: f((i) => 1 + i * 0.1),
    ask: f((i) => 1.1 + i * 0.1),
    last: f((i) => (i % 3 === 0 ? Number.NaN : 1.05 + i * 0.1)),
    volume: f((i) => i * 10),
    openInterest: f((i) => i * 100),
    iv: f((i) => 0.2 + i * 0.001),
    delta: f((i) => (type === 'C' ? 0.9 - i * 0.01 : -0.1 - i * 0.01)),
    gamma: f(() => 0.01),
    theta: f(() => -0.03),
    vega: f(() => 0.1),
    quoteTime: f(() => t - 1000),
  };
}

/** A chain of `nExp` expirations × `nStrikes` strikes (calls and puts) taken at `asOf`. */
export function makeChain(underlying: string, asOf: number, nExp = 2, nStrikes = 5): OptionChain {
  const expirations: ExpiryChain[] = [];
  for (let e = 0; e < nExp; e++) {
    const expiry = new Date(Date.UTC(2026, 11, 18 + 7 * e)).toISOString().slice(0, 10);
    const strikes = Float64Array.from({ length: nStrikes }, (_, i) => 90 + i * 2.5);
    expirations.push({
      expiration: expiry,
      expiryTime: Date.parse(`${expiry}T21:00:00Z`),
      expirationType: 'weekly',
      strikes,
      calls: columns(underlying, nStrikes, 'C', expiry, strikes, asOf),
      puts: columns(underlying, nStrikes, 'P', expiry, strikes, asOf),
    });
  }
  return { underlying, spot: 100, asOf, expirations };
}
