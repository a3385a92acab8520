import { type AloOptions, aloPrice } from './american/alo.js';
import { bawPrice } from './american/baw.js';
import { BINOMIAL_DEFAULT_STEPS, type BinomialSmoothing, binomialPrice } from './american/binomial.js';
import { bjerksundStensland2002Price } from './american/bjerksund2002.js';
import { americanMethod, bsNumbers, optionType } from './arguments.js';
import type { AmericanMethod, OptionType } from './types.js';

/** Options of `americanPrice`: lattice steps/smoothing for 'binomial', discretisation for 'alo'. */
export interface AmericanPriceOptions extends AloOptions {
  /** 'binomial': number of time steps (default 801). */
  steps?: number;
  /** 'binomial': 'none' (plain CRR, default), 'bbs' or 'bbsr' (Broadie-Detemple smoothing, + Richardson). */
  smoothing?: BinomialSmoothing;
}

/**
 * American option price, price units, by the chosen method:
 * 'baw' Barone-Adesi & Whaley (1987) quadratic approximation (fastest; median error 2e-4·K, max ~5e-3·K),
 * 'bjerksund' Bjerksund & Stensland (2002) two-step flat boundary (a lower bound; median 2.5e-4·K, max ~2e-2·K),
 * 'alo' Andersen-Lake-Offengenden (2016) fixed-point boundary (high accuracy, see american/alo.ts),
 * 'binomial' Cox-Ross-Rubinstein lattice (`steps`, `smoothing`; the oracle with 'bbsr' smoothing and enough
 * steps — plain CRR at its default 801 steps is ~2.5e-5·K off at the money, it oscillates with the node positions).
 * S, K price units; T years; r, q continuously compounded per year; vol per √year. All methods return the
 * intrinsic value at T = 0 and the exact deterministic value at vol = 0. 'baw', 'bjerksund' and 'alo' return the
 * European price where early exercise is never optimal (put with r ≤ 0 and q ≥ r, call with q ≤ 0 and r ≥ q) and
 * use the lattice in the double-boundary case (put with q < r ≤ 0, call with r < q ≤ 0: 801 steps, 'bbsr' —
 * ~3e-6·K, not ALO's 1e-8); 'binomial' prices both on its own lattice (steps and smoothing), with its
 * discretisation error. NaN for NaN or negative S, K, T, vol, for infinite S, K, T and for vol = ∞. A `type` other
 * than 'call' / 'put' throws a TypeError, an unknown `method` a RangeError (a typo priced everything NaN), an
 * argument that is not a number a TypeError naming it (`null` was priced as 0), an option out of its domain a
 * RangeError naming it.
 */
export function americanPrice(
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
  method: AmericanMethod,
  opts?: AmericanPriceOptions,
): number {
  optionType(type);
  americanMethod(method);
  bsNumbers('americanPrice', S, K, T, r, q, vol);
  // σ = ∞ has no price: BAW, Bjerksund and the lattice gave NaN, ALO its European limit K·e^(−rT)
  if (vol === Number.POSITIVE_INFINITY) return Number.NaN;
  switch (method) {
    case 'baw':
      return bawPrice(type, S, K, T, r, q, vol);
    case 'bjerksund':
      return bjerksundStensland2002Price(type, S, K, T, r, q, vol);
    case 'alo':
      return aloPrice(type, S, K, T, r, q, vol, opts);
    case 'binomial':
      return binomialPrice(
        type,
        S,
        K,
        T,
        r,
        q,
        vol,
        opts?.steps ?? BINOMIAL_DEFAULT_STEPS,
        opts?.smoothing ?? 'none',
      );
  }
}
