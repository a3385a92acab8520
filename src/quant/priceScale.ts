/**
 * A power of two near K by which S, K and prices can be divided and multiplied back exactly (prices are
 * homogeneous of degree 1 in (S, K)); 1 for K in [2⁻⁶⁴, 2⁶⁴], zero, infinite or NaN, which need none. Why: kernels
 * that form S·S, h², S^β or I₁·I₂ overflow or underflow long before S and K do (measured: Bjerksund-Stensland
 * fell back to the European price from S = K = 1e155, American gamma was 1 % off at 1e-160 and 0 or ∞ beyond).
 */
export function priceScale(K: number): number {
  if (K <= 2 ** 64 && K >= 2 ** -64) return 1;
  if (!(K > 0 && K < Number.POSITIVE_INFINITY)) return 1;
  return 2 ** Math.floor(Math.log2(K));
}
