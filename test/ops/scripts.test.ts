import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogging } from '../../src/service/logging.js';
import { tempDir } from '../helpers/tmp.js';
import { adminQuery } from '../store/helpers/testDatabase.js';
import { serveEmbedded } from './helpers/embeddedDatabase.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SCRIPTS = join(ROOT, 'scripts');
const RUNBOOKS = readdirSync(SCRIPTS).filter((n) => n.endsWith('.sh'));
const OE = `node --import tsx ${join(ROOT, 'test/ops/fixtures/opsCli.ts')}`;

/** redis-server on this host (for the REDISCLI_AUTH check against a real server), or null. */
const REDIS_SERVER = ((): string | null => {
  const r = spawnSync('bash', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
})();

/** A local TCP port nothing listens on (at the moment of asking). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

function sh(
  args: string[],
  env: Record<string, string>,
  timeout = 60_000,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      args,
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, timeout },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
      },
    );
  });
}

describe('runbook scripts', () => {
  it('are the procedures of the guide (eleven runbooks and the notification script), executable, strict, and parse under bash -n', async () => {
    expect(RUNBOOKS.sort()).toEqual(
      [
        'backup_management.sh',
        'daily_health_check.sh',
        'disaster_recovery.sh',
        'emergency_maintenance.sh',
        'incident_response.sh',
        'log_analysis.sh',
        'monthly_capacity_planning.sh',
        'performance_monitoring.sh',
        'scheduled_maintenance.sh',
        'security_audit.sh',
        'send_notification.sh',
        'weekly_performance_review.sh',
      ].sort(),
    );
    for (const name of [...RUNBOOKS, 'lib/common.sh']) {
      const path = join(SCRIPTS, name);
      const text = readFileSync(path, 'utf8');
      if (name.endsWith('.sh') && !name.startsWith('lib/')) {
        expect(statSync(path).mode & 0o111, name).not.toBe(0);
        expect(text, name).toContain('set -euo pipefail');
      }
      // No broad kills and none of the guide's non-commands (comments may name them).
      const code = text
        .split('\n')
        .filter((l) => !l.trim().startsWith('#'))
        .join('\n');
      expect(code, name).not.toMatch(/killall|pkill|FLUSHEXPIRED|FLUSHALL|redis-cli[^\n]*\bKEYS\b/);
      expect((await sh(['-n', path], {})).code, name).toBe(0);
    }
  });

  it('refuse to act without their confirmation flag, exiting 2 with usage', async () => {
    for (const args of [
      ['scheduled_maintenance.sh'],
      ['emergency_maintenance.sh', 'database'],
      ['incident_response.sh'],
      ['disaster_recovery.sh'],
      ['send_notification.sh'],
    ]) {
      const r = await sh([join(SCRIPTS, args[0]), ...args.slice(1)], {});
      expect(r.code, args.join(' ')).toBe(2);
    }
  });

  it("send_notification.sh posts the guide's Slack JSON through the engine's notifier", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oe-notify-'));
    const got: string[] = [];
    const server = createServer((req, res) => {
      let b = '';
      req.on('data', (d: Buffer) => {
        b += d.toString();
      });
      req.on('end', () => {
        got.push(b);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as AddressInfo).port;
      const r = await sh(
        [join(SCRIPTS, 'send_notification.sh'), 'maintenance', 'Window starts at 02:00 UTC'],
        {
          OPTIONS_ENGINE_BIN: OE,
          DATA_DIR: join(dir, 'data'),
          SLACK_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks/abc`,
        },
      );
      expect(r.out).toMatch(/slack +sent/);
      expect(r.code).toBe(0);
      expect(got.map((b) => JSON.parse(b))).toEqual([
        { text: 'Options Engine Alert: maintenance\nWindow starts at 02:00 UTC' },
      ]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('performance_monitoring.sh reports an unreachable API host as unreachable, not as a round trip, and fails', async () => {
    // a port nothing listens on (connection refused, curl exit 7) and a name that never resolves (RFC 6761, exit 6)
    const closed = await freePort();
    const tmp = tempDir('oe-runbook-net-');
    const r = await sh([join(SCRIPTS, 'performance_monitoring.sh')], {
      OPTIONS_ENGINE_BIN: 'true',
      LOG_DIR: join(tmp.dir, 'logs'),
      BACKUP_DIR: join(tmp.dir, 'b'),
      METRICS_URL: `http://127.0.0.1:${closed}/metrics`,
      NETWORK_CHECK_HOSTS: `127.0.0.1:${closed} options-engine-check.invalid`,
    });
    expect(r.out).toContain(`127.0.0.1:${closed}: unreachable (curl exit 7)`);
    expect(r.out).toMatch(/options-engine-check\.invalid: unreachable \(curl exit \d+\)/);
    expect(r.out).not.toContain('HTTPS round trip');
    expect(r.out).toContain(`  - network 127.0.0.1:${closed} (exit 1)`);
    expect(r.out).toContain('  - network options-engine-check.invalid (exit 1)');
    expect(r.code).toBe(1);
  });

  describe('lib/common.sh keeps database and cache passwords off command lines (ps shows them)', () => {
    const COMMON = join(SCRIPTS, 'lib/common.sh');
    // psql / redis-cli / pg_isready stand-ins that record their arguments and the password variables
    const stubs = (dir: string) => {
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      for (const tool of ['psql', 'redis-cli', 'pg_isready']) {
        const path = join(bin, tool);
        writeFileSync(
          path,
          [
            '#!/usr/bin/env bash',
            `printf '%s\\t%s\\t%s\\t%s\\n' ${tool} "$*" "\${PGPASSWORD-unset}" "\${REDISCLI_AUTH-unset}" >>"$STUB_LOG"`,
            'case " $* " in *" --scan "*) printf "options_engine:a\\noptions_engine:b\\n" ;; esac',
            '',
          ].join('\n'),
        );
        chmodSync(path, 0o755);
      }
      return bin;
    };
    const runLib = async (env: Record<string, string>) => {
      const tmp = tempDir('oe-runbook-pw-');
      const log = join(tmp.dir, 'calls.tsv');
      const script =
        '. "$COMMON"; db_psql -c "select 1"; rcli ping; clear_app_cache; pg_connection; with_pg_password pg_isready -d "$PG_URL"';
      const r = await sh(['-c', `set -euo pipefail; ${script}`], {
        ...env,
        COMMON,
        STUB_LOG: log,
        PATH: `${stubs(tmp.dir)}:${process.env.PATH ?? ''}`,
      });
      expect(r.code, r.out).toBe(0);
      return readFileSync(log, 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => {
          const [tool, args, pgpassword, rediscliAuth] = l.split('\t');
          return { tool, args, pgpassword, rediscliAuth };
        });
    };

    it('a password in DATABASE_URL / REDIS_URL goes in PGPASSWORD / REDISCLI_AUTH, decoded', async () => {
      const calls = await runLib({
        DATABASE_URL: 'postgres://engine:pg%40Secret%3A1%2F@db.example:5432/options_engine?sslmode=require',
        REDIS_URL: 'redis://cacheuser:rd%23Secret2@cache.example:6380/1',
      });
      expect(calls).toEqual([
        {
          tool: 'psql',
          args: 'postgres://engine@db.example:5432/options_engine?sslmode=require -X -q -v ON_ERROR_STOP=1 -c select 1',
          pgpassword: 'pg@Secret:1/',
          rediscliAuth: 'unset',
        },
        {
          tool: 'redis-cli',
          args: '-u redis://cache.example:6380/1 --user cacheuser --no-auth-warning ping',
          pgpassword: 'unset',
          rediscliAuth: 'rd#Secret2',
        },
        {
          tool: 'redis-cli',
          args: '-u redis://cache.example:6380/1 --user cacheuser --no-auth-warning --scan --pattern options_engine:*',
          pgpassword: 'unset',
          rediscliAuth: 'rd#Secret2',
        },
        {
          tool: 'redis-cli',
          args: '-u redis://cache.example:6380/1 --user cacheuser --no-auth-warning unlink options_engine:a options_engine:b',
          pgpassword: 'unset',
          rediscliAuth: 'rd#Secret2',
        },
        {
          tool: 'pg_isready',
          args: '-d postgres://engine@db.example:5432/options_engine?sslmode=require',
          pgpassword: 'pg@Secret:1/',
          rediscliAuth: 'unset',
        },
      ]);
      for (const c of calls) expect(c.args).not.toMatch(/Secret/);
    });

    it("a libpq ?password= parameter and redis-cli's password-only user info move to the environment too", async () => {
      const calls = await runLib({
        DATABASE_URL:
          'postgres://engine@db.example/oe?sslmode=require&password=q%26Secret&application_name=x',
        REDIS_URL: 'redis://:Secret%3D3@cache.example:6379',
      });
      expect(calls.slice(0, 2)).toEqual([
        {
          tool: 'psql',
          args: 'postgres://engine@db.example/oe?sslmode=require&application_name=x -X -q -v ON_ERROR_STOP=1 -c select 1',
          pgpassword: 'q&Secret',
          rediscliAuth: 'unset',
        },
        {
          tool: 'redis-cli',
          args: '-u redis://cache.example:6379 --no-auth-warning ping',
          pgpassword: 'unset',
          rediscliAuth: 'Secret=3',
        },
      ]);
      for (const c of calls) expect(c.args).not.toMatch(/Secret/);
    });

    it('URLs without a password reach the tools unchanged, and no password variable is set', async () => {
      const calls = await runLib({
        DATABASE_URL: 'postgresql://engine@db.example/options_engine',
        REDIS_URL: 'redis://cache.example:6379/0',
      });
      expect(
        calls.map((c) => [c.tool, c.args.split(' ').slice(0, 2).join(' '), c.pgpassword, c.rediscliAuth]),
      ).toEqual([
        ['psql', 'postgresql://engine@db.example/options_engine -X', 'unset', 'unset'],
        ['redis-cli', '-u redis://cache.example:6379/0', 'unset', 'unset'],
        ['redis-cli', '-u redis://cache.example:6379/0', 'unset', 'unset'],
        ['redis-cli', '-u redis://cache.example:6379/0', 'unset', 'unset'],
        ['pg_isready', '-d postgresql://engine@db.example/options_engine', 'unset', 'unset'],
      ]);
    });

    it.runIf(REDIS_SERVER)('redis-cli authenticates with REDISCLI_AUTH against a real server', async () => {
      const port = await freePort();
      const password = 'p@ss:w/rd#1';
      const server = spawn(
        REDIS_SERVER as string,
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--requirepass',
          password,
        ],
        { stdio: 'ignore' },
      );
      try {
        const encoded = encodeURIComponent(password);
        const ping = (url: string) => sh(['-c', '. "$COMMON"; rcli ping'], { COMMON, REDIS_URL: url });
        let ready = false;
        for (let i = 0; i < 50 && !ready; i++) {
          ready = (await ping(`redis://:${encoded}@127.0.0.1:${port}`)).out.includes('PONG');
          if (!ready) await new Promise((r) => setTimeout(r, 100));
        }
        expect(ready).toBe(true);
        expect((await ping(`redis://default:${encoded}@127.0.0.1:${port}/0`)).out.trim()).toBe('PONG');
        expect((await ping(`redis://127.0.0.1:${port}`)).out).toContain('NOAUTH');
      } finally {
        server.kill('SIGTERM');
      }
    });
  });

  it('log_analysis.sh and security_audit.sh run end to end on a log dir, degrading where root tools are absent', async () => {
    const tmp = tempDir('oe-runbook-');
    const logDir = join(tmp.dir, 'logs');
    const logging = createLogging({ level: 'info', dir: logDir, jsonStdout: false, secrets: [] });
    logging.logger.child({ component: 'api' }).error('API request failed: tradier 401 Unauthorized');
    await logging.close();
    const env = {
      OPTIONS_ENGINE_BIN: OE,
      LOG_DIR: logDir,
      BACKUP_DIR: join(tmp.dir, 'b'),
      CERT_PATH: join(tmp.dir, 'none.pem'),
    };
    const logs = await sh([join(SCRIPTS, 'log_analysis.sh'), '24'], env);
    expect(logs.out).toContain('Error summary');
    expect(logs.out).toMatch(/1\s+\S+ \S+\s+options_engine\.api\s+API request failed/);
    // an error found is a finding: ops log-analysis exits 1 (it always exited 0)
    expect(logs.out).toContain('log-analysis: 1 error(s) in the last 24 h');
    expect(logs.code).toBe(1);
    const audit = await sh([join(SCRIPTS, 'security_audit.sh')], env);
    expect(audit.out).toContain('failed_api_auth');
    expect(audit.out).toContain('(no certificate at');
    expect(audit.out).toMatch(/=== Security Audit: (all checks passed|\d+ check\(s\) need attention)/);
  });
});

/** psql on this host, or null (the embedded database is then reached through the CLI only). */
const PSQL = spawnSync('bash', ['-c', 'command -v psql'], { encoding: 'utf8' }).status === 0;
const SYSTEMD = existsSync('/run/systemd/system');

describe('runbooks beside a running service on the embedded database (no DATABASE_URL)', () => {
  const COMMON = join(SCRIPTS, 'lib/common.sh');

  it.runIf(PSQL)(
    'db_psql reaches it through the port the service serves (pg_stat_user_tables, table sizes were skipped); says why not once it stops',
    async () => {
      const tmp = tempDir('oe-runbook-emb-');
      const dataDir = join(tmp.dir, 'data');
      const served = await serveEmbedded(dataDir);
      const env = { COMMON, DATA_DIR: dataDir };
      const q =
        '. "$COMMON"; db_psql -tA -c "SELECT count(*) > 0 FROM pg_stat_user_tables WHERE relname = \'scans\'"';
      try {
        const r = await sh(['-c', q], env);
        expect(r.out.trim()).toBe('t');
        expect(r.code).toBe(0);
      } finally {
        await served.stop();
      }
      const stopped = await sh(['-c', q], env);
      expect(stopped.out.trim()).toBe(
        '(no DATABASE_URL: the embedded PGlite database is reached through options-engine ops only)',
      );
      expect(stopped.code).toBe(0);
    },
  );

  it('scheduled_maintenance.sh --yes stops the service before backing up its embedded database (it aborted at the backup)', async () => {
    const tmp = tempDir('oe-runbook-maint-');
    const dataDir = join(tmp.dir, 'data');
    const pidFile = join(tmp.dir, 'service.pid');
    const backups = join(tmp.dir, 'backups');
    const service = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test/ops/fixtures/embeddedService.ts'), pidFile],
      { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((r) => service.once('exit', (code) => r(code)));
    // the health endpoint the runbook polls after the window (the CLI's own health-check is not served)
    const health = createServer((_req, res) => res.writeHead(200).end('{"status":"pass"}'));
    await new Promise<void>((r) => health.listen(0, '127.0.0.1', () => r()));
    try {
      await new Promise<void>((resolve, reject) => {
        service.stdout?.on('data', (d: Buffer) => {
          if (d.toString().includes('serving on')) resolve();
        });
        service.once('exit', () => reject(new Error('the stand-in service exited before serving')));
      });
      const pid = readFileSync(pidFile, 'utf8').trim();
      const r = await sh(
        [join(SCRIPTS, 'scheduled_maintenance.sh'), '--yes'],
        {
          OPTIONS_ENGINE_BIN: OE,
          DATA_DIR: dataDir,
          OPTIONS_ENGINE_PID_FILE: pidFile,
          BACKUP_DIR: backups,
          LOG_DIR: join(tmp.dir, 'logs'),
          PORT: String(await freePort()),
          HEALTH_URL: `http://127.0.0.1:${(health.address() as AddressInfo).port}/health`,
        },
        180_000,
      );
      expect(r.out).not.toContain('Backup failed');
      expect(r.out).toContain(
        '2. Stopping Services (first: the embedded database is backed up with the service stopped)',
      );
      expect(r.out.indexOf(`stopped pid ${pid}`)).toBeLessThan(
        r.out.indexOf('3. Creating Maintenance Backup'),
      );
      expect(r.out).toContain('Verification: OK');
      expect(
        readdirSync(backups).filter((n) => /^db_backup_\d{8}_\d{6}\.pglite\.tar\.gz$/.test(n)),
      ).toHaveLength(1);
      expect(await exited).toBe(0);
      // no systemd here: the runbook cannot start the service again, and says so (exit 1)
      if (!SYSTEMD) expect(r.out).toContain('  - start (exit 1)');
    } finally {
      if (service.exitCode === null) service.kill('SIGTERM');
      await new Promise<void>((r) => health.close(() => r()));
    }
  }, 200_000);

  it.skipIf(SYSTEMD)(
    'backup_management.sh without systemd: the configuration is backed up, the database step fails saying why (nothing was backed up)',
    async () => {
      const tmp = tempDir('oe-runbook-bm-');
      const dataDir = join(tmp.dir, 'data');
      const configDir = join(tmp.dir, 'config');
      mkdirSync(configDir);
      writeFileSync(join(configDir, 'settings.yaml'), 'backup: {retention_days: 30}\n', { mode: 0o600 });
      const backups = join(tmp.dir, 'backups');
      const served = await serveEmbedded(dataDir);
      try {
        const r = await sh([join(SCRIPTS, 'backup_management.sh')], {
          OPTIONS_ENGINE_BIN: OE,
          OPTIONS_ENGINE_CONFIG_DIR: configDir,
          DATA_DIR: dataDir,
          BACKUP_DIR: backups,
          LOG_DIR: join(tmp.dir, 'logs'),
        });
        expect(r.out).toContain(`owned by the running service (pid ${process.pid}) and is backed up only`);
        expect(r.out).toContain('Verification: OK');
        expect(readdirSync(backups).filter((n) => n.startsWith('config_backup_'))).toHaveLength(1);
        expect(readdirSync(backups).filter((n) => n.startsWith('db_backup_'))).toEqual([]);
        expect(r.out).toContain('  - ops backup (exit 1)');
        expect(r.code).toBe(1);
      } finally {
        await served.stop();
      }
    },
  );
});

const DATABASE_URL = process.env.DATABASE_URL ?? null;
if (!DATABASE_URL) console.info('DATABASE_URL is not set: backup_management.sh is not run end to end');

describe.skipIf(!DATABASE_URL)('backup_management.sh on a fresh PostgreSQL database', () => {
  const name = `oe_ops_sh_${randomBytes(5).toString('hex')}`;
  const admin = adminQuery;
  afterAll(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

  it('dumps with pg_dump -Fc, verifies, and lists the dump with pg_restore --list', async () => {
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(DATABASE_URL as string);
    url.pathname = `/${name}`;
    const tmp = tempDir('oe-runbook-b-');
    const r = await sh([join(SCRIPTS, 'backup_management.sh')], {
      OPTIONS_ENGINE_BIN: OE,
      DATABASE_URL: url.toString(),
      BACKUP_DIR: join(tmp.dir, 'backups'),
      LOG_DIR: join(tmp.dir, 'logs'),
    });
    expect(r.out).toContain('Verification: OK');
    expect(r.out).toContain('Format: CUSTOM');
    expect(r.code, r.out).toBe(0);
  });

  it("lib/common.sh's db_psql and pg_isready connect with the URL's password passed in PGPASSWORD", async () => {
    const env = { COMMON: join(SCRIPTS, 'lib/common.sh'), DATABASE_URL: DATABASE_URL as string };
    const q = await sh(['-c', '. "$COMMON"; db_psql -tA -c "SELECT 40 + 2"'], env);
    expect(q.out.trim()).toBe('42');
    expect(q.code).toBe(0);
    const ready = await sh(
      [
        '-c',
        '. "$COMMON"; have pg_isready || exit 0; pg_connection; with_pg_password pg_isready -d "$PG_URL"',
      ],
      env,
    );
    expect(ready.code, ready.out).toBe(0);
  });
});
