import type { OptionType } from '../types.js';

/**
 * American option value at zero volatility, price units: the path is deterministic, S_t = S·e^{(r−q)t},
 * so the value is max(0, max_{t∈[0,T]} e^{−rt}·payoff(S_t)), i.e. for a put max over t of
 * K·e^{−rt} − S·e^{−qt}. The maximum sits at t = 0, t = T or the stationary point
 * t* = ln(rK / (qS)) / (r − q) where r·K·e^{−rt} = q·S·e^{−qt}; all three are checked (exact).
 */
export function americanZeroVolPrice(
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
): number {
  const sign = type === 'call' ? -1 : 1; // value(t) = sign·(K·e^{−rt} − S·e^{−qt})
  const f = (t: number): number => sign * (K * Math.exp(-r * t) - S * Math.exp(-q * t));
  let best = Math.max(0, f(0), f(T));
  if (r !== q && S > 0 && K > 0) {
    const ratio = (r * K) / (q * S);
    if (ratio > 0) {
      const t = Math.log(ratio) / (r - q);
      if (t > 0 && t < T) best = Math.max(best, f(t));
    }
  }
  return best;
}
