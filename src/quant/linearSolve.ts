/**
 * Solves A·x = b in place for n × n row-major A by Gaussian elimination with partial pivoting (b ← x);
 * false when A is singular or not finite.
 */
export function linearSolve(A: Float64Array, b: Float64Array, n: number): boolean {
  for (let c = 0; c < n; c++) {
    let p = c;
    let best = Math.abs(A[c * n + c]);
    for (let r = c + 1; r < n; r++) {
      const v = Math.abs(A[r * n + c]);
      if (v > best) {
        best = v;
        p = r;
      }
    }
    if (!(best > 0 && best < Number.POSITIVE_INFINITY)) return false;
    if (p !== c) {
      for (let j = c; j < n; j++) {
        const t = A[c * n + j];
        A[c * n + j] = A[p * n + j];
        A[p * n + j] = t;
      }
      const t = b[c];
      b[c] = b[p];
      b[p] = t;
    }
    const inv = 1 / A[c * n + c];
    for (let r = c + 1; r < n; r++) {
      const f = A[r * n + c] * inv;
      if (f === 0) continue;
      for (let j = c + 1; j < n; j++) A[r * n + j] -= f * A[c * n + j];
      b[r] -= f * b[c];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    let s = b[c];
    for (let j = c + 1; j < n; j++) s -= A[c * n + j] * b[j];
    b[c] = s / A[c * n + c];
  }
  return true;
}
