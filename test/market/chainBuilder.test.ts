import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, fromJson, toJson } from '../../src/market/cacheEntry.js';
import {
  buildExpiryChain,
  buildOptionChain,
  contractCount,
  occSymbol,
} from '../../src/market/chainBuilder.js';
import { decodeChain, encodeChain } from '../../src/market/chainCodec.js';
import { MarketInputError } from '../../src/market/inputError.js';
import type { OptionChain, OptionQuote } from '../../src/market/types.js';
import { readPltrSnapshot } from './helpers/pltrSnapshot.js';

function quote(type: 'call' | 'put', strike: number, over: Partial<OptionQuote> = {}): OptionQuote {
  return {
    symbol: occSymbol('XYZ', '2026-12-18', type, strike),
    underlying: 'XYZ',
    type,
    strike,
    expiration: '2026-12-18',
    bid: 1,
    ask: 1.1,
    last: Number.NaN,
    volume: 10,
    openInterest: 100,
    iv: 0.3,
    delta: type === 'call' ? 0.5 : -0.5,
    gamma: 0.02,
    theta: -0.05,
    vega: 0.1,
    quoteTime: 1_000,
    ...over,
  };
}

describe('chain builder', () => {
  it('sorts strikes and aligns calls and puts by strike, an absent side left empty', () => {
    const e = buildExpiryChain('2026-12-18', [
      quote('put', 105),
      quote('call', 95),
      quote('call', 105),
      quote('put', 100),
    ]);
    expect([...e.strikes]).toEqual([95, 100, 105]);
    expect(e.calls.symbols).toEqual(['XYZ261218C00095000', '', 'XYZ261218C00105000']);
    expect(e.puts.symbols).toEqual(['', 'XYZ261218P00100000', 'XYZ261218P00105000']);
    expect(e.puts.bid[0]).toBeNaN();
    expect(e.calls.delta[2]).toBe(0.5);
    expect(contractCount(e)).toBe(4);
    expect(new Date(e.expiryTime).toISOString()).toBe('2026-12-18T21:00:00.000Z');
  });

  it('keeps the latest quote of a duplicated contract', () => {
    const e = buildExpiryChain('2026-12-18', [
      quote('call', 100, { bid: 1, quoteTime: 5 }),
      quote('call', 100, { bid: 2, quoteTime: 9 }),
      quote('call', 100, { bid: 3, quoteTime: 7 }),
    ]);
    expect(e.calls.bid[0]).toBe(2);
  });

  it('names a bad strike or a quote of another expiration', () => {
    expect(() => buildExpiryChain('2026-12-18', [quote('call', Number.NaN)])).toThrow(MarketInputError);
    expect(() => buildExpiryChain('2026-12-18', [quote('call', 100, { expiration: '2026-12-11' })])).toThrow(
      /expiration: is 2026-12-11, expected 2026-12-18/,
    );
  });

  it('groups quotes of several expirations, ascending, with their labels', () => {
    const c = buildOptionChain(
      'XYZ',
      100,
      0,
      [quote('call', 100), { ...quote('put', 90), expiration: '2026-12-11', symbol: 'XYZ261211P00090000' }],
      { '2026-12-11': 'weekly' },
    );
    expect(c.expirations.map((e) => `${e.expiration}:${e.expirationType}`)).toEqual([
      '2026-12-11:weekly',
      '2026-12-18:standard',
    ]);
  });

  it('writes OCC symbols', () => {
    expect(occSymbol('PLTR', '2025-11-07', 'put', 95)).toBe('PLTR251107P00095000');
    expect(occSymbol('SPY', '2026-01-16', 'call', 592.5)).toBe('SPY260116C00592500');
  });
});

function sameChain(a: OptionChain, b: OptionChain): void {
  expect(b.underlying).toBe(a.underlying);
  expect(b.spot).toBe(a.spot);
  expect(b.asOf).toBe(a.asOf);
  expect(b.expirations.length).toBe(a.expirations.length);
  a.expirations.forEach((e, k) => {
    const f = b.expirations[k];
    expect(f.expiration).toBe(e.expiration);
    expect(f.expiryTime).toBe(e.expiryTime);
    expect(f.expirationType).toBe(e.expirationType);
    expect(f.strikes).toEqual(e.strikes);
    for (const side of ['calls', 'puts'] as const) {
      // toEqual treats NaN as equal to NaN, so missing values must round-trip as NaN
      expect(f[side]).toEqual(e[side]);
    }
  });
}

describe('chain codec', () => {
  it('round-trips the real PLTR chain exactly, in a fraction of its JSON size', () => {
    const { chain } = readPltrSnapshot();
    const text = encodeChain(chain);
    sameChain(chain, decodeChain(text));
    const naive = JSON.stringify(chain, (_k, v) =>
      ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v,
    );
    expect(text.length).toBeLessThan(naive.length * 0.6);
  });

  it('keeps symbols that are not OCC symbols of one root, and empty sides', () => {
    const e = buildExpiryChain('2026-12-18', [
      quote('call', 100, { symbol: 'XYZ1 261218C100' }),
      quote('put', 100),
      quote('put', 110),
    ]);
    const chain: OptionChain = { underlying: 'XYZ', spot: 101.5, asOf: 42, expirations: [e] };
    sameChain(chain, decodeChain(encodeChain(chain)));
  });

  it('refuses corrupt text with a typed error', () => {
    const { chain } = readPltrSnapshot();
    const text = encodeChain({ ...chain, expirations: chain.expirations.slice(0, 2) });
    expect(() => decodeChain('not json')).toThrow(MarketInputError);
    expect(() => decodeChain(text.replace('"v":1', '"v":9'))).toThrow(/unknown version/);
    const header = JSON.parse(text) as { blob: string };
    expect(() => decodeChain(JSON.stringify({ ...header, blob: header.blob.slice(0, 100) }))).toThrow(
      /cache:chain/,
    );
  });
});

describe('cache entries', () => {
  it('keep NaN and infinities through JSON', () => {
    const v = { a: Number.NaN, b: [Number.POSITIVE_INFINITY, -1, Number.NEGATIVE_INFINITY], s: 'NaN' };
    expect(fromJson(toJson(v))).toEqual(v);
  });

  it('serve a scan only while fresh for its as-of, and never a replay before them', () => {
    const text = encodeEntry({ asOf: 1_000_000, provider: 'tradier', data: { x: 1 } });
    expect(decodeEntry(text, 1_000_000 + 60_000, 300)?.data).toEqual({ x: 1 });
    expect(decodeEntry(text, 1_000_000 + 301_000, 300)).toBeNull();
    expect(decodeEntry(text, 999_999, 300)).toBeNull();
    expect(decodeEntry('{"broken"', 1_000_000, 300)).toBeNull();
    expect(decodeEntry(null, 1_000_000, 300)).toBeNull();
  });

  it('store chains in the columnar form', () => {
    const { chain } = readPltrSnapshot();
    const small = { ...chain, expirations: chain.expirations.slice(0, 1) };
    const entry = decodeEntry<OptionChain>(encodeEntry({ asOf: 5, provider: 'p', data: small }, true), 5, 1);
    expect(entry?.provider).toBe('p');
    sameChain(small, entry?.data as OptionChain);
  });
});
