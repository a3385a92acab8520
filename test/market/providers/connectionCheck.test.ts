import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectionReport,
  checkConnections,
  connectionsHealthy,
  formatConnectionReport,
} from '../../../src/market/connectionCheck.js';
import { type LocalServer, startServer } from '../http/localServer.js';
import { allProvidersHandler, transportTo } from './allProvidersServer.js';
import { FRED_TEST_KEY } from './fred/fredServer.js';
import { QUIVER_NO_PLAN_KEY, QUIVER_TEST_KEY } from './quiver/quiverServer.js';
import { defaultApi, defaultProviders } from './settingsFixture.js';
import { TRADIER_TEST_KEY } from './tradier/tradierServer.js';

const by = (rs: ConnectionReport[], name: string) => rs.find((r) => r.provider === name) as ConnectionReport;

describe('checkConnections (ops test-api-connections)', () => {
  let server: LocalServer;
  const configured = (keys: { tradier?: string; fred?: string; quiver?: string }, origin?: string) =>
    defaultProviders((p) => {
      const o = origin ?? server.origin;
      p.tradier.api_key = keys.tradier ?? null;
      p.tradier.base_url = `${o}/v1/`;
      p.fred.api_key = keys.fred ?? null;
      p.fred.base_url = `${o}/fred/`;
      p.quiver.api_key = keys.quiver ?? null;
      p.quiver.base_url = `${o}/beta/`;
    });
  const check = (p: ReturnType<typeof configured>) =>
    checkConnections(p, defaultApi, {
      http: { fetch: transportTo(server.origin) },
      asOf: Date.parse('2026-08-21T22:00:00Z'),
    });

  beforeAll(async () => {
    server = await startServer(allProvidersHandler());
  });
  afterAll(() => server.close());

  it('with no keys: reports the key-less providers as not configured and checks Yahoo and the simulated market', async () => {
    const rs = await check(configured({}));
    expect(rs.map((r) => r.provider)).toEqual(['tradier', 'yahoo', 'fred', 'quiver', 'simulated']);
    expect(by(rs, 'tradier')).toMatchObject({
      configured: false,
      reachable: null,
      message: 'not configured (TRADIER_API_KEY not set)',
    });
    expect(by(rs, 'quiver').message).toContain('flow is neutral');
    expect(by(rs, 'yahoo')).toMatchObject({ configured: true, reachable: true, authOk: true, roles: [] });
    expect(by(rs, 'yahoo').rateLimit).toMatchObject({
      limit: 2000,
      windowSeconds: 3600,
      source: 'configured',
    });
    expect(by(rs, 'simulated')).toMatchObject({ roles: ['primary'], reachable: true });
    expect(server.hits.some((h) => h.path.startsWith('/v1/'))).toBe(false);
    expect(connectionsHealthy(rs)).toBe(true);
  });

  it('with every key: reachable, keys accepted, latency, and Tradier headroom from its X-Ratelimit headers', async () => {
    const keys = { tradier: TRADIER_TEST_KEY, fred: FRED_TEST_KEY, quiver: QUIVER_TEST_KEY };
    const rs = await check(configured(keys));
    for (const name of ['tradier', 'yahoo', 'fred', 'quiver']) {
      const r = by(rs, name);
      expect(r, name).toMatchObject({ configured: true, reachable: true, authOk: true, status: 200 });
      expect(r.latencyMs, name).toBeGreaterThanOrEqual(0);
    }
    expect(by(rs, 'tradier').roles).toEqual(['primary']);
    expect(by(rs, 'yahoo').roles).toEqual(['fallback']);
    expect(by(rs, 'fred').roles).toEqual(['macro']);
    expect(by(rs, 'tradier').rateLimit).toMatchObject({ limit: 120, windowSeconds: 60, source: 'server' });
    expect(by(rs, 'tradier').rateLimit?.available).toBe(120 - (by(rs, 'tradier').rateLimit?.used ?? 0));
    expect(by(rs, 'fred').message).toBe('ok: DGS10 4.69 % on 2026-08-20');
    const text = formatConnectionReport(rs);
    const all = `${JSON.stringify(rs)}\n${text}`;
    for (const k of Object.values(keys)) expect(all).not.toContain(k);
    expect(text.split('\n')[1]).toMatch(
      /^tradier\s+primary\s+ok\s+\d+ ms\s+\d+\/120 left \/min\s+ok: market open$/,
    );
    expect(connectionsHealthy(rs)).toBe(true);
  });

  it('reports rejected keys as AUTH FAILED (never the key), and a key without the plan as accepted', async () => {
    const keys = {
      tradier: 'bad-tradier-token-0000',
      fred: '0000000000000000deadbeef00000000',
      quiver: QUIVER_NO_PLAN_KEY,
    };
    const rs = await check(configured(keys));
    expect(by(rs, 'tradier')).toMatchObject({ reachable: true, authOk: false, status: 401 });
    expect(by(rs, 'tradier').message).toBe('tradier markets/clock: HTTP 401: Invalid Access Token');
    expect(by(rs, 'fred')).toMatchObject({ reachable: true, authOk: false, status: 400 });
    expect(by(rs, 'quiver')).toMatchObject({ reachable: true, authOk: true });
    expect(by(rs, 'quiver').message).toContain('Upgrade your subscription plan');
    const text = formatConnectionReport(rs);
    expect(text).toContain('AUTH FAILED');
    for (const k of Object.values(keys)) expect(`${JSON.stringify(rs)}${text}`).not.toContain(k);
    expect(connectionsHealthy(rs)).toBe(false);
  });

  it('reports a provider that answers 503 or an HTML page as FAILING and unhealthy (it read "ok")', async () => {
    const broken = await startServer((_req, res, url) => {
      if (url.pathname.startsWith('/v1/')) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"fault":"unavailable"}');
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>maintenance</html>');
      }
    });
    try {
      const p = configured({ tradier: TRADIER_TEST_KEY, fred: FRED_TEST_KEY }, broken.origin);
      p.fallback = 'none';
      const rs = await check(p);
      expect(by(rs, 'tradier')).toMatchObject({ reachable: true, working: false, status: 503 });
      expect(by(rs, 'fred')).toMatchObject({ reachable: true, working: false });
      const lines = formatConnectionReport(rs).split('\n');
      expect(lines.find((l) => l.startsWith('tradier'))).toContain('FAILING');
      expect(lines.find((l) => l.startsWith('fred'))).toContain('FAILING');
      expect(connectionsHealthy(rs)).toBe(false);
    } finally {
      await broken.close();
    }
  });

  it('reports a provider nobody answers for as unreachable, quickly', async () => {
    const rs = await check(configured({ tradier: TRADIER_TEST_KEY }, 'http://127.0.0.1:1'));
    expect(by(rs, 'tradier')).toMatchObject({
      reachable: false,
      authOk: null,
      latencyMs: null,
      status: null,
    });
    expect(by(rs, 'tradier').message).toMatch(/^tradier markets\/clock: fetch failed/);
    expect(formatConnectionReport(rs)).toContain('UNREACHABLE');
    expect(connectionsHealthy(rs)).toBe(false);
  });

  it('gives FRED and Quiver no role beside the simulated market: unreachable, they fail no health check', async () => {
    // the simulated market keeps its own rate and flow; `ops health-check` and the daily check had failed on them
    const p = configured({ fred: FRED_TEST_KEY, quiver: QUIVER_TEST_KEY }, 'http://127.0.0.1:1');
    p.primary = 'simulated';
    const rs = await check(p);
    expect(by(rs, 'fred')).toMatchObject({ configured: true, roles: [], reachable: false });
    expect(by(rs, 'quiver')).toMatchObject({ configured: true, roles: [], reachable: false });
    expect(by(rs, 'simulated').roles).toEqual(['primary']);
    expect(connectionsHealthy(rs)).toBe(true);
  });

  it('reports a settings mistake instead of throwing: primary tradier without a key is unhealthy', async () => {
    const p = configured({});
    p.primary = 'tradier';
    const rs = await check(p);
    expect(by(rs, 'tradier')).toMatchObject({ configured: false, roles: ['primary'], reachable: null });
    expect(by(rs, 'tradier').message).toBe(
      'not configured: providers.tradier.api_key: is required when providers.primary is tradier (set TRADIER_API_KEY)',
    );
    expect(connectionsHealthy(rs)).toBe(false);
  });
});
