/**
 * The public API's arguments (src/quant/arguments.ts and the checks that use it): a wrong option right, method,
 * step count or Monte Carlo setting is an error naming the argument, never a confident number — before these
 * checks 'CALL' priced a put in bsPrice and a call in BAW, bsPriceBatch('put', …) returned call prices, and a
 * NaN drift gave a Monte Carlo POP of 1 with standard error 0.
 */
import { describe, expect, it } from 'vitest';
import {
  aloPrice,
  americanGreeks,
  americanImpliedVol,
  americanPrice,
  bawPrice,
  bjerksundStensland2002Price,
  bsGreeks,
  bsGreeksBatch,
  bsPrice,
  bsPriceBatch,
  constantMaturityIv,
  expectedMove,
  expectedPnl,
  type GreeksArrays,
  greeksArrays,
  impliedVol,
  impliedVolBatch,
  monteCarlo,
  pop,
  probAbove,
  probAboveSmile,
  probBelow,
  probBelowSmile,
  probBetween,
  probTouch,
  probTouchDiscrete,
  trueRange,
  vwap,
} from '../../src/quant/index.js';
import type { AmericanMethod, OptionType } from '../../src/quant/types.js';

const bad = 'CALL' as unknown as OptionType;

describe('option rights', () => {
  it('refuses a right other than call or put in every scalar entry point, naming it', () => {
    const calls: [string, () => unknown][] = [
      ['bsPrice', () => bsPrice(bad, 100, 100, 1, 0.05, 0, 0.2)],
      ['bsGreeks', () => bsGreeks(bad, 100, 100, 1, 0.05, 0, 0.2)],
      ['impliedVol', () => impliedVol(bad, 10, 100, 100, 1, 0.05, 0)],
      ...(['baw', 'bjerksund', 'alo', 'binomial'] as const).map(
        (m) =>
          [`americanPrice ${m}`, () => americanPrice(bad, 100, 100, 1, 0.05, 0, 0.2, m)] as [
            string,
            () => unknown,
          ],
      ),
      ['americanGreeks', () => americanGreeks(bad, 100, 100, 1, 0.05, 0, 0.2, 'baw')],
      ['americanImpliedVol', () => americanImpliedVol(bad, 10, 100, 100, 1, 0.05, 0, 'baw')],
    ];
    for (const [name, f] of calls) expect(f, name).toThrow(/type must be 'call' or 'put', got 'CALL'/);
  });

  it("takes 'call' / 'put' and booleans alike in both batch APIs (a string 'put' priced calls; true was a put)", () => {
    const out = new Float64Array(4);
    const put = bsPrice('put', 100, 100, 0.5, 0.05, 0, 0.2);
    const call = bsPrice('call', 100, 100, 0.5, 0.05, 0, 0.2);
    expect([...bsPriceBatch('put', 100, 100, 0.5, 0.05, 0, 0.2, out)]).toEqual([put, put, put, put]);
    expect([...bsPriceBatch('call', 100, 100, 0.5, 0.05, 0, 0.2, out)]).toEqual([call, call, call, call]);
    expect(() => bsPriceBatch('Put' as OptionType, 100, 100, 0.5, 0.05, 0, 0.2, out)).toThrow(
      /isCall must be/,
    );
    const prices = bsPriceBatch(true, 100, 100, 0.5, 0.05, 0, 0.2, new Float64Array(2));
    for (const right of [true, 'call', [true, true], new Uint8Array([1, 1])] as const) {
      const iv = impliedVolBatch(right, prices, 100, 100, 0.5, 0.05, 0);
      for (const v of iv) expect(v).toBeCloseTo(0.2, 12);
    }
    const mixed = impliedVolBatch([true, false], new Float64Array([call, put]), 100, 100, 0.5, 0.05, 0);
    for (const v of mixed) expect(v).toBeCloseTo(0.2, 12);
  });

  it('refuses a wrong right in the per-method exports too (bawPrice and aloPrice priced a call, Bjerksund a put)', () => {
    const direct: [string, () => unknown][] = [
      ['bawPrice', () => bawPrice(bad, 100, 100, 1, 0.05, 0.02, 0.2)],
      ['bjerksundStensland2002Price', () => bjerksundStensland2002Price(bad, 100, 100, 1, 0.05, 0.02, 0.2)],
      ['aloPrice', () => aloPrice(bad, 100, 100, 1, 0.05, 0.02, 0.2)],
    ];
    for (const [name, f] of direct) expect(f, name).toThrow(/type must be 'call' or 'put', got 'CALL'/);
  });

  it("refuses a plain array of strings as per-element rights (['call', 'put'] priced two calls: 'put' is truthy)", () => {
    const strings = ['call', 'put'] as unknown as boolean[];
    expect(() => bsPriceBatch(strings, 100, 100, 0.5, 0.05, 0, 0.2, new Float64Array(2))).toThrow(
      /isCall\[0\] must be a number or boolean/,
    );
    expect(() => impliedVolBatch(strings, new Float64Array([5, 5]), 100, 100, 0.5, 0.05, 0)).toThrow(
      /type\[0\] must be a number or boolean/,
    );
    // numbers and booleans in a plain array are read as before
    const out = bsPriceBatch([1, false], 100, 100, 0.5, 0.05, 0, 0.2, new Float64Array(2));
    expect([...out]).toEqual([
      bsPrice('call', 100, 100, 0.5, 0.05, 0, 0.2),
      bsPrice('put', 100, 100, 0.5, 0.05, 0, 0.2),
    ]);
  });

  it('names a missing output array (it failed reading "length" of undefined)', () => {
    const noOut = undefined as unknown as Float64Array;
    expect(() => bsPriceBatch(true, 100, 100, 0.5, 0.05, 0, 0.2, noOut)).toThrow(
      /out must be a Float64Array/,
    );
    expect(() => bsGreeksBatch(true, 100, 100, 0.5, 0.05, 0, 0.2, {} as unknown as GreeksArrays)).toThrow(
      /out\.price must be a Float64Array/,
    );
  });

  it('reads per-element rights in impliedVolBatch as bsPriceBatch does: any non-zero number is a call', () => {
    // a Uint8Array's 2 was a call to bsPriceBatch and a put to impliedVolBatch; numbers did not type-check
    for (const rights of [new Uint8Array([2, 0, 7]), new Float64Array([1, 0, 0.5]), [2, 0, -1]]) {
      const prices = bsPriceBatch(rights, 100, 100, 0.5, 0.05, 0, 0.2, new Float64Array(3));
      expect(prices[0]).toBe(bsPrice('call', 100, 100, 0.5, 0.05, 0, 0.2));
      expect(prices[1]).toBe(bsPrice('put', 100, 100, 0.5, 0.05, 0, 0.2));
      for (const v of impliedVolBatch(rights, prices, 100, 100, 0.5, 0.05, 0)) expect(v).toBeCloseTo(0.2, 12);
      const perElement = new Float64Array(3).fill(100);
      for (const v of impliedVolBatch(rights, prices, perElement, 100, 0.5, 0.05, 0))
        expect(v).toBeCloseTo(0.2, 12);
    }
  });

  it('refuses a payoff leg type other than call, put or stock (a "Call" leg counted as stock: POP 1)', () => {
    const legs = [{ type: 'Call' as 'call', strike: 100, quantity: 1, premium: 2 }];
    expect(() => pop(legs, 0, 100, 0.5, 0.2, 0)).toThrow(
      /legs\[0\]\.type must be 'call', 'put' or 'stock', got 'Call'/,
    );
    expect(() => monteCarlo({ legs, S: 100, T: 0.5, vol: 0.2, r: 0.05, q: 0, paths: 1000 })).toThrow(
      /legs\[0\]\.type/,
    );
  });
});

describe('American methods and lattice steps', () => {
  it('refuses an unknown method (a typo priced everything NaN)', () => {
    for (const m of ['crr', 'BAW']) {
      const method = m as unknown as AmericanMethod;
      expect(() => americanPrice('put', 100, 100, 1, 0.05, 0, 0.2, method)).toThrow(/method must be one of/);
      expect(() => americanImpliedVol('put', 10, 100, 100, 1, 0.05, 0, method)).toThrow(
        /method must be one of/,
      );
    }
    expect(() => americanGreeks('put', 100, 100, 1, 0.05, 0, 0.2, 'crr' as AmericanMethod)).toThrow(/method/);
  });

  it('refuses lattice steps that are not a whole number ≥ 1 and unknown smoothings (0, 0.4, NaN ran as one step)', () => {
    for (const steps of [0, -3, 0.4, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(
        () => americanPrice('put', 100, 100, 1, 0.05, 0, 0.2, 'binomial', { steps }),
        String(steps),
      ).toThrow(/steps must be a whole number ≥ 1/);
    }
    const smoothing = 'richardson' as 'bbsr';
    expect(() => americanPrice('put', 100, 100, 1, 0.05, 0, 0.2, 'binomial', { smoothing })).toThrow(
      /smoothing/,
    );
    expect(americanPrice('put', 100, 100, 1, 0.05, 0, 0.2, 'binomial', { steps: 1 })).toBeCloseTo(7.2852, 4);
  });

  it('prices no option at an infinite vol, whatever the method (ALO returned its European limit)', () => {
    for (const m of ['baw', 'bjerksund', 'alo', 'binomial'] as const) {
      expect(americanPrice('put', 100, 100, 1, 0.05, 0, Number.POSITIVE_INFINITY, m), m).toBeNaN();
    }
  });
});

describe('Monte Carlo settings', () => {
  const legs = [{ type: 'put' as const, strike: 95, quantity: -1, premium: 2 }];
  const base = { legs, S: 100, T: 30 / 365, vol: 0.25, r: 0.04, q: 0, paths: 2000 };

  it('refuses a seed that is not a whole number (NaN ran as seed 0, 1.5 as seed 1)', () => {
    for (const seed of [Number.NaN, Number.POSITIVE_INFINITY, 1.5])
      expect(() => monteCarlo({ ...base, seed }), String(seed)).toThrow(/seed must be a whole number/);
  });

  it('refuses a NaN drift, path count or monitoring rate (they gave POP 1 with standard error 0)', () => {
    expect(() => monteCarlo({ ...base, drift: Number.NaN })).toThrow(/drift must be a finite number/);
    for (const paths of [Number.NaN, 0, -100, Number.POSITIVE_INFINITY, 2.2]) {
      // 2.2 ran 4 paths
      expect(() => monteCarlo({ ...base, paths }), String(paths)).toThrow(/paths must be a whole number ≥ 1/);
    }
    for (const stepsPerYear of [Number.NaN, 0, Number.POSITIVE_INFINITY]) {
      expect(() => monteCarlo({ ...base, stepsPerYear })).toThrow(/stepsPerYear must be/);
    }
  });

  it('refuses a leg that pop() calls invalid, and a NaN leg vol (it dropped every monitoring date)', () => {
    expect(pop([{ ...legs[0], strike: -5 }], 2, 100, 30 / 365, 0.25, 0.04)).toBeNaN();
    expect(() => monteCarlo({ ...base, legs: [{ ...legs[0], strike: -5 }] })).toThrow(/strikes > 0/);
    expect(() => monteCarlo({ ...base, legs: [{ ...legs[0], vol: Number.NaN }] })).toThrow(/legs\[0\]\.vol/);
    const ok = monteCarlo({ ...base, legs: [{ ...legs[0], vol: 0.3 }] });
    expect(ok.pop.value).toBeGreaterThan(0.5);
    expect(ok.pop.stdError).toBeGreaterThan(0);
  });
});

describe('edges of the closed forms', () => {
  it('gives NaN greeks everywhere for a NaN rate or yield (delta, gamma, vega read 0)', () => {
    for (const [r, q] of [
      [Number.NaN, 0],
      [0.05, Number.NaN],
    ]) {
      const g = bsGreeks('call', 100, 100, 1, r, q, 0.2);
      for (const [k, v] of Object.entries(g)) expect(v, `${k} r=${r} q=${q}`).toBeNaN();
    }
  });

  it('counts a barrier at the spot as touched under discrete monitoring too (it read 0.976)', () => {
    expect(probTouch(100, 100, 1, 0.3, 0)).toBe(1);
    expect(probTouchDiscrete(100, 100, 1, 0.3, 0, 1 / 252)).toBe(1);
    expect(probTouchDiscrete(100, 101, 1, 0.3, 0, 1 / 252)).toBeLessThan(probTouch(100, 101, 1, 0.3, 0));
  });

  it('refuses parallel series of different lengths (vwap returned 2 values for 3 bars)', () => {
    const three = [1, 2, 3];
    expect(() => vwap(three, [1, 2], three, three)).toThrow(/low has 2 values, high has 3/);
    expect(() => trueRange(three, three, [1, 2])).toThrow(/close has 2 values/);
    expect(vwap(three, three, three, three)).toHaveLength(3);
  });

  it('has no 30-day IV at a NaN tenor (it returned the nearest expiry)', () => {
    expect(constantMaturityIv([0.05, 0.1], [0.2, 0.25], Number.NaN)).toBeNaN();
    expect(constantMaturityIv([0.05, 0.1], [0.2, 0.25])).toBeGreaterThan(0.2);
  });
});

describe('numbers that are not numbers', () => {
  // JSON.stringify(NaN) is null: a missing spot read back from JSON was priced as S = 0 (bsPrice 95.12)
  const no = null as unknown as number;
  it('the European scalar entry points name an argument that is not a number', () => {
    expect(() => bsPrice('put', no, 100, 1, 0.05, 0, 0.2)).toThrow(/bsPrice: S must be a number, got null/);
    expect(() => bsPrice('call', 100, 100, 1, 0.05, '0' as unknown as number, 0.2)).toThrow(
      /q must be a number/,
    );
    expect(() => bsGreeks('call', 100, 100, 1, 0.05, 0, no)).toThrow(/bsGreeks: vol must be a number/);
    expect(() => impliedVol('call', no, 100, 100, 1, 0, 0)).toThrow(/impliedVol: price must be a number/);
    expect(() => impliedVol('call', 10, 100, 100, [] as unknown as number, 0, 0)).toThrow(
      /T must be a number/,
    );
    expect(bsPrice('put', 100, 100, 1, 0.05, 0, Number.NaN)).toBeNaN(); // NaN is a number: the domain's NaN
  });

  it('the batch forms take a number or a Float64Array per input and name any other', () => {
    const out = new Float64Array(1);
    const s = '100' as unknown as number; // read as ['1', '0', '0']: priced S = 1, 1.1e-118 for 7.97
    expect(() => bsPriceBatch('call', s, 100, 1, 0, 0, 0.2, out)).toThrow(
      /S must be a number or a Float64Array/,
    );
    expect(() =>
      bsGreeksBatch('call', 100, [95] as unknown as number, 1, 0, 0, 0.2, greeksArrays(1)),
    ).toThrow(/K must be a number or a Float64Array, got an Array/);
    const price = new Float64Array([8]);
    expect(() => impliedVolBatch('call', price, 100, 100, '0.25' as unknown as number, 0, 0)).toThrow(
      /T must be a number or a Float64Array/,
    );
    expect(() => impliedVolBatch('call', price, 100, new Float64Array(0), 1, 0, 0)).toThrow(/K: length 0/);
    expect(() => impliedVolBatch('call', price, 100, 100, 1, 0, 0, [0] as unknown as Float64Array)).toThrow(
      /out must be a Float64Array/,
    );
    expect(() => impliedVolBatch('call', [8] as unknown as Float64Array, 100, 100, 1, 0, 0)).toThrow(
      /price must be a Float64Array/,
    );
    expect(impliedVolBatch('call', price, 100, 100, 1, 0, 0)[0]).toBeCloseTo(0.2004, 3);
  });

  it('the probability functions name an argument that is not a number (a string level was compared as 100)', () => {
    const s = '100' as unknown as number;
    const missing = undefined as unknown as number;
    const legs = [{ type: 'put' as const, strike: 95, quantity: -1, premium: 2 }];
    const cases: [() => unknown, RegExp][] = [
      [() => probAbove(s, 105, 0.5, 0.3, 0.03), /^probAbove: S must be a number, got '100'/],
      [() => probBelow(100, 105, 0.5, no, 0.03), /^probBelow: vol must be a number, got null/],
      [() => probBetween(100, 90, s, 0.5, 0.3, 0.03), /^probBetween: upper must be a number/],
      [() => probTouch(100, 110, 0.5, 0.3, missing), /^probTouch: drift must be a number, got undefined/],
      [() => probTouchDiscrete(100, 110, 0.5, 0.3, 0.03, no), /^probTouchDiscrete: dt must be a number/],
      [() => pop(legs, 100, 1, 0.2, missing), /^pop: drift must be a number, got undefined/], // it returned NaN
      [() => expectedPnl(legs, 100, 1, 0.2, 0.03, no), /^expectedPnl: netCash must be a number/],
      [() => expectedMove(100, s, 0.2), /^expectedMove: T must be a number/],
      [() => probAboveSmile(100, 105, 0.5, 0.3, missing, 0.03), /^probAboveSmile: slope must be a number/],
      [() => probBelowSmile(100, 105, 0.5, 0.3, -0.002, s), /^probBelowSmile: drift must be a number/],
    ];
    for (const [call, message] of cases) expect(call).toThrow(message);
    expect(probAbove(100, 105, 0.5, 0.3, Number.NaN)).toBeNaN(); // NaN is a number: the domain's NaN
    expect(pop(legs, 100, 1, 0.2, 0.03)).toBeGreaterThan(0.5); // netCash still defaults to 0
  });
});
