/**
 * Candidate generation over a synthetic ~500-ticker universe: 9 weekly expirations in a 60-day window,
 * 51 strikes each, every strategy enabled, the shipped settings' limits. Reports candidates evaluated per
 * second (the fast path: leg rules once per contract, arithmetic pre-checks, POP for survivors, objects
 * only for passing trades) and, for contrast, the same scan building every candidate (no limits).
 */
import { STRATEGY_NAMES } from '../../src/config/schema.js';
import { generateCandidates } from '../../src/strategies/generate.js';
import type { HardLimits } from '../../src/strategies/hardRules.js';
import type { GenerationParams } from '../../src/strategies/types.js';
import { syntheticChain } from '../../test/strategies/syntheticChain.js';
import { measure, mulberry32 } from '../harness.js';

const AS_OF = Date.parse('2026-11-20T15:30:00.000Z');
const TICKERS = 500;

const limits: HardLimits = {
  minPop: 0.65,
  minCreditRatio: 0.33,
  maxLoss: 500,
  maxCapital: 5000,
  maxQuoteAgeMs: 600_000,
  minOpenInterest: 100,
  minVolume: 10,
  maxBidAskPct: 0.1,
  minDte: 15,
  maxDte: 45,
  minDaysToEarnings: 0,
};

const params: GenerationParams = {
  strategies: STRATEGY_NAMES,
  minDte: 15,
  maxDte: 45,
  shortDeltaMin: 0.1,
  shortDeltaMax: 0.3,
  spreadWidths: [1, 2.5, 5, 10],
  calendarBackDteMin: 30,
  calendarBackDteMax: 75,
  assumeStockOwned: false,
  contracts: 1,
  limits,
};

export default function run(filteredOnly = false): void {
  const rnd = mulberry32(42);
  const t0 = performance.now();
  const chains = Array.from({ length: TICKERS }, (_, i) =>
    syntheticChain({
      underlying: `T${i}`,
      spot: 10 + 590 * rnd(),
      asOf: AS_OF,
      dtes: [4, 11, 18, 25, 32, 39, 46, 53, 60],
      vol: 0.15 + 0.5 * rnd(),
      rnd,
    }),
  );
  console.log(`built ${TICKERS} synthetic chains in ${(performance.now() - t0).toFixed(0)} ms`);
  const ctx = (spot: number) => ({
    asOf: AS_OF,
    riskFreeRate: 0.042,
    dividendYield: 0.01,
    underlying: { bid: spot - 0.01, ask: spot + 0.01, time: AS_OF - 1000 },
  });

  const pass = (p: GenerationParams) => {
    let evaluated = 0;
    let emitted = 0;
    for (const c of chains) {
      const r = generateCandidates(c, ctx(c.spot), p);
      evaluated += r.stats.evaluated;
      emitted += r.stats.emitted;
    }
    return { evaluated, emitted };
  };
  for (let i = 0; i < 3; i++) pass(params); // JIT warm-up
  const walls: number[] = [];
  const cpu0 = process.cpuUsage();
  let last = { evaluated: 0, emitted: 0 };
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    last = pass(params);
    walls.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / walls.length;
  walls.sort((a, b) => a - b);
  const wall = walls[2];
  console.log(
    `${'generate, shipped limits (wall, median of 5)'.padEnd(48)} ${(last.evaluated / wall / 1000).toFixed(2).padStart(8)} M candidates/s  ` +
      `(${last.evaluated} evaluated, ${last.emitted} passed, ${wall.toFixed(0)} ms for ${TICKERS} tickers)`,
  );
  console.log(
    `${'  same, per CPU second (less load-sensitive)'.padEnd(48)} ${(last.evaluated / cpuMs / 1000).toFixed(2).padStart(8)} M candidates/s  ` +
      `(${cpuMs.toFixed(0)} ms CPU per pass)`,
  );
  if (filteredOnly) return;
  const open = { ...params, limits: undefined };
  let built = 0;
  const all = measure(
    'generate, no limits (every candidate built)',
    1,
    () => {
      let n = 0;
      for (const c of chains) n += generateCandidates(c, ctx(c.spot), open).trades.length;
      built = n;
      return n;
    },
    3,
    1,
  );
  console.log(
    `${'generate, no limits (objects for all)'.padEnd(48)} ${((built * all.opsPerSec) / 1e6).toFixed(2).padStart(8)} M candidates/s  ` +
      `(${built} built, ${(1000 / all.opsPerSec).toFixed(0)} ms)`,
  );
  const mem = process.memoryUsage();
  console.log(
    `RSS ${(mem.rss / 2 ** 20).toFixed(0)} MB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB`,
  );
  console.log('(shared 2-core machine: figures are approximate)');
}
