import { bsPrice } from '../bsPrice.js';
import type { OptionType } from '../types.js';
import { binomialPrice } from './binomial.js';
import { exerciseRegime } from './regime.js';
import { americanZeroVolPrice } from './zeroVol.js';

/**
 * The American price where no early-exercise approximation is needed, price units, else `undefined`:
 * NaN for NaN or negative S, K, T, vol; the intrinsic value at T = 0; the European price when early exercise
 * is never optimal (see `exerciseRegime`); the deterministic value at σ√T < 1e-12; S or K = 0 (immediate
 * exercise or worthless); and the double-boundary regime (q < r ≤ 0 for puts), priced on the CRR lattice
 * with Broadie-Detemple smoothing and Richardson extrapolation (801 steps) since the one-boundary methods
 * do not apply there.
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
  if (!(S >= 0 && K >= 0 && T >= 0 && vol >= 0) || r !== r || q !== q) return Number.NaN;
  const intrinsic = type === 'call' ? (S > K ? S - K : 0) : K > S ? K - S : 0;
  if (T === 0) return intrinsic;
  const regime = exerciseRegime(type, r, q);
  if (regime === 'european') return Math.max(intrinsic, bsPrice(type, S, K, T, r, q, vol));
  // σ√T below 1e-12: the deterministic value, within ~0.4·max(S, K)·σ√T
  if (vol * Math.sqrt(T) < 1e-12) return Math.max(intrinsic, americanZeroVolPrice(type, S, K, T, r, q));
  if (regime === 'double') return binomialPrice(type, S, K, T, r, q, vol, 801, 'bbsr');
  if (S === 0 || K === 0) return intrinsic; // single regime: exercise at once (or worthless)
  return undefined;
}
