import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { healthCheck, renderHealth } from '../../src/ops/healthCheck.js';
import { logAnalysis, renderLogAnalysis } from '../../src/ops/logAnalysis.js';
import { messageShape, parseLogLine } from '../../src/ops/logFiles.js';
import { renderSecurityAudit, securityAudit } from '../../src/ops/securityAudit.js';
import { createLogging } from '../../src/service/logging.js';
import { tempDir } from '../helpers/tmp.js';

const SECRET = 'tradier-key-ABCDEF123456';

/** Writes real log lines through the service's logger (the guide's line format). */
async function writeLogs(dir: string): Promise<void> {
  const logging = createLogging({ level: 'info', dir, jsonStdout: false, secrets: [SECRET] });
  const api = logging.logger.child({ component: 'api' });
  const db = logging.logger.child({ component: 'store' });
  const scan = logging.logger.child({ component: 'scan' });
  for (let i = 0; i < 3; i++)
    api.error(
      { provider: 'tradier', status: 401 },
      `API request failed: tradier 401 Unauthorized (attempt ${i + 1})`,
    );
  api.warn({ ms: 4200 }, 'provider call slow: tradier /markets/options/chains took 4200 ms');
  api.warn('request timeout after 30000 ms: yahoo quote');
  db.error({ err: new Error('connection terminated unexpectedly') }, 'database query failed');
  scan.info(`scan finished with key ${SECRET}`); // scrubbed by the logger: must not reach the file
  scan.error('scan 0e23bd4f-94b5-488b-a178-807834002f80 failed: 12 tickers skipped');
  scan.error('scan 11111111-94b5-488b-a178-807834002f80 failed: 7 tickers skipped');
  await logging.close();
}

describe('log analysis and security audit over the service’s own log files', () => {
  const tmp = tempDir('oe-logs-');
  const logDir = join(tmp.dir, 'logs');

  it('parses the guide’s line format and groups repeats', async () => {
    await writeLogs(logDir);
    const line = readFileSync(join(logDir, 'app.log'), 'utf8').split('\n')[0];
    expect(parseLogLine(line)).toMatchObject({ level: 'ERROR', component: 'options_engine.api' });
    expect(messageShape('scan 0e23bd4f-94b5-488b-a178-807834002f80 failed: 12 tickers')).toBe(
      'scan <id> failed: N tickers',
    );
    const r = await logAnalysis(logDir, { hours: 24 });
    expect(r.byLevel).toMatchObject({ ERROR: 6, WARNING: 2, INFO: 1 });
    expect(r.errors[0]).toMatchObject({ count: 3, component: 'options_engine.api' });
    expect(r.errors.find((g) => g.shape === 'scan <id> failed: N tickers skipped')?.count).toBe(2);
    expect(r.performanceWarnings.map((g) => g.count)).toEqual([1, 1]);
    expect(r.apiErrors.reduce((a, g) => a + g.count, 0)).toBe(5);
    expect(r.databaseErrors).toHaveLength(1);
    const text = renderLogAnalysis(r);
    expect(text).toContain('Error summary');
    expect(text).not.toContain(SECRET);
    // A window that ends before the lines were written sees none.
    const old = await logAnalysis(logDir, { hours: 1, now: Date.now() - 3 * 3_600_000 });
    expect(old.errors).toEqual([]);
  });

  it('log-analysis reads the gzipped rotations too (a weekly review missed everything older than a day)', async () => {
    const dir = join(tmp.dir, 'rotated');
    await writeLogs(dir);
    // logrotate with compress + delaycompress: yesterday's app.log.1 plain, the day before gzipped
    const today = readFileSync(join(dir, 'app.log'));
    writeFileSync(join(dir, 'app.log.1'), today);
    writeFileSync(join(dir, 'app.log.2.gz'), gzipSync(today));
    writeFileSync(join(dir, 'app.log.3.gz'), gzipSync(today).subarray(0, 40)); // truncated: skipped, no throw
    const r = await logAnalysis(dir, { hours: 24 });
    expect(r.byLevel).toMatchObject({ ERROR: 18, WARNING: 6, INFO: 3 });
    expect(r.errors[0]).toMatchObject({ count: 9, component: 'options_engine.api' });
  });

  it('security-audit: counts 401s, checks permissions and a certificate, finds no secret in scrubbed logs', async () => {
    const configDir = join(tmp.dir, 'config');
    mkdirSync(configDir);
    writeFileSync(join(configDir, 'settings.yaml'), 'providers: {}\n', { mode: 0o600 });
    const code = join(tmp.dir, 'dist');
    mkdirSync(code);
    writeFileSync(join(code, 'index.js'), '', { mode: 0o644 });
    const r = await securityAudit({ logDir, configDir, codeDirs: [code], secrets: [SECRET] });
    const by = Object.fromEntries(r.findings.map((f) => [f.check, f.severity]));
    expect(r.failedAuth.count).toBe(3);
    expect(r.failedAuth.byProvider).toEqual({ tradier: 3 });
    expect(by).toEqual({
      failed_api_auth: 'warning',
      config_permissions: 'ok',
      code_permissions: 'ok',
      certificate: 'ok',
      secrets_in_logs: 'ok',
    });
    expect(renderSecurityAudit(r)).not.toContain(SECRET);
  });

  it('security-audit: a world-readable config, writable code and a secret in a log are errors', async () => {
    const configDir = join(tmp.dir, 'config');
    chmodSync(join(configDir, 'settings.yaml'), 0o644);
    const code = join(tmp.dir, 'dist');
    chmodSync(join(code, 'index.js'), 0o666);
    writeFileSync(
      join(logDir, 'app.log.1'),
      `2026-11-24 10:00:00,000 [INFO] options_engine: leaked ${SECRET}\n`,
    );
    const r = await securityAudit({
      logDir,
      configDir,
      codeDirs: [code],
      secrets: [SECRET],
      certPath: join(tmp.dir, 'missing.pem'),
    });
    const by = Object.fromEntries(r.findings.map((f) => [f.check, f]));
    expect(by.config_permissions.severity).toBe('error');
    expect(by.code_permissions.detail).toContain('(666)');
    expect(by.secrets_in_logs.severity).toBe('error');
    expect(by.secrets_in_logs.detail).toContain('app.log.1 (1 line(s))');
    expect(by.certificate.severity).toBe('warning');
    expect(r.worst).toBe('error');
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });

  it('security-audit reads a certificate’s expiry without openssl', async () => {
    // A self-signed test certificate generated once with openssl (valid 2026-11-25 .. 2027-11-25).
    const pem = readFileSync(new URL('./fixtures/test-cert.pem', import.meta.url), 'utf8');
    const notAfter = Date.parse(new X509Certificate(pem).validTo);
    const path = join(tmp.dir, 'cert.pem');
    writeFileSync(path, pem);
    const r = await securityAudit({
      logDir: join(tmp.dir, 'none'),
      configDir: null,
      codeDirs: [],
      secrets: [],
      certPath: path,
      now: notAfter - 10 * 86_400_000,
    });
    expect(r.certificate?.daysLeft).toBe(10);
    expect(r.findings.find((f) => f.check === 'certificate')?.severity).toBe('warning');
  });

  it('health-check: worst of the probes; a dead service and a throwing database fail, errors in the log warn', async () => {
    const r = await healthCheck({
      serviceUrl: 'http://127.0.0.1:9/health',
      database: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
      cache: null,
      logDir,
      errorWindowHours: 24,
      resources: () => ({
        cpu_usage: 10,
        memory_usage: 95,
        disk_usage: 50,
        db_size_bytes: null,
        log_dir_bytes: null,
        data_dir_bytes: null,
        backup_dir_bytes: null,
      }),
      resourceRules: {
        memory_usage: { threshold: 90, severity: 'critical' },
        disk_usage: { threshold: 85, severity: 'warning' },
      },
      timeoutMs: 2000,
    });
    const by = Object.fromEntries(r.checks.map((c) => [c.check, c.status]));
    expect(by).toMatchObject({
      service: 'fail',
      database: 'fail',
      cache: 'pass',
      recent_errors: 'warn',
      memory_usage: 'fail',
      disk_usage: 'pass',
    });
    expect(r.status).toBe('fail');
    expect(renderHealth(r)).toContain('ECONNREFUSED');
    const ok = await healthCheck({ serviceUrl: null, database: async () => 'PostgreSQL 18', cache: null });
    expect(ok.status).toBe('pass');
  });
});
