import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import type { OptionChain } from '../../src/market/types.js';
import type { ScanResult } from '../../src/scan/types.js';
import { snapshotChains } from '../../src/service/scanJob.js';

const chain = (underlying: string) => ({ underlying, spot: 100, asOf: 0, expirations: [] }) as OptionChain;

describe('snapshotChains', () => {
  const chains = ['SPY', 'AAPL', 'MSFT'].map(chain);
  const result = { trades: [{ ticker: 'AAPL' }] } as unknown as ScanResult;
  it('keeps only the traded tickers by default', () => {
    const { settings } = loadConfig({ env: {} });
    expect(settings.database.snapshot_scope).toBe('traded');
    expect(snapshotChains(chains, result, settings).map((c) => c.underlying)).toEqual(['AAPL']);
  });
  it('keeps every chain with snapshot_scope: all', () => {
    const { settings } = loadConfig({ env: {} });
    const all = { ...settings, database: { ...settings.database, snapshot_scope: 'all' as const } };
    expect(snapshotChains(chains, result, all)).toHaveLength(3);
  });
});
