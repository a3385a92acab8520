import type { OptionType } from '../types.js';

/**
 * Where early exercise can matter for an American option under constant r and q.
 * - 'european': early exercise is never optimal, the American price equals the European one
 *   (put with r ≤ 0 and q ≥ r; call with q ≤ 0 and r ≥ q);
 * - 'single': one exercise boundary (put with r > 0; call with q > 0; rates ≤ 1e-12 count as 0) — the case the quadratic,
 *   Bjerksund-Stensland and ALO methods are built for;
 * - 'double': two boundaries (put with q < r ≤ 0; call with r < q ≤ 0), Battauz, De Donno & Sbuelz,
 *   "Real options and American derivatives: the double continuation region", Mgmt. Sci. 61 (2015).
 * Calls follow from puts by the put-call symmetry C(S, K, r, q) = P(K, S, q, r) (McDonald & Schroder 1998).
 */
export type ExerciseRegime = 'european' | 'single' | 'double';

/** Rates (per year) at or below this count as zero for early exercise: the premium is then below ~1e-12·K·T. */
const MIN_RATE = 1e-12;

/** Early-exercise regime for option `type` with rate r and dividend yield q (both per year, continuous). */
export function exerciseRegime(type: OptionType, r: number, q: number): ExerciseRegime {
  const rr = type === 'call' ? q : r;
  const qq = type === 'call' ? r : q;
  if (rr > MIN_RATE) return 'single';
  return qq >= rr - MIN_RATE ? 'european' : 'double';
}
