import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { ResponseValidationError } from '../../src/market/http/errors.js';
import type { RequestContext } from '../../src/market/provider.js';
import { createSimulatedProvider } from '../../src/market/providers/simulated/simulatedProvider.js';
import { scanJson } from '../../src/report/renderJson.js';
import { runScan } from '../../src/scan/runScan.js';
import type { ScanResult } from '../../src/scan/types.js';
import {
  completedScanRecord,
  type ScanMeta,
  tradeRecords,
  unfinishedScanRecord,
} from '../../src/service/scanRecords.js';
import { validateScan } from '../../src/store/scansRepo.js';
import { validateTrades } from '../../src/store/tradesRepo.js';

const AS_OF = Date.parse('2026-11-20T15:30:00Z');
const TICKERS = ['SPY', 'QQQ', 'AAPL', 'MSFT', 'JPM', 'XOM', 'KO', 'NEE'];
const meta: ScanMeta = {
  id: '6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  trigger: 'api',
  startedAt: AS_OF,
  finishedAt: AS_OF + 1234,
  asOf: AS_OF,
  tickers: TICKERS,
};
let result: ScanResult;

beforeAll(async () => {
  const { settings } = loadConfig({ env: {} });
  result = await runScan(
    {
      scanId: meta.id,
      asOf: AS_OF,
      tickers: TICKERS,
      settings,
      labels: { provider: 'simulated', fallback: null, seed: 42, universe: 'request' },
    },
    { primary: createSimulatedProvider({ seed: 42 }) },
  );
});

describe('scan records', () => {
  it('turns a completed scan into a valid scan row with timings, counts and the result', () => {
    const r = completedScanRecord(meta, result);
    expect(() => validateScan(r)).not.toThrow();
    expect(r).toMatchObject({ status: 'completed', source: 'api', errors: [] });
    expect(r.timings.total).toBeGreaterThan(0);
    expect(r.counts).toMatchObject({ result: result.status, message: result.message });
    expect(r.params).toMatchObject({ provider: 'simulated', seed: 42, requestedTickers: TICKERS });
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
  });

  it('turns the trades into valid rows, headline figures in columns and everything as JSON', () => {
    const rows = tradeRecords(result);
    expect(rows).toHaveLength(result.trades.length);
    expect(() => validateTrades(rows)).not.toThrow();
    rows.forEach((row, i) => {
      const t = result.trades[i];
      expect(row).toMatchObject({
        rank: t.rank,
        ticker: t.ticker,
        strategy: t.strategy,
        thesis: t.thesis,
        expiration: t.expiration,
      });
      expect(row.pop).toBeCloseTo(t.pop, 12);
      expect(row.maxLoss).toBeCloseTo(t.maxLoss, 9);
      expect(row.legs).toHaveLength(t.legs.length);
      expect(row.metrics).toHaveProperty('breakevens');
      expect(JSON.stringify(row)).not.toMatch(/NaN|Infinity/);
    });
  });

  it('records a scan that ended without a result, with where and why', () => {
    const r = unfinishedScanRecord(meta, 'cancelled', 'collect', 'stopped by service shutdown');
    expect(() => validateScan(r)).not.toThrow();
    expect(r).toMatchObject({
      status: 'cancelled',
      timings: { total: 1234 },
      errors: [{ stage: 'collect', message: 'stopped by service shutdown' }],
    });
  });
});

describe('a ticker the collection skipped', () => {
  it('is in the result, its JSON and the scan row with the field a provider payload got wrong (only counted before)', async () => {
    const { settings } = loadConfig({ env: {} });
    const inner = createSimulatedProvider({ seed: 42 });
    const primary = Object.assign(Object.create(inner), {
      getChain: (symbol: string, expirations: string[], ctx: RequestContext) =>
        symbol === 'XOM'
          ? Promise.reject(
              new ResponseValidationError(
                { provider: 'tradier', endpoint: 'markets/options/chains' },
                'options.option[3].strike',
                'must be > 0, got -5',
              ),
            )
          : inner.getChain(symbol, expirations, ctx),
    });
    const r = await runScan(
      {
        scanId: meta.id,
        asOf: AS_OF,
        tickers: ['SPY', 'XOM'],
        settings,
        labels: { provider: 'tradier', fallback: null, seed: null, universe: 'request' },
      },
      { primary },
    );
    expect(r.stats.tickers.skipReasons).toEqual({ 'chain:ResponseValidationError': 1 });
    expect(r.skipped).toEqual([
      {
        symbol: 'XOM',
        reason: 'chain:ResponseValidationError',
        detail: expect.stringContaining('options.option[3].strike'),
      },
    ]);
    expect(scanJson(r).skipped).toEqual(r.skipped);
    const row = completedScanRecord(meta, r);
    expect(() => validateScan(row)).not.toThrow();
    expect(row.errors).toEqual([
      {
        stage: 'collect',
        ticker: 'XOM',
        message: expect.stringMatching(
          /^chain:ResponseValidationError: .*options\.option\[3\]\.strike: must be > 0, got -5/,
        ),
      },
    ]);
  });
});
