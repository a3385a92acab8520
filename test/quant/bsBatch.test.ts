import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bsGreeksBatch, bsPriceBatch } from '../../src/quant/bsBatch.js';
import { bsGreeks, greeksArrays } from '../../src/quant/bsGreeks.js';
import { bsPrice } from '../../src/quant/bsPrice.js';

const row = fc.record({
  call: fc.boolean(),
  S: fc.double({ min: 0, max: 1000, noNaN: true }),
  m: fc.double({ min: -1, max: 1, noNaN: true }),
  T: fc.double({ min: 0, max: 3, noNaN: true }),
  r: fc.double({ min: -0.01, max: 0.1, noNaN: true }),
  q: fc.double({ min: 0, max: 0.1, noNaN: true }),
  vol: fc.double({ min: 0, max: 2, noNaN: true }),
});

describe('bsPriceBatch', () => {
  it('equals the scalar bsPrice element by element on random inputs (all arrays)', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 40 }), (rows) => {
        const n = rows.length;
        const col = (f: (x: (typeof rows)[number]) => number) => Float64Array.from(rows, f);
        const K = col((x) => x.S * Math.exp(x.m));
        const out = bsPriceBatch(
          rows.map((x) => x.call),
          col((x) => x.S),
          K,
          col((x) => x.T),
          col((x) => x.r),
          col((x) => x.q),
          col((x) => x.vol),
          new Float64Array(n),
        );
        rows.forEach((x, i) => {
          expect(out[i]).toBe(bsPrice(x.call ? 'call' : 'put', x.S, K[i], x.T, x.r, x.q, x.vol));
        });
      }),
    );
  });

  it('prices a chain (scalar S, T, r, q) exactly like the scalar function', () => {
    fc.assert(
      fc.property(
        row,
        fc.array(
          fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: 0, max: 2, noNaN: true })),
          { minLength: 1, maxLength: 30 },
        ),
        (x, strikes) => {
          const K = Float64Array.from(strikes, ([m]) => x.S * Math.exp(m));
          const vol = Float64Array.from(strikes, ([, v]) => v);
          const rights = Uint8Array.from(strikes, (_, i) => i % 2);
          const out = bsPriceBatch(rights, x.S, K, x.T, x.r, x.q, vol, new Float64Array(K.length));
          for (let i = 0; i < K.length; i++) {
            expect(out[i]).toBe(bsPrice(rights[i] ? 'call' : 'put', x.S, K[i], x.T, x.r, x.q, vol[i]));
          }
        },
      ),
    );
  });

  it('equals the scalar bsPrice at subnormal spot and strike (where halving first rounds)', () => {
    // fast-check's counterexample from a CI run: the scalar kernel halved √(fs·fk) before the exponential.
    const S = 5e-323;
    const K = S * Math.exp(-0.7985076962177717);
    const args = [1.213297002811753, 0, 0, 1.9999999999999967] as const;
    const expected = bsPrice('put', S, K, ...args);
    expect(bsPriceBatch('put', S, new Float64Array([K]), ...args, new Float64Array(1))[0]).toBe(expected);
    const arrays = [S, K, ...args].map((v) => new Float64Array([v]));
    const [aS, aK, aT, ar, aq, av] = arrays;
    expect(bsPriceBatch('put', aS, aK, aT, ar, aq, av, new Float64Array(1))[0]).toBe(expected);
  });

  it('accepts a scalar right and scalar vol, and returns its out array', () => {
    const K = new Float64Array([80, 100, 120]);
    const out = new Float64Array(3);
    expect(bsPriceBatch(false, 100, K, 0.5, 0.03, 0.01, 0.25, out)).toBe(out);
    K.forEach((k, i) => {
      expect(out[i]).toBe(bsPrice('put', 100, k, 0.5, 0.03, 0.01, 0.25));
    });
  });

  it('writes NaN for invalid elements and keeps the others', () => {
    const out = bsPriceBatch(
      true,
      new Float64Array([100, -1, 100]),
      100,
      new Float64Array([1, 1, -1]),
      0,
      0,
      0.2,
      new Float64Array(3),
    );
    expect(out[0]).toBe(bsPrice('call', 100, 100, 1, 0, 0, 0.2));
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeNaN();
    expect(
      bsPriceBatch(true, 100, new Float64Array([100, -5]), 1, 0, 0, 0.2, new Float64Array(2))[1],
    ).toBeNaN();
  });

  it('throws a RangeError naming the input that is shorter than out', () => {
    expect(() => bsPriceBatch(true, 100, new Float64Array(2), 1, 0, 0, 0.2, new Float64Array(3))).toThrow(
      /K/,
    );
    expect(() => bsPriceBatch([true], 100, 100, 1, 0, 0, 0.2, new Float64Array(3))).toThrow(RangeError);
  });
});

describe('bsGreeksBatch', () => {
  it('equals the scalar bsGreeks element by element, random inputs and chains', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 30 }), (rows) => {
        const n = rows.length;
        const col = (f: (x: (typeof rows)[number]) => number) => Float64Array.from(rows, f);
        const K = col((x) => x.S * Math.exp(x.m));
        const rights = Uint8Array.from(rows, (x) => (x.call ? 1 : 0));
        const vol = col((x) => x.vol);
        const g = bsGreeksBatch(
          rights,
          col((x) => x.S),
          K,
          col((x) => x.T),
          col((x) => x.r),
          col((x) => x.q),
          vol,
          greeksArrays(n),
        );
        const x0 = rows[0];
        const chain = bsGreeksBatch(rights, x0.S, K, x0.T, x0.r, x0.q, vol, greeksArrays(n));
        rows.forEach((x, i) => {
          const type = x.call ? 'call' : 'put';
          const e = bsGreeks(type, x.S, K[i], x.T, x.r, x.q, x.vol);
          const c = bsGreeks(type, x0.S, K[i], x0.T, x0.r, x0.q, x.vol);
          for (const key of ['price', 'delta', 'gamma', 'theta', 'vega', 'rho'] as const) {
            expect(g[key][i]).toBe(e[key]);
            expect(chain[key][i]).toBe(c[key]);
          }
        });
      }),
    );
  });

  it('gives the scalar limits at vol = ∞ (random inputs and a chain), theta included', () => {
    const vol = new Float64Array([Number.POSITIVE_INFINITY, 0.2, Number.POSITIVE_INFINITY]);
    const K = new Float64Array([90, 100, 110]);
    const rights = new Uint8Array([1, 0, 0]);
    const spots = new Float64Array([100, 100, 100]); // per element: the random-input path, not the chain's
    const random = bsGreeksBatch(rights, spots, K, 0.5, 0.05, 0.02, vol, greeksArrays(3));
    const chain = bsGreeksBatch(rights, 100, K, 0.5, 0.05, 0.02, vol, greeksArrays(3));
    for (let i = 0; i < 3; i++) {
      const e = bsGreeks(rights[i] ? 'call' : 'put', 100, K[i], 0.5, 0.05, 0.02, vol[i]);
      for (const key of ['price', 'delta', 'gamma', 'theta', 'vega', 'rho'] as const) {
        expect(Number.isNaN(random[key][i])).toBe(false);
        expect(random[key][i]).toBe(e[key]);
        expect(chain[key][i]).toBe(e[key]);
      }
    }
    expect(random.theta[2]).toBeCloseTo(0.05 * 110 * Math.exp(-0.05 * 0.5), 12);
    // … and the price batch too (a first fix sent vol = ∞ to the σ = 0 limit there: 11.23 for 99.00)
    const prices = bsPriceBatch(rights, 100, K, 0.5, 0.05, 0.02, vol, new Float64Array(3));
    const pricesRandom = bsPriceBatch(rights, spots, K, 0.5, 0.05, 0.02, vol, new Float64Array(3));
    for (let i = 0; i < 3; i++) {
      const e = bsPrice(rights[i] ? 'call' : 'put', 100, K[i], 0.5, 0.05, 0.02, vol[i]);
      expect(prices[i]).toBe(e);
      expect(pricesRandom[i]).toBe(e);
    }
    expect(prices[0]).toBeCloseTo(100 * Math.exp(-0.02 * 0.5), 12);
  });

  it('throws when an output array is shorter than out.price', () => {
    const out = greeksArrays(3);
    out.rho = new Float64Array(2);
    expect(() => bsGreeksBatch(true, 100, 100, 1, 0, 0, 0.2, out)).toThrow(/rho/);
  });
});
