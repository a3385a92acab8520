import { describe, expect, it } from 'vitest';
import { formatLegs } from '../../src/report/formatLegs.js';
import { insufficientMessage, renderTable, type TableTrade } from '../../src/report/renderTable.js';
import { wrapText } from '../../src/report/wrapText.js';

const spread: TableTrade = {
  ticker: 'SPY',
  strategy: 'PUT_CREDIT_SPREAD',
  legs: [
    { action: 'SELL', type: 'put', strike: 440, expiration: '2026-12-18', quantity: 1 },
    { action: 'BUY', type: 'put', strike: 435, expiration: '2026-12-18', quantity: 1 },
  ],
  thesis: 'Bullish lean: IV rank 62 is rich, momentum +0.8σ, breakeven 1.6σ below spot with 23 days left.',
  pop: 0.7123,
};
const condor: TableTrade = {
  ticker: 'AAPL',
  strategy: 'IRON_CONDOR',
  legs: [
    { action: 'SELL', type: 'put', strike: 215, expiration: '2026-12-18', quantity: 1 },
    { action: 'BUY', type: 'put', strike: 210, expiration: '2026-12-18', quantity: 1 },
    { action: 'SELL', type: 'call', strike: 245, expiration: '2026-12-18', quantity: 1 },
    { action: 'BUY', type: 'call', strike: 250, expiration: '2026-12-18', quantity: 1 },
  ],
  thesis: 'Range-bound: IV rank 55, breakevens 1.4σ each side.',
  pop: 0.68,
};

describe('renderTable', () => {
  it('prints exactly the five columns, fixed-width, ASCII only, thesis wrapped not cut', () => {
    const text = renderTable([spread, condor], { thesisWidth: 30 });
    expect(text).toBe(
      [
        'Ticker | Strategy          | Legs                       | Thesis                      |   POP',
        '-------+-------------------+----------------------------+-----------------------------+------',
        'SPY    | Put Credit Spread | -P 440 / +P 435 2026-12-18 | Bullish lean: IV rank 62 is | 71.2%',
        '       |                   |                            | rich, momentum +0.8sd,      |',
        '       |                   |                            | breakeven 1.6sd below spot  |',
        '       |                   |                            | with 23 days left.          |',
        'AAPL   | Iron Condor       | -P 215 / +P 210 / -C 245 / | Range-bound: IV rank 55,    | 68.0%',
        '       |                   | +C 250 2026-12-18          | breakevens 1.4sd each side. |',
        '',
      ].join('\n'),
    );
    expect(/[^\x20-\x7e\n]/.test(text)).toBe(false);
    const words = (s: string) => s.replace(/σ/g, 'sd').split(/\s+/).filter(Boolean);
    const thesisCells = text
      .split('\n')
      .slice(2, 6)
      .map((l) => l.split('|')[3].trim());
    expect(words(thesisCells.join(' '))).toEqual(words(spread.thesis));
  });

  it('keeps the column separators aligned on every line', () => {
    const lines = renderTable([spread, condor]).trimEnd().split('\n');
    const positions = (l: string) => [...l.matchAll(/\|/g)].map((m) => m.index);
    const first = positions(lines[0]);
    for (const l of lines.slice(2)) expect(positions(l)).toEqual(first);
  });

  it("prints POP as the JSON's 6-decimal pop rounded half up (0.5374997867 → 0.5375 → 53.8 %, it printed 53.7 %)", () => {
    const pops = [0.5374997867, 0.5375, 0.6549999, 0.65, 0.71234, 0.999951];
    const want = ['53.8%', '53.8%', '65.5%', '65.0%', '71.2%', '100.0%'];
    for (let i = 0; i < pops.length; i++) {
      const out = renderTable([{ ...spread, pop: pops[i] }]);
      expect(out.split('\n')[2].split('|').at(-1)?.trim()).toBe(want[i]);
    }
  });

  it('prints the insufficient line with the configured count', () => {
    expect(insufficientMessage(5)).toBe('Fewer than 5 trades meet criteria, do not execute.');
    expect(insufficientMessage(3)).toBe('Fewer than 3 trades meet criteria, do not execute.');
  });
});

describe('formatLegs', () => {
  it('groups legs by expiry with the year, calendars show both dates', () => {
    expect(formatLegs(spread.legs)).toBe('-P 440 / +P 435 2026-12-18');
    expect(
      formatLegs([
        { action: 'SELL', type: 'call', strike: 450, expiration: '2026-12-18', quantity: 1 },
        { action: 'BUY', type: 'call', strike: 450, expiration: '2027-01-15', quantity: 1 },
      ]),
    ).toBe('-C 450 2026-12-18 / +C 450 2027-01-15');
    expect(
      formatLegs([
        { action: 'BUY', type: 'stock', strike: 0, expiration: '', quantity: 1 },
        { action: 'SELL', type: 'call', strike: 232.5, expiration: '2026-12-18', quantity: 1 },
      ]),
    ).toBe('-C 232.5 2026-12-18 / +100 sh');
  });

  it('shows the contract count a sized trade asks for (a Kelly-sized 31-lot read as one spread)', () => {
    expect(formatLegs(spread.legs, 31)).toBe('-31P 440 / +31P 435 2026-12-18');
    expect(
      formatLegs(
        [
          { action: 'BUY', type: 'stock', strike: 0, expiration: '', quantity: 1 },
          { action: 'SELL', type: 'call', strike: 232.5, expiration: '2026-12-18', quantity: 1 },
        ],
        3,
      ),
    ).toBe('-3C 232.5 2026-12-18 / +300 sh');
    const table = renderTable([{ ...spread, contracts: 31 }]);
    expect(table).toContain('-31P 440 / +31P 435 2026-12-18');
    expect(renderTable([{ ...spread, contracts: 1 }])).toContain('| -P 440 / +P 435 2026-12-18 |');
  });
});

describe('wrapText', () => {
  it('never exceeds the width and keeps every word', () => {
    const text = 'a bb ccc dddd eeeee ffffff ggggggg';
    for (const w of [3, 5, 8, 13]) {
      const lines = wrapText(text, w);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(w);
      expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
    }
  });
});
