import { expect, it } from 'vitest';
import { mulberry32 } from '../bench/harness.js';

it('mulberry32 is deterministic for a seed', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  expect([a(), a(), a()]).toEqual([b(), b(), b()]);
});
