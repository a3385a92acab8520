import { numberArgs } from './arguments.js';

/**
 * One-standard-deviation expected move of the underlying over T years, in price units:
 *   move = S · σ · √T   (× nSigma),
 * the usual trader's approximation of the lognormal 1σ range (Natenberg, "Option Volatility and
 * Pricing", ch. 6: daily move ≈ S·σ/√252; for a calendar horizon use T = days/365). `vol` is per √year
 * (implied for the market's expectation, realized for history). T comes before vol, as in every other kernel
 * (`bsPrice(…, T, r, q, vol)`, `probAbove(S, level, T, vol, …)`); it came after, and a swap went unnoticed.
 * NaN for negative S, vol, T or nSigma (a move is a distance: −1σ is the same move, not a negative one).
 */
export function expectedMove(S: number, T: number, vol: number, nSigma = 1): number {
  numberArgs('expectedMove', ['S', 'T', 'vol', 'nSigma'], S, T, vol, nSigma);
  if (!(S >= 0 && vol >= 0 && T >= 0 && nSigma >= 0)) return Number.NaN;
  return nSigma * S * vol * Math.sqrt(T);
}
