/**
 * Probabilities: closed-form POP (src/quant/pop.ts) of a 2-leg vertical and a 4-leg iron condor, the
 * single terminal probability it is built from, the touch probability, and Monte Carlo paths per second
 * (src/quant/monteCarlo.ts) with and without daily mark-to-market monitoring for P50.
 * Fixed-seed random realistic inputs: S 10–500, K = S·e^U(−0.4,0.4), T 1–730 days, vol 5–120%,
 * r 0–6%, q 0–5%.
 */
import { monteCarlo } from '../../src/quant/monteCarlo.js';
import { type PayoffLeg, pop } from '../../src/quant/pop.js';
import { probAbove } from '../../src/quant/probability.js';
import { probTouch } from '../../src/quant/touch.js';
import { formatRate, measure, mulberry32 } from '../harness.js';

const N = 20_000;
const REPS = 9;
const WARMUP = 25; // calls before timing: lets the JIT settle (the first kernel measured is otherwise penalised)

interface Market {
  S: Float64Array;
  T: Float64Array;
  vol: Float64Array;
  drift: Float64Array;
  moneyness: Float64Array; // e^U(−0.4, 0.4), sorted per position when several strikes are needed
}

function randomMarket(seed: number, n: number): Market {
  const rnd = mulberry32(seed);
  const m: Market = {
    S: new Float64Array(n),
    T: new Float64Array(n),
    vol: new Float64Array(n),
    drift: new Float64Array(n),
    moneyness: new Float64Array(4 * n),
  };
  for (let i = 0; i < n; i++) {
    m.S[i] = 10 + 490 * rnd();
    m.T[i] = (1 + 729 * rnd()) / 365;
    m.vol[i] = 0.05 + 1.15 * rnd();
    m.drift[i] = 0.06 * rnd() - 0.05 * rnd(); // r − q
    const ks = [0, 1, 2, 3].map(() => Math.exp(-0.4 + 0.8 * rnd())).sort((a, b) => a - b);
    for (let j = 0; j < 4; j++) m.moneyness[4 * i + j] = ks[j];
  }
  return m;
}

/** Bull put spread (short the higher put) and iron condor on the position's sorted strikes; premiums ~ a few % of S. */
function positions(m: Market, n: number): { twoLeg: PayoffLeg[][]; fourLeg: PayoffLeg[][] } {
  const twoLeg: PayoffLeg[][] = [];
  const fourLeg: PayoffLeg[][] = [];
  for (let i = 0; i < n; i++) {
    const S = m.S[i];
    const k = (j: number) => S * m.moneyness[4 * i + j];
    twoLeg.push([
      { type: 'put', strike: k(0), quantity: 1, premium: 0.01 * S },
      { type: 'put', strike: k(1), quantity: -1, premium: 0.03 * S },
    ]);
    fourLeg.push([
      { type: 'put', strike: k(0), quantity: 1, premium: 0.01 * S },
      { type: 'put', strike: k(1), quantity: -1, premium: 0.025 * S },
      { type: 'call', strike: k(2), quantity: -1, premium: 0.025 * S },
      { type: 'call', strike: k(3), quantity: 1, premium: 0.01 * S },
    ]);
  }
  return { twoLeg, fourLeg };
}

/** Prints the rate of `fn`, which evaluates N cases per call. */
function rate(name: string, fn: () => number): void {
  console.log(formatRate(measure(name, N, fn, REPS, WARMUP)));
}

export default function run(): void {
  const m = randomMarket(20261125, N);
  const { twoLeg, fourLeg } = positions(m, N);

  rate('probAbove (one N(d2))', () => {
    let s = 0;
    for (let i = 0; i < N; i++)
      s += probAbove(m.S[i], m.S[i] * m.moneyness[4 * i], m.T[i], m.vol[i], m.drift[i]);
    return s;
  });
  rate('pop closed form, 2-leg put vertical', () => {
    let s = 0;
    for (let i = 0; i < N; i++) s += pop(twoLeg[i], m.S[i], m.T[i], m.vol[i], m.drift[i]);
    return s;
  });
  rate('pop closed form, 4-leg iron condor', () => {
    let s = 0;
    for (let i = 0; i < N; i++) s += pop(fourLeg[i], m.S[i], m.T[i], m.vol[i], m.drift[i]);
    return s;
  });
  rate('probTouch (barrier hit before T)', () => {
    let s = 0;
    for (let i = 0; i < N; i++)
      s += probTouch(m.S[i], m.S[i] * m.moneyness[4 * i + 3], m.T[i], m.vol[i], m.drift[i]);
    return s;
  });

  // Monte Carlo: iron condor, 45 days, daily monitoring (32 steps); 10,000 paths per run.
  const S = 100;
  const condor: PayoffLeg[] = [
    { type: 'put', strike: 90, quantity: 1, premium: 0.5 },
    { type: 'put', strike: 95, quantity: -1, premium: 1.5 },
    { type: 'call', strike: 105, quantity: -1, premium: 1.4 },
    { type: 'call', strike: 110, quantity: 1, premium: 0.4 },
  ];
  const paths = 10_000;
  const input = { legs: condor, S, T: 45 / 365, vol: 0.25, r: 0.04, q: 0.01, paths, seed: 1 };
  const withP50 = measure(
    'monteCarlo paths, condor 45d daily MTM (P50)',
    paths,
    () => monteCarlo(input).pop.value,
    5,
    1,
  );
  console.log(formatRate(withP50));
  const terminal = measure(
    'monteCarlo paths, condor 45d, no P50 target',
    paths,
    () => monteCarlo({ ...input, profitTarget: Number.NaN }).pop.value,
    5,
    1,
  );
  console.log(formatRate(terminal));
}
