import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/openDatabase.js';
import { listScans } from '../../src/store/scansRepo.js';
import { tradesOfScan } from '../../src/store/tradesRepo.js';
import { cli } from '../helpers/cli.js';
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
    const db = await openDatabase({
      url: null,
      data_dir: dataDir,
      pool_size: 1,
      pool_overflow: 0,
      statement_timeout_ms: 10_000,
      connect_retries: 0,
    });
    try {
      const scans = await listScans(db, { limit: 10 });
      expect(scans).toHaveLength(1);
      expect(scans[0]).toMatchObject({ status: 'completed', source: 'cli' });
      const trades = await tradesOfScan(db, scans[0].id);
      expect(trades.length).toBe(scans[0].tradeCount);
    } finally {
      await db.close();
    }
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
