/**
 * A scan stopped by the service (SIGTERM) during collection is recorded as `cancelled` at the stage
 * that was running — `collect` — not at the stage the rest of the pipeline reached on partial data.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { runScanJob, type ScanRunStage } from '../../src/service/scanJob.js';
import { buildServiceProviders, type ServiceProviders } from '../../src/service/serviceProviders.js';
import { getScan } from '../../src/store/scansRepo.js';
import { tradesOfScan } from '../../src/store/tradesRepo.js';
import { tapped } from '../helpers/tappedProvider.js';
import { useTestDatabase } from '../store/helpers/testDatabase.js';
import { quiet, scanJobDeps } from './helpers/scanJobDeps.js';

const events = { apiCall() {}, providerCall() {}, circuit() {} };

describe('runScanJob stopped during collection', () => {
  const t = useTestDatabase('pglite');

  it('records the scan as cancelled at stage collect and runs no later stage', async () => {
    const { settings } = loadConfig({ env: {} });
    settings.trading.watchlist = ['SPY', 'QQQ', 'IWM', 'AAPL'];
    const base = buildServiceProviders(settings, events, quiet);
    const stop = new AbortController();
    // the service's stop signal fires on the first provider call (SIGTERM while collecting)
    const providers: ServiceProviders = {
      ...base,
      primary: tapped(base.primary, () => {
        if (!stop.signal.aborted) stop.abort(new Error('SIGTERM'));
      }),
      fallback: null,
    };
    const stages: ScanRunStage[] = [];
    const id = randomUUID();
    const { outcome } = await runScanJob(
      { id, trigger: 'service', signal: stop.signal, onStage: (s) => stages.push(s) },
      scanJobDeps(t().db, providers, settings),
    );
    expect(outcome).toMatchObject({
      status: 'cancelled',
      message: 'stopped by service shutdown',
      saved: true,
    });
    expect(stages).toEqual(['universe', 'collect', 'saving']);
    const row = await getScan(t().db, id);
    expect(row).toMatchObject({
      status: 'cancelled',
      errors: [{ stage: 'collect', message: 'stopped by service shutdown' }],
    });
    expect(await tradesOfScan(t().db, id)).toHaveLength(0);
  });

  it('records a scan that runs out of time while collecting as timeout at stage collect', async () => {
    const { settings } = loadConfig({ env: {} });
    settings.trading.watchlist = ['SPY', 'QQQ', 'IWM', 'AAPL'];
    settings.execution.scan_timeout_seconds = 0.2;
    const base = buildServiceProviders(settings, events, quiet);
    let first = true;
    // the first provider call answers after the 200 ms scan timeout
    const providers: ServiceProviders = {
      ...base,
      primary: tapped(base.primary, async () => {
        if (!first) return;
        first = false;
        await new Promise((r) => setTimeout(r, 400));
      }),
      fallback: null,
    };
    const stages: ScanRunStage[] = [];
    const id = randomUUID();
    const { outcome } = await runScanJob(
      { id, trigger: 'service', signal: new AbortController().signal, onStage: (s) => stages.push(s) },
      scanJobDeps(t().db, providers, settings),
    );
    expect(outcome).toMatchObject({ status: 'timeout', saved: true });
    expect(stages).toEqual(['universe', 'collect', 'saving']);
    expect(await getScan(t().db, id)).toMatchObject({
      status: 'timeout',
      errors: [{ stage: 'collect', message: 'exceeded execution.scan_timeout_seconds (0.2 s)' }],
    });
  });
});
