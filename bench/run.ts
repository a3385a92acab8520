/**
 * Benchmark runner: `npm run bench [filter]`.
 * Runs every `bench/**\/*.bench.ts` (optionally only those whose path contains `filter`), each in a
 * fresh Node process one after the other, and awaits its default export. Why one process per file: a
 * kernel measured after other benches in the same process can inherit their JIT feedback (polymorphic
 * call sites, deoptimised shared helpers) and their heap, so its figure would depend on which benches
 * ran before it. Each bench prints its own figures; see bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

function findBenches(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findBenches(full));
    else if (entry.name.endsWith('.bench.ts')) out.push(full);
  }
  return out.sort();
}

async function runOne(file: string): Promise<void> {
  const mod = (await import(pathToFileURL(file).href)) as { default?: () => unknown };
  if (typeof mod.default !== 'function') throw new Error(`${file}: no default export function`);
  await mod.default();
}

if (process.argv[2] === '--one') {
  await runOne(process.argv[3]);
} else {
  const filter = process.argv[2];
  const files = findBenches(root).filter((f) => !filter || f.includes(filter));
  console.log(`# options-engine benchmarks — node ${process.version}, ${new Date().toISOString()}`);
  let failed = 0;
  for (const file of files) {
    console.log(`\n## ${relative(root, file)}`);
    const self = fileURLToPath(import.meta.url);
    const r = spawnSync(process.execPath, [...process.execArgv, self, '--one', file], { stdio: 'inherit' });
    if (r.status !== 0) {
      failed++;
      console.error(`${relative(root, file)}: exited with ${r.status ?? r.signal}`);
    }
  }
  if (failed) process.exitCode = 1;
}
