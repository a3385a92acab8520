/**
 * A full-universe scan on the simulated market (518 tickers, default settings): wall time by stage,
 * the compute part (everything after collection), candidates evaluated per second, and RSS.
 */
import { loadConfig } from '../../src/config/loadConfig.js';
import { createSimulatedProvider } from '../../src/market/providers/simulated/simulatedProvider.js';
import { universeSymbols } from '../../src/market/universe.js';
import { runScan } from '../../src/scan/runScan.js';
import type { ScanResult } from '../../src/scan/types.js';

export default async function run(): Promise<void> {
  const { settings } = loadConfig({ env: {} });
  const tickers = universeSymbols();
  const asOf = Date.parse('2026-11-20T15:30:00Z');
  const once = () =>
    runScan(
      {
        scanId: 'bench',
        asOf,
        tickers,
        settings,
        labels: { provider: 'simulated', fallback: null, seed: 42, universe: 'default' },
      },
      { primary: createSimulatedProvider({ seed: 42 }) },
    );
  await once(); // warm-up: JIT and the simulated market's tables
  const runs: ScanResult[] = [];
  for (let i = 0; i < 3; i++) runs.push(await once());
  const median = (f: (r: ScanResult) => number) => runs.map(f).sort((a, b) => a - b)[1];
  const stages = Object.keys(runs[0].stats.timingsMs) as (keyof ScanResult['stats']['timingsMs'])[];
  for (const s of stages)
    console.log(
      `  ${s.padEnd(10)} ${median((r) => r.stats.timingsMs[s])
        .toFixed(0)
        .padStart(7)} ms`,
    );
  const compute = median((r) => r.stats.timingsMs.total - r.stats.timingsMs.collect);
  const generate = median((r) => r.stats.timingsMs.generate);
  const evaluated = runs[0].stats.candidates.evaluated;
  console.log(
    `full-universe scan: ${tickers.length} tickers, ${runs[0].stats.contracts.checked} contracts, status ${runs[0].status}`,
  );
  console.log(`  compute part (all stages but collect)  ${compute.toFixed(0)} ms   target < 1500 ms`);
  console.log(
    `  candidates evaluated ${evaluated} → ${(evaluated / (generate / 1000) / 1e6).toFixed(2)} M/s in generate (median of 3)`,
  );
  console.log(`  RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB   target < 512 MB`);
}
