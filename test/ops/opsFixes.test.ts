/**
 * Regressions of the ops commands: health-check and resource-utilization-report read monitoring.yaml
 * as the alert evaluator does; security-audit sees dotfile configs, gzipped rotations and counts
 * failed authentications by field; analyze-data-discrepancies compares the stored snapshot's own
 * expirations and treats "nothing matched" as a finding; the resource report fits each instance
 * on its own.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysToExpiry } from '../../src/market/expiry.js';
import { createSimulatedProvider } from '../../src/market/providers/simulated/simulatedProvider.js';
import { compareContracts, renderDiscrepancies } from '../../src/ops/analyzeDataDiscrepancies.js';
import { healthCheck } from '../../src/ops/healthCheck.js';
import { renderSecurityAudit, securityAudit } from '../../src/ops/securityAudit.js';
import { bsGreeks } from '../../src/quant/bsGreeks.js';
import { createLogging } from '../../src/service/logging.js';
import { asctime } from '../../src/service/logLine.js';
import { insertMetricsSample } from '../../src/store/metricsSamplesRepo.js';
import { PgDatabase } from '../../src/store/pgDatabase.js';
import { saveScan } from '../../src/store/saveScan.js';
import { newScanId } from '../../src/store/scansRepo.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { adminQuery } from '../store/helpers/testDatabase.js';

const tmp = tempDir('oe-ops-fixes-');
const SECRET = 'tradier-key-ABCDEF123456';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A site configuration directory holding `monitoring.yaml`. */
function siteConfig(name: string, monitoringYaml: string): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'monitoring.yaml'), monitoringYaml, { mode: 0o600 });
  return dir;
}

const SAMPLE = {
  db_size_bytes: null,
  log_dir_bytes: null,
  data_dir_bytes: null,
  backup_dir_bytes: null,
};

describe('health-check: resource rules as the alert evaluator reads them', () => {
  it('an enabled: false rule does not fire; a second rule on the same metric (metric:) does; comparison: below', async () => {
    const rules = [
      // what alertRules() returns for: memory_usage enabled: false (absent), disk_usage 85 warning,
      // disk_usage_critical {metric: disk_usage, threshold: 95, critical}, cpu_idle below
      {
        name: 'system.disk_usage',
        metric: 'disk_usage',
        threshold: 85,
        comparison: 'above' as const,
        severity: 'warning' as const,
      },
      {
        name: 'system.disk_usage_critical',
        metric: 'disk_usage',
        threshold: 95,
        comparison: 'above' as const,
        severity: 'critical' as const,
      },
      {
        name: 'system.cpu_low',
        metric: 'cpu_usage',
        threshold: 5,
        comparison: 'below' as const,
        severity: 'warning' as const,
      },
    ];
    const r = await healthCheck({
      serviceUrl: null,
      resources: () => ({ cpu_usage: 2, memory_usage: 95, disk_usage: 97, ...SAMPLE }),
      resourceRules: rules,
    });
    const by = Object.fromEntries(r.checks.map((c) => [c.check, c]));
    expect(by.memory_usage.status).toBe('pass');
    expect(by.disk_usage.status).toBe('fail');
    expect(by.disk_usage.detail).toContain('system.disk_usage_critical');
    expect(by.cpu_usage.status).toBe('warn');
    expect(r.status).toBe('fail');
  });

  it('names a refused database connection at once (it waited out the start-up retries: "no answer within 10000 ms")', async () => {
    const dir = join(tmp.dir, 'hc-refused');
    const r = await cli(['ops', 'health-check', '--no-service', '--no-providers', '--json'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere',
      LOG_DIR: join(dir, 'logs'),
      DATA_DIR: join(dir, 'data'),
    });
    expect(r.code).toBe(2);
    const db = (
      JSON.parse(r.stdout) as { checks: { check: string; status: string; detail: string }[] }
    ).checks.find((c) => c.check === 'database');
    expect(db).toMatchObject({ status: 'fail', detail: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('judges a cpu_usage rule on the load over its own duration, as the service fires it (a momentary peak failed the morning check)', async () => {
    const rule = {
      name: 'system.cpu_usage',
      metric: 'cpu_usage',
      threshold: 80,
      comparison: 'above' as const,
      severity: 'warning' as const,
      durationMs: 300_000,
    };
    const windows: number[] = [];
    // a scan running now: 100 % over the last minute, 35 % over five
    const cpuOver = (ms: number) => {
      windows.push(ms);
      return ms <= 60_000 ? 100 : 35;
    };
    const check = (over?: (ms: number) => number) =>
      healthCheck({
        serviceUrl: null,
        resources: () => ({ cpu_usage: 100, memory_usage: 10, disk_usage: 10, ...SAMPLE }),
        resourceRules: [rule],
        cpuOver: over,
      });
    const r = await check(cpuOver);
    const cpu = r.checks.find((c) => c.check === 'cpu_usage');
    expect(cpu?.status).toBe('pass');
    expect(cpu?.detail).toContain('over 5 min: 35 %');
    expect(windows).toContain(300_000);
    expect((await check(() => 90)).checks.find((c) => c.check === 'cpu_usage')?.status).toBe('warn');
  });
});

describe('security-audit: what it missed and what it miscounted', () => {
  const logDir = join(tmp.dir, 'sec-logs');
  const configDir = join(tmp.dir, 'sec-etc');

  beforeAll(async () => {
    // The service's own provider-call lines (serviceProviders.ts onCall) through its logger.
    const logging = createLogging({ level: 'info', dir: logDir, jsonStdout: false, secrets: [SECRET] });
    const providers = logging.logger.child({ component: 'providers' });
    const call = { endpoint: 'series/observations', retries: 0 };
    providers.error(
      { provider: 'fred', ...call, outcome: 'auth', status: 400, ms: 85 },
      'API request failed',
    );
    providers.error(
      { provider: 'fred', ...call, outcome: 'auth', status: 400, ms: 91 },
      'API request failed',
    );
    // Not an authentication failure: a 502 that took 403 ms, and a not-found that took 401 ms.
    providers.error(
      { provider: 'tradier', endpoint: 'markets/quotes', outcome: 'http', status: 502, retries: 2, ms: 403 },
      'API request failed',
    );
    providers.error(
      {
        provider: 'tradier',
        endpoint: 'markets/quotes',
        outcome: 'timeout',
        status: null,
        retries: 2,
        ms: 401,
      },
      'API request failed',
    );
    // The service's API refusing a bearer token (the http component's line carries status=401).
    logging.logger
      .child({ component: 'http' })
      .warn({ method: 'POST', url: '/api/scans', status: 401, ms: 1200 }, 'slow request');
    await logging.close();
    // logrotate's compressed rotation (delaycompress: from app.log.2 on): a leaked key and a 401.
    const at = asctime(Date.now() - 2 * DAY);
    writeFileSync(
      join(logDir, 'app.log.2.gz'),
      gzipSync(
        `${at} [INFO] options_engine: leaked ${SECRET}\n` +
          `${at} [ERROR] options_engine.providers: API request failed provider=tradier endpoint=markets/quotes outcome=auth status=401 retries=0 ms=40\n`,
      ),
    );
    mkdirSync(configDir, { recursive: true });
    writeFileSync(join(configDir, 'settings.yaml'), 'providers: {}\n', { mode: 0o600 });
    writeFileSync(join(configDir, 'environment'), `TRADIER_API_KEY=${SECRET}\n`);
    chmodSync(join(configDir, 'environment'), 0o644);
    writeFileSync(join(configDir, '.env'), `TRADIER_API_KEY=${SECRET}\n`);
    chmodSync(join(configDir, '.env'), 0o640);
  });

  it('security-audit: the EnvironmentFile and a .env readable by others are errors, not just *.yaml', async () => {
    const r = await securityAudit({ logDir: join(tmp.dir, 'none'), configDir, codeDirs: [], secrets: [] });
    const f = r.findings.find((x) => x.check === 'config_permissions');
    expect(f?.severity).toBe('error');
    expect(f?.detail).toContain(`${join(configDir, 'environment')} (644)`);
    expect(f?.detail).toContain(`${join(configDir, '.env')} (640)`);
    expect(f?.detail).not.toContain('settings.yaml');
  });

  it('security-audit: a secret in a gzipped rotation is found', async () => {
    const r = await securityAudit({ logDir, configDir: null, codeDirs: [], secrets: [SECRET] });
    const f = r.findings.find((x) => x.check === 'secrets_in_logs');
    expect(f?.severity).toBe('error');
    expect(f?.detail).toContain('app.log.2.gz (1 line(s))');
    expect(renderSecurityAudit(r)).not.toContain(SECRET);
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });

  it('security-audit: counts outcome=auth (FRED 400) and status=401 fields, not ms=403, gz rotations included', async () => {
    const r = await securityAudit({ logDir, configDir: null, codeDirs: [], secrets: [] });
    expect(r.failedAuth.byProvider).toEqual({ fred: 2, tradier: 1, api_token: 1 });
    expect(r.failedAuth.count).toBe(4);
    expect(r.findings.find((x) => x.check === 'failed_api_auth')?.severity).toBe('warning');
  });

  it('ops security-audit --config-dir: exit 1 naming the world-readable environment file', async () => {
    const r = await cli(['ops', 'security-audit', '--config-dir', configDir, '--log-dir', logDir], {
      TRADIER_API_KEY: SECRET,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(join(configDir, 'environment'));
    expect(r.stdout).toContain('app.log.2.gz');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });
});

describe('analyze-data-discrepancies: a stored snapshot is carried forward by the move of the underlying', () => {
  // a chain at S = 100 stored a day ago, fetched again at S = 102: fair quotes 4 cents wide, greeks in market units
  const chainAt = (S: number, quoteTime: number, shift: (type: string, k: number) => number = () => 0) =>
    [90, 95, 100, 105, 110].flatMap((k) =>
      (['call', 'put'] as const).map((type) => {
        const T = 30 / 365 - quoteTime / (365 * 86_400_000);
        const g = bsGreeks(type, S, k, T, 0.04, 0, 0.25);
        const m = g.price + shift(type, k);
        return {
          key: `${type}|2026-12-18|${k}`,
          type,
          expiration: '2026-12-18',
          strike: k,
          bid: m - 0.02,
          ask: m + 0.02,
          iv: 0.25,
          delta: g.delta,
          gamma: g.gamma,
          theta: g.theta / 365,
          quoteTime,
        };
      }),
    );
  const DAY = 86_400_000;

  it('a 2 % move is no discrepancy once carried forward; it listed the chain; a bad quote still shows', () => {
    const stored = { name: 'stored', contracts: chainAt(100, 0) };
    const fresh = { name: 'fresh', contracts: chainAt(102, DAY) };
    const raw = compareContracts('XYZ', stored, fresh);
    expect(raw.discrepancies.length).toBeGreaterThan(5);
    const r = compareContracts('XYZ', stored, fresh, { carryForward: true });
    expect(r.impliedMoves?.['2026-12-18']).toBeCloseTo(2, 1);
    expect(r.discrepancies).toEqual([]);
    expect(r.ok).toBe(true);
    // (C − P = S − K·e^{−rT}: a day's carry of K·e^{−rT} takes 1 cent off the move)
    expect(renderDiscrepancies([r])).toContain('parity-implied move of the underlying: 2026-12-18 +1.99');
    // one fresh quote 30 cents off is still found, and only it
    const bad = {
      name: 'fresh',
      contracts: chainAt(102, DAY, (t, k) => (t === 'put' && k === 95 ? 0.3 : 0)),
    };
    const r2 = compareContracts('XYZ', stored, bad, { carryForward: true });
    expect(r2.discrepancies.map((d) => d.key)).toEqual(['put|2026-12-18|95']);
  });
});

describe('analyze-data-discrepancies: no contract in common is a finding', () => {
  it('compareContracts: disjoint sources are not ok, and the text says nothing was compared', () => {
    const q = (expiration: string) => ({
      key: `call|${expiration}|100`,
      type: 'call' as const,
      expiration,
      strike: 100,
      bid: 1,
      ask: 1.1,
      iv: 0.2,
      delta: 0.5,
      gamma: 0.04,
      theta: -0.05,
      quoteTime: 0,
    });
    const r = compareContracts(
      'SPY',
      { name: 'stored', contracts: [q('2026-12-18')] },
      { name: 'fresh', contracts: [q('2026-11-20')] },
    );
    expect(r.matched).toBe(0);
    expect(r.ok).toBe(false);
    expect(renderDiscrepancies([r])).toContain('nothing was compared');
  });
});

const DATABASE_URL = process.env.DATABASE_URL ?? null;

describe.skipIf(!DATABASE_URL)('ops fixes end to end on a fresh PostgreSQL database', () => {
  const name = `oe_ops_fixes_${randomBytes(5).toString('hex')}`;
  const admin = adminQuery;
  let url = '';
  let env: Record<string, string>;
  const open = () =>
    PgDatabase.open({ url, poolSize: 1, poolOverflow: 0, statementTimeoutMs: 30_000, connectRetries: 0 });

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(DATABASE_URL as string);
    u.pathname = `/${name}`;
    url = u.toString();
    env = { DATABASE_URL: url, LOG_DIR: join(tmp.dir, 'e2e-logs'), OPTIONS_ENGINE_PROVIDER: 'simulated' };
    // First use migrates.
    const first = await cli(['ops', 'resource-utilization-report', '--json'], env);
    expect(first.code, first.stderr).toBe(0);
  });
  afterAll(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

  it('ops health-check: memory_usage enabled: false passes, disk_usage_critical (metric:) fails, comparison: below applies', async () => {
    // Thresholds every host breaches, so that the verdict depends on the rules only.
    const dir = siteConfig(
      'health-site',
      `alerts:
  system:
    cpu_usage: {threshold: 100, duration: 5m, severity: warning, comparison: below}
    memory_usage: {threshold: 0, duration: 5m, severity: critical, enabled: false}
    disk_usage_critical: {metric: disk_usage, threshold: 0, duration: 5m, severity: critical}
`,
    );
    const r = await cli(
      ['ops', 'health-check', '--no-service', '--no-providers', '--json', '--config-dir', dir],
      env,
    );
    expect(r.code).toBe(2);
    const by = Object.fromEntries(
      (JSON.parse(r.stdout).checks as { check: string; status: string; detail: string }[]).map((c) => [
        c.check,
        c,
      ]),
    );
    expect(by.database.status).toBe('pass');
    expect(by.memory_usage.status).toBe('pass');
    expect(by.cpu_usage.status).toBe('warn');
    expect(by.disk_usage.status).toBe('fail');
    expect(by.disk_usage.detail).toContain('system.disk_usage_critical');
  });

  it('ops resource-utilization-report: each instance fitted on its own; thresholds from the enabled rules by metric', async () => {
    const db = await open();
    try {
      const now = Date.now();
      // host A: disk flat at 40 % for 30 days; host B: disk flat at 80 % since 10 days; memory 60 %.
      for (let h = 29 * 24; h >= 1; h -= 6) {
        await insertMetricsSample(db, {
          sampledAt: now - h * HOUR,
          instance: 'a:8080',
          metrics: { disk_usage: 40, memory_usage: 60 },
        });
        if (h <= 10 * 24)
          await insertMetricsSample(db, {
            sampledAt: now - h * HOUR + 1000,
            instance: 'b:8080',
            metrics: { disk_usage: 80, memory_usage: 60 },
          });
      }
    } finally {
      await db.close();
    }
    // Shipped rules (disk 85): two flat hosts below it; one trend across them rose ~1 %/day.
    const r = await cli(['ops', 'resource-utilization-report', '--json'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.instances).toEqual(['a:8080', 'b:8080']);
    const disk = (inst: string) =>
      rep.metrics.find(
        (m: { metric: string; instance: string }) => m.metric === 'disk_usage' && m.instance === inst,
      );
    expect(disk('a:8080')).toMatchObject({ max: 40, growthPerDay: 0, threshold: 85, daysToThreshold: null });
    expect(disk('b:8080')).toMatchObject({ min: 80, growthPerDay: 0, threshold: 85, daysToThreshold: null });
    expect(rep.atRisk).toEqual([]);

    // memory_usage switched off; a second, lower disk rule on metric disk_usage.
    const dir = siteConfig(
      'resource-site',
      `alerts:
  system:
    memory_usage: {threshold: 50, duration: 5m, severity: critical, enabled: false}
    disk_usage_high: {metric: disk_usage, threshold: 75, duration: 5m, severity: critical}
`,
    );
    const s = await cli(['ops', 'resource-utilization-report', '--json', '--config-dir', dir], env);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('disk_usage@b:8080');
    const site = JSON.parse(s.stdout);
    expect(site.atRisk).toEqual(['disk_usage@b:8080']);
    expect(site.metrics.some((m: { metric: string }) => m.metric === 'disk_usage_high')).toBe(false);
    for (const m of site.metrics.filter((x: { metric: string }) => x.metric === 'memory_usage'))
      expect(m.threshold).toBeNull();
    expect(
      site.metrics.find(
        (m: { metric: string; instance: string }) => m.metric === 'disk_usage' && m.instance === 'b:8080',
      ),
    ).toMatchObject({ threshold: 75, rule: 'system.disk_usage_high', daysToThreshold: 0 });
  });

  /** Stores a scan with the simulated chain of `symbol` over `expirations` (or the collector's 15–45 DTE window). */
  async function storeSnapshot(symbol: string, rewrite?: (exp: string) => string) {
    const sim = createSimulatedProvider({ seed: 42 });
    const asOf = Date.now() - 60_000;
    const exps = (await sim.getExpirations(symbol, { asOf })).filter((e) => {
      const d = daysToExpiry(e, asOf);
      return d >= 15 && d <= 45;
    });
    expect(exps.length).toBeGreaterThan(0);
    const chain = await sim.getChain(symbol, exps, { asOf });
    if (rewrite) for (const e of chain.expirations) e.expiration = rewrite(e.expiration);
    const db = await open();
    try {
      await saveScan(
        db,
        {
          id: newScanId(),
          startedAt: new Date(asOf),
          finishedAt: new Date(asOf + 1000),
          status: 'completed',
          source: 'service',
          asOf: null,
          params: {},
          timings: {},
          counts: {},
          errors: [],
        } as unknown as Parameters<typeof saveScan>[1],
        [],
        { source: 'simulated', chains: [chain] },
      );
    } finally {
      await db.close();
    }
  }

  it('ops analyze-data-discrepancies (--compare stored): fetches the snapshot’s own expirations and matches them', async () => {
    await storeSnapshot('SPY');
    const r = await cli(['ops', 'analyze-data-discrepancies', '--symbol', 'SPY', '--json'], env);
    const rep = JSON.parse(r.stdout);
    // Every stored contract (the 15–45 DTE window) found in the fresh fetch of the same expirations.
    expect(rep.contractsA).toBeGreaterThan(100);
    expect(rep.matched).toBe(rep.contractsA);
    expect(rep.onlyInA).toBe(0);
    expect(r.code, r.stderr).toBe(rep.discrepancies.length === 0 ? 0 : 1);
  });

  it('ops analyze-data-discrepancies: a snapshot the primary no longer lists matches nothing: exit 1, said plainly', async () => {
    // Expirations of the snapshot moved to the past: no provider lists them any more.
    await storeSnapshot('QQQ', (e) => `2020${e.slice(4)}`);
    const r = await cli(['ops', 'analyze-data-discrepancies', '--symbol', 'QQQ'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('matched 0');
    expect(r.stdout).toContain('nothing was compared');
    expect(r.stderr).toContain('nothing was compared');
  });

  it('ops analyze-data-discrepancies without --symbol compares the newest stored snapshot (the runbook fixed SPY, often unstored)', async () => {
    const r = await cli(['ops', 'analyze-data-discrepancies'], env);
    expect(r.stdout).toContain('QQQ'); // stored last, by the test above
    expect(r.stdout).not.toContain('SPY');
    const p = await cli(['ops', 'analyze-data-discrepancies', '--compare', 'providers'], env);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('--compare providers: --symbol is required');
  });
});
