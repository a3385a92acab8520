/**
 * Technical indicators on price series. Every indicator takes `number[]` or `Float64Array` inputs and
 * returns Float64Arrays aligned with the input (same length, index i = value at bar i), with NaN during
 * the warm-up. Inputs are assumed gap-free after their first finite value; a NaN after the warm-up
 * propagates. Conventions follow Wilder (1978) and the StockCharts ChartSchool worked tables.
 */

/** A price, volume or indicator series. */
export type Series = ArrayLike<number>;

/** Realized-volatility regime of `volatilityRegime`. */
export type VolRegime = 'low' | 'normal' | 'high';

/** Historical-volatility windows (trading days) the engine reports. */
export const HV_WINDOWS = [30, 60, 90] as const;

/** Trading days per year used to annualise daily volatility. */
export const TRADING_DAYS_PER_YEAR = 252;

function checkPeriod(name: string, period: number): void {
  if (!Number.isInteger(period) || period < 1)
    throw new RangeError(`${name} must be an integer ≥ 1, got ${period}`);
}

/** The common length of parallel series (high, low, close, volume); a RangeError naming the odd one out. */
function sameLength(series: Record<string, Series>): number {
  const entries = Object.entries(series);
  const n = entries[0][1].length;
  for (const [name, s] of entries) {
    if (s.length !== n) throw new RangeError(`${name} has ${s.length} values, ${entries[0][0]} has ${n}`);
  }
  return n;
}

function nanArray(n: number): Float64Array {
  return new Float64Array(n).fill(Number.NaN);
}

function firstFinite(x: Series): number {
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i])) return i;
  return x.length;
}

/** Mean and population variance of x[start, end) by the two-pass algorithm; writes into `acc`. */
function windowMoments(x: Series, start: number, end: number, acc: Float64Array): void {
  const n = end - start;
  let s = 0;
  for (let i = start; i < end; i++) s += x[i];
  const m = s / n;
  let ss = 0;
  let c = 0;
  for (let i = start; i < end; i++) {
    const d = x[i] - m;
    ss += d * d;
    c += d;
  }
  acc[0] = m + c / n;
  acc[1] = Math.max(0, (ss - (c * c) / n) / n);
}

/** Simple moving average over `period` bars (price units); NaN for the first period − 1 bars. */
export function sma(x: Series, period: number): Float64Array {
  checkPeriod('period', period);
  const n = x.length;
  const out = nanArray(n);
  const acc = new Float64Array(2);
  for (let i = period - 1; i < n; i++) {
    windowMoments(x, i - period + 1, i + 1, acc);
    out[i] = acc[0];
  }
  return out;
}

/** Exponential smoothing with factor `alpha`, from the first finite input; seeded by an SMA or the first value. */
function smooth(x: Series, period: number, alpha: number, seed: 'sma' | 'first'): Float64Array {
  const n = x.length;
  const out = nanArray(n);
  const s = firstFinite(x);
  let e: number;
  let i: number;
  if (seed === 'first') {
    if (s >= n) return out;
    e = x[s];
    i = s;
  } else {
    const seedAt = s + period - 1;
    if (seedAt >= n) return out;
    let sum = 0;
    for (let j = s; j <= seedAt; j++) sum += x[j];
    e = sum / period;
    i = seedAt;
  }
  out[i] = e;
  for (i++; i < n; i++) {
    e += alpha * (x[i] - e);
    out[i] = e;
  }
  return out;
}

/**
 * Exponential moving average (price units), multiplier 2/(period+1). `seed: 'sma'` (default,
 * StockCharts/TA convention) starts with the SMA of the first `period` values, NaN before it;
 * `seed: 'first'` starts at the first value (pandas `ewm(adjust=False)`). Leading NaNs are skipped.
 */
export function ema(x: Series, period: number, seed: 'sma' | 'first' = 'sma'): Float64Array {
  checkPeriod('period', period);
  return smooth(x, period, 2 / (period + 1), seed);
}

/** Wilder's smoothing (RMA), in the series' units: multiplier 1/period (bars), seeded with the SMA of the first `period` values. */
export function wilderSmooth(x: Series, period: number): Float64Array {
  checkPeriod('period', period);
  return smooth(x, period, 1 / period, 'sma');
}

/**
 * Relative Strength Index (0–100), Wilder (1978): average gain / average loss of close-to-close changes,
 * first averages simple over `period` changes, then Wilder-smoothed. First value `period` bars after the first
 * finite close (leading NaNs are skipped, as in `ema`); a NaN change after that propagates, as the module says.
 * No losses → 100; no movement at all → 50.
 */
export function rsi(close: Series, period = 14): Float64Array {
  checkPeriod('period', period);
  const n = close.length;
  const out = nanArray(n);
  const s = firstFinite(close);
  if (n <= s + period) return out;
  let gain = 0;
  let loss = 0;
  for (let i = s + 1; i <= s + period; i++) {
    const d = close[i] - close[i - 1];
    gain += d > 0 ? d : d <= 0 ? 0 : Number.NaN; // a NaN change must not count as a loss of NaN only
    loss += d < 0 ? -d : d >= 0 ? 0 : Number.NaN;
  }
  gain /= period;
  loss /= period;
  out[s + period] = rsiValue(gain, loss);
  for (let i = s + period + 1; i < n; i++) {
    const d = close[i] - close[i - 1];
    gain = (gain * (period - 1) + (d > 0 ? d : d <= 0 ? 0 : Number.NaN)) / period;
    loss = (loss * (period - 1) + (d < 0 ? -d : d >= 0 ? 0 : Number.NaN)) / period;
    out[i] = rsiValue(gain, loss);
  }
  return out;
}

/** RSI from average gain and loss: 50 when both are 0 (no movement), NaN when either is NaN. */
function rsiValue(gain: number, loss: number): number {
  const total = gain + loss;
  return total > 0 ? (100 * gain) / total : total === 0 ? 50 : Number.NaN;
}

/** MACD lines (price units). */
export interface Macd {
  /** EMA(fast) − EMA(slow). */
  macd: Float64Array;
  /** EMA(signal) of the MACD line. */
  signal: Float64Array;
  /** MACD − signal. */
  histogram: Float64Array;
}

/**
 * MACD (Appel): EMA(fast) − EMA(slow), its EMA(signal), and the histogram, all in the series' price units; periods
 * in bars, default 12/26/9. With the default SMA seeding the line starts at bar slow − 1 and the signal at bar slow + signal − 2.
 */
export function macd(close: Series, fast = 12, slow = 26, signal = 9, seed: 'sma' | 'first' = 'sma'): Macd {
  checkPeriod('signal', signal);
  const ef = ema(close, fast, seed);
  const es = ema(close, slow, seed);
  const n = close.length;
  const line = new Float64Array(n);
  for (let i = 0; i < n; i++) line[i] = ef[i] - es[i];
  const sig = ema(line, signal, seed);
  const hist = new Float64Array(n);
  for (let i = 0; i < n; i++) hist[i] = line[i] - sig[i];
  return { macd: line, signal: sig, histogram: hist };
}

/** Bollinger bands (price units) with %B and bandwidth. */
export interface Bollinger {
  middle: Float64Array;
  upper: Float64Array;
  lower: Float64Array;
  /** (close − lower) / (upper − lower): 0 at the lower band, 1 at the upper; NaN when the bands touch. */
  percentB: Float64Array;
  /** (upper − lower) / middle, a fraction. */
  bandwidth: Float64Array;
}

/**
 * Bollinger bands: SMA(period) ± mult × population standard deviation over the same window
 * (Bollinger's definition, as in the StockCharts table); default 20 bars, 2 deviations. Bands in the series' price
 * units, %B and bandwidth fractions.
 */
export function bollinger(close: Series, period = 20, mult = 2): Bollinger {
  checkPeriod('period', period);
  const n = close.length;
  const middle = nanArray(n);
  const upper = nanArray(n);
  const lower = nanArray(n);
  const percentB = nanArray(n);
  const bandwidth = nanArray(n);
  const acc = new Float64Array(2);
  for (let i = period - 1; i < n; i++) {
    windowMoments(close, i - period + 1, i + 1, acc);
    const m = acc[0];
    const width = mult * Math.sqrt(acc[1]);
    middle[i] = m;
    upper[i] = m + width;
    lower[i] = m - width;
    percentB[i] = width > 0 ? (close[i] - (m - width)) / (2 * width) : Number.NaN;
    bandwidth[i] = (2 * width) / m;
  }
  return { middle, upper, lower, percentB, bandwidth };
}

/**
 * True range (price units): max(high − low, |high − prev close|, |low − prev close|); high − low on a bar without
 * a previous close (bar 0, and the first bar after leading NaNs, as Wilder's first bar). RangeError when the
 * series differ in length.
 */
export function trueRange(high: Series, low: Series, close: Series): Float64Array {
  const n = sameLength({ high, low, close });
  const out = new Float64Array(n);
  const first = firstFinite(close);
  for (let i = 0; i < n; i++) {
    let tr = high[i] - low[i];
    if (i > first) {
      const pc = close[i - 1];
      tr = Math.max(tr, Math.abs(high[i] - pc), Math.abs(low[i] - pc));
    }
    out[i] = tr;
  }
  return out;
}

/** Average True Range (price units), Wilder (1978): SMA of the first `period` true ranges, then Wilder-smoothed. */
export function atr(high: Series, low: Series, close: Series, period = 14): Float64Array {
  return wilderSmooth(trueRange(high, low, close), period);
}

/** Log returns ln(c_i / c_{i−1}); bar 0 is NaN. */
export function logReturns(close: Series): Float64Array {
  const n = close.length;
  const out = nanArray(n);
  for (let i = 1; i < n; i++) out[i] = Math.log(close[i] / close[i - 1]);
  return out;
}

/**
 * Historical (realized) volatility, annualised decimal: sample stdev of the last `window` daily log
 * returns × √periodsPerYear (252). First value at bar `window` (window + 1 closes). Use 30/60/90.
 */
export function historicalVolatility(
  close: Series,
  window = 30,
  periodsPerYear = TRADING_DAYS_PER_YEAR,
): Float64Array {
  checkPeriod('window', window);
  const n = close.length;
  const out = nanArray(n);
  if (window < 2) return out;
  const r = logReturns(close);
  const acc = new Float64Array(2);
  const scale = Math.sqrt((periodsPerYear * window) / (window - 1)); // population → sample variance
  for (let i = window; i < n; i++) {
    windowMoments(r, i - window + 1, i + 1, acc);
    out[i] = Math.sqrt(acc[1]) * scale;
  }
  return out;
}

/**
 * Volume-weighted average price of the typical price (high + low + close)/3 (price units).
 * `window = 0` (default) accumulates from the first bar whose four values are finite (a session VWAP; leading
 * NaN bars are skipped, a later NaN bar propagates); `window > 0` is a rolling VWAP over the last `window` bars,
 * NaN for the first window − 1 bars. NaN where volume sums to 0. RangeError when the series differ in length.
 */
export function vwap(high: Series, low: Series, close: Series, volume: Series, window = 0): Float64Array {
  if (window !== 0) checkPeriod('window', window);
  const n = sameLength({ high, low, close, volume });
  const out = nanArray(n);
  let pv = 0;
  let v = 0;
  let started = false;
  for (let i = 0; i < n; i++) {
    if (window === 0) {
      started ||= Number.isFinite(high[i] + low[i] + close[i] + volume[i]);
      if (!started) continue;
      pv += ((high[i] + low[i] + close[i]) / 3) * volume[i];
      v += volume[i];
      out[i] = v > 0 ? pv / v : Number.NaN;
    } else if (i >= window - 1) {
      let wpv = 0;
      let wv = 0;
      for (let j = i - window + 1; j <= i; j++) {
        wpv += ((high[j] + low[j] + close[j]) / 3) * volume[j];
        wv += volume[j];
      }
      out[i] = wv > 0 ? wpv / wv : Number.NaN;
    }
  }
  return out;
}

/** Momentum as a simple return over `lookback` bars (fraction: 0.05 = +5%); use 1, 5 and 20 days. */
export function momentum(close: Series, lookback: number): Float64Array {
  checkPeriod('lookback', lookback);
  const n = close.length;
  const out = nanArray(n);
  for (let i = lookback; i < n; i++) out[i] = close[i] / close[i - lookback] - 1;
  return out;
}

/**
 * Rolling z-score: (x_i − mean) / sample stdev over the finite values of the `window` values ending at bar i
 * (inclusive). NaN until bar firstFinite + window − 1, where x_i is not finite, where fewer than half the window
 * (or fewer than 2) values are finite — one missing value no longer blanks a whole window — and where the window
 * has no dispersion beyond rounding (stdev ≤ 1e-10 × mean |x|).
 */
export function rollingZScore(x: Series, window: number): Float64Array {
  checkPeriod('window', window);
  const n = x.length;
  const out = nanArray(n);
  if (window < 2) return out;
  for (let i = firstFinite(x) + window - 1; i < n; i++) {
    if (!Number.isFinite(x[i])) continue;
    let count = 0;
    let sum = 0;
    for (let j = i - window + 1; j <= i; j++) {
      if (Number.isFinite(x[j])) {
        count++;
        sum += x[j];
      }
    }
    if (count < 2 || 2 * count < window) continue;
    const m = sum / count;
    let ss = 0;
    let c = 0;
    let meanAbs = 0;
    for (let j = i - window + 1; j <= i; j++) {
      if (!Number.isFinite(x[j])) continue;
      const d = x[j] - m;
      ss += d * d;
      c += d;
      meanAbs += Math.abs(x[j]);
    }
    meanAbs /= count;
    const sd = Math.sqrt(Math.max(0, (ss - (c * c) / count) / (count - 1))); // corrected two-pass
    // dispersion at rounding level (≤ 1e-10 of the values' size) is no dispersion
    out[i] = sd > 1e-10 * meanAbs ? (x[i] - (m + c / count)) / sd : Number.NaN;
  }
  return out;
}

/** Z-score (standard deviations, dimensionless) of `lookback`-bar momentum over a rolling window of momentum values (default 252 bars). */
export function momentumZScore(
  close: Series,
  lookback: number,
  window = TRADING_DAYS_PER_YEAR,
): Float64Array {
  return rollingZScore(momentum(close, lookback), window);
}

/**
 * Percentile (0–100) of today's `hvWindow`-day realized vol among the previous `lookback` daily
 * values: the share strictly below it, among those that are finite (a missing close leaves hvWindow missing
 * values). NaN before bar hvWindow + lookback (the first value needs hvWindow + lookback + 1 closes), where today's value is NaN, and where fewer than
 * half of the lookback values are finite — a NaN reads as the 'normal' regime, never as a calm 'low' one.
 */
export function realizedVolPercentile(
  close: Series,
  hvWindow = 30,
  lookback = TRADING_DAYS_PER_YEAR,
): Float64Array {
  checkPeriod('lookback', lookback);
  const hv = historicalVolatility(close, hvWindow);
  const n = hv.length;
  const out = nanArray(n);
  for (let i = hvWindow + lookback; i < n; i++) {
    const today = hv[i];
    if (!(today === today)) continue;
    let below = 0;
    let finite = 0;
    for (let j = i - lookback; j < i; j++) {
      const x = hv[j];
      if (x === x) {
        finite++;
        if (x < today) below++;
      }
    }
    if (2 * finite >= lookback) out[i] = (100 * below) / finite;
  }
  return out;
}

/** Volatility regime from a realized-vol percentile (0–100): > 80 'high', < 20 'low', else (or NaN) 'normal'. */
export function volatilityRegime(percentile: number): VolRegime {
  if (percentile > 80) return 'high';
  if (percentile < 20) return 'low';
  return 'normal';
}
