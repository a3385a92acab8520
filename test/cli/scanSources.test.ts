/**
 * `scan` on a real market reads the risk-free rate from FRED and each ticker's flow from QuiverQuant when their
 * keys are set (the real adapters against local stand-ins serving the recorded fixtures). It had built both
 * providers and asked neither: the rate was the 4.2 % fallback and every flow neutral.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { type LocalServer, startServer } from '../market/http/localServer.js';
import { FRED_TEST_KEY, fredHandler } from '../market/providers/fred/fredServer.js';
import { QUIVER_TEST_KEY, quiverHandler } from '../market/providers/quiver/quiverServer.js';
import { TRADIER_TEST_KEY, tradierHandler } from '../market/providers/tradier/tradierServer.js';

interface Doc {
  params: { riskFreeRate: number; riskFreeSource: string };
  stats: { sources: Record<string, number> };
}

describe('options-engine scan with FRED and QuiverQuant keys', () => {
  const tmp = tempDir('oe-scan-sources-');
  const servers: LocalServer[] = [];
  let env: Record<string, string>;
  const configDir = join(tmp.dir, 'config');
  beforeAll(async () => {
    mkdirSync(configDir);
    writeFileSync(
      join(configDir, 'settings.yaml'),
      'providers:\n  fallback: none\n  tradier:\n    rate_limit_per_minute: 100000\n',
    );
    const [tradier, fred, quiver] = await Promise.all([
      startServer(tradierHandler({ allowed: 100_000, pltrQuote: 'snapshot' })),
      startServer(fredHandler()),
      startServer(quiverHandler()),
    ]);
    servers.push(tradier, fred, quiver);
    env = {
      OPTIONS_ENGINE_PROVIDER: 'tradier',
      TRADIER_API_KEY: TRADIER_TEST_KEY,
      TRADIER_BASE_URL: `${tradier.origin}/v1/`,
      FRED_API_KEY: FRED_TEST_KEY,
      FRED_BASE_URL: `${fred.origin}/fred/`,
      QUIVER_API_KEY: QUIVER_TEST_KEY,
      QUIVER_BASE_URL: `${quiver.origin}/beta/`,
    };
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
  });
  const scan = (extraEnv: Record<string, string> = {}) =>
    cli(
      [
        'scan',
        '--watchlist',
        'PLTR',
        '--as-of',
        '2025-10-31T19:00:00Z',
        '--no-store',
        '--format',
        'json',
        '--config-dir',
        configDir,
        '--log-dir',
        join(tmp.dir, 'logs'),
      ],
      { ...env, ...extraEnv },
    );

  it('takes the rate from FRED and the flow from QuiverQuant', async () => {
    const r = await scan();
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    // the recorded DGS10 (no DGS3MO fixture): the 30-day look-back from the as-of's date
    expect(doc.params.riskFreeSource).toMatch(/^DGS10 2025-10-\d\d \(DGS3MO unavailable\)$/);
    expect(doc.params.riskFreeRate).toBeGreaterThan(0.03);
    expect(doc.params.riskFreeRate).toBeLessThan(0.06);
    expect(doc.stats.sources['quiver:dedicated']).toBe(1);
    const fredCalls = servers[1].hits.filter((h) => h.path.endsWith('series/observations'));
    expect(fredCalls.length).toBeGreaterThan(0);
    expect(servers[2].hits.length).toBeGreaterThan(0);
  });

  it('without their keys asks neither, and says where the rate came from', async () => {
    const before = [servers[1].hits.length, servers[2].hits.length];
    const r = await scan({ FRED_API_KEY: '', QUIVER_API_KEY: '' });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.params.riskFreeSource).toMatch(/^fallback 0\.042 \(macro:unsupported\)$/);
    expect(doc.stats.sources['quiver:dedicated']).toBeUndefined();
    expect([servers[1].hits.length, servers[2].hits.length]).toEqual(before);
  });
});
