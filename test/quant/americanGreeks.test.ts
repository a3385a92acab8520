import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { americanGreeks } from '../../src/quant/americanGreeks.js';
import { americanPrice } from '../../src/quant/americanPrice.js';
import { bsGreeks } from '../../src/quant/bsGreeks.js';
import type { AmericanMethod, OptionType } from '../../src/quant/types.js';

const METHODS: AmericanMethod[] = ['baw', 'bjerksund', 'alo'];
const ALL: AmericanMethod[] = [...METHODS, 'binomial'];

describe('americanGreeks', () => {
  it('equals the Black-Scholes-Merton greeks for calls without dividends (no early exercise)', () => {
    for (const method of METHODS)
      for (const [S, K, T, vol] of [
        [100, 100, 0.5, 0.25],
        [80, 100, 1, 0.4],
        [130, 100, 0.1, 0.15],
      ]) {
        const g = americanGreeks('call', S, K, T, 0.05, 0, vol, method);
        const e = bsGreeks('call', S, K, T, 0.05, 0, vol);
        expect(g.price).toBeCloseTo(e.price, 12);
        expect(Math.abs(g.delta - e.delta)).toBeLessThan(1e-7);
        expect(Math.abs(g.gamma - e.gamma)).toBeLessThan(1e-5 * Math.max(1, e.gamma));
        expect(Math.abs(g.theta - e.theta)).toBeLessThan(1e-5 * Math.max(1, Math.abs(e.theta)));
        expect(Math.abs(g.vega - e.vega)).toBeLessThan(1e-5 * Math.max(1, e.vega));
        expect(Math.abs(g.rho - e.rho)).toBeLessThan(1e-5 * Math.max(1, Math.abs(e.rho)));
      }
  });

  it('takes the lattice’s delta and gamma from its nodes: plain CRR within 0.2 % of the closed form (differences of prices at S ± 1 % were 10–30 % off)', () => {
    // calls without dividends: the American price is the European one, so BSM gives the exact greeks
    for (const [S, K, T, vol] of [
      [100, 95, 0.5, 0.3],
      [100, 90, 2, 0.25],
      [100, 100, 1, 0.2],
      [50, 52, 0.25, 0.5],
      [100, 70, 1, 0.6],
    ]) {
      const e = bsGreeks('call', S, K, T, 0.05, 0, vol);
      const g = americanGreeks('call', S, K, T, 0.05, 0, vol, 'binomial');
      expect(g.price).toBe(americanPrice('call', S, K, T, 0.05, 0, vol, 'binomial'));
      expect(Math.abs(g.gamma / e.gamma - 1)).toBeLessThan(2e-3);
      expect(Math.abs(g.delta / e.delta - 1)).toBeLessThan(1e-3);
      expect(Math.abs(g.theta / e.theta - 1)).toBeLessThan(2e-3); // from the PDE with the nodes' delta and gamma
      const x = americanGreeks('call', S, K, T, 0.05, 0, vol, 'binomial', { steps: 800, smoothing: 'bbsr' });
      expect(Math.abs(x.gamma / e.gamma - 1)).toBeLessThan(1e-4);
    }
    // with early exercise (put, r > q), against ALO's greeks (accurate to ~1e-6 here)
    const [S, K, T, r, q, vol] = [95, 100, 0.75, 0.06, 0.01, 0.35];
    const alo = americanGreeks('put', S, K, T, r, q, vol, 'alo');
    const crr = americanGreeks('put', S, K, T, r, q, vol, 'binomial');
    expect(Math.abs(crr.gamma / alo.gamma - 1)).toBeLessThan(3e-3);
    expect(Math.abs(crr.delta / alo.delta - 1)).toBeLessThan(2e-3);
    expect(Math.abs(crr.theta / alo.theta - 1)).toBeLessThan(5e-3);
  });

  it('agrees with differences of a 4000-step smoothed lattice for an American put (ALO, BAW within their errors)', () => {
    // The lattice (Broadie-Detemple smoothing + Richardson) is an independent pricer; its own greeks by wider
    // differences are good to ~1e-3. ALO is accurate to 1e-8, so the gap is the lattice's.
    const [S, K, T, r, q, vol] = [100, 100, 1, 0.06, 0.01, 0.3];
    const lat = americanGreeks('put', S, K, T, r, q, vol, 'binomial', { steps: 4000, smoothing: 'bbsr' });
    const alo = americanGreeks('put', S, K, T, r, q, vol, 'alo');
    expect(Math.abs(alo.delta - lat.delta)).toBeLessThan(2e-3);
    expect(Math.abs(alo.gamma - lat.gamma)).toBeLessThan(2e-3);
    expect(Math.abs(alo.theta - lat.theta) / Math.abs(lat.theta)).toBeLessThan(5e-3);
    expect(Math.abs(alo.vega - lat.vega) / lat.vega).toBeLessThan(2e-3);
    expect(Math.abs(alo.rho - lat.rho) / Math.abs(lat.rho)).toBeLessThan(5e-3);
    // early exercise makes the put's delta more negative and its rho smaller in size than the European's
    const eu = bsGreeks('put', S, K, T, r, q, vol);
    expect(alo.delta).toBeLessThan(eu.delta);
    expect(Math.abs(alo.rho)).toBeLessThan(Math.abs(eu.rho));
  });

  it('keeps ALO gamma smooth where a spot bump crosses a change of discretisation (near B(T), q > r)', () => {
    // 0.5·σ√T above B(T) the near-boundary resolution switches on; with each bump priced at its own
    // discretisation gamma was 1.3e-3 off here, with the centre's for all it is within 1e-6 of a fine one
    const [K, T, r, q, vol] = [100, 0.6, 0.0138, 0.0468, 0.76];
    let lo = 1;
    let hi = 100;
    for (let i = 0; i < 60; i++) {
      const m = 0.5 * (lo + hi);
      if (americanPrice('put', m, K, T, r, q, vol, 'alo') > K - m + 1e-13) hi = m;
      else lo = m;
    }
    const S = hi * Math.exp(0.5 * vol * Math.sqrt(T)) * (1 + 2e-4);
    const fine = americanGreeks('put', S, K, T, r, q, vol, 'alo', {
      nodes: 64,
      fpOrder: 64,
      priceOrder: 256,
      tolerance: 1e-13,
    });
    const g = americanGreeks('put', S, K, T, r, q, vol, 'alo');
    expect(Math.abs(g.gamma / fine.gamma - 1)).toBeLessThan(1e-5);
    expect(g.price).toBe(americanPrice('put', S, K, T, r, q, vol, 'alo')); // the centre at the default's discretisation
  });

  it('takes ALO theta from the PDE in the continuation region: −∂V/∂T to 1e-5 where a 1e-3-year difference is 2.8e-4 off', () => {
    // short-dated call with q > 0 (early exercise possible), 9 days: V is far from linear in T over 1e-3 years
    const [S, K, T, r, q, vol] = [111.4, 138.9, 0.0242, 0.043, 0.018, 1.14];
    const dT = (h: number) =>
      -(
        americanPrice('call', S, K, T + h, r, q, vol, 'alo') -
        americanPrice('call', S, K, T - h, r, q, vol, 'alo')
      ) /
      (2 * h);
    const ref = (4 * dT(1e-4) - dT(2e-4)) / 3; // Richardson: O(h⁴) truncation
    const g = americanGreeks('call', S, K, T, r, q, vol, 'alo');
    expect(Math.abs(g.theta / ref - 1)).toBeLessThan(1e-5);
    expect(Math.abs(dT(1e-3) / ref - 1)).toBeGreaterThan(1e-4); // the difference the PDE replaces
  });

  it('gives ALO greeks that depend on the inputs only (its bumps warm-start from its own centre)', () => {
    const args = ['put', 95, 100, 0.8, 0.05, 0.02, 0.3] as const;
    const first = americanGreeks(...args);
    americanPrice('put', 95, 100, 0.8, 0.05, 0.02, 0.3001, 'alo', { warmStart: true });
    americanGreeks('call', 120, 100, 0.4, 0.02, 0.05, 0.5);
    expect(americanGreeks(...args)).toEqual(first);
    // and the warm-started bumps agree with cold ones: vega, rho as differences of cold prices
    const p = (vol: number, r: number) => americanPrice('put', 95, 100, 0.8, r, 0.02, vol, 'alo');
    expect(Math.abs(first.vega - (p(0.3001, 0.05) - p(0.2999, 0.05)) / 2e-4)).toBeLessThan(1e-6 * first.vega);
    expect(Math.abs(first.rho - (p(0.3, 0.05001) - p(0.3, 0.04999)) / 2e-5)).toBeLessThan(1e-5 * -first.rho);
  });

  it('is the intrinsic value’s greeks deep in the exercise region', () => {
    for (const method of METHODS) {
      const g = americanGreeks('put', 40, 100, 0.5, 0.05, 0, 0.2, method);
      expect(g.price).toBeCloseTo(60, 12);
      expect(g.delta).toBeCloseTo(-1, 9);
      expect(g.gamma).toBeCloseTo(0, 6);
      expect(g.theta).toBeCloseTo(0, 9);
      expect(g.vega).toBeCloseTo(0, 9);
      expect(g.rho).toBeCloseTo(0, 9);
    }
  });

  it('gives the exercise greeks at the payoff itself: ALO’s price a few ulp above it made a PDE theta of +5 a year', () => {
    const cases: [OptionType, number, number, number, number, number][] = [
      ['put', 70, 0.1, 0.05, 0, 0.3], // rK − qS = 5 was the theta
      ['put', 97, 1 / 8760, 0.05, 0, 0.3], // an hour before expiry
      ['call', 152.5, 1, 0.01, 0.06, 0.3], // 8.15
    ];
    for (const [type, S, T, r, q, vol] of cases)
      for (const method of ALL) {
        const g = americanGreeks(type, S, 100, T, r, q, vol, method);
        expect(g.price, `${method} ${type} ${S}`).toBeCloseTo(type === 'put' ? 100 - S : S - 100, 10);
        expect([g.delta, g.gamma, g.theta, g.vega, g.rho], `${method} ${type} ${S}`).toEqual([
          type === 'put' ? -1 : 1,
          0,
          0,
          0,
          0,
        ]);
      }
  });

  it('gives the payoff’s greeks at expiry (a step delta, ½ at the strike) for every method, the lattice too', () => {
    for (const method of ALL) {
      const otm = americanGreeks('call', 99.5, 100, 0, 0.05, 0.02, 0.3, method); // the lattice read delta 0.249
      expect([otm.price, otm.delta, otm.gamma], method).toEqual([0, 0, 0]);
      const atm = americanGreeks('put', 100, 100, 0, 0.05, 0, 0.3, method); // gamma read 1/h = 1e4 (lattice 1)
      expect([atm.delta, atm.gamma, atm.vega], method).toEqual([-0.5, 0, 0]);
      expect(atm.delta).toBe(bsGreeks('put', 100, 100, 0, 0.05, 0, 0.3).delta);
      const itm = americanGreeks('put', 99, 100, 0, 0.05, 0, 0.3, method);
      expect([itm.price, itm.delta, itm.gamma], method).toEqual([1, -1, 0]);
    }
    // at σ = 0 the lattice is not used either: an out-of-the-money put 0.5 % above the strike has delta 0 (read −0.25)
    const flat = americanGreeks('put', 100.5, 100, 0.5, 0.05, 0, 0, 'binomial');
    expect(flat.price).toBe(0);
    expect(flat.delta).toBe(0);
  });

  it('keeps the European greeks where early exercise never pays, even with no time value left (r = q = 0)', () => {
    // a deep call 200/100 has a time value far below 1e-12·S, yet its rho is T·K = 10, not the payoff's 0 (review)
    for (const method of ALL) {
      const g = americanGreeks('call', 200, 100, 0.1, 0, 0, 0.3, method);
      const e = bsGreeks('call', 200, 100, 0.1, 0, 0, 0.3);
      expect(g.rho, method).toBeCloseTo(e.rho, 4);
      expect(g.delta, method).toBeCloseTo(1, 9);
    }
  });

  it('takes T → 0+ at expiry: the carry theta where waiting pays, 0 where exercise does', () => {
    for (const method of ALL) {
      // never exercised (q = 0): −r·K = −5 a year, as bsGreeks and as the price just before expiry
      expect(americanGreeks('call', 110, 100, 0, 0.05, 0, 0.3, method).theta, method).toBeCloseTo(-5, 12);
      // a put in the money with r > 0 = q is exercised at once near expiry: its theta is 0
      expect(americanGreeks('put', 90, 100, 0, 0.05, 0, 0.3, method).theta, method).toBe(0);
      // q > r: between r·K/q = 50 and K = 100 the put waits (rK − qS = 5 − 6 = −1 a year)
      expect(americanGreeks('put', 60, 100, 0, 0.05, 0.1, 0.3, method).theta, method).toBeCloseTo(-1, 12);
    }
    // the same as a microsecond before expiry, in every regime (a first version read K·min(1, r/q) as the
    // boundary: with q < 0 < r it was negative, and in the double regime it kept the wrong side of r·K/q)
    const cases: [OptionType, number, number, number][] = [
      ['put', 90, 0.05, -0.02], // q < 0 < r: exercised
      ['put', 95, -0.01, -0.04], // double regime, inside (r·K/q, K) = (25, 100): exercised
      ['put', 20, -0.01, -0.04], // double regime, below r·K/q: waits, theta r·K − q·S = −0.2
      ['call', 110, -0.04, -0.005], // the call's double regime: exercised
      ['put', 90, 0.05, 0.1], // q > r, above r·K/q = 50: waits, theta −4
    ];
    for (const [type, S, r, q] of cases) {
      const at = americanGreeks(type, S, 100, 0, r, q, 0.3, 'baw');
      const before = americanGreeks(type, S, 100, 1e-6 / 365, r, q, 0.3, 'baw');
      // (the double regime's lattice differences T within ~1 % there)
      expect(Math.abs(at.theta - before.theta), `${type} ${S} ${r} ${q}`).toBeLessThan(0.02);
      expect(at.delta, `${type} ${S} ${r} ${q}`).toBeCloseTo(before.delta, 6);
    }
  });

  it('keeps the carry theta where waiting pays even when the time value is below rounding (T = 1e-10 years)', () => {
    // a put 70/100 at r = 3 %, q = 5 % waits (r·K < q·S): its theta is r·K − q·S = −0.5 a year at T = 0 and at 1e-9,
    // and read 0 in between, where its time value T·|carry| fell below the exercise test's tolerance (review)
    for (const method of ['baw', 'alo'] as const)
      for (const T of [1e-10, 1e-9]) {
        const g = americanGreeks('put', 70, 100, T, 0.03, 0.05, 0.3, method);
        expect(g.theta, `${method} ${T}`).toBeCloseTo(-0.5, 1);
      }
  });

  it('gives the lattice’s theta an hour before expiry in the exercise region as 0 (its one-sided T/2 step read +1.5)', () => {
    const T = 1 / 8760;
    expect(americanGreeks('put', 98.8, 100, T, 0.05, 0, 0.3, 'binomial').theta).toBe(0);
    for (const method of ALL) // double-boundary regime, on the lattice for every method: it read +2.06
      expect(americanGreeks('put', 98.8, 100, T, -0.005, -0.04, 0.3, method).theta, method).toBe(0);
  });

  it('matches the put-call symmetry C(S, K, r, q) = P(K, S, q, r): equal vega and theta', () => {
    const c = americanGreeks('call', 110, 100, 0.75, 0.03, 0.06, 0.35, 'alo');
    const p = americanGreeks('put', 100, 110, 0.75, 0.06, 0.03, 0.35, 'alo');
    expect(c.price).toBeCloseTo(p.price, 12);
    expect(Math.abs(c.vega - p.vega)).toBeLessThan(1e-5);
    expect(Math.abs(c.theta - p.theta)).toBeLessThan(1e-5);
  });

  it('has delta within the no-arbitrage range, gamma and vega ≥ 0, delta = slope of the price (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          type: fc.constantFrom<OptionType>('call', 'put'),
          method: fc.constantFrom<AmericanMethod>('baw', 'bjerksund', 'alo'),
          S: fc.double({ min: 10, max: 500, noNaN: true }),
          u: fc.double({ min: -0.4, max: 0.4, noNaN: true }),
          T: fc.double({ min: 5 / 365, max: 2, noNaN: true }),
          r: fc.double({ min: 0, max: 0.06, noNaN: true }),
          q: fc.double({ min: 0, max: 0.05, noNaN: true }),
          vol: fc.double({ min: 0.05, max: 1.2, noNaN: true }),
        }),
        ({ type, method, S, u, T, r, q, vol }) => {
          const K = S * Math.exp(u);
          const g = americanGreeks(type, S, K, T, r, q, vol, method);
          const tol = 1e-6;
          if (type === 'call') expect(g.delta).toBeGreaterThanOrEqual(-tol);
          else expect(g.delta).toBeGreaterThanOrEqual(-1 - tol);
          expect(g.delta).toBeLessThanOrEqual(type === 'call' ? 1 + tol : tol);
          expect(g.gamma).toBeGreaterThanOrEqual(-1e-4);
          expect(g.vega).toBeGreaterThanOrEqual(-1e-4 * K);
          // a 1 % move: the price change is delta·ΔS to second order
          const dS = 0.01 * S;
          const moved = americanPrice(type, S + dS, K, T, r, q, vol, method);
          const predicted = g.price + g.delta * dS + 0.5 * g.gamma * dS * dS;
          expect(Math.abs(moved - predicted)).toBeLessThan(1e-3 * K);
        },
      ),
      { numRuns: 150, seed: 20261125 },
    );
  });

  it('uses one-sided differences near expiry and at zero volatility, and NaN for invalid input', () => {
    const near = americanGreeks('put', 100, 100, 1 / (365 * 24), 0.05, 0, 0.3, 'alo');
    expect(Number.isFinite(near.theta)).toBe(true);
    expect(near.theta).toBeLessThan(0);
    const flat = americanGreeks('put', 100, 100, 0.5, 0.05, 0, 0, 'baw');
    expect(Number.isFinite(flat.vega)).toBe(true);
    expect(flat.vega).toBeGreaterThanOrEqual(0);
    const bad = americanGreeks('put', -1, 100, 1, 0.05, 0, 0.3);
    expect(bad.price).toBeNaN();
    expect(bad.delta).toBeNaN();
  });

  it('gives the lattice’s own greeks in the double-boundary regime (every method prices it there)', () => {
    // reference: QuantLib 1.29 FdBlackScholesVanillaEngine, 6,000 grid points (gamma), and −∂V/∂T of it (theta)
    const cases: [OptionType, number, number, number, number, number, number, number, number][] = [
      ['call', 120, 100, 1, -0.01, 0, 0.25, 0.009757, -3.664],
      ['put', 100, 100, 1, -0.005, -0.02, 0.3, 0.013429, -5.456],
      ['call', 100, 100, 1, -0.02, -0.005, 0.2, 0.020486, -3.468],
    ];
    for (const method of METHODS)
      for (const [type, S, K, T, r, q, vol, gamma, theta] of cases) {
        const g = americanGreeks(type, S, K, T, r, q, vol, method);
        const tag = `${method} ${type} ${S} r ${r} q ${q}`;
        // differences of the 801-step prices at ±1e-3·S were 6–13 % off
        expect(Math.abs(g.gamma / gamma - 1), tag).toBeLessThan(2e-3);
        expect(Math.abs(g.theta / theta - 1), tag).toBeLessThan(5e-3);
      }
  });

  it('gives the exercise region’s greeks in the double regime at tiny vol (its lattice nodes were 2e-9 apart)', () => {
    for (const vol of [1e-13, 1e-9, 1e-6]) {
      const g = americanGreeks('put', 90, 100, 0.5, -0.01, -0.05, vol, 'alo');
      expect(g.price, String(vol)).toBe(10);
      expect(g.gamma, String(vol)).toBe(0); // was 703.5 at σ = 1e-9
      expect(g.delta, String(vol)).toBeCloseTo(-1, 8);
    }
  });

  it('differences spot on a step within σ√T: ALO’s PDE theta an hour before expiry (1.8 % off at 1e-3·S)', () => {
    const T = 1 / (365 * 24);
    const ref = americanGreeks('put', 100, 100, T, 0.05, 0.01, 0.2, 'bjerksund').theta; // ≈ −371.5
    const alo = americanGreeks('put', 100, 100, T, 0.05, 0.01, 0.2, 'alo');
    expect(Math.abs(alo.theta / ref - 1)).toBeLessThan(2e-3);
    // gamma near the European one, 1.867 (it read 1.834)
    expect(Math.abs(alo.gamma / bsGreeks('put', 100, 100, T, 0.05, 0.01, 0.2).gamma - 1)).toBeLessThan(2e-3);
  });

  it('takes rho within the centre’s exercise regime: a put at r = 0 with q < 0 (lattice below 0, BAW above)', () => {
    // the rate bump crossed r = 0, where the pricing switches method (a price step of 0.15): rho was −7602 (BAW),
    // −11483 (Bjerksund), −76.7 (ALO); a 8001-step smoothed lattice's one-sided difference reads −69.5
    for (const method of METHODS) {
      const g = americanGreeks('put', 90, 100, 2, 0, -0.05, 0.25, method);
      expect(Math.abs(g.rho / -69.5 - 1), method).toBeLessThan(0.01);
    }
  });

  it('gives BAW calls a rho of the right sign at r = 0 (the call formula is continuous there)', () => {
    const baw = americanGreeks('call', 100, 100, 1, 0, 0.03, 0.3, 'baw').rho;
    const alo = americanGreeks('call', 100, 100, 1, 0, 0.03, 0.3, 'alo').rho;
    expect(alo).toBeGreaterThan(30); // ~32.2
    expect(Math.abs(baw / alo - 1)).toBeLessThan(0.05); // was −163
  });

  it('differences short-dated theta on a step within T/50 (a 1e-3-year step left BAW 3 % off at half a day)', () => {
    for (const method of ['baw', 'bjerksund'] as const)
      for (const days of [0.5, 1, 2]) {
        const T = days / 365;
        const h = T * 1e-4;
        const v = (t: number) => americanPrice('put', 100, 100, t, 0.05, 0, 0.25, method);
        const fine = -(v(T + h) - v(T - h)) / (2 * h);
        const g = americanGreeks('put', 100, 100, T, 0.05, 0, 0.25, method);
        expect(Math.abs(g.theta / fine - 1), `${method} ${days} d`).toBeLessThan(1e-3);
      }
  });
});
