/**
 * American option pricing speed: BAW, Bjerksund-Stensland 2002, ALO (default, fast and high-precision
 * discretisations), the CRR lattice, and American implied vol, on fixed-seed realistic inputs
 * (S 10–500, K = S·e^U(−0.4,0.4), T 1–730 days, vol 5–120%, r 0–6%, q 0–5%, calls and puts), beside the
 * European formula. Also prints the ALO error against its high-precision discretisation on a subset.
 */
import { ALO_FAST, ALO_HIGH_PRECISION, aloPrice } from '../../src/quant/american/alo.js';
import { bawPrice } from '../../src/quant/american/baw.js';
import { binomialPrice } from '../../src/quant/american/binomial.js';
import { bjerksundStensland2002Price } from '../../src/quant/american/bjerksund2002.js';
import { americanGreeks } from '../../src/quant/americanGreeks.js';
import { americanImpliedVol } from '../../src/quant/americanImpliedVol.js';
import { bsPrice } from '../../src/quant/bsPrice.js';
import type { OptionType } from '../../src/quant/types.js';
import { formatRate, measure, mulberry32 } from '../harness.js';

interface Inputs {
  type: OptionType[];
  S: Float64Array;
  K: Float64Array;
  T: Float64Array;
  r: Float64Array;
  q: Float64Array;
  vol: Float64Array;
}

function inputs(n: number, seed: number): Inputs {
  const rnd = mulberry32(seed);
  const x: Inputs = {
    type: [],
    S: new Float64Array(n),
    K: new Float64Array(n),
    T: new Float64Array(n),
    r: new Float64Array(n),
    q: new Float64Array(n),
    vol: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    x.S[i] = 10 + 490 * rnd();
    x.K[i] = x.S[i] * Math.exp(-0.4 + 0.8 * rnd());
    x.T[i] = (1 + 729 * rnd()) / 365;
    x.vol[i] = 0.05 + 1.15 * rnd();
    x.r[i] = 0.06 * rnd();
    x.q[i] = 0.05 * rnd();
    x.type.push(rnd() < 0.5 ? 'call' : 'put');
  }
  return x;
}

type Pricer = (
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
) => number;

function loop(x: Inputs, n: number, f: Pricer): () => number {
  return () => {
    let s = 0;
    for (let i = 0; i < n; i++) s += f(x.type[i], x.S[i], x.K[i], x.T[i], x.r[i], x.q[i], x.vol[i]);
    return s;
  };
}

/**
 * Chains for the ALO chain line: 20 expiries × 50 strikes (K = S·e^U(−0.4,0.4), sorted), one S, T, r, q and vol
 * per expiry, its puts then its calls — a chain priced at one volatility (theoretical values, scenario grids).
 */
function chainInputs(seed: number): Inputs {
  const rnd = mulberry32(seed);
  const x: Inputs = {
    type: [],
    S: new Float64Array(2000),
    K: new Float64Array(2000),
    T: new Float64Array(2000),
    r: new Float64Array(2000),
    q: new Float64Array(2000),
    vol: new Float64Array(2000),
  };
  let i = 0;
  for (let c = 0; c < 20; c++) {
    const S = 10 + 490 * rnd();
    const T = (1 + 729 * rnd()) / 365;
    const vol = 0.05 + 1.15 * rnd();
    const r = 0.06 * rnd();
    const q = 0.05 * rnd();
    const strikes = Array.from({ length: 50 }, () => S * Math.exp(-0.4 + 0.8 * rnd())).sort((a, b) => a - b);
    for (const type of ['put', 'call'] as const)
      for (const K of strikes) {
        x.type.push(type);
        x.S[i] = S;
        x.K[i] = K;
        x.T[i] = T;
        x.r[i] = r;
        x.q[i] = q;
        x.vol[i] = vol;
        i++;
      }
  }
  return x;
}

/** The converged reference of the ALO accuracy lines (the tests' reference too). */
const ALO_CONVERGED = { nodes: 64, fpOrder: 64, priceOrder: 256, tolerance: 1e-14, iterations: 40 };

export default function run(): void {
  const x = inputs(20_000, 20261125);
  const rows = [
    measure('European bsPrice (reference)', 20_000, loop(x, 20_000, bsPrice)),
    measure('American BAW (Barone-Adesi-Whaley 1987)', 20_000, loop(x, 20_000, bawPrice)),
    measure('American Bjerksund-Stensland 2002', 20_000, loop(x, 20_000, bjerksundStensland2002Price)),
    measure('ALO default (14,12,≤20,64; q>r κ<1 in two pieces)', 1_000, loop(x, 1_000, aloPrice)),
    measure(
      '  same, chains sharing S, T, r, q and vol (50 strikes)',
      2_000,
      loop(chainInputs(20261206), 2_000, aloPrice),
    ),
    measure(
      'American ALO fast (8,8,≤4,16)',
      2_000,
      loop(x, 2_000, (t, S, K, T, r, q, v) => aloPrice(t, S, K, T, r, q, v, ALO_FAST)),
    ),
    measure(
      'American ALO high precision (32,32,≤20,96)',
      50,
      loop(x, 50, (t, S, K, T, r, q, v) => aloPrice(t, S, K, T, r, q, v, ALO_HIGH_PRECISION)),
      3,
      1,
    ),
    measure('American CRR binomial, 801 steps', 100, loop(x, 100, binomialPrice), 5, 1),
    measure(
      'American binomial BBSR, 801 steps',
      100,
      loop(x, 100, (t, S, K, T, r, q, v) => binomialPrice(t, S, K, T, r, q, v, 801, 'bbsr')),
      5,
      1,
    ),
    measure(
      'americanGreeks on BAW (11 prices each)',
      2_000,
      loop(x, 2_000, (t, S, K, T, r, q, v) => americanGreeks(t, S, K, T, r, q, v, 'baw').delta),
    ),
    measure(
      'americanGreeks on ALO (9 prices: 1 boundary solve + 4 warm)',
      50,
      loop(x, 50, (t, S, K, T, r, q, v) => americanGreeks(t, S, K, T, r, q, v, 'alo').delta),
      3,
      1,
    ),
  ];
  for (const r of rows) console.log(formatRate(r));

  // implied vol: round trip from the method's own prices
  for (const [method, n] of [
    ['baw', 2_000],
    ['bjerksund', 1_000],
    ['alo', 50],
  ] as const) {
    const prices = new Float64Array(n);
    for (let i = 0; i < n; i++) prices[i] = americanPriceOf(method, x, i);
    const rate = measure(
      `American implied vol (${method})`,
      n,
      () => {
        let s = 0;
        for (let i = 0; i < n; i++)
          s += americanImpliedVol(x.type[i], prices[i], x.S[i], x.K[i], x.T[i], x.r[i], x.q[i], method) || 0;
        return s;
      },
      5,
      1,
    );
    console.log(formatRate(rate));
  }

  // accuracy of the ALO discretisations against a converged one (n = l = 64, p = 256; per K = 100), 200 inputs
  const errs = { def: [] as number[], fast: [] as number[] };
  for (let i = 0; i < 200; i++) {
    const a = [x.type[i], x.S[i], x.K[i], x.T[i], x.r[i], x.q[i], x.vol[i]] as const;
    const ref = aloPrice(...a, ALO_CONVERGED);
    errs.def.push((Math.abs(aloPrice(...a) - ref) * 100) / x.K[i]);
    errs.fast.push((Math.abs(aloPrice(...a, ALO_FAST) - ref) * 100) / x.K[i]);
  }
  for (const [name, e] of Object.entries(errs)) {
    e.sort((a, b) => a - b);
    const at = (p: number): string => e[Math.min(e.length - 1, Math.floor(p * e.length))].toExponential(1);
    console.log(
      `ALO ${name} |error| per K=100 vs converged: median ${at(0.5)}, p90 ${at(0.9)}, max ${at(1)}`,
    );
  }
}

function americanPriceOf(method: 'baw' | 'bjerksund' | 'alo', x: Inputs, i: number): number {
  const f: Pricer =
    method === 'baw' ? bawPrice : method === 'bjerksund' ? bjerksundStensland2002Price : aloPrice;
  return f(x.type[i], x.S[i], x.K[i], x.T[i], x.r[i], x.q[i], x.vol[i]);
}
