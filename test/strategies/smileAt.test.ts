import { describe, expect, it } from 'vitest';
import type { OptionColumns } from '../../src/market/types.js';
import { type SideView, SKIP, smileAt, smileSlope } from '../../src/strategies/chainView.js';

const strikes = new Float64Array([90, 95, 100, 105, 110]);

function side(iv: number[], skip: number[] = []): SideView {
  const n = iv.length;
  const code = new Uint8Array(n);
  for (const j of skip) code[j] = SKIP;
  return {
    type: 'put',
    cols: { iv: Float64Array.from(iv) } as unknown as OptionColumns,
    code,
    absDelta: new Float64Array(n),
    ivSlope: new Float64Array(n).fill(Number.NaN),
    legs: undefined,
    fwdValue: new Float64Array(n).fill(Number.NaN),
  };
}

describe('smileAt: the smile at a level between strikes', () => {
  it('reads IV and slope linearly between the strikes around the level', () => {
    const s = side([0.34, 0.32, 0.3, 0.29, 0.285]);
    const r = smileAt(s, strikes, 98.42);
    const w = (98.42 - 95) / 5;
    expect(r?.iv).toBeCloseTo(0.32 + (0.3 - 0.32) * w, 15);
    expect(r?.slope).toBeCloseTo(
      smileSlope(s, strikes, 1) + (smileSlope(s, strikes, 2) - smileSlope(s, strikes, 1)) * w,
      15,
    );
  });

  it('takes a strike’s own reading at the strike', () => {
    const s = side([0.34, 0.32, 0.3, 0.29, 0.285]);
    expect(smileAt(s, strikes, 100)).toEqual({ iv: 0.3, slope: smileSlope(s, strikes, 2) });
  });

  it('steps over unusable strikes and strikes without an IV', () => {
    const s = side([0.34, 0.32, 0, 0.28, 0.285], [1]);
    // 95 is skipped and 100 has no IV: the level 97 reads between 90 and 105
    expect(smileAt(s, strikes, 97)?.iv).toBeCloseTo(0.34 + (0.28 - 0.34) * (7 / 15), 15);
  });

  it('does not extrapolate beyond the usable strikes', () => {
    const s = side([0.34, 0.32, 0.3, 0.29, 0.285], [4]);
    expect(smileAt(s, strikes, 85)).toBeUndefined();
    expect(smileAt(s, strikes, 107)).toBeUndefined();
  });
});
