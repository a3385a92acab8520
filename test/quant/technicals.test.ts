import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  atr,
  bollinger,
  ema,
  historicalVolatility,
  macd,
  momentum,
  momentumZScore,
  realizedVolPercentile,
  rollingZScore,
  rsi,
  sma,
  trueRange,
  volatilityRegime,
  vwap,
} from '../../src/quant/technicals.js';

const ramp = (n: number, a = 10, s = 0.5) => Array.from({ length: n }, (_, i) => a + s * i);
const constant = (n: number, c = 42) => new Float64Array(n).fill(c);

/** Asserts |got[from + k] − want[k]| ≤ tol for every k. */
function expectSeries(got: Float64Array, from: number, want: readonly number[], tol: number): void {
  for (let k = 0; k < want.length; k++) {
    const err = Math.abs(got[from + k] - want[k]);
    if (!(err <= tol)) throw new Error(`bar ${from + k}: got ${got[from + k]}, want ${want[k]} (tol ${tol})`);
  }
}

const allNaN = (xs: Float64Array, end: number) => Array.from(xs.slice(0, end)).every(Number.isNaN);

// StockCharts ChartSchool "Moving Averages" worked table: 10-day SMA/EMA, published to 2 decimals.
const SC_EMA_CLOSES = [
  22.27, 22.19, 22.08, 22.17, 22.18, 22.13, 22.23, 22.43, 22.24, 22.29, 22.15, 22.39, 22.38, 22.61, 23.36,
  24.05, 23.75, 23.83, 23.95, 23.63, 23.82, 23.87, 23.65, 23.19, 23.1, 23.33, 22.68, 23.1, 22.4, 22.17,
];
const SC_EMA10 = [
  22.22, 22.21, 22.24, 22.27, 22.33, 22.52, 22.8, 22.97, 23.13, 23.28, 23.34, 23.43, 23.51, 23.53, 23.47,
  23.4, 23.39, 23.26, 23.23, 23.08, 22.92,
];

describe('SMA and EMA', () => {
  it('SMA of a linear ramp lags it by (period − 1)/2 × slope, NaN during warm-up', () => {
    const out = sma(ramp(40), 10);
    expect(allNaN(out, 9)).toBe(true);
    for (let i = 9; i < 40; i++) expect(out[i]).toBeCloseTo(10 + 0.5 * i - 0.5 * 4.5, 12);
  });

  it('SMA(10) matches the StockCharts first value 22.22 and SMA(20) its Bollinger middle band 88.71', () => {
    expect(Math.abs(sma(SC_EMA_CLOSES, 10)[9] - 22.22)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(sma(SC_BB_CLOSES, 20)[19] - 88.71)).toBeLessThanOrEqual(0.005);
  });

  it('EMA(10) reproduces the StockCharts worked table (±0.005, the published rounding)', () => {
    const out = ema(SC_EMA_CLOSES, 10);
    expect(allNaN(out, 9)).toBe(true);
    expectSeries(out, 9, SC_EMA10, 0.005 + 1e-9);
  });

  it('SMA-seeded EMA of a ramp lags it by exactly (period − 1)/2 × slope from its first value', () => {
    for (const p of [3, 12, 26]) {
      const out = ema(ramp(80), p);
      for (let i = p - 1; i < 80; i++) expect(out[i]).toBeCloseTo(10 + 0.5 * i - (0.5 * (p - 1)) / 2, 10);
    }
  });

  it('of a constant series equal the constant, with either seed', () => {
    const c = constant(50);
    expect(sma(c, 7)[49]).toBe(42);
    expect(ema(c, 7)[49]).toBe(42);
    expect(ema(c, 7, 'first')[0]).toBe(42);
  });

  it('reject a non-integer or zero period', () => {
    expect(() => sma([1, 2], 0)).toThrow(RangeError);
    expect(() => ema([1, 2], 2.5)).toThrow(RangeError);
  });
});

// StockCharts ChartSchool "RSI" worked table (Wilder's method), closes to 4 decimals, RSI to 2.
const SC_RSI_CLOSES = [
  44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931, 46.0328,
  45.614, 46.282, 46.282, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122, 46.2521, 45.7137, 46.4515,
  45.7835, 45.3548, 44.0288, 44.1783, 44.2181, 44.5672, 43.4205, 42.6628, 43.1314,
];
const SC_RSI14 = [
  70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46, 41.87,
  45.46, 37.3, 33.08, 37.77,
];

describe('RSI (Wilder)', () => {
  it('reproduces all 19 values of the StockCharts/Wilder RSI(14) table (±0.005)', () => {
    const out = rsi(SC_RSI_CLOSES, 14);
    expect(allNaN(out, 14)).toBe(true);
    expectSeries(out, 14, SC_RSI14, 0.005 + 1e-9);
  });

  it('is 100 on a rising ramp, 0 on a falling one and 50 on a constant series', () => {
    expect(rsi(ramp(30), 14)[29]).toBe(100);
    expect(rsi(ramp(30, 100, -1), 14)[29]).toBe(0);
    expect(rsi(constant(30), 14)[29]).toBe(50);
  });

  it('skips leading NaNs and propagates a later NaN change (it read 50, "no movement", for ever after one)', () => {
    const lead = rsi([Number.NaN, Number.NaN, ...SC_RSI_CLOSES], 14);
    expect(allNaN(lead, 16)).toBe(true);
    expectSeries(lead, 16, SC_RSI14, 0.005 + 1e-9);
    const gap = [...SC_RSI_CLOSES];
    gap[20] = Number.NaN;
    const out = rsi(gap, 14);
    expectSeries(out, 14, SC_RSI14.slice(0, 6), 0.005 + 1e-9);
    for (let i = 20; i < gap.length; i++) expect(out[i]).toBeNaN();
    const early = [...SC_RSI_CLOSES];
    early[5] = Number.NaN; // inside the first averages
    for (const v of rsi(early, 14)) expect(v).toBeNaN();
  });

  it('stays within [0, 100] (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { minLength: 16, maxLength: 80 }),
        (xs) => {
          for (const v of rsi(xs, 14).slice(14)) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(100);
          }
        },
      ),
    );
  });
});

// MACD(12, 26, 9) with EMAs started at the first close (pandas ewm adjust=False), from the test data of
// the `ta` library (bukosabino/ta, test/data/cs-macd.csv), 10 significant digits.
const MACD_CLOSES = [
  30.2, 30.28, 30.45, 29.35, 29.35, 29.29, 28.83, 28.73, 28.67, 28.85, 28.64, 27.68, 27.21, 26.87, 27.41,
  26.94, 26.52, 26.52, 27.09, 27.69, 28.45, 28.53, 28.67, 29.01, 29.87, 29.8, 29.75, 30.65, 30.6, 30.76,
  31.17, 30.89, 30.04, 30.66, 30.6, 31.97, 32.1, 32.03, 31.63, 31.85, 32.71, 32.76, 32.58, 32.13, 33.12,
  33.19, 32.52, 32.44, 33.22, 32.83, 33.62, 33.75, 33.6, 34.08, 34.58, 34.22, 34.77, 34.74, 35.01, 34.94,
  34.42, 34.4, 34.16, 33.34, 33.39, 33.51, 33.96, 34.42, 34.72, 33.94, 33.66, 34.51, 34.87, 34.75, 35.17,
  36.16, 36.45, 36.03, 36.45, 36.74,
];
const MACD_LINE = [
  0, 0.006381766382, 0.02487025268, -0.04867717547, -0.1057450787, -0.1540376516, -0.2268134548,
  -0.2892239735, -0.3396114287, -0.3608595895, -0.3901467857, -0.485227674, -0.5916844649, -0.6954704468,
  -0.725781738, -0.7787517612, -0.8448821012, -0.8870653351, -0.8645357851, -0.7891689208, -0.6605006491,
  -0.5457833348, -0.4385172529, -0.3223570205, -0.1590707186, -0.03491112915, 0.05877414612, 0.2032993715,
  0.3102259798, 0.4032285819, 0.5042052237, 0.5552358664, 0.5210833971, 0.5378461816, 0.5400637913,
  0.644934411, 0.7301186924, 0.7829540275, 0.7835178481, 0.7925804671, 0.8592525422, 0.9056850507,
  0.9173836252, 0.8801972248, 0.920006202, 0.9462952161, 0.9026607374, 0.8518056817, 0.864477012,
  0.8334419914, 0.862648833, 0.8860713005, 0.8823587459, 0.9076852773, 0.9570700495, 0.9561370926,
  0.9883846382, 0.9999930042, 1.019230408, 1.017103241, 0.9623642551, 0.9069150299, 0.8339913916,
  0.7019402062, 0.5944705856, 0.5130687964, 0.4793429639, 0.4841521496, 0.5063342507, 0.4557209766,
  0.3885371183, 0.3992786866, 0.4318622095, 0.4428964545, 0.4799985386, 0.5825714132, 0.6794296892,
  0.7140687408, 0.7665743369, 0.8221092133,
];
const MACD_SIGNAL_FROM_60 = [
  0.9648758099, 0.9532836539, 0.9294252014, 0.8839282024, 0.826036679, 0.7634431025, 0.7066230748,
  0.6621288897, 0.6309699619, 0.5959201649, 0.5544435556, 0.5234105818, 0.5051009073, 0.4926600168,
  0.4901277211, 0.5086164595, 0.5427791055, 0.5770370325, 0.6149444934, 0.6563774374,
];

describe('MACD 12/26/9', () => {
  it('reproduces the published MACD line of cs-macd.csv (first-value seeding, ±1e-9)', () => {
    const out = macd(MACD_CLOSES, 12, 26, 9, 'first');
    expectSeries(out.macd, 0, MACD_LINE, 1e-9);
  });

  it('reproduces its signal and histogram once the signal seed has decayed (bar ≥ 60, ±1e-6)', () => {
    // The table starts its signal from a different value; 0.8^58 makes that irrelevant by bar 60.
    const out = macd(MACD_CLOSES, 12, 26, 9, 'first');
    expectSeries(out.signal, 60, MACD_SIGNAL_FROM_60, 1e-6);
    const hist = MACD_SIGNAL_FROM_60.map((s, k) => MACD_LINE[60 + k] - s);
    expectSeries(out.histogram, 60, hist, 1e-6);
  });

  it('on a ramp of slope s is exactly 7s from bar 25, its signal 7s from bar 33, histogram 0 (SMA seeding)', () => {
    // EMA(n) of a ramp lags by s(n − 1)/2, so EMA12 − EMA26 = s(25 − 11)/2 = 7s.
    const out = macd(ramp(60, 50, 0.3));
    expect(allNaN(out.macd, 25)).toBe(true);
    expect(allNaN(out.signal, 33)).toBe(true);
    for (let i = 25; i < 60; i++) expect(out.macd[i]).toBeCloseTo(2.1, 10);
    for (let i = 33; i < 60; i++) {
      expect(out.signal[i]).toBeCloseTo(2.1, 10);
      expect(out.histogram[i]).toBeCloseTo(0, 10);
    }
  });

  it('is 0 on a constant series', () => {
    const out = macd(constant(60));
    expect(out.macd[59]).toBe(0);
    expect(out.histogram[59]).toBe(0);
  });
});

// StockCharts ChartSchool "Bollinger Bands" worked table: 20-day, 2 population deviations, 2 decimals.
const SC_BB_CLOSES = [
  86.16, 89.09, 88.78, 90.32, 89.07, 91.15, 89.44, 89.18, 86.93, 87.68, 86.96, 89.43, 89.32, 88.72, 87.45,
  87.26, 89.5, 87.9, 89.13, 90.7, 92.9, 92.98, 91.8, 92.66, 92.68, 92.3, 92.77, 92.54, 92.95, 93.2, 91.07,
  89.83, 89.74, 90.4, 90.74, 88.02, 88.09, 88.84, 90.78, 90.54, 91.39, 90.65,
];
const SC_BB_MIDDLE = [
  88.71, 89.05, 89.24, 89.39, 89.51, 89.69, 89.75, 89.91, 90.08, 90.38, 90.66, 90.86, 90.88, 90.9, 90.99,
  91.15, 91.19, 91.12, 91.17, 91.25, 91.24, 91.17, 91.05,
];
const SC_BB_UPPER = [
  91.29, 91.95, 92.61, 92.93, 93.31, 93.73, 93.9, 94.26, 94.56, 94.79, 95.04, 94.91, 94.9, 94.89, 94.86,
  94.67, 94.55, 94.68, 94.57, 94.53, 94.53, 94.37, 94.15,
];
const SC_BB_LOWER = [
  86.12, 86.14, 85.87, 85.85, 85.7, 85.65, 85.59, 85.56, 85.6, 85.98, 86.27, 86.82, 86.87, 86.91, 87.12,
  87.63, 87.83, 87.56, 87.76, 87.97, 87.95, 87.96, 87.95,
];

describe('Bollinger bands and %B', () => {
  it('reproduce the StockCharts table (±0.005; lower band ±0.01: two published values are off by just over half a cent)', () => {
    const out = bollinger(SC_BB_CLOSES, 20, 2);
    expect(allNaN(out.middle, 19)).toBe(true);
    expectSeries(out.middle, 19, SC_BB_MIDDLE, 0.005 + 1e-9);
    expectSeries(out.upper, 19, SC_BB_UPPER, 0.005 + 1e-9);
    expectSeries(out.lower, 19, SC_BB_LOWER, 0.01);
  });

  it('%B on the first StockCharts bar is (90.70 − lower)/(upper − lower) ≈ 0.885', () => {
    const out = bollinger(SC_BB_CLOSES);
    expect(out.percentB[19]).toBeCloseTo((90.7 - out.lower[19]) / (out.upper[19] - out.lower[19]), 14);
    expect(Math.abs(out.percentB[19] - (90.7 - 86.12) / (91.29 - 86.12))).toBeLessThan(0.003);
  });

  it('%B and bandwidth match a hand-computed window, and %B is NaN when the bands collapse', () => {
    // Window {1, 3}×10: mean 2, population sd 1 → bands 0 and 4 with mult 2.
    const xs = [...Array.from({ length: 19 }, (_, i) => (i % 2 === 0 ? 1 : 3)), 3];
    const w = bollinger(xs, 20, 2);
    expect(w.middle[19]).toBe(2);
    expect(w.upper[19]).toBeCloseTo(4, 14);
    expect(w.percentB[19]).toBeCloseTo(0.75, 14);
    expect(w.bandwidth[19]).toBeCloseTo(2, 14);
    expect(bollinger(constant(25)).percentB[24]).toBeNaN();
  });
});

// StockCharts ChartSchool "Average True Range" worked table, as given in bukosabino/ta test/data/cs-atr.csv.
const ATR_H = [
  48.7, 48.72, 48.9, 48.87, 48.82, 49.05, 49.2, 49.35, 49.92, 50.19, 50.12, 49.66, 49.88, 50.19, 50.36, 50.57,
  50.65, 50.43, 49.63, 50.33, 50.29, 50.17, 49.32, 48.5, 48.3201, 46.8, 47.8, 48.39, 48.66, 48.79,
];
const ATR_L = [
  47.79, 48.14, 48.39, 48.37, 48.24, 48.635, 48.94, 48.86, 49.5, 49.87, 49.2, 48.9, 49.43, 49.725, 49.26,
  50.09, 50.3, 49.21, 48.98, 49.61, 49.2, 49.43, 48.08, 47.64, 41.55, 44.2833, 47.31, 47.2, 47.9, 47.7301,
];
const ATR_C = [
  48.16, 48.61, 48.75, 48.63, 48.74, 49.03, 49.07, 49.32, 49.91, 50.13, 49.53, 49.5, 49.75, 50.03, 50.31,
  50.52, 50.41, 49.34, 49.37, 50.23, 49.2375, 49.93, 48.43, 48.18, 46.57, 45.41, 47.77, 47.72, 48.62, 47.85,
];
const ATR14 = [
  0.555, 0.5939285714, 0.5857908163, 0.5689486152, 0.6154522855, 0.6179199794, 0.6423542666, 0.6743289618,
  0.6927697503, 0.7754290538, 0.7814698357, 1.209229133, 1.302619909, 1.380289916, 1.366697779, 1.336219366,
  1.316482269,
];

describe('ATR (Wilder)', () => {
  it('reproduces the StockCharts ATR(14) table to its 10 significant digits', () => {
    const out = atr(ATR_H, ATR_L, ATR_C, 14);
    expect(allNaN(out, 13)).toBe(true);
    expectSeries(out, 13, ATR14, 1e-8);
  });

  it('true range uses the previous close across a gap', () => {
    // bar 1 gaps up: max(12 − 11, |12 − 9|, |11 − 9|) = 3
    expect(Array.from(trueRange([10, 12], [8, 11], [9, 11.5]))).toEqual([2, 3]);
  });

  it('after leading NaN bars the first real bar is high − low, as bar 0 is, and ATR seeds on it', () => {
    const N = Number.NaN;
    const h = [N, 11, 13, 14, 15, 16];
    const l = [N, 9, 10, 12, 13, 14];
    const c = [N, 10, 12, 13, 14, 15];
    // it was NaN (no previous close), so ATR(3) started a bar late on the wrong three ranges
    expect(Array.from(trueRange(h, l, c))).toEqual([N, 2, 3, 2, 2, 2]);
    const out = atr(h, l, c, 3);
    expect(allNaN(out, 3)).toBe(true);
    expect(out[3]).toBeCloseTo(7 / 3, 12);
    expect(out[4]).toBeCloseTo((2 * (7 / 3) + 2) / 3, 12);
  });

  it('equals the bar range for bars of constant range without gaps', () => {
    const n = 40;
    const close = ramp(n, 100, 0.1);
    const out = atr(
      close.map((c) => c + 1),
      close.map((c) => c - 1),
      close,
      14,
    );
    for (let i = 13; i < n; i++) expect(out[i]).toBeCloseTo(2, 12);
  });
});

describe('historical volatility', () => {
  it('reproduces Hull Table 15.1: 21 closes → daily sd 0.01216, annualised 19.3% with √252', () => {
    // Hull, "Options, Futures, and Other Derivatives", §15.4; published to 5 and 3 decimals.
    const closes = [
      20, 20.1, 19.9, 20, 20.5, 20.25, 20.9, 20.9, 20.9, 20.75, 20.75, 21, 21.1, 20.9, 20.9, 21.25, 21.4,
      21.4, 21.25, 21.75, 22,
    ];
    const out = historicalVolatility(closes, 20);
    expect(allNaN(out, 20)).toBe(true);
    expect(Math.abs(out[20] / Math.sqrt(252) - 0.01216)).toBeLessThanOrEqual(5e-6);
    expect(Math.abs(out[20] - 0.193)).toBeLessThanOrEqual(5e-4);
  });

  it('is 0 for constant geometric growth and starts at bar window for the 30/60/90-day windows', () => {
    const growth = Array.from({ length: 120 }, (_, i) => 50 * 1.01 ** i);
    for (const w of [30, 60, 90]) {
      const out = historicalVolatility(growth, w);
      expect(allNaN(out, w)).toBe(true);
      expect(out[w]).toBeCloseTo(0, 12);
    }
  });

  it('annualises alternating ±x log returns to x·√(252·w/(w − 1)) (their sample sd is x·√(w/(w − 1)))', () => {
    // 30 returns alternating +x, −x: mean 0, sample variance 30x²/29.
    const x = 0.01;
    const closes = [100];
    for (let i = 0; i < 30; i++) closes.push(closes[i] * Math.exp(i % 2 === 0 ? x : -x));
    expect(historicalVolatility(closes, 30)[30]).toBeCloseTo(x * Math.sqrt((30 / 29) * 252), 12);
  });
});

// VWAP of the typical price, from bukosabino/ta test/data/cs-vwap.csv (14-bar rolling window).
const VW_H = [
  24.8283, 24.7586, 25.1568, 25.5848, 25.6844, 25.336, 25.2862, 25.1269, 25.2762, 25.3857, 25.5351, 25.6048,
  25.7441, 25.7242, 25.6744, 25.4455, 25.3161, 25.2563, 25.0373, 25.0074, 25.3061, 25.117, 24.6889, 24.5495,
  24.2708, 24.2708, 24.5993, 24.4798, 24.5595, 25.16,
];
const VW_L = [
  24.3205, 24.5993, 24.7785, 24.9477, 24.8083, 25.0572, 24.8482, 24.7496, 24.9278, 25.0274, 25.0473, 25.0622,
  25.5351, 25.4554, 25.2862, 25.1667, 24.9178, 24.9079, 24.8283, 24.7088, 25.0274, 24.3404, 24.2708, 23.8925,
  23.778, 23.7232, 24.2011, 24.2409, 23.4345, 24.27,
];
const VW_C = [
  24.7486, 24.7088, 25.0373, 25.545, 25.0672, 25.107, 24.888, 24.9975, 25.0473, 25.336, 25.0572, 25.4455,
  25.5649, 25.555, 25.4057, 25.3658, 25.0373, 24.9178, 24.878, 24.9676, 25.0473, 24.45, 24.5694, 24.0219,
  23.8825, 24.2011, 24.2807, 24.3305, 24.44, 25,
];
const VW_V = [
  18730.144, 12271.74, 24691.414, 18357.606, 22964.08, 15918.948, 16067.044, 16568.487, 16018.729, 9773.569,
  22572.712, 12986.669, 10906.659, 5799.259, 7395.274, 5818.162, 7164.726, 5672.914, 5624.742, 5023.469,
  7457.091, 11798.009, 12366.132, 13294.865, 9256.87, 9690.604, 8870.318, 7168.965, 11356.18, 13379.374,
];
const VWAP_CUMULATIVE_0_13 = [
  24.632466666666666, 24.654805154030853, 24.80379676048873, 24.9414758619062, 24.99950623571372,
  25.02307824302856, 25.021133824528068, 25.013948032058988, 25.020869365685463, 25.03392065542907,
  25.054787605744554, 25.074623090960745, 25.101664793872967, 25.11402265022072,
];
const VWAP_ROLLING14_14_29 = [
  25.168402599215426, 25.20144430295291, 25.224830276069326, 25.20440931025093, 25.196687502882995,
  25.189626838746534, 25.207347120469738, 25.187857717587413, 25.13631726721325, 25.03055511378965,
  24.91547606305806, 24.794771487236023, 24.683726453845228, 24.618745747839235, 24.522768899085932,
  24.51628803159466,
];

describe('VWAP', () => {
  it('reproduces the cs-vwap table: cumulative over its first 14 bars, then a 14-bar rolling window (±1e-9)', () => {
    expectSeries(vwap(VW_H, VW_L, VW_C, VW_V), 0, VWAP_CUMULATIVE_0_13, 1e-9);
    const rolling = vwap(VW_H, VW_L, VW_C, VW_V, 14);
    expect(allNaN(rolling, 13)).toBe(true);
    expect(rolling[13]).toBeCloseTo(VWAP_CUMULATIVE_0_13[13], 12);
    expectSeries(rolling, 14, VWAP_ROLLING14_14_29, 1e-9);
  });

  it('equals the price when every bar trades at one price, and is NaN without volume', () => {
    const p = constant(5, 20);
    expect(vwap(p, p, p, [1, 2, 3, 4, 5])[4]).toBe(20);
    expect(vwap([1], [1], [1], [0])[0]).toBeNaN();
  });

  it('a session VWAP starts at the first complete bar: leading NaN bars no longer make the whole session NaN', () => {
    const N = Number.NaN;
    const out = vwap([N, 11, 13], [N, 9, 10], [N, 10, 12], [N, 100, 200]);
    expect(out[0]).toBeNaN();
    expect(out[1]).toBe(10);
    expect(out[2]).toBeCloseTo((10 * 100 + (35 / 3) * 200) / 300, 12);
    // a NaN after the start still propagates, as the module states
    expect(vwap([10, 10, 10], [10, 10, 10], [10, 10, 10], [1, N, 1])[2]).toBeNaN();
  });
});

describe('momentum, its z-score and the volatility regime', () => {
  it('momentum is the simple return over 1, 5 and 20 bars', () => {
    const closes = Array.from({ length: 25 }, (_, i) => 100 * 1.01 ** i);
    expect(momentum(closes, 1)[24]).toBeCloseTo(0.01, 12);
    expect(momentum(closes, 5)[24]).toBeCloseTo(1.01 ** 5 - 1, 12);
    expect(momentum(closes, 20)[24]).toBeCloseTo(1.01 ** 20 - 1, 12);
    expect(allNaN(momentum(closes, 20), 20)).toBe(true);
  });

  it('rolling z-score of 0, 1, 2, … is (w − 1)/2 ÷ √(w(w + 1)/12) at every full window', () => {
    const w = 252;
    const out = rollingZScore(ramp(300, 0, 1), w);
    expect(allNaN(out, w - 1)).toBe(true);
    const z = (w - 1) / 2 / Math.sqrt((w * (w + 1)) / 12);
    for (let i = w - 1; i < 300; i++) expect(out[i]).toBeCloseTo(z, 9);
  });

  it('momentum z-score needs lookback + 252 bars and is NaN for constant momentum', () => {
    const growth = Array.from({ length: 300 }, (_, i) => 100 * 1.001 ** i);
    const z = momentumZScore(growth, 5);
    expect(allNaN(z, 5 + 251)).toBe(true);
    expect(z[299]).toBeNaN(); // constant 5-day return: no dispersion
    const accel = Array.from({ length: 300 }, (_, i) => 100 * Math.exp(1e-5 * i * i));
    expect(momentumZScore(accel, 20)[299]).toBeCloseTo(rollingZScore(momentum(accel, 20), 252)[299], 14);
    expect(momentumZScore(accel, 20)[299]).toBeGreaterThan(1.5); // accelerating: the latest momentum is the highest
  });

  it('rolling and momentum z-scores skip a missing value inside the window instead of blanking a whole window', () => {
    const w = 252;
    const x = Array.from(ramp(300, 0, 1));
    x[100] = Number.NaN;
    const out = rollingZScore(x, w);
    // the window ending at 299 holds 48 … 299 without 100: 251 values, mean and sd of that set
    const kept = Array.from({ length: w }, (_, k) => 48 + k).filter((v) => v !== 100);
    const m = kept.reduce((a, b) => a + b, 0) / kept.length;
    const sd = Math.sqrt(kept.reduce((a, b) => a + (b - m) ** 2, 0) / (kept.length - 1));
    expect(out[299]).toBeCloseTo((299 - m) / sd, 12);
    expect(out[100]).toBeNaN(); // today's own value missing
    expect(Number.isFinite(out[260])).toBe(true);
    // fewer than half the window finite: NaN
    const sparse = Array.from(ramp(300, 0, 1)).map((v, i) => (i % 3 === 0 || i === 299 ? v : Number.NaN));
    expect(rollingZScore(sparse, w)[299]).toBeNaN();
    // one missing close left the 20-day momentum z NaN for 272 bars (it needs 372 before it recovers)
    const closes = Array.from({ length: 300 }, (_, i) => 100 * Math.exp(1e-5 * i * i + 0.01 * Math.sin(i)));
    closes[100] = Number.NaN;
    expect(Number.isFinite(momentumZScore(closes, 20)[299])).toBe(true);
  });

  it('realized-vol percentile is 100 after a volatility burst and 0 after a calm spell', () => {
    const closes = [100];
    for (let i = 1; i < 320; i++)
      closes.push(closes[i - 1] * Math.exp((i % 2 ? 1 : -1) * 0.01 * (1 + i / 1000)));
    for (let i = 0; i < 20; i++) closes.push(closes[closes.length - 1] * Math.exp((i % 2 ? 1 : -1) * 0.05));
    const burst = realizedVolPercentile(closes, 30, 252);
    expect(allNaN(burst, 30 + 252)).toBe(true);
    expect(burst[closes.length - 1]).toBe(100);
    expect(volatilityRegime(burst[closes.length - 1])).toBe('high');
    const calm = closes.slice(0, 320);
    for (let i = 0; i < 40; i++) calm.push(calm[calm.length - 1] * Math.exp((i % 2 ? 1 : -1) * 0.001));
    const p = realizedVolPercentile(calm, 30, 252)[calm.length - 1];
    expect(p).toBe(0);
    expect(volatilityRegime(p)).toBe('low');
  });

  it('realized-vol percentile is NaN (regime normal), not 0 (low), where the vol is missing', () => {
    const closes = [100];
    for (let i = 1; i < 400; i++)
      closes.push(closes[i - 1] * Math.exp((i % 2 ? 1 : -1) * 0.01 * (1 + ((i * 7) % 13) / 10)));
    const clean = realizedVolPercentile(closes, 30, 252);
    const gap = [...closes];
    gap[350] = Number.NaN;
    const p = realizedVolPercentile(gap, 30, 252);
    for (let i = 350; i < 381; i++) {
      expect(p[i]).toBeNaN(); // the 30-day vol over a window with the missing close
      expect(volatilityRegime(p[i])).toBe('normal');
    }
    // afterwards, the percentile among the finite values of the year before
    for (let i = 381; i < 400; i++) {
      let below = 0;
      let finite = 0;
      const hv = historicalVolatility(gap, 30);
      for (let j = i - 252; j < i; j++)
        if (Number.isFinite(hv[j])) {
          finite++;
          if (hv[j] < hv[i]) below++;
        }
      expect(finite).toBe(252 - 31);
      expect(p[i]).toBeCloseTo((100 * below) / finite, 12);
    }
    expect(clean[399]).toBeGreaterThanOrEqual(0);
    for (const v of realizedVolPercentile(closes, 1, 252)) expect(v).toBeNaN(); // a 1-day vol does not exist
  });

  it('volatility regime thresholds: > 80 high, < 20 low, otherwise (and NaN) normal', () => {
    expect(volatilityRegime(80.01)).toBe('high');
    expect(volatilityRegime(80)).toBe('normal');
    expect(volatilityRegime(20)).toBe('normal');
    expect(volatilityRegime(19.99)).toBe('low');
    expect(volatilityRegime(Number.NaN)).toBe('normal');
  });
});
