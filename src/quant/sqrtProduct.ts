/**
 * √(a·b) for positive a, b without the product's overflow or underflow: a·b is formed directly while it stays
 * in [1e-300, 1e300] (so ordinary magnitudes keep the one-rounding result), else as √a·√b. Why: prices are
 * homogeneous in (S, K), and √(fs·fk) overflowed to ∞ from S = K = 1e155 (NaN prices) and went subnormal
 * below 1e-154 (implied vols 5e-5 off).
 */
export function sqrtProduct(a: number, b: number): number {
  const p = a * b;
  return p < 1e300 && p > 1e-300 ? Math.sqrt(p) : Math.sqrt(a) * Math.sqrt(b);
}
