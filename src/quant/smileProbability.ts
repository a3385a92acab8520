import { numberArgs } from './arguments.js';
import { normCdf, normPdf } from './normal.js';
import { logRatio, probAbove, probBelow } from './probability.js';

/**
 * Terminal probabilities that keep the volatility smile: the risk-neutral probability of S_T > K is the
 * digital −e^{rT}·∂C/∂K of the market's call prices (Breeden & Litzenberger 1978), and with C = BSM(K, σ(K))
 *   P(S_T > K) = N(d2) − K·√T·φ(d2)·σ'(K)
 * (Hull, "Options, Futures, and Other Derivatives", the digital under a smile): N(d2) at the strike's own
 * implied vol σ(K), less the vega term of the smile's slope σ'(K). Why: on a downward-sloping smile the flat
 * N(d2) overstates the chance of finishing above an upside strike (a call credit spread's POP read 0.80 where
 * its own quotes implied 0.66) and understates it above a downside one. Exact for a smile σ(K) differentiable
 * at the level (it is −e^{rT}·dC/dK itself, not a first-order expansion); clamped to [0, 1], which only a smile
 * that allows arbitrage reaches. S, level price units; T years; vol per √year; `slope` = dσ/dK per price unit
 * (per $1 of strike); drift m per year as in probability.ts (the formula is exact for the risk-neutral m = r − q).
 */

const SMILE_ARGS = ['S', 'level', 'T', 'vol', 'slope', 'drift'];

const clamp01 = (p: number) => (p < 0 ? 0 : p > 1 ? 1 : p);

/**
 * The largest size the smile term can have at `level`, a probability: level·√T·|σ'|/√(2π) (φ ≤ 1/√(2π)); level in
 * price units, T years, slope per √year per $1 of strike. A caller holding the flat probability p knows the smile
 * one within p ± this, without the exponential.
 */
export function smileTermBound(level: number, T: number, slope: number): number {
  return 0.3989422804014327 * level * Math.sqrt(T) * Math.abs(slope);
}

/**
 * P(S_T > level) (`above`) or P(S_T < level) on the smile, d2 computed once; a degenerate case (σ√T = 0, a level
 * of 0 or +∞, bad inputs) is the flat probability, which has no smile term.
 */
function onSmile(
  above: boolean,
  S: number,
  level: number,
  T: number,
  vol: number,
  slope: number,
  drift: number,
): number {
  const sd = vol * Math.sqrt(T);
  if (!(sd > 0 && S > 0 && level > 0 && level < Number.POSITIVE_INFINITY) || Number.isNaN(drift))
    return above ? probAbove(S, level, T, vol, drift) : probBelow(S, level, T, vol, drift);
  const d2 = (logRatio(S, level) + drift * T) / sd - 0.5 * sd; // as probAbove's: the same at slope 0
  const term = Number.isFinite(slope) ? level * Math.sqrt(T) * normPdf(d2) * slope : 0;
  return above ? clamp01(normCdf(d2) - term) : clamp01(normCdf(-d2) + term);
}

/**
 * P(S_T > level), a probability in [0, 1], on a smile with slope dσ/dK = `slope` at `level` (see the module doc):
 * S, level price units; T years; vol (σ at the level) per √year; slope per √year per price unit of strike (per $1,
 * not per 1 % of moneyness); drift per year (r − q risk-neutral). NaN for bad inputs. A slope that is not finite
 * (NaN: no smile could be read around the level) gives the flat probability, as slope 0.
 */
export function probAboveSmile(
  S: number,
  level: number,
  T: number,
  vol: number,
  slope: number,
  drift: number,
): number {
  numberArgs('probAboveSmile', SMILE_ARGS, S, level, T, vol, slope, drift);
  return onSmile(true, S, level, T, vol, slope, drift);
}

/**
 * P(S_T < level), a probability in [0, 1], on a smile with slope dσ/dK = `slope` at `level`: 1 − probAboveSmile,
 * from its own tail. Units as `probAboveSmile`: prices, years, vol per √year, slope per √year per $1 of strike.
 */
export function probBelowSmile(
  S: number,
  level: number,
  T: number,
  vol: number,
  slope: number,
  drift: number,
): number {
  numberArgs('probBelowSmile', SMILE_ARGS, S, level, T, vol, slope, drift);
  return onSmile(false, S, level, T, vol, slope, drift);
}
