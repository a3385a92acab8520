import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bsPrice } from '../../src/quant/bsPrice.js';
import { impliedVol, impliedVolBatch, normalisedImpliedVol } from '../../src/quant/impliedVol.js';
import { normalisedBlack, normalisedBlackOtm } from '../../src/quant/normalisedBlack.js';
import type { OptionType } from '../../src/quant/types.js';

const relErr = (a: number, b: number) => Math.abs(a / b - 1);

describe('impliedVol: published values', () => {
  it('py_lets_be_rational: Black call F=K=100, T=0.5 priced 5.637197779701664 has vol 0.2 (abs. 1e-14)', () => {
    expect(Math.abs(impliedVol('call', 5.637197779701664, 100, 100, 0.5, 0, 0) - 0.2)).toBeLessThan(1e-14);
  });

  it('py_lets_be_rational: price 6.54635543387 (11 decimals) has vol 0.232323232 (abs. 1e-12)', () => {
    expect(Math.abs(impliedVol('call', 6.54635543387, 100, 100, 0.5, 0, 0) - 0.232323232)).toBeLessThan(
      1e-12,
    );
  });

  it('py_lets_be_rational: normalised call/put of F=100, K=95, T=0.5 have vol 0.3 (abs. 1e-14)', () => {
    const norm = Math.sqrt(100 * 95);
    expect(Math.abs(impliedVol('call', 0.11259558142181655 * norm, 100, 95, 0.5, 0, 0) - 0.3)).toBeLessThan(
      1e-14,
    );
    expect(Math.abs(impliedVol('put', 0.061296663817558904 * norm, 100, 95, 0.5, 0, 0) - 0.3)).toBeLessThan(
      1e-14,
    );
  });

  it('py_lets_be_rational: b(x = −1, s = 0.25) = 1.7736606889378084e-6 inverts to s = 0.25 (rel. 1e-14)', () => {
    expect(relErr(normalisedImpliedVol(1.7736606889378084e-6, -1), 0.25)).toBeLessThan(1e-14);
    // the same as a price: F = 1, K = e, T = 1, price = b·√(F·K)
    expect(
      relErr(impliedVol('call', 1.7736606889378084e-6 * Math.sqrt(Math.E), 1, Math.E, 1, 0, 0), 0.25),
    ).toBeLessThan(1e-14);
  });

  // BSM with dividend yield (jetblack-options test table; prices carry ≤ 5e-15 relative error, so the exact
  // implied vols are within 1e-15 of 0.125).
  const bsm: [OptionType, number, number, number][] = [
    ['call', 110, 100, 11.069546131685598],
    ['put', 110, 100, 0.505650275001452],
    ['call', 100, 100, 3.8695002999527546],
    ['put', 100, 100, 2.913498834791845],
    ['call', 100, 110, 0.7881685580252977],
    ['put', 100, 110, 9.344461337871536],
  ];
  it.each(bsm)(
    'BSM %s S=%d K=%d r=0.1 q=0.08 T=0.5 priced %d has vol 0.125 (abs. 1e-14)',
    (type, S, K, price) => {
      expect(Math.abs(impliedVol(type, price, S, K, 0.5, 0.1, 0.08) - 0.125)).toBeLessThan(1e-14);
    },
  );
});

// The domain of the accuracy target: vol 1%–300%, T from one day to five years, |ln(F/K)| ≤ 3σ√T.
const domain = fc.record({
  type: fc.constantFrom<OptionType>('call', 'put'),
  vol: fc.double({ min: 0.01, max: 3, noNaN: true }),
  T: fc.double({ min: 1 / 365, max: 5, noNaN: true }),
  S: fc.double({ min: 1, max: 1000, noNaN: true }),
  r: fc.double({ min: -0.01, max: 0.1, noNaN: true }),
  q: fc.double({ min: 0, max: 0.08, noNaN: true }),
  z: fc.double({ min: -3, max: 3, noNaN: true }), // ln(F/K) in units of σ√T
});
const strike = (c: { S: number; T: number; r: number; q: number; vol: number; z: number }) =>
  c.S * Math.exp((c.r - c.q) * c.T - c.z * c.vol * Math.sqrt(c.T));

describe('impliedVol: round trips over |ln(F/K)| ≤ 3σ√T, vol 1%–300%, T 1 day–5 years', () => {
  it('normalised level: b(x, s) → s → b within 1e-12 relative, and s recovered within 1e-12', () => {
    fc.assert(
      fc.property(domain, (c) => {
        const s = c.vol * Math.sqrt(c.T);
        const x = -Math.abs(c.z * s);
        const beta = normalisedBlackOtm(x, s);
        const s2 = normalisedImpliedVol(beta, x);
        expect(relErr(normalisedBlackOtm(x, s2), beta)).toBeLessThan(1e-12);
        expect(relErr(s2, s)).toBeLessThan(1e-12);
      }),
      { numRuns: 3000 },
    );
  });

  it('price level through bsPrice: relative error ≤ 1e-12 where σ√T ≥ 0.01, ≤ 5e-12 below (bsPrice’s own error)', () => {
    fc.assert(
      fc.property(domain, (c) => {
        const K = strike(c);
        const price = bsPrice(c.type, c.S, K, c.T, c.r, c.q, c.vol);
        const iv = impliedVol(c.type, price, c.S, K, c.T, c.r, c.q);
        const back = bsPrice(c.type, c.S, K, c.T, c.r, c.q, iv);
        // bsPrice differences fs·N(d1) − fk·N(d2) directly, which cancels ~|d|/(σ√T) for σ√T ≪ 1
        const tol = c.vol * Math.sqrt(c.T) >= 0.01 ? 1e-12 : 5e-12;
        expect(relErr(back, price)).toBeLessThan(tol);
      }),
      { numRuns: 3000 },
    );
  });

  it('grid: every (vol, T, z, type) node round-trips through bsPrice within 1e-12 (σ√T ≥ 0.01)', () => {
    let worst = 0;
    for (const vol of [0.01, 0.05, 0.2, 0.5, 1, 2, 3]) {
      for (const T of [1 / 365, 7 / 365, 30 / 365, 0.25, 1, 2, 5]) {
        if (vol * Math.sqrt(T) < 0.01) continue;
        for (const z of [-3, -2, -1, -0.5, -0.1, 0, 0.1, 0.5, 1, 2, 3]) {
          for (const type of ['call', 'put'] as const) {
            const c = { S: 100, r: 0.03, q: 0.01, T, vol, z };
            const K = strike(c);
            const price = bsPrice(type, 100, K, T, 0.03, 0.01, vol);
            const iv = impliedVol(type, price, 100, K, T, 0.03, 0.01);
            worst = Math.max(worst, relErr(bsPrice(type, 100, K, T, 0.03, 0.01, iv), price));
          }
        }
      }
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('vol → price → vol recovers the vol to 1e-12 relative at |ln(F/K)| ≤ 3σ√T (out-of-the-money side)', () => {
    fc.assert(
      fc.property(domain, (c) => {
        const K = strike(c);
        const type: OptionType = c.z <= 0 ? 'call' : 'put'; // forward below strike: the call is out of the money
        const price = bsPrice(type, c.S, K, c.T, c.r, c.q, c.vol);
        expect(relErr(impliedVol(type, price, c.S, K, c.T, c.r, c.q), c.vol)).toBeLessThan(1e-12);
      }),
      { numRuns: 3000 },
    );
  });

  it('hours to expiry (T 1e-6 – 1e-3 years): the round trip holds 1e-12 too, ln(F/K) taken without the ratio', () => {
    // ln(fs/fk) of the rounded ratio carries 1e-16 absolute: at σ√T ~ 1e-4 that moved the vol by 5e-12 relative
    // and the price round trip by 2.2e-11 (5,965 of 100,000 such inputs were beyond 1e-12)
    const put = [
      'put',
      7.69658877234751e-6,
      100,
      99.99707700957889,
      1.7739725898291166e-6,
      0.043171745985746385,
      -0.03146017074584961,
    ] as const;
    const iv = impliedVol(...put);
    const [, price, S0, K0, T0, r0, q0] = put;
    expect(relErr(bsPrice('put', S0, K0, T0, r0, q0, iv), price)).toBeLessThan(1e-12); // was 2.2e-11
    // mpmath (50 digits, exact inputs) gives 0.0102557345550656; the rounding of S·e^{−qT} and K·e^{−rT} alone
    // leaves ~1e-16/σ√T = 7e-12 relative in any vol found from them
    expect(relErr(iv, 0.0102557345550656)).toBeLessThan(1e-11);
    fc.assert(
      fc.property(
        fc.record({
          type: fc.constantFrom<OptionType>('call', 'put'),
          S: fc.double({ min: 10, max: 500, noNaN: true }),
          T: fc.double({ min: 1e-6, max: 1e-3, noNaN: true }),
          r: fc.double({ min: -0.01, max: 0.06, noNaN: true }),
          q: fc.double({ min: -0.01, max: 0.05, noNaN: true }),
          vol: fc.double({ min: 0.01, max: 3, noNaN: true }),
          z: fc.double({ min: -3, max: 3, noNaN: true }),
        }),
        (c) => {
          const K = strike(c);
          const price = bsPrice(c.type, c.S, K, c.T, c.r, c.q, c.vol);
          const v = impliedVol(c.type, price, c.S, K, c.T, c.r, c.q);
          expect(relErr(bsPrice(c.type, c.S, K, c.T, c.r, c.q, v), price)).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('two Householder steps already give the converged answer (to 1e-15 relative) across the domain', () => {
    fc.assert(
      fc.property(domain, (c) => {
        const s = c.vol * Math.sqrt(c.T);
        const x = -Math.abs(c.z * s);
        const beta = normalisedBlackOtm(x, s);
        expect(relErr(normalisedImpliedVol(beta, x, 2), normalisedImpliedVol(beta, x))).toBeLessThan(1e-15);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('impliedVol: edge cases', () => {
  it('T of 30 seconds (T = 1e-6 years), at and near the money, round-trips within 1e-12', () => {
    for (const K of [99.999, 100, 100.001]) {
      for (const type of ['call', 'put'] as const) {
        const price = bsPrice(type, 100, K, 1e-6, 0.05, 0, 0.25);
        const iv = impliedVol(type, price, 100, K, 1e-6, 0.05, 0);
        expect(relErr(iv, 0.25)).toBeLessThan(1e-11);
        expect(relErr(bsPrice(type, 100, K, 1e-6, 0.05, 0, iv), price)).toBeLessThan(1e-12);
      }
    }
  });

  it('deep out of the money, price ~1e-200: the vol is recovered to 1e-13 (the price is h²-sensitive)', () => {
    // S = 100, K = 200, T = 0.1, vol 7.2%: h = x/s ≈ −30, price ≈ 3e-204
    const price = bsPrice('call', 100, 200, 0.1, 0.02, 0.01, 0.072);
    expect(price).toBeGreaterThan(1e-230);
    expect(price).toBeLessThan(1e-180);
    const iv = impliedVol('call', price, 100, 200, 0.1, 0.02, 0.01);
    expect(relErr(iv, 0.072)).toBeLessThan(1e-13);
    // one ulp of vol moves the price by ~h²·ε ≈ 1e-13 here, so the round trip is held to 1e-11
    expect(relErr(bsPrice('call', 100, 200, 0.1, 0.02, 0.01, iv), price)).toBeLessThan(1e-11);
  });

  it('subnormal price (~1e-313, 34 significant bits): the vol is recovered to 1e-12', () => {
    const [S, K, T, r, q, vol] = [
      47.056758855469525, 64.54951123304762, 0.003915337256908621, 0.0306, 0.0278, 0.1338707,
    ];
    const price = bsPrice('call', S, K, T, r, q, vol);
    expect(price).toBeGreaterThan(0);
    expect(price).toBeLessThan(1e-310);
    expect(relErr(impliedVol('call', price, S, K, T, r, q), vol)).toBeLessThan(1e-12);
  });

  it('exactly at the money forward (x = 0) and at vanishing |x|', () => {
    for (const vol of [0.01, 0.3, 2.5]) {
      const price = bsPrice('call', 100, 100, 0.5, 0.02, 0.02, vol);
      expect(relErr(impliedVol('call', price, 100, 100, 0.5, 0.02, 0.02), vol)).toBeLessThan(1e-13);
      for (const x of [1e-300, 1e-15, 1e-8]) {
        const beta = normalisedBlack(-x, vol, true);
        expect(relErr(normalisedImpliedVol(beta, -x), vol)).toBeLessThan(1e-13);
      }
    }
  });

  it('deep in the money: vol from the time value, price round trip within 1e-14', () => {
    const price = bsPrice('put', 50, 100, 1, 0.03, 0.01, 0.4);
    const iv = impliedVol('put', price, 50, 100, 1, 0.03, 0.01);
    expect(relErr(iv, 0.4)).toBeLessThan(1e-12);
    expect(relErr(bsPrice('put', 50, 100, 1, 0.03, 0.01, iv), price)).toBeLessThan(1e-14);
  });

  it('very high vols (up to 1000% over a year) still invert', () => {
    for (const vol of [3, 5, 10]) {
      const price = bsPrice('call', 100, 120, 1, 0.01, 0, vol);
      expect(relErr(impliedVol('call', price, 100, 120, 1, 0.01, 0), vol)).toBeLessThan(1e-9);
    }
  });
});

describe('impliedVol: no-arbitrage bounds', () => {
  const S = 100;
  const K = 90;
  const T = 0.5;
  const r = 0.04;
  const q = 0.01;
  const fs = S * Math.exp(-q * T);
  const fk = K * Math.exp(-r * T);

  it('NaN below the discounted intrinsic value and above the upper bound', () => {
    expect(impliedVol('call', (fs - fk) * (1 - 1e-9), S, K, T, r, q)).toBeNaN();
    expect(impliedVol('put', -1e-12, S, K, T, r, q)).toBeNaN();
    expect(impliedVol('call', fs * (1 + 1e-12), S, K, T, r, q)).toBeNaN();
    expect(impliedVol('put', fk * (1 + 1e-12), S, K, T, r, q)).toBeNaN();
  });

  it('0 at the intrinsic value (and within 4 ulp of it), +∞ exactly at the upper bound', () => {
    expect(impliedVol('call', fs - fk, S, K, T, r, q)).toBe(0);
    expect(impliedVol('call', fs - fk - 2 * Number.EPSILON * fs, S, K, T, r, q)).toBe(0);
    expect(impliedVol('put', 0, S, K, T, r, q)).toBe(0);
    expect(impliedVol('call', fs, S, K, T, r, q)).toBe(Number.POSITIVE_INFINITY);
    expect(impliedVol('put', fk, S, K, T, r, q)).toBe(Number.POSITIVE_INFINITY);
  });

  it('NaN for non-positive S, K, T and for NaN or infinite inputs', () => {
    expect(impliedVol('call', 5, 0, K, T, r, q)).toBeNaN();
    expect(impliedVol('call', 5, S, -1, T, r, q)).toBeNaN();
    expect(impliedVol('call', 5, S, K, 0, r, q)).toBeNaN();
    expect(impliedVol('call', Number.NaN, S, K, T, r, q)).toBeNaN();
    expect(impliedVol('call', 5, Number.POSITIVE_INFINITY, K, T, r, q)).toBeNaN();
    expect(impliedVol('call', 15, S, K, T, Number.NaN, q)).toBeNaN();
  });

  it('normalisedImpliedVol: 0 at β ≤ 0, +∞ at β ≥ e^{−|x|/2}, NaN for NaN', () => {
    expect(normalisedImpliedVol(0, -0.5)).toBe(0);
    expect(normalisedImpliedVol(Math.exp(-0.25), -0.5)).toBe(Number.POSITIVE_INFINITY);
    expect(normalisedImpliedVol(Number.NaN, -0.5)).toBeNaN();
  });
});

describe('impliedVolBatch', () => {
  const n = 257;
  const S = new Float64Array(n);
  const K = new Float64Array(n);
  const T = new Float64Array(n);
  const r = new Float64Array(n);
  const q = new Float64Array(n);
  const price = new Float64Array(n);
  const types = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    S[i] = 50 + i;
    K[i] = S[i] * Math.exp(0.4 * Math.sin(i));
    T[i] = 0.02 + (i % 17) / 10;
    r[i] = 0.01 * (i % 5);
    q[i] = 0.005 * (i % 3);
    types[i] = i % 2;
    price[i] = bsPrice(types[i] ? 'call' : 'put', S[i], K[i], T[i], r[i], q[i], 0.1 + (i % 11) / 10);
  }

  it('equals the scalar function element by element (per-element inputs)', () => {
    const out = impliedVolBatch(types, price, S, K, T, r, q);
    for (let i = 0; i < n; i++) {
      expect(out[i]).toBe(impliedVol(types[i] ? 'call' : 'put', price[i], S[i], K[i], T[i], r[i], q[i]));
    }
  });

  it('chain form (shared S, T, r, q) equals the scalar function and writes into the given array', () => {
    const out = new Float64Array(n);
    const chainPrice = new Float64Array(n);
    for (let i = 0; i < n; i++)
      chainPrice[i] = bsPrice('call', 100, K[i], 0.3, 0.04, 0.02, 0.2 + (i % 7) / 20);
    expect(impliedVolBatch('call', chainPrice, 100, K, 0.3, 0.04, 0.02, out)).toBe(out);
    for (let i = 0; i < n; i++)
      expect(out[i]).toBe(impliedVol('call', chainPrice[i], 100, K[i], 0.3, 0.04, 0.02));
  });

  it('mixes shared numbers and per-element arrays in any combination', () => {
    // each of S, K, T, r, q shared in turn (the others per element), then K alone per element with T an array
    const mixed: Array<
      [
        number | Float64Array,
        number | Float64Array,
        number | Float64Array,
        number | Float64Array,
        number | Float64Array,
      ]
    > = [
      [80, K, T, r, q],
      [S, 90, T, r, q],
      [S, K, 0.7, r, q],
      [S, K, T, 0.03, q],
      [S, K, T, r, 0.01],
      [100, K, T, 0.02, 0.01],
    ];
    for (const [s, k, t, rr, qq] of mixed) {
      const at = (x: number | Float64Array, i: number) => (typeof x === 'number' ? x : x[i]);
      const p = new Float64Array(n);
      for (let i = 0; i < n; i++)
        p[i] = bsPrice('put', at(s, i), at(k, i), at(t, i), at(rr, i), at(qq, i), 0.15 + (i % 9) / 20);
      const out = impliedVolBatch('put', p, s, k, t, rr, qq);
      for (let i = 0; i < n; i++)
        expect(out[i]).toBe(impliedVol('put', p[i], at(s, i), at(k, i), at(t, i), at(rr, i), at(qq, i)));
    }
  });

  it('rejects an input array shorter than the prices', () => {
    expect(() => impliedVolBatch('put', price, S, K.subarray(1), T, r, q)).toThrow(RangeError);
    expect(() => impliedVolBatch('put', price, S, K, T, r, q, new Float64Array(n - 1))).toThrow(RangeError);
  });
});
