import { aloDiscretisation } from './american/alo.js';
import { BINOMIAL_DEFAULT_STEPS, binomialSpotGreeks } from './american/binomial.js';
import { LIMIT_LATTICE_STEPS } from './american/limits.js';
import { exerciseRegime } from './american/regime.js';
import { type AmericanPriceOptions, americanPrice } from './americanPrice.js';
import { americanMethod, bsNumbers, optionType } from './arguments.js';
import { bsGreeks } from './bsGreeks.js';
import { priceScale } from './priceScale.js';
import type { AmericanMethod, Greeks, OptionType } from './types.js';

/**
 * Relative spot step of the differences: for a price smooth to ε ≈ 1e-11·K (BAW, Bjerksund-Stensland and
 * ALO are; the ALO boundary does not depend on S at all), h = 1e-3·S leaves delta within ~h²·V‴/6 ≈ 1e-8 and
 * gamma within ~1e-6 relative while the rounding term 4ε/h² stays ≲ 1e-7. The lattice is only piecewise smooth
 * in S (node positions move with S), so where its node greeks do not apply it gets a wider step, for delta too.
 */
const SPOT_STEP = 1e-3;
const SPOT_STEP_LATTICE = 1e-2;
/**
 * … and at most this share of σ√T·S, at least 1e-6·S: the price bends on the scale σ√T·S, so an hour before
 * expiry (σ√T = 0.002) 1e-3·S was half a standard deviation and ALO's PDE theta, from that gamma, read 1.8 % off.
 */
const SPOT_STEP_SD = 0.05;
const SPOT_STEP_MIN = 1e-6;
/** Delta takes a tenth of the gamma step: its truncation error h²·V‴/6 reached 1e-6 at 1e-3·S (short, low vol). */
const DELTA_STEP_RATIO = 0.1;
/** Volatility and rate steps (absolute, per year): the price noise of the iterative methods (≤ 1e-10·K) / h ≪ 1e-5. */
const VOL_STEP = 1e-4;
const RATE_STEP = 1e-5;
/**
 * A price within this share of max(S, K) of the exercise value is taken as exercised (the greeks of K − S or
 * S − K): ALO's price there is the payoff to a few ulp, and one ulp above it passed the continuation test (the
 * PDE then gave a put 70/100 a theta of +5 a year where it is 0).
 */
const EXERCISE_TOL = 1e-12;
/** Maturity step, years (~9 hours), at most T/50; on the lattice one-sided when T is shorter than two steps. */
const TIME_STEP = 1e-3;

/**
 * Greeks of an American option under the chosen pricing method (default 'alo'), raw-derivative units like
 * `bsGreeks`: delta per unit of S, gamma per unit² of S, theta = ∂V/∂t per year (calendar time, = −∂V/∂T),
 * vega per 1.00 of vol, rho per 1.00 of r; price in price units. The American price has no closed-form
 * derivatives, so they are central differences of `americanPrice` (second order; one-sided in vol close to 0,
 * and on the lattice in T close to expiry, never below either), with steps sized to the method's smoothness and
 * to σ√T (see above);
 * the lattice's delta and gamma come from its own nodes instead (`binomialSpotGreeks`) — for every method in the
 * double-boundary regime, which all price on the lattice —, ALO's and the lattice's theta in the continuation
 * region from the Black-Scholes PDE (see below), and rho from rates in the centre's exercise regime (one-sided at
 * its edge: r = 0 for a put, r = q for a call with q ≤ 0). In the exercise
 * region (S beyond the boundary) the price is intrinsic and the greeks are those of K − S or S − K. Across
 * the boundary gamma jumps (the value is only C¹ there), so within one step of it gamma is an average.
 * Plain CRR ('binomial' without smoothing) prices oscillate with the node positions, in σ and r too: its vega is
 * ~0.5 % off at the median and up to ~9 % (281 realistic inputs against ALO; wider σ steps cross the exercise
 * boundary deep in the money and were worse). For lattice greeks use `smoothing: 'bbsr'` (vega ≤ 0.4 % there).
 * At T = 0 the limits of T → 0+: the payoff's greeks where exercise is then optimal, else `bsGreeks`' (delta a step,
 * ½ at the strike, the carry theta).
 * NaN fields for invalid input, as `americanPrice`.
 */
export function americanGreeks(
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
  method: AmericanMethod = 'alo',
  opts?: AmericanPriceOptions,
): Greeks {
  optionType(type);
  americanMethod(method);
  bsNumbers('americanGreeks', S, K, T, r, q, vol); // '100' + h was a string: a delta of −508
  const scale = priceScale(K);
  if (scale !== 1) {
    const g = americanGreeks(type, S / scale, K / scale, T, r, q, vol, method, opts);
    const { delta } = g;
    const [price, theta, vega, rho] = [g.price, g.theta, g.vega, g.rho].map((x) => x * scale);
    return { price, delta, gamma: g.gamma / scale, theta, vega, rho };
  }
  // ALO: every bump at the centre's discretisation (its κ-band and near-boundary rules would otherwise switch
  // resolution between bumps, a ~1e-10·K step that moved gamma by 1e-3 relative, measured)
  const o = method === 'alo' ? { ...opts, ...aloDiscretisation(type, S, K, T, r, q, vol, opts) } : opts;
  // … and the bumps of T, σ and r start their boundary from the last one solved (the centre's, then each
  // other's: one Newton sweep where a cold solve takes 2–4; see AloOptions.warmStart). The centre and the spot
  // bumps, which share the centre's boundary, are solved cold, so the result depends on the inputs only.
  const ow = method === 'alo' ? { ...o, warmStart: true } : opts;
  const v = (s: number, t: number, rr: number, sig: number) =>
    americanPrice(type, s, K, t, rr, q, sig, method, t === T && rr === r && sig === vol ? o : ow);
  const price = v(S, T, r, vol);
  if (!(price === price) || !(S > 0)) {
    const nan = Number.NaN;
    return { price, delta: nan, gamma: nan, theta: nan, vega: nan, rho: nan };
  }
  const w = type === 'call' ? 1 : -1;
  const ex = (s: number): number => w * (s - K); // exercise value
  const exTol = EXERCISE_TOL * Math.max(S, K);
  const regime = exerciseRegime(type, r, q);
  // at expiry the limits of T → 0+, not differences of a kink (a gamma of 1/h at the strike; the lattice's ±1 %
  // step gave an expired call 0.5 below its strike a delta of 0.25): the payoff's greeks where exercising is
  // optimal just before expiry — in the money, where the carry of waiting loses (r·K > q·S for a put, q·S > r·K
  // for a call: S < K·min(1, r/q) with q > 0 ≤ r, (r·K/q, K) in the double regime) —, else the European limits (a
  // step delta, ½ at the strike, and the carry theta: −5 a year for a call 110/100 at r = 5 %)
  if (T === 0) {
    const exercised = type === 'put' ? S < K && r * K > q * S : S > K && q * S > r * K;
    if (!exercised) return { ...bsGreeks(type, S, K, 0, r, q, vol), price };
    return { price, delta: w, gamma: 0, theta: 0, vega: 0, rho: 0 };
  }
  // inside the exercise region the value is the payoff for nearby S, t, σ and r alike; where early exercise never
  // pays (r = q = 0, say) a price at the payoff is a European one with no time value, and its greeks are not 0
  // — and only where the carry of waiting loses (r·K > q·S for a put), which holds in any exercise region: a put
  // 70/100 at r = 3 %, q = 5 % has a time value of T·|carry| below the tolerance at T ≲ 1e-10, and read theta 0
  // between the carry theta at T = 0 and at 1e-9
  const carryLoses = type === 'put' ? r * K > q * S : q * S > r * K;
  if (regime !== 'european' && carryLoses && price - ex(S) <= exTol)
    return { price, delta: w, gamma: 0, theta: 0, vega: 0, rho: 0 };
  // every method prices the double-boundary regime on the lattice (limits.ts, latticePrice): its greeks are the
  // lattice's own, as for 'binomial' — differences of its prices at 1e-3·S put gamma 6–13 % off there (measured)
  // — where its nodes are not closer than rounding allows: their gamma carries ~1e-14·S/(node spacing)², and below
  // σ√T = 1e-6 (nodes 7e-8·S apart) that grows past 1e-3 (it read 703 at σ√T = 7e-10 in the exercise region, where
  // gamma is 0); there the prices are differenced as the smooth methods' are
  const sd = vol * Math.sqrt(T);
  const onLattice = method === 'binomial' || regime === 'double';
  // (at σ = 0 the lattice is not used: every method prices the deterministic value, smooth between its kinks)
  const nodeGreeks = sd > 0 && (method === 'binomial' || (regime === 'double' && sd >= 1e-6));
  const hs =
    (nodeGreeks ? SPOT_STEP_LATTICE : Math.max(SPOT_STEP_MIN, Math.min(SPOT_STEP, SPOT_STEP_SD * sd))) * S;
  // the lattice: delta and gamma from its own nodes at time 0 (see binomialSpotGreeks)
  const nodes =
    method === 'binomial'
      ? binomialSpotGreeks(type, S, K, T, r, q, vol, opts?.steps ?? BINOMIAL_DEFAULT_STEPS, opts?.smoothing)
      : nodeGreeks
        ? binomialSpotGreeks(type, S, K, T, r, q, vol, LIMIT_LATTICE_STEPS, 'bbsr')
        : undefined;
  const up = nodes ? 0 : v(S + hs, T, r, vol);
  const down = nodes ? 0 : v(S - hs, T, r, vol);
  const gamma = nodes ? nodes.gamma : (up - 2 * price + down) / (hs * hs);
  const hd = nodeGreeks ? hs : DELTA_STEP_RATIO * hs;
  const delta = nodes
    ? nodes.delta
    : hd === hs
      ? (up - down) / (2 * hs)
      : (v(S + hd, T, r, vol) - v(S - hd, T, r, vol)) / (2 * hd);

  let theta = 0;
  if (
    (method === 'alo' && down - ex(S - hs) > exTol && price - ex(S) > exTol && up - ex(S + hs) > exTol) ||
    nodes?.continuation
  ) {
    // the whole spot stencil (ALO's, or the lattice's nodes) in the continuation region, where the price solves
    // the Black-Scholes PDE ∂V/∂t + ½σ²S²Γ + (r − q)SΔ − rV = 0 (ALO's to its accuracy; the lattice's to O(1/n):
    // plain CRR's T-differences were 0.2–1.6 % off, measured): theta from it needs no re-solve of the
    // boundary at T ± h and is the more accurate one — against T-differences at h → 0, 3e-7 relative where the
    // 1e-3-year difference was 2.8e-4 off (short-dated, T = 9 days; 290 random inputs: median gap 3.5e-7)
    theta = r * price - (r - q) * S * delta - 0.5 * vol * vol * S * S * gamma;
  } else if (T > 0 && !onLattice) {
    // ∂V/∂T by a central difference with a step of at most T/50: the price varies like √T near expiry, and a fixed
    // 1e-3-year step (one-sided below 2e-3 years) left BAW's theta 3 % off at half a day (measured against h → 0)
    const ht = Math.min(TIME_STEP, T / 50);
    theta = -(v(S, T + ht, r, vol) - v(S, T - ht, r, vol)) / (2 * ht);
  } else if (T > 0) {
    // the lattice's price is only piecewise smooth in T (its nodes move): the wider step, one-sided by expiry
    const ht = Math.min(TIME_STEP, T / 2);
    theta =
      T >= 2 * TIME_STEP
        ? -(v(S, T + ht, r, vol) - v(S, T - ht, r, vol)) / (2 * ht)
        : -(-3 * price + 4 * v(S, T + ht, r, vol) - v(S, T + 2 * ht, r, vol)) / (2 * ht);
  }
  const hv = VOL_STEP;
  const vega =
    vol >= 2 * hv
      ? (v(S, T, r, vol + hv) - v(S, T, r, vol - hv)) / (2 * hv)
      : (-3 * price + 4 * v(S, T, r, vol + hv) - v(S, T, r, vol + 2 * hv)) / (2 * hv);
  // rho from prices in the centre's exercise regime: a step across its edge (r = 0 for a put with q < 0: the lattice
  // below, BAW or Bjerksund above, 0.15 apart) divided a method switch by 2e-5 (a rho of −7602 where it is −69.5)
  const h = RATE_STEP;
  const inRegime = (rr: number) => exerciseRegime(type, rr, q) === regime;
  const rho =
    inRegime(r + h) || !inRegime(r - h) || !inRegime(r - 2 * h)
      ? inRegime(r - h) || !inRegime(r + 2 * h)
        ? (v(S, T, r + h, vol) - v(S, T, r - h, vol)) / (2 * h)
        : (-3 * price + 4 * v(S, T, r + h, vol) - v(S, T, r + 2 * h, vol)) / (2 * h)
      : (3 * price - 4 * v(S, T, r - h, vol) + v(S, T, r - 2 * h, vol)) / (2 * h);
  return { price, delta, gamma, theta, vega, rho };
}
