import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

it('exports the quant core as the package subpath options-engine/quant (built dist)', () => {
  const script = `import('options-engine/quant').then((q) => {
    const c = q.bsPrice('call', 100, 100, 1, 0.05, 0, 0.2);
    console.log(JSON.stringify({ c, iv: q.impliedVol('call', c, 100, 100, 1, 0.05, 0), n: Object.keys(q).length }));
  })`;
  const out = JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }),
  );
  // Hull's textbook value of the 1-year ATM call, S = K = 100, r = 5 %, σ = 20 %: 10.4506.
  expect(out.c).toBeCloseTo(10.4506, 4);
  expect(out.iv).toBeCloseTo(0.2, 12);
  expect(out.n).toBeGreaterThan(40);
});

it('ships its sources inside the source maps: the package holds dist/, not src/, so a map naming ../../src/… dangled', () => {
  const map = JSON.parse(readFileSync(`${root}dist/quant/bsPrice.js.map`, 'utf8'));
  expect(map.sources).toEqual(['../../src/quant/bsPrice.ts']);
  expect(map.sourcesContent?.[0]).toContain('export function bsPrice');
});

it('loads from CommonJS too (Node ≥ 20.19, which package.json engines asks for, requires ES modules)', () => {
  const script = `const q = require('options-engine/quant');
    console.log(JSON.stringify({ c: q.bsPrice('call', 100, 100, 1, 0.05, 0, 0.2) }));`;
  const out = JSON.parse(
    execFileSync(process.execPath, ['--input-type=commonjs', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'], // Node 20 warns that require(esm) is experimental
    }),
  );
  expect(out.c).toBeCloseTo(10.4506, 4);
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
  expect(pkg.engines.node).toBe('>=20.19');
});

it('names its type declarations in exports, for resolutions that read only exports', () => {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
  for (const sub of ['.', './quant']) {
    const entry = pkg.exports[sub];
    expect(Object.keys(entry)[0]).toBe('types'); // "types" must come first to be read
    expect(readFileSync(`${root}${entry.types}`, 'utf8')).toContain('export');
    expect(entry.default.replace(/\.js$/, '.d.ts')).toBe(entry.types);
  }
});
