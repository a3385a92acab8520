import { describe, expect, it } from 'vitest';
import { linearSolve } from '../../src/quant/linearSolve.js';

describe('linearSolve', () => {
  it('solves a system that needs row pivoting (zero leading entry)', () => {
    // [0 2 1; 1 1 1; 2 1 3]·x = b for x = (1, −2, 3)
    const A = new Float64Array([0, 2, 1, 1, 1, 1, 2, 1, 3]);
    const b = new Float64Array([0 * 1 + 2 * -2 + 3, 1 - 2 + 3, 2 - 2 + 9]);
    expect(linearSolve(A, b, 3)).toBe(true);
    expect(b[0]).toBeCloseTo(1, 14);
    expect(b[1]).toBeCloseTo(-2, 14);
    expect(b[2]).toBeCloseTo(3, 14);
  });

  it('reports a singular or non-finite matrix', () => {
    expect(linearSolve(new Float64Array([1, 2, 2, 4]), new Float64Array([1, 2]), 2)).toBe(false);
    expect(linearSolve(new Float64Array([Number.NaN, 0, 0, 1]), new Float64Array([1, 1]), 2)).toBe(false);
  });

  it('agrees with the residual on a random well-conditioned system', () => {
    const n = 12;
    const A = new Float64Array(n * n);
    let seed = 7;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647 - 0.5;
    };
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = rnd() + (i === j ? n : 0);
    const x = Float64Array.from({ length: n }, (_, i) => i - 5);
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] += A[i * n + j] * x[j];
    expect(linearSolve(A.slice(), b, n)).toBe(true);
    for (let i = 0; i < n; i++) expect(b[i]).toBeCloseTo(x[i], 12);
  });
});
