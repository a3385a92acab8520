/**
 * The forward volatility of [T1, T2] that two implied vols of one strike imply: total variance is additive in
 * time, so σ_fwd² = (σ2²·T2 − σ1²·T1)/(T2 − T1) (Hull, "Options, Futures, and Other Derivatives", the term
 * structure of volatility). Vols per √year, times in years from today, T2 > T1. 0 when the two imply a negative
 * forward variance (quotes at odds with each other: the back option is then worth no more than its time value at
 * zero vol), NaN when an input is not a number.
 */
export function forwardVol(vol1: number, t1: number, vol2: number, t2: number): number {
  const v = (vol2 * vol2 * t2 - vol1 * vol1 * t1) / (t2 - t1);
  return v > 0 ? Math.sqrt(v) : Number.isNaN(v) ? Number.NaN : 0;
}
