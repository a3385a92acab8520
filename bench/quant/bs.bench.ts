/**
 * Black-Scholes-Merton and normal-distribution throughput on one core: scalar loops (the reference) beside
 * the batch kernels, on fixed-seed random realistic inputs and on chains (one S, T, r, q per expiry).
 */

import { bsGreeksBatch, bsPriceBatch } from '../../src/quant/bsBatch.js';
import { bsGreeks, type GreeksArrays, greeksArrays } from '../../src/quant/bsGreeks.js';
import { bsPrice } from '../../src/quant/bsPrice.js';
import { normCdf, normInv } from '../../src/quant/normal.js';
import { formatRate, measure, mulberry32 } from '../harness.js';

const N = 100_000;
const CHAIN = 100; // strikes per expiry

export default function run(): void {
  const rnd = mulberry32(20261125);
  const S = new Float64Array(N);
  const K = new Float64Array(N);
  const T = new Float64Array(N);
  const r = new Float64Array(N);
  const q = new Float64Array(N);
  const vol = new Float64Array(N);
  const isCall = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    S[i] = 10 + 490 * rnd();
    K[i] = S[i] * Math.exp(-0.4 + 0.8 * rnd());
    T[i] = (1 + 729 * rnd()) / 365;
    vol[i] = 0.05 + 1.15 * rnd();
    r[i] = 0.06 * rnd();
    q[i] = 0.05 * rnd();
    isCall[i] = rnd() < 0.5 ? 1 : 0;
  }
  // Chains: N / CHAIN expiries, each with its own S, T, r, q and CHAIN strikes (views made before timing).
  const chains = N / CHAIN;
  const kView: Float64Array[] = [];
  const vView: Float64Array[] = [];
  const cView: Uint8Array[] = [];
  const oView: Float64Array[] = [];
  const outChain = new Float64Array(N);
  const gChain = greeksArrays(N);
  const gView: GreeksArrays[] = [];
  for (let c = 0; c < chains; c++) {
    const a = c * CHAIN;
    const b = a + CHAIN;
    kView.push(K.subarray(a, b));
    vView.push(vol.subarray(a, b));
    cView.push(isCall.subarray(a, b));
    oView.push(outChain.subarray(a, b));
    gView.push({
      price: gChain.price.subarray(a, b),
      delta: gChain.delta.subarray(a, b),
      gamma: gChain.gamma.subarray(a, b),
      theta: gChain.theta.subarray(a, b),
      vega: gChain.vega.subarray(a, b),
      rho: gChain.rho.subarray(a, b),
    });
  }
  const out = new Float64Array(N);
  const g = greeksArrays(N);
  const p = new Float64Array(N);
  for (let i = 0; i < N; i++) p[i] = (i + 0.5) / N;

  const rates = [
    measure('bsPrice scalar loop (reference), random', N, () => {
      let s = 0;
      for (let i = 0; i < N; i++)
        s += bsPrice(isCall[i] ? 'call' : 'put', S[i], K[i], T[i], r[i], q[i], vol[i]);
      return s;
    }),
    measure('bsPriceBatch, random inputs', N, () => bsPriceBatch(isCall, S, K, T, r, q, vol, out)[N - 1]),
    measure(`bsPriceBatch, chains of ${CHAIN} strikes`, N, () => {
      for (let c = 0; c < chains; c++) {
        const a = c * CHAIN;
        bsPriceBatch(cView[c], S[a], kView[c], T[a], r[a], q[a], vView[c], oView[c]);
      }
      return outChain[N - 1];
    }),
    measure('bsGreeks scalar loop (reference), random', N, () => {
      let s = 0;
      for (let i = 0; i < N; i++)
        s += bsGreeks(isCall[i] ? 'call' : 'put', S[i], K[i], T[i], r[i], q[i], vol[i]).vega;
      return s;
    }),
    measure(
      'bsGreeksBatch (all greeks), random inputs',
      N,
      () => bsGreeksBatch(isCall, S, K, T, r, q, vol, g).vega[0],
    ),
    measure(`bsGreeksBatch (all greeks), chains of ${CHAIN}`, N, () => {
      for (let c = 0; c < chains; c++) {
        const a = c * CHAIN;
        bsGreeksBatch(cView[c], S[a], kView[c], T[a], r[a], q[a], vView[c], gView[c]);
      }
      return gChain.vega[0];
    }),
    measure('normCdf', N, () => {
      let s = 0;
      for (let i = 0; i < N; i++) s += normCdf(8 * p[i] - 4);
      return s;
    }),
    measure('normInv', N, () => {
      let s = 0;
      for (let i = 0; i < N; i++) s += normInv(p[i]);
      return s;
    }),
  ];
  for (const rate of rates) console.log(formatRate(rate));
}
