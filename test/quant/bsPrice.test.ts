import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bsGreeksBatch, bsPriceBatch } from '../../src/quant/bsBatch.js';
import { bsGreeks } from '../../src/quant/bsGreeks.js';
import { bsPrice, bsPriceDiscounted } from '../../src/quant/bsPrice.js';
import { impliedVol } from '../../src/quant/impliedVol.js';
import type { OptionType } from '../../src/quant/types.js';

const relErr = (a: number, b: number): number => (a === b ? 0 : Math.abs(a / b - 1));

// E. G. Haug, "Option Pricing Formulas" (McGraw-Hill 1998) pp. 2-8, 24 and 27, as tabulated in QuantLib's
// test-suite/europeanoption.cpp (testValues): type, strike, spot, q, r, t, vol, value; tolerance 1e-4
// absolute (the table's 4 decimals), as in QuantLib.
const HAUG: [OptionType, number, number, number, number, number, number, number][] = [
  ['call', 65, 60, 0, 0.08, 0.25, 0.3, 2.1334],
  ['put', 95, 100, 0.05, 0.1, 0.5, 0.2, 2.4648],
  ['put', 19, 19, 0.1, 0.1, 0.75, 0.28, 1.7011], // Black (1976) on a future: S = F, q = r (Haug §1.1.2)
  ['call', 19, 19, 0.1, 0.1, 0.75, 0.28, 1.7011],
  ['call', 1.6, 1.56, 0.08, 0.06, 0.5, 0.12, 0.0291],
  ['put', 70, 75, 0.05, 0.1, 0.5, 0.35, 4.087],
  ['call', 100, 90, 0.1, 0.1, 0.1, 0.15, 0.0205],
  ['call', 100, 100, 0.1, 0.1, 0.1, 0.15, 1.8734],
  ['call', 100, 110, 0.1, 0.1, 0.1, 0.15, 9.9413],
  ['call', 100, 90, 0.1, 0.1, 0.1, 0.25, 0.315],
  ['call', 100, 100, 0.1, 0.1, 0.1, 0.25, 3.1217],
  ['call', 100, 110, 0.1, 0.1, 0.1, 0.25, 10.3556],
  ['call', 100, 90, 0.1, 0.1, 0.1, 0.35, 0.9474],
  ['call', 100, 100, 0.1, 0.1, 0.1, 0.35, 4.3693],
  ['call', 100, 110, 0.1, 0.1, 0.1, 0.35, 11.1381],
  ['call', 100, 90, 0.1, 0.1, 0.5, 0.15, 0.8069],
  ['call', 100, 100, 0.1, 0.1, 0.5, 0.15, 4.0232],
  ['call', 100, 110, 0.1, 0.1, 0.5, 0.15, 10.5769],
  ['call', 100, 90, 0.1, 0.1, 0.5, 0.25, 2.7026],
  ['call', 100, 100, 0.1, 0.1, 0.5, 0.25, 6.6997],
  ['call', 100, 110, 0.1, 0.1, 0.5, 0.25, 12.7857],
  ['call', 100, 90, 0.1, 0.1, 0.5, 0.35, 4.9329],
  ['call', 100, 100, 0.1, 0.1, 0.5, 0.35, 9.3679],
  ['call', 100, 110, 0.1, 0.1, 0.5, 0.35, 15.3086],
  ['put', 100, 90, 0.1, 0.1, 0.1, 0.15, 9.921],
  ['put', 100, 100, 0.1, 0.1, 0.1, 0.15, 1.8734],
  ['put', 100, 110, 0.1, 0.1, 0.1, 0.15, 0.0408],
  ['put', 100, 90, 0.1, 0.1, 0.1, 0.25, 10.2155],
  ['put', 100, 100, 0.1, 0.1, 0.1, 0.25, 3.1217],
  ['put', 100, 110, 0.1, 0.1, 0.1, 0.25, 0.4551],
  ['put', 100, 90, 0.1, 0.1, 0.1, 0.35, 10.8479],
  ['put', 100, 100, 0.1, 0.1, 0.1, 0.35, 4.3693],
  ['put', 100, 110, 0.1, 0.1, 0.1, 0.35, 1.2376],
  ['put', 100, 90, 0.1, 0.1, 0.5, 0.15, 10.3192],
  ['put', 100, 100, 0.1, 0.1, 0.5, 0.15, 4.0232],
  ['put', 100, 110, 0.1, 0.1, 0.5, 0.15, 1.0646],
  ['put', 100, 90, 0.1, 0.1, 0.5, 0.25, 12.2149],
  ['put', 100, 100, 0.1, 0.1, 0.5, 0.25, 6.6997],
  ['put', 100, 110, 0.1, 0.1, 0.5, 0.25, 3.2734],
  ['put', 100, 90, 0.1, 0.1, 0.5, 0.35, 14.4452],
  ['put', 100, 100, 0.1, 0.1, 0.5, 0.35, 9.3679],
  ['put', 100, 110, 0.1, 0.1, 0.5, 0.35, 5.7963],
  ['call', 40, 42, 0.08, 0.04, 0.75, 0.35, 5.0975],
];

// Deep out-of-the-money and near-degenerate cases: exact prices evaluated at 50 significant digits (mpmath);
// type, S, K, T, r, q, vol, value, relative tolerance.
const DEEP: [OptionType, number, number, number, number, number, number, number, number][] = [
  ['call', 100, 300, 0.5, 0.01, 0, 0.2, 1.6041417454439595e-14, 1e-13],
  ['put', 100, 30, 0.5, 0.01, 0, 0.2, 5.4665068554603465e-18, 1e-13],
  ['call', 100, 200, 1 / 12, 0.05, 0.02, 0.15, 5.42607079951778e-58, 1e-12],
  ['call', 50, 1000, 1, 0.03, 0, 0.2, 1.4008389185705151e-49, 1e-12],
  ['put', 100, 50, 0.25, 0.05, 0, 0.3, 2.633258092420605e-6, 1e-14],
  ['call', 100, 100, 1, 0.05, 0.02, 0.001, 2.8969248806041294, 1e-14],
];

// Realistic random inputs (the benchmark's ranges, widened to the edges): S, K, T (years), r, q, vol.
const inputs = fc.record({
  S: fc.double({ min: 1, max: 1000, noNaN: true }),
  m: fc.double({ min: -1, max: 1, noNaN: true }),
  T: fc.double({ min: 1 / 365, max: 3, noNaN: true }),
  r: fc.double({ min: -0.01, max: 0.1, noNaN: true }),
  q: fc.double({ min: 0, max: 0.1, noNaN: true }),
  vol: fc.double({ min: 0.01, max: 2, noNaN: true }),
});

describe('bsPrice', () => {
  it.each(HAUG)(
    'Haug 1998: %s K=%d S=%d q=%d r=%d t=%d vol=%d → %d (±1e−4)',
    (type, K, S, q, r, t, vol, value) => {
      expect(Math.abs(bsPrice(type, S, K, t, r, q, vol) - value)).toBeLessThanOrEqual(1e-4);
    },
  );

  it.each(DEEP)('deep OTM %s S=%d K=%d keeps relative accuracy', (type, S, K, T, r, q, vol, value, tol) => {
    expect(relErr(bsPrice(type, S, K, T, r, q, vol), value)).toBeLessThan(tol);
  });

  it('satisfies put-call parity C − P = S·e^(−qT) − K·e^(−rT) (1e−13 of S + K)', () => {
    fc.assert(
      fc.property(inputs, ({ S, m, T, r, q, vol }) => {
        const K = S * Math.exp(m);
        const lhs = bsPrice('call', S, K, T, r, q, vol) - bsPrice('put', S, K, T, r, q, vol);
        const rhs = S * Math.exp(-q * T) - K * Math.exp(-r * T);
        expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-13 * (S + K));
      }),
    );
  });

  it('stays within the no-arbitrage bounds max(F̃ − K̃, 0) ≤ C ≤ S·e^(−qT), max(K̃ − F̃, 0) ≤ P ≤ K·e^(−rT)', () => {
    fc.assert(
      fc.property(inputs, ({ S, m, T, r, q, vol }) => {
        const K = S * Math.exp(m);
        const fs = S * Math.exp(-q * T);
        const fk = K * Math.exp(-r * T);
        const slack = 1e-13 * (fs + fk);
        const c = bsPrice('call', S, K, T, r, q, vol);
        const p = bsPrice('put', S, K, T, r, q, vol);
        expect(c).toBeGreaterThanOrEqual(Math.max(fs - fk, 0) - slack);
        expect(c).toBeLessThanOrEqual(fs + slack);
        expect(p).toBeGreaterThanOrEqual(Math.max(fk - fs, 0) - slack);
        expect(p).toBeLessThanOrEqual(fk + slack);
      }),
    );
  });

  it('obeys put-call symmetry C(S, K, r, q) = P(K, S, q, r) (Haug §1.1.6) to 1e−12 relative', () => {
    fc.assert(
      fc.property(inputs, ({ S, m, T, r, q, vol }) => {
        const K = S * Math.exp(m);
        const c = bsPrice('call', S, K, T, r, q, vol);
        const p = bsPrice('put', K, S, T, q, r, vol);
        expect(Math.abs(c - p)).toBeLessThanOrEqual(1e-12 * Math.max(c, 1e-300) + 1e-15 * S);
      }),
    );
  });

  it('is never NaN and never negative for valid inputs, extremes included', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<OptionType>('call', 'put'),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        (type, S, K, T, r, q, vol) => {
          const v = bsPrice(type, S, K, T, r, q, vol);
          expect(Number.isFinite(v)).toBe(true);
          expect(v).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});

describe('bsPrice at small total volatility σ√T (short-dated, low-vol quotes)', () => {
  // [type, K, σ√T, price]: S = 100, T = 1, r = q = 0 (so the inputs reach the formula unrounded), vol = σ√T,
  // K = 100·e^(m·σ√T) for m = −3, −1, 0.5, 2; prices to 16 digits from a 50-digit evaluation of the formula
  // (mpmath). The erf/erfcx differences lost ~1e-15/σ√T relative here: 1.8e-11 at σ√T = 1e-4.
  const REF: [OptionType, number, number, number][] = [
    ['call', 99.7004495503373, 0.001, 0.2995886078101025],
    ['put', 99.7004495503373, 0.001, 3.815814739903656e-5],
    ['call', 99.9000499833375, 0.001, 0.1082773983282795],
    ['put', 99.9000499833375, 0.001, 0.00832738166577549],
    ['call', 100.05001250208359, 0.001, 0.0197846000110167],
    ['put', 100.05001250208359, 0.001, 0.06979710209460624],
    ['call', 100.20020013340003, 0.001, 0.0008499196730870842],
    ['put', 100.20020013340003, 0.001, 0.2010500530731183],
    ['call', 99.97000449955003, 0.0001, 0.02999932141994864],
    ['put', 99.97000449955003, 0.0001, 3.820969977851121e-6],
    ['call', 99.99000049998334, 0.0001, 0.01083261306518422],
    ['put', 99.99000049998334, 0.0001, 0.0008331130485227184],
    ['call', 100.00500012500208, 0.0001, 0.001978015022509359],
    ['put', 100.00500012500208, 0.0001, 0.006978140024593492],
    ['call', 100.02000200013335, 0.0001, 8.491551721187542e-5],
    ['put', 100.02000200013335, 0.0001, 0.02008691565055751],
    ['call', 99.99700004499955, 1e-5, 0.00300033714903236],
    ['put', 99.99700004499955, 1e-5, 3.821485847750807e-7],
    ['call', 99.99900000499998, 1e-5, 0.001083310054025994],
    ['put', 99.99900000499998, 1e-5, 8.331505401097512e-5],
    ['call', 100.00050000125, 1e-5, 0.000197797051891657],
    ['put', 100.00050000125, 1e-5, 0.000697798301895036],
    ['call', 100.00200002000012, 1e-5, 8.490787524388964e-6],
    ['put', 100.00200002000012, 1e-5, 0.00200851078764928],
  ];

  it('keeps full relative accuracy (≤ 1e-14) down to σ√T = 1e-5, in bsPrice, bsGreeks and the batches', () => {
    const out = new Float64Array(1);
    const g = {
      price: new Float64Array(1),
      delta: new Float64Array(1),
      gamma: new Float64Array(1),
      theta: new Float64Array(1),
      vega: new Float64Array(1),
      rho: new Float64Array(1),
    };
    for (const [type, K, sd, want] of REF) {
      const p = bsPrice(type, 100, K, 1, 0, 0, sd);
      expect(Math.abs(p / want - 1)).toBeLessThan(1e-14);
      expect(bsGreeks(type, 100, K, 1, 0, 0, sd).price).toBe(p);
      expect(bsPriceBatch([type === 'call'], 100, Float64Array.of(K), 1, 0, 0, sd, out)[0]).toBe(p);
      expect(bsPriceBatch([type === 'call'], Float64Array.of(100), K, 1, 0, 0, sd, out)[0]).toBe(p);
      expect(bsGreeksBatch([type === 'call'], Float64Array.of(100), K, 1, 0, 0, sd, g).price[0]).toBe(p);
    }
  });

  it('meets the implied-vol round trip (≤ 1e-12 relative) at σ = 1 %, T = 1 day, |ln(F/K)| ≤ 3σ√T', () => {
    const T = 1 / 365;
    const sd = 0.01 * Math.sqrt(T);
    for (let m = -3; m <= 3; m += 0.25)
      for (const type of ['call', 'put'] as const) {
        const K = 100 * Math.exp(m * sd + (0.03 - 0.01) * T);
        const p = bsPrice(type, 100, K, T, 0.03, 0.01, 0.01);
        const iv = impliedVol(type, p, 100, K, T, 0.03, 0.01);
        expect(Math.abs(bsPrice(type, 100, K, T, 0.03, 0.01, iv) / p - 1)).toBeLessThan(1e-12);
      }
  });
});

describe('bsPrice limits', () => {
  it('T = 0 gives the intrinsic value', () => {
    expect(bsPrice('call', 110, 100, 0, 0.05, 0.02, 0.3)).toBe(10);
    expect(bsPrice('put', 110, 100, 0, 0.05, 0.02, 0.3)).toBe(0);
    expect(bsPrice('put', 90, 100, 0, 0.05, 0.02, 0.3)).toBe(10);
    expect(bsPrice('call', 100, 100, 0, 0.05, 0.02, 0.3)).toBe(0);
  });

  it('vol = 0 gives the discounted forward intrinsic value max(S·e^(−qT) − K·e^(−rT), 0)', () => {
    const fs = 100 * Math.exp(-0.02);
    const fk = 100 * Math.exp(-0.05);
    expect(bsPrice('call', 100, 100, 1, 0.05, 0.02, 0)).toBeCloseTo(fs - fk, 14);
    expect(bsPrice('put', 100, 100, 1, 0.05, 0.02, 0)).toBe(0);
    expect(bsPrice('put', 100, 110, 1, 0.05, 0.02, 0)).toBeCloseTo(110 * Math.exp(-0.05) - fs, 13);
  });

  it('converges continuously to those limits as T → 0 and vol → 0', () => {
    for (const [S, K] of [
      [110, 100],
      [90, 100],
    ]) {
      const intrinsicCall = Math.max(S - K, 0);
      expect(Math.abs(bsPrice('call', S, K, 1e-12, 0.05, 0.02, 0.3) - intrinsicCall)).toBeLessThan(1e-9);
      const fwd = Math.max(S * Math.exp(-0.02) - K * Math.exp(-0.05), 0);
      expect(Math.abs(bsPrice('call', S, K, 1, 0.05, 0.02, 1e-9) - fwd)).toBeLessThan(1e-9);
    }
    // At the forward the value is F̃·(2Φ(σ√T/2) − 1) = F̃·σ√T/√(2π)·(1 − σ²T/24 + …) → 0, to full relative accuracy.
    const sd = 0.2 * 1e-5;
    const series = ((100 * sd) / Math.sqrt(2 * Math.PI)) * (1 - (sd * sd) / 24);
    expect(relErr(bsPrice('call', 100, 100, 1e-10, 0, 0, 0.2), series)).toBeLessThan(1e-14);
  });

  it('K → 0: call → S·e^(−qT), put → 0; S = 0: call 0, put K·e^(−rT)', () => {
    expect(bsPrice('call', 100, 0, 1, 0.05, 0.02, 0.3)).toBe(100 * Math.exp(-0.02));
    expect(bsPrice('put', 100, 0, 1, 0.05, 0.02, 0.3)).toBe(0);
    expect(
      relErr(bsPrice('call', 100, 1e-9, 1, 0.05, 0.02, 0.3), 100 * Math.exp(-0.02) - 1e-9 * Math.exp(-0.05)),
    ).toBeLessThan(1e-15);
    expect(bsPrice('call', 0, 100, 1, 0.05, 0.02, 0.3)).toBe(0);
    expect(bsPrice('put', 0, 100, 1, 0.05, 0.02, 0.3)).toBe(100 * Math.exp(-0.05));
  });

  it('infinite volatility prices the call at S·e^(−qT)', () => {
    expect(bsPrice('call', 100, 100, 1, 0.05, 0.02, Number.POSITIVE_INFINITY)).toBe(100 * Math.exp(-0.02));
  });

  it('returns NaN for negative or NaN S, K, T, vol', () => {
    expect(bsPrice('call', -1, 100, 1, 0, 0, 0.2)).toBeNaN();
    expect(bsPrice('call', 100, -1, 1, 0, 0, 0.2)).toBeNaN();
    expect(bsPrice('call', 100, 100, -1, 0, 0, 0.2)).toBeNaN();
    expect(bsPrice('call', 100, 100, 1, 0, 0, -0.2)).toBeNaN();
    expect(bsPrice('put', Number.NaN, 100, 1, 0, 0, 0.2)).toBeNaN();
  });
});

describe('bsPriceDiscounted', () => {
  it('equals bsPrice given S·e^(−qT), K·e^(−rT), σ√T', () => {
    const T = 0.75;
    expect(
      bsPriceDiscounted(true, 42 * Math.exp(-0.08 * T), 40 * Math.exp(-0.04 * T), 0.35 * Math.sqrt(T)),
    ).toBe(bsPrice('call', 42, 40, T, 0.04, 0.08, 0.35));
  });
});
