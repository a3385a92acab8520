/**
 * The quant core as a library (`options-engine/quant`): pure functions on numbers and Float64Arrays.
 * Units: prices in currency per unit of underlying; rates, yields and vols as annual fractions
 * (continuously compounded); T in years; greeks in raw derivatives (theta per year, vega and rho per
 * 1.00 change). See each module for the paper or formula it implements.
 */

// American options: Barone-Adesi-Whaley (1987), Bjerksund-Stensland (2002), Andersen-Lake-Offengenden (2016), CRR lattice.
export {
  ALO_DEFAULTS,
  ALO_FAST,
  ALO_HIGH_PRECISION,
  type AloOptions,
  aloDiscretisation,
  aloPrice,
} from './american/alo.js';
export { bawPrice } from './american/baw.js';
export { BINOMIAL_DEFAULT_STEPS, type BinomialSmoothing, binomialPrice } from './american/binomial.js';
export { bivariateNormalCdf } from './american/bivariateNormal.js';
export { bjerksundStensland2002Price } from './american/bjerksund2002.js';
export { americanGreeks } from './americanGreeks.js';
export { type AmericanImpliedVolOptions, americanImpliedVol } from './americanImpliedVol.js';
export { type AmericanPriceOptions, americanPrice } from './americanPrice.js';
// Black-Scholes-Merton (Merton 1973) with continuous dividend yield.
export { type BatchInput, type BatchRights, bsGreeksBatch, bsPriceBatch } from './bsBatch.js';
export { bsGreeks, bsGreeksInto, type GreeksArrays, greeksArrays } from './bsGreeks.js';
export { bsPrice, bsPriceDiscounted } from './bsPrice.js';
export { expectedMove } from './expectedMove.js';
// Implied volatility (Jäckel, "Let's Be Rational", 2015).
export { impliedVol, impliedVolBatch, normalisedImpliedVol } from './impliedVol.js';
// Monte Carlo under GBM with antithetic variates.
export { type McEstimate, type MonteCarloInput, type MonteCarloResult, monteCarlo } from './monteCarlo.js';
// Normal distribution (Cody 1969 erf/erfc/erfcx; Wichura AS241 quantile).
export { erf, erfc, erfcx, normCdf, normInv, normPdf } from './normal.js';
// Probability of profit of piecewise-linear payoffs.
export {
  breakevens,
  expectedPnl,
  legValueAt,
  type PayoffLeg,
  type PayoffLegType,
  type PayoffRange,
  payoffAt,
  payoffRange,
  pop,
} from './pop.js';
// Lognormal terminal probabilities.
export { probAbove, probBelow, probBetween, realWorldDrift, riskNeutralDrift } from './probability.js';
export { createRng, Rng } from './random.js';
// The same on a volatility smile: N(d2) less the slope's vega term (the market's digital).
export { probAboveSmile, probBelowSmile, smileTermBound } from './smileProbability.js';
export {
  CONSTANT_MATURITY_T,
  constantMaturityIv,
  IV_LOOKBACK_DAYS,
  ivPercentile,
  ivRank,
  mean,
  percentileRank,
  stdev,
  zScore,
} from './stats.js';
export {
  atr,
  type Bollinger,
  bollinger,
  ema,
  HV_WINDOWS,
  historicalVolatility,
  logReturns,
  type Macd,
  macd,
  momentum,
  momentumZScore,
  realizedVolPercentile,
  rollingZScore,
  rsi,
  type Series,
  sma,
  TRADING_DAYS_PER_YEAR,
  trueRange,
  type VolRegime,
  volatilityRegime,
  vwap,
  wilderSmooth,
} from './technicals.js';
// Barrier hitting probabilities (reflection principle; Broadie-Glasserman-Kou continuity correction).
export { BGK_BETA, probTouch, probTouchDiscrete } from './touch.js';
export type { AmericanMethod, Greeks, OptionType } from './types.js';
