import { describe, expect, it } from 'vitest';
import { occRoot, oneSettlement, settlementOfRoot } from '../../src/market/settlement.js';

describe('option settlement', () => {
  it('reads the root of an OCC symbol, padded or not, and nothing from a symbol without the OCC tail', () => {
    expect(occRoot('SPXW261218C05000000')).toBe('SPXW');
    expect(occRoot('SPX261218P04500000')).toBe('SPX');
    expect(occRoot('SPX   261218P04500000')).toBe('SPX');
    expect(occRoot('PLTR1251107C00012345')).toBe('PLTR1');
    expect(occRoot('aapl250228c00245000')).toBe('AAPL');
    expect(occRoot('AAPL')).toBeNull();
    expect(occRoot('SPX261218X05000000')).toBeNull();
  });

  it('settles the standard index roots in the morning and everything else at the close', () => {
    for (const root of ['SPX', 'NDX', 'RUT', 'DJX', 'VIX', 'VIXW', 'spx'])
      expect(settlementOfRoot(root)).toBe('am');
    for (const root of ['SPXW', 'NDXP', 'RUTW', 'XSP', 'OEX', 'SPY', 'AAPL'])
      expect(settlementOfRoot(root)).toBe('pm');
  });

  it("keeps one settlement per expiration: the own root's where it quotes the date, else the largest root's", () => {
    const third = ['SPX', 'SPX', 'SPXW', 'SPXW', 'SPXW'].map((root, i) => ({ root, i }));
    const a = oneSettlement(third, (c) => c.root, 'SPX');
    expect(a.settlement).toBe('am');
    expect(a.kept.map((c) => c.i)).toEqual([0, 1]);
    // a weekly date of SPX: only SPXW quotes it
    const weekly = oneSettlement(
      ['SPXW', 'SPXW'].map((root, i) => ({ root, i })),
      (c) => c.root,
      'SPX',
    );
    expect(weekly.settlement).toBe('pm');
    expect(weekly.kept).toHaveLength(2);
    // VIX beside VIXW: both settle in the morning, both kept
    const vix = oneSettlement(
      ['VIX', 'VIXW'].map((root, i) => ({ root, i })),
      (c) => c.root,
      'VIX',
    );
    expect(vix).toMatchObject({ settlement: 'am', kept: [{ i: 0 }, { i: 1 }] });
    // an unknown root counts as the underlying's own; own root absent → the root with most contracts decides
    expect(oneSettlement([{ root: null }, { root: 'SPX' }], (c) => c.root, 'AAPL').settlement).toBe('pm');
    const noOwn = oneSettlement(
      ['NDX', 'NDXP', 'NDXP'].map((root, i) => ({ root, i })),
      (c) => c.root,
      'QQQ',
    );
    expect(noOwn).toMatchObject({ settlement: 'pm', kept: [{ i: 1 }, { i: 2 }] });
  });
});
