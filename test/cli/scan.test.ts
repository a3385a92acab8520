import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { storedScans } from '../helpers/storedScans.js';
import { tempDir } from '../helpers/tmp.js';

const WATCHLIST = 'SPY,QQQ,IWM,XLK,AAPL,MSFT,JPM,KO,XOM,UNH,CAT,NEE';
const AS_OF = '2026-11-20T15:30:00Z';

describe('options-engine scan', () => {
  const tmp = tempDir('oe-scan-');
  const common = ['--watchlist', WATCHLIST, '--as-of', AS_OF, '--log-dir', join(tmp.dir, 'logs')];

  it('prints the table or the insufficient line, and stores the scan with its trades', async () => {
    const dataDir = join(tmp.dir, 'stored');
    const r = await cli(['scan', ...common, '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    if (lines[0].startsWith('Fewer than')) {
      expect(lines).toEqual(['Fewer than 5 trades meet criteria, do not execute.']);
    } else {
      expect(lines[0]).toMatch(/^Ticker +\| Strategy +\| Legs +\| Thesis +\| +POP$/);
    }
    const stored = await storedScans(dataDir);
    expect(stored).toHaveLength(1);
    expect(stored[0].scan).toMatchObject({ status: 'completed', source: 'cli' });
    expect(stored[0].trades.length).toBe(stored[0].scan.tradeCount);
  });

  it('--format json prints one document; --no-store writes no database', async () => {
    const dataDir = join(tmp.dir, 'unstored');
    const r = await cli(['scan', ...common, '--data-dir', dataDir, '--format', 'json', '--no-store']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      asOf: string;
      status: string;
      params: { tickers: number };
      trades: unknown[];
    };
    expect(doc.asOf).toBe('2026-11-20T15:30:00.000Z');
    expect(['ok', 'insufficient']).toContain(doc.status);
    expect(doc.params.tickers).toBe(12);
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
  });
});
