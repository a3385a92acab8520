/**
 * The static character of each simulated ticker: price level, volatility, dividend yield,
 * liquidity, smile shape and company figures. Drawn once per (seed, ticker) around sector norms
 * (long-run averages of US large caps; ETF levels as of 2025), so that a scan sees a realistic
 * cross-section: utilities quiet, tech and discretionary volatile, mega caps liquid, small names not.
 */
import { ETF_SECTOR, findUniverseMember } from '../../universe.js';
import { clamp, lognormalFactor, rngFor } from './seeding.js';

interface SectorNorms {
  /** Annualised realised volatility of a typical member. */
  vol: number;
  /** Dividend yield, fraction. */
  dividendYield: number;
  pe: number;
  grossMargin: number;
  /** Operating margin as a share of gross margin. */
  operatingShare: number;
}

const SECTORS: Readonly<Record<string, SectorNorms>> = {
  'Communication Services': {
    vol: 0.3,
    dividendYield: 0.009,
    pe: 22,
    grossMargin: 0.55,
    operatingShare: 0.4,
  },
  'Consumer Discretionary': {
    vol: 0.31,
    dividendYield: 0.009,
    pe: 26,
    grossMargin: 0.38,
    operatingShare: 0.3,
  },
  'Consumer Staples': { vol: 0.19, dividendYield: 0.027, pe: 22, grossMargin: 0.38, operatingShare: 0.35 },
  Energy: { vol: 0.3, dividendYield: 0.035, pe: 13, grossMargin: 0.3, operatingShare: 0.5 },
  Financials: { vol: 0.24, dividendYield: 0.022, pe: 15, grossMargin: 0.55, operatingShare: 0.55 },
  'Health Care': { vol: 0.26, dividendYield: 0.016, pe: 22, grossMargin: 0.55, operatingShare: 0.35 },
  Industrials: { vol: 0.25, dividendYield: 0.015, pe: 23, grossMargin: 0.33, operatingShare: 0.45 },
  'Information Technology': {
    vol: 0.32,
    dividendYield: 0.008,
    pe: 32,
    grossMargin: 0.6,
    operatingShare: 0.45,
  },
  Materials: { vol: 0.26, dividendYield: 0.02, pe: 20, grossMargin: 0.32, operatingShare: 0.45 },
  'Real Estate': { vol: 0.24, dividendYield: 0.036, pe: 35, grossMargin: 0.6, operatingShare: 0.5 },
  Utilities: { vol: 0.19, dividendYield: 0.033, pe: 19, grossMargin: 0.42, operatingShare: 0.55 },
};
const DEFAULT_NORMS: SectorNorms = SECTORS.Industrials;

/** ETF levels: [price $, realised vol, dividend yield, correlation with the market factor]. */
const ETFS: Readonly<Record<string, readonly [number, number, number, number]>> = {
  SPY: [560, 0.15, 0.012, 1],
  QQQ: [480, 0.2, 0.006, 0.93],
  IWM: [215, 0.22, 0.012, 0.85],
  DIA: [420, 0.15, 0.016, 0.95],
  XLK: [225, 0.23, 0.007, 0.85],
  XLF: [48, 0.19, 0.015, 0.8],
  XLE: [90, 0.25, 0.033, 0.6],
  XLV: [145, 0.15, 0.016, 0.7],
  XLY: [200, 0.2, 0.008, 0.85],
  XLP: [80, 0.13, 0.026, 0.55],
  XLI: [135, 0.17, 0.014, 0.85],
  XLB: [90, 0.18, 0.019, 0.75],
  XLU: [75, 0.17, 0.03, 0.5],
  XLRE: [42, 0.19, 0.032, 0.65],
  XLC: [95, 0.19, 0.009, 0.8],
};

/**
 * Mega caps pinned near their real levels so that familiar names look familiar: [price $, market cap
 * $ bn, realised vol]. Rough late-2025 figures; the simulated path wanders around them.
 */
const KNOWN: Readonly<Record<string, readonly [number, number, number]>> = {
  AAPL: [260, 3900, 0.24],
  MSFT: [500, 3700, 0.22],
  NVDA: [185, 4500, 0.45],
  AMZN: [225, 2400, 0.3],
  GOOGL: [280, 3400, 0.28],
  GOOG: [280, 3400, 0.28],
  META: [650, 1600, 0.35],
  AVGO: [350, 1650, 0.45],
  TSLA: [430, 1400, 0.6],
  'BRK.B': [495, 1070, 0.16],
  JPM: [305, 840, 0.22],
  LLY: [900, 850, 0.3],
  V: [340, 660, 0.2],
  WMT: [105, 840, 0.2],
  ORCL: [230, 650, 0.45],
  MA: [560, 510, 0.2],
  XOM: [115, 490, 0.22],
  NFLX: [110, 470, 0.35],
  COST: [920, 410, 0.2],
  JNJ: [190, 460, 0.16],
  HD: [370, 370, 0.22],
  PG: [150, 350, 0.16],
  ABBV: [220, 390, 0.25],
  BAC: [52, 390, 0.25],
  UNH: [330, 300, 0.35],
  KO: [70, 300, 0.15],
  AMD: [240, 390, 0.55],
  PLTR: [180, 430, 0.65],
  CRM: [240, 230, 0.33],
  CVX: [155, 310, 0.23],
  CSCO: [72, 285, 0.22],
  WFC: [85, 270, 0.25],
  MRK: [90, 225, 0.24],
  PEP: [150, 205, 0.18],
  INTC: [38, 170, 0.5],
  IBM: [300, 280, 0.26],
  GE: [300, 320, 0.3],
  DIS: [110, 200, 0.25],
  MU: [220, 250, 0.5],
  TMUS: [210, 240, 0.22],
};

/** Annualised vol of the simulated market factor (an S&P 500-like index). */
export const MARKET_VOL = 0.15;

export interface SimProfile {
  symbol: string;
  name: string;
  sector: string;
  industry: string;
  kind: 'stock' | 'etf';
  /** Long-run price level, $ (the path wanders around it). */
  basePrice: number;
  /** Annualised realised volatility of daily log returns. */
  vol: number;
  /** Correlation of returns with the market factor. */
  marketCorrelation: number;
  /** Long-run ratio of implied to realised vol (the variance risk premium), ~1.05–1.35. */
  ivPremium: number;
  /**
   * Smile σ(K) = σ_atm·m(x), x = ln(K/F)/(σ_atm√T): m = 1 + putSkew·x + putCurvature·x² for x < 0,
   * 1 + callSkew·x + callCurvature·x² for x ≥ 0. Index ETFs carry the steep put skew of index
   * options (25-delta put ≈ 1.25 × ATM, 5-delta ≈ 1.8 ×); single stocks are nearly flat near the
   * money with convex wings (as on the real PLTR chain: 25-delta put ≈ 1.03 × ATM, 5-delta ≈ 1.2 ×).
   */
  putSkew: number;
  putCurvature: number;
  callSkew: number;
  callCurvature: number;
  dividendYield: number;
  /** 0 (thin) … 1 (SPY): scales open interest, volume and tightness of spreads. */
  liquidity: number;
  /** Penny-pilot class: quotes in $0.01 under $3 and $0.05 above (else $0.05 / $0.10). */
  pennyIncrements: boolean;
  /** Shares outstanding (stocks) or fund shares (ETFs). */
  shares: number;
  /** Average daily share volume. */
  avgVolume: number;
  /** Trailing P/E; null when earnings are negative (and for funds). */
  pe: number | null;
  /** Expected EPS growth, fraction per year (for PEG). */
  growth: number;
  grossMargin: number | null;
  operatingMargin: number | null;
  /** Free-cash-flow yield on market cap, fraction. */
  fcfYield: number | null;
  /** Days after each quarter start (Jan/Apr/Jul/Oct 1) on which the company reports; null for funds. */
  earningsOffset: number | null;
  /** Typical one-day earnings move, as a fraction of price (drives the event variance in IV). */
  earningsMove: number;
}

const cache = new Map<string, SimProfile>();

function etfProfile(seed: number, symbol: string, name: string, industry: string): SimProfile {
  const [price, vol, dividendYield, rho] = ETFS[symbol] ?? [100, 0.18, 0.015, 0.8];
  const rng = rngFor(seed, symbol, 'profile');
  const broad = symbol === 'SPY' || symbol === 'QQQ' || symbol === 'IWM' || symbol === 'DIA';
  const liquidity = symbol === 'SPY' ? 1 : broad ? 0.95 : clamp(0.72 + 0.1 * rng.uniform(), 0, 1);
  return {
    symbol,
    name,
    sector: ETF_SECTOR,
    industry,
    kind: 'etf',
    basePrice: price,
    vol,
    marketCorrelation: rho,
    ivPremium: clamp(1.18 * lognormalFactor(rng, 0.05), 1.08, 1.35),
    putSkew: broad ? -0.35 : -0.2,
    putCurvature: broad ? 0.03 : 0.04,
    callSkew: broad ? -0.25 : -0.15,
    callCurvature: broad ? 0.09 : 0.07,
    dividendYield,
    liquidity,
    pennyIncrements: true,
    shares: (broad ? 6e8 : 2e8) * lognormalFactor(rng, 0.3),
    avgVolume: (symbol === 'SPY' ? 7e7 : broad ? 3e7 : 8e6) * lognormalFactor(rng, 0.2),
    pe: null,
    growth: 0,
    grossMargin: null,
    operatingMargin: null,
    fcfYield: null,
    earningsOffset: null,
    earningsMove: 0,
  };
}

/** A single stock's smile, its skew scaled by `k` (1 = typical). */
function stockSmile(k: number): Pick<SimProfile, 'putSkew' | 'putCurvature' | 'callSkew' | 'callCurvature'> {
  return { putSkew: -0.03 * k, putCurvature: 0.06 * k, callSkew: -0.02 * k, callCurvature: 0.03 * k };
}

function stockProfile(
  seed: number,
  symbol: string,
  name: string,
  sector: string,
  industry: string,
): SimProfile {
  const norms = SECTORS[sector] ?? DEFAULT_NORMS;
  const rng = rngFor(seed, symbol, 'profile');
  const known = KNOWN[symbol];
  const randomPrice = clamp(130 * lognormalFactor(rng, 0.8), 8, 4000);
  const randomVol = clamp(norms.vol * lognormalFactor(rng, 0.25), 0.13, 0.85);
  // Market cap: S&P 500 members span ~$6 bn to a few $ trillion, median ~$40 bn.
  const randomCap = clamp(4e10 * lognormalFactor(rng, 1.0), 6e9, 4.5e12);
  const basePrice = known ? known[0] : randomPrice;
  const marketCap = known ? known[1] * 1e9 : randomCap;
  const vol = known ? known[2] : randomVol;
  const liquidity = clamp((Math.log10(marketCap) - 9.6) / 2.6 + 0.1 * rng.normal(), 0.08, 0.98);
  const pays = rng.uniform() < (sector === 'Utilities' || sector === 'Real Estate' ? 0.98 : 0.82);
  const peRaw = norms.pe * lognormalFactor(rng, 0.35);
  const growth = clamp(0.1 * lognormalFactor(rng, 0.5), 0.01, 0.6);
  const grossMargin = clamp(norms.grossMargin * lognormalFactor(rng, 0.2), 0.05, 0.95);
  return {
    symbol,
    name,
    sector,
    industry,
    kind: 'stock',
    basePrice,
    vol,
    marketCorrelation: clamp(0.55 + 0.12 * rng.normal(), 0.2, 0.85),
    ivPremium: clamp(1.15 * lognormalFactor(rng, 0.08), 1.02, 1.4),
    ...stockSmile(lognormalFactor(rng, 0.25)),
    dividendYield: pays ? clamp(norms.dividendYield * lognormalFactor(rng, 0.45), 0.001, 0.08) : 0,
    liquidity,
    pennyIncrements: liquidity > 0.3,
    shares: marketCap / basePrice,
    avgVolume: clamp((marketCap / basePrice) * 0.006 * lognormalFactor(rng, 0.4), 2e5, 2e8),
    pe: rng.uniform() < 0.05 ? null : Math.round(peRaw * 10) / 10,
    growth,
    grossMargin,
    operatingMargin: grossMargin * clamp(norms.operatingShare * lognormalFactor(rng, 0.3), 0.05, 0.9),
    fcfYield: clamp(0.035 * lognormalFactor(rng, 0.5), 0.003, 0.15),
    earningsOffset: 18 + Math.floor(rng.uniform() * 28),
    earningsMove: clamp(2.2 * (vol / Math.sqrt(252)) * lognormalFactor(rng, 0.3), 0.01, 0.2),
  };
}

/**
 * The profile of a ticker under a scenario seed. The provider asks only for the built-in universe's tickers; another
 * (a test's) gets sector `Unknown`.
 */
export function simProfile(seed: number, symbol: string): SimProfile {
  const key = `${seed}:${symbol}`;
  let p = cache.get(key);
  if (p === undefined) {
    const m = findUniverseMember(symbol);
    if (m?.kind === 'etf') p = etfProfile(seed, m.symbol, m.name, m.industry);
    else p = stockProfile(seed, symbol, m?.name ?? symbol, m?.sector ?? 'Unknown', m?.industry ?? 'Unknown');
    if (cache.size > 20_000) cache.clear();
    cache.set(key, p);
  }
  return p;
}
