/**
 * Basket selection over ~500 tickers' candidates (20 per ticker, 11 GICS sectors): time per selection and
 * search nodes, for a mixed book, a lopsided one (almost everything bullish and short vega, so the greedy
 * top-5 is infeasible and offsetting trades must be found), one where no 5-trade basket exists (the search
 * must prove it and fall back to fewer), and a 10-trade basket. The adversarial book gives 500 tickers the
 * same score distribution, so thousands of near-equal baskets sit inside the bound's gap: the search stops
 * at its node budget and reports the score's upper bound (the answer's distance from optimal).
 */
import type { BasketRules } from '../../src/selection/portfolio.js';
import { type SelectableTrade, selectBasket } from '../../src/selection/selector.js';
import { mulberry32 } from '../harness.js';

const SECTORS = [
  'Information Technology',
  'Health Care',
  'Financials',
  'Consumer Discretionary',
  'Communication Services',
  'Industrials',
  'Consumer Staples',
  'Energy',
  'Utilities',
  'Real Estate',
  'Materials',
];

type Shape = 'mixed' | 'lopsided' | 'uniform' | 'impossible';

function book(shape: Shape, seed: number, tickers = 500, perTicker = 20): SelectableTrade[] {
  const rnd = mulberry32(seed);
  const out: SelectableTrade[] = [];
  for (let t = 0; t < tickers; t++) {
    const sector = SECTORS[t % SECTORS.length];
    // Tickers differ in quality (IV rank, trend, liquidity); 'uniform' makes them all alike (many ties).
    const quality = shape === 'uniform' ? 1 : rnd();
    for (let k = 0; k < perTicker; k++) {
      let delta: number;
      let vega: number;
      if (shape === 'mixed') {
        delta = -0.2 + 0.4 * rnd();
        vega = -0.06 + 0.08 * rnd();
      } else if (shape === 'lopsided' || shape === 'uniform') {
        const offset = rnd() < 0.01; // 1 % bearish / long-vega candidates, ranked lower
        delta = offset ? -0.15 + 0.1 * rnd() : 0.08 + 0.12 * rnd();
        vega = offset ? 0.01 + 0.04 * rnd() : -0.03 + 0.02 * rnd();
      } else {
        delta = 0.05 + 0.1 * rnd();
        vega = -0.04 - 0.02 * rnd();
      }
      out.push({
        id: `T${t}-${k}`,
        ticker: `T${t}`,
        sector,
        strategy: `s${k % 8}`,
        score: 30 + 40 * quality + 20 * rnd() - (shape !== 'mixed' && delta < 0 ? 10 : 0),
        momentumZ: rnd() * 2 - 1,
        flowZ: 0,
        contracts: 1,
        greeks: { delta, vega },
        capitalRequired: 100 + 400 * rnd(),
      });
    }
  }
  return out;
}

const rules = (maxTrades: number): BasketRules => ({
  maxTrades,
  maxPerSector: 2,
  oneTradePerTicker: true,
  limits: { deltaMin: -0.3, deltaMax: 0.3, vegaMin: -0.05 },
  capitalScope: 'per_trade',
  availableCapital: 5000,
});

export default function run(): void {
  const cases: [string, SelectableTrade[], BasketRules][] = [
    ['mixed book, 5 trades', book('mixed', 1), rules(5)],
    ['lopsided book (greedy infeasible), 5 trades', book('lopsided', 2), rules(5)],
    ['lopsided, all tickers alike (adversarial)', book('uniform', 5), rules(5)],
    ['no 5-trade basket exists', book('impossible', 3), rules(5)],
    ['mixed book, 10 trades', book('mixed', 4), rules(10)],
  ];
  for (const [name, cands, r] of cases) {
    selectBasket(cands, r); // warm-up
    const times: number[] = [];
    let last = selectBasket(cands, r);
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      last = selectBasket(cands, r);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(
      `${name.padEnd(44)} ${times[2].toFixed(1).padStart(7)} ms  (${cands.length} candidates, pool ${last.pool}, ` +
        `${last.nodes} nodes, ${last.trades.length} trades, greedy ${last.greedyFeasible ? 'ok' : 'infeasible'}, ` +
        `${last.optimal ? 'optimal' : `budget hit, within ${((100 * (last.upperBound - last.totalScore)) / last.totalScore).toFixed(2)} % of optimal`})`,
    );
  }
  console.log('(median of 5; shared 2-core machine: figures are approximate)');
}
