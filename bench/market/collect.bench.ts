/**
 * Collection from the simulated market over the whole built-in universe (S&P 500 + liquid ETFs),
 * every expiration within 60 DTE: tickers/s and contracts/s, chains only and with every optional
 * item (2 years of bars, fundamentals, flow, IV history); then the data-quality pass and the cache
 * codec over the same chains; and what it means under Tradier's 120 requests/min.
 * Wall time depends on the load of this shared machine, so CPU time (user + system) of the process
 * is printed beside it: on an idle machine wall ≈ CPU.
 */
import { decodeChain, encodeChain } from '../../src/market/chainCodec.js';
import { type CollectResult, collectMarket, type OptionalKind } from '../../src/market/collector.js';
import { SimulatedProvider } from '../../src/market/providers/simulated/simulatedProvider.js';
import { assessChain } from '../../src/market/quality.js';
import { universeSymbols } from '../../src/market/universe.js';
import { formatRate, measure } from '../harness.js';

const AS_OF = Date.parse('2026-11-24T15:30:00Z'); // Tuesday 10:30 New York
const MAX_DTE = 60;
const ALL: OptionalKind[] = ['history', 'fundamentals', 'flow', 'ivHistory'];
const REPS = 3;

interface Run {
  result: CollectResult;
  wallMs: number;
  cpuMs: number;
}

async function collectOnce(
  provider: SimulatedProvider,
  asOf: number,
  optional: OptionalKind[],
): Promise<Run> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await collectMarket(universeSymbols(), {
    primary: provider,
    asOf,
    maxDte: MAX_DTE,
    concurrency: 16,
    optional,
  });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return { result, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Median of REPS collections, each at a new as-of (a minute apart: fresh quotes, nothing reused). */
async function collectMedian(
  provider: SimulatedProvider,
  label: string,
  optional: OptionalKind[],
  t: number,
) {
  const runs: Run[] = [];
  for (let i = 0; i < REPS; i++) runs.push(await collectOnce(provider, t + i * 60_000, optional));
  runs.sort((a, b) => a.wallMs - b.wallMs);
  const m = runs[Math.floor(REPS / 2)];
  const s = m.result.stats;
  console.log(
    `${label}: ${s.collected} tickers, ${s.contracts.toLocaleString('en-US')} contracts in ` +
      `${m.wallMs.toFixed(0)} ms wall / ${m.cpuMs.toFixed(0)} ms CPU`,
  );
  console.log(formatRate({ name: '  tickers', opsPerSec: (s.collected * 1000) / m.wallMs, reps: REPS }));
  console.log(formatRate({ name: '  contracts', opsPerSec: (s.contracts * 1000) / m.wallMs, reps: REPS }));
  return m.result;
}

export default async function run(): Promise<void> {
  const provider = new SimulatedProvider({ seed: 42 });
  // Warm-up a week earlier (JIT; the measured runs share no path segment cache entries' as-of).
  await collectOnce(provider, AS_OF - 7 * 86_400_000, ALL);

  const r = await collectMedian(provider, `chains only, ≤${MAX_DTE} DTE`, [], AS_OF);
  await collectMedian(provider, 'chains + bars, fundamentals, flow, IV history', ALL, AS_OF + 3_600_000);

  const contracts = r.stats.contracts;
  const quality = measure(
    'data quality (greeks recomputed), contracts',
    contracts,
    () => {
      let rejected = 0;
      for (const t of r.tickers) {
        rejected += assessChain(t.chain, {
          asOf: AS_OF,
          maxQuoteAgeSeconds: 600,
          maxSpreadPct: 0.1,
          riskFreeRate: 0.042,
          dividendYield: t.quote.dividendYield,
        }).rejected;
      }
      return rejected;
    },
    3,
    1,
  );
  console.log(formatRate(quality));

  let bytes = 0;
  const encoded = r.tickers.map((t) => encodeChain(t.chain));
  for (const s of encoded) bytes += s.length;
  console.log(
    formatRate(
      measure(
        'cache codec encode, contracts',
        contracts,
        () => r.tickers.map((t) => encodeChain(t.chain)).length,
        3,
        1,
      ),
    ),
  );
  console.log(
    formatRate(
      measure('cache codec decode, contracts', contracts, () => encoded.map(decodeChain).length, 3, 1),
    ),
  );

  const perTicker = r.stats.expirations / r.stats.collected;
  console.log(
    `contracts/ticker ${(contracts / r.stats.collected).toFixed(0)}, expirations/ticker ${perTicker.toFixed(1)}, ` +
      `cached chain ${(bytes / contracts).toFixed(1)} bytes/contract`,
  );
  // Tradier: 1 expirations request + 1 chain request per expiration in the window, quotes 100 per request.
  const requests = 1 + perTicker + 1 / 100;
  console.log(
    `Tradier at 120 req/min: ${requests.toFixed(2)} requests/ticker → ${Math.floor(1200 / requests)} tickers ` +
      `per 10-min freshness window; the whole universe needs ${((r.stats.requested * requests) / 120).toFixed(0)} min`,
  );
}
