import { optionType } from '../arguments.js';
import { bsPrice } from '../bsPrice.js';
import type { OptionType } from '../types.js';
import { binomialPrice } from './binomial.js';
import { exerciseRegime } from './regime.js';
import { americanZeroVolPrice } from './zeroVol.js';

/** Steps of the lattice that prices the double-boundary regime for every method (`latticePrice`). */
export const LIMIT_LATTICE_STEPS = 801;

/** max(S − K, 0) for a call, max(K − S, 0) for a put, price units. */
function intrinsicValue(type: OptionType, S: number, K: number): number {
  return type === 'call' ? (S > K ? S - K : 0) : K > S ? K - S : 0;
}

/**
 * The American price where no early-exercise approximation is needed, price units, else `undefined` (a `type`
 * other than 'call' / 'put' throws a TypeError):
 * NaN for NaN or negative S, K, T, vol and for infinite S, K, T (ALO priced a put at S = ∞ as −∞, Bjerksund-Stensland
 * one at T = ∞ as 0; BAW gave NaN); the intrinsic value at T = 0; the European price when early exercise
 * is never optimal (see `exerciseRegime`); the deterministic value at σ√T < 1e-12; S or K = 0 (immediate
 * exercise or worthless); and the double-boundary regime (q < r ≤ 0 for puts), priced on the CRR lattice
 * with Broadie-Detemple smoothing and Richardson extrapolation (801 steps, see `latticePrice`) since the
 * one-boundary methods do not apply there.
 */
export function americanLimitPrice(
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
): number | undefined {
  // every method's entry point comes here first: a JavaScript caller's 'CALL' was a call to bawPrice and aloPrice
  // and a put to bjerksundStensland2002Price
  optionType(type);
  if (!(S >= 0 && K >= 0 && T >= 0 && vol >= 0) || r !== r || q !== q) return Number.NaN;
  if (!(S < Number.POSITIVE_INFINITY && K < Number.POSITIVE_INFINITY && T < Number.POSITIVE_INFINITY))
    return Number.NaN;
  const intrinsic = intrinsicValue(type, S, K);
  if (T === 0) return intrinsic;
  const regime = exerciseRegime(type, r, q);
  if (regime === 'european') return Math.max(intrinsic, bsPrice(type, S, K, T, r, q, vol));
  // σ√T below 1e-12: the deterministic value, within ~0.4·max(S, K)·σ√T
  if (vol * Math.sqrt(T) < 1e-12) return Math.max(intrinsic, americanZeroVolPrice(type, S, K, T, r, q));
  if (regime === 'double') return latticePrice(type, S, K, T, r, q, vol, LIMIT_LATTICE_STEPS);
  if (S === 0 || K === 0) return intrinsic; // single regime: exercise at once (or worthless)
  return undefined;
}

/**
 * The American price on the CRR lattice with Broadie-Detemple smoothing and Richardson extrapolation (`steps`
 * steps), floored at the intrinsic and the European value (price units): the fallback of the analytic methods
 * where they do not apply. The floor is a theorem (the holder may always wait, or exercise at once) that the
 * lattice's discretisation error can break: ~1e-9·K below the European price where early exercise barely pays.
 */
export function latticePrice(
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
  steps: number,
): number {
  const intrinsic = intrinsicValue(type, S, K);
  const floor = Math.max(intrinsic, bsPrice(type, S, K, T, r, q, vol));
  const v = binomialPrice(type, S, K, T, r, q, vol, steps, 'bbsr');
  return v < floor ? floor : v; // a NaN from the lattice stays NaN
}
