/**
 * Benchmark runner: `npm run bench [filter]`.
 * Imports every `bench/**\/*.bench.ts` (optionally only those whose path contains `filter`) and
 * awaits its default export. Each bench prints its own figures; see bench/README.md for results.
 */
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

const filter = process.argv[2];
const files = findBenches(root).filter((f) => !filter || f.includes(filter));
console.log(`# options-engine benchmarks — node ${process.version}, ${new Date().toISOString()}`);
for (const file of files) {
  console.log(`\n## ${relative(root, file)}`);
  const mod = (await import(pathToFileURL(file).href)) as { default?: () => unknown };
  if (typeof mod.default !== 'function') throw new Error(`${file}: no default export function`);
  await mod.default();
}
