/** Option right. */
export type OptionType = 'call' | 'put';

/** Greeks in raw-derivative units: theta per year, vega and rho per 1.00 change of vol / rate. */
export interface Greeks {
  price: number;
  delta: number;
  gamma: number;
  theta: number;
  vega: number;
  rho: number;
}

/** Early-exercise pricing methods of `americanPrice`. */
export type AmericanMethod = 'baw' | 'bjerksund' | 'alo' | 'binomial';
