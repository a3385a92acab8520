/**
 * Bad input to the ops commands is bad usage (exit 2, one line naming the flag, variable or file and the reason),
 * found before any work: the --days window (a million days reached before year 1 and failed in the database with
 * exit 1) and the backup directory (a regular file or an unwritable directory failed with EEXIST / EACCES, exit 1).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { adminQuery } from '../store/helpers/testDatabase.js';

const tmp = tempDir('oe-ops-input-');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The commands whose --days is a window back from now, read from the database. */
const DAYS_COMMANDS = [
  'performance-report',
  'update-performance-baselines',
  'resource-utilization-report',
  'business-metrics',
  'capacity-planning',
  'alerts',
];

describe('ops --days', () => {
  it.each(DAYS_COMMANDS)(
    '%s: --days beyond 36500 (100 years) exits 2 naming the flag and the bound, before opening the database',
    async (cmd) => {
      const dataDir = join(tmp.dir, `days-${cmd}`);
      for (const days of ['1000000', '740000', '36501']) {
        const r = await cli(['ops', cmd, '--days', days, '--data-dir', dataDir]);
        expect(r.code, `${cmd} --days ${days}: ${r.stderr}`).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toBe(
          `options-engine: --days: expected a whole number from 1 to 36500 (100 years), got ${days}\n`,
        );
      }
      expect(existsSync(dataDir)).toBe(false);
    },
  );

  it('--days 36500 works on the embedded database (no date out of range)', async () => {
    const dataDir = join(tmp.dir, 'days-max');
    for (const cmd of DAYS_COMMANDS) {
      const r = await cli(['ops', cmd, '--days', '36500', '--json', '--data-dir', dataDir]);
      expect(r.stderr, cmd).not.toMatch(/out of range|error:/);
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(0);
      JSON.parse(r.stdout);
    }
  }, 120_000);

  const DATABASE_URL = process.env.DATABASE_URL ?? null;
  describe.skipIf(!DATABASE_URL)('on PostgreSQL', () => {
    const name = `oe_ops_days_${randomBytes(5).toString('hex')}`;
    let url: string;
    beforeAll(async () => {
      await adminQuery(`CREATE DATABASE ${name}`);
      const u = new URL(DATABASE_URL as string);
      u.pathname = `/${name}`;
      url = u.toString();
    });
    afterAll(() => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

    it('--days 36500 works on a PostgreSQL server (no date out of range)', async () => {
      for (const cmd of DAYS_COMMANDS) {
        const r = await cli(['ops', cmd, '--days', '36500', '--json'], {
          DATABASE_URL: url,
          LOG_DIR: join(tmp.dir, 'pg-logs'),
        });
        expect(r.stderr, cmd).not.toMatch(/out of range|error:/);
        expect(r.code, `${cmd}: ${r.stderr}`).toBe(0);
      }
    }, 120_000);
  });
});

describe('ops backup: a backup directory that cannot be created or written', () => {
  const file = join(tmp.dir, 'a-regular-file');
  beforeAll(() => writeFileSync(file, 'not a directory\n'));

  it('--dir naming a regular file exits 2 naming --dir and the reason, before any work', async () => {
    const dataDir = join(tmp.dir, 'backup-file-data');
    const r = await cli(['ops', 'backup', '--dir', file, '--data-dir', dataDir]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `options-engine: --dir: cannot create ${file} (EEXIST: file already exists, mkdir '${file}')\n`,
    );
    expect(existsSync(dataDir)).toBe(false); // the database was not opened
  });

  it('BACKUP_DIR or backup.dir naming a regular file exits 2 naming the variable / the file that set it', async () => {
    const env = await cli(['ops', 'backup', '--data-dir', join(tmp.dir, 'backup-env-data')], {
      BACKUP_DIR: file,
    });
    expect(env.code, env.stderr).toBe(2);
    expect(env.stderr).toBe(
      `options-engine: backup.dir (from environment BACKUP_DIR): cannot create ${file} (EEXIST: file already exists, mkdir '${file}')\n`,
    );
    const configDir = join(tmp.dir, 'backup-config');
    mkdirSync(configDir);
    writeFileSync(join(configDir, 'settings.yaml'), `backup:\n  dir: ${file}\n`);
    const settings = await cli([
      'ops',
      'backup',
      '--config-dir',
      configDir,
      '--data-dir',
      join(tmp.dir, 'backup-settings-data'),
    ]);
    expect(settings.code, settings.stderr).toBe(2);
    expect(settings.stderr).toContain(
      `options-engine: backup.dir (from ${join(configDir, 'settings.yaml')}): cannot create ${file} (EEXIST`,
    );
  });

  // root writes anywhere: the command runs as `nobody` (uid 65534) in a child process, as an operator's
  // unprivileged account would
  it.runIf(process.getuid?.() === 0)(
    'an unwritable --dir (EACCES) exits 2 naming --dir, before any work',
    () => {
      chmodSync(tmp.dir, 0o755); // nobody may pass through the test's own directory
      const ro = join(tmp.dir, 'root-owned');
      mkdirSync(ro, { mode: 0o755 });
      // a data dir nobody may use: only the backup directory is wrong
      const dataDir = join(tmp.dir, 'nobody-data');
      mkdirSync(dataDir);
      chownSync(dataDir, 65534, 65534);
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'ops', 'backup', '--dir', ro, '--data-dir', dataDir],
        {
          cwd: ROOT,
          uid: 65534,
          gid: 65534,
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', HOME: tmp.dir },
          timeout: 60_000,
        },
      );
      expect(r.status, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        new RegExp(
          `^options-engine: --dir: cannot write to ${ro} \\(EACCES: permission denied, open '${ro}/\\.write-probe-\\d+'\\)\\n$`,
        ),
      );
      expect(readdirSync(dataDir)).toEqual([]); // the database was not opened
      expect(readdirSync(ro)).toEqual([]);
    },
    60_000,
  );

  it('a backup directory it creates is still mode 0700, and no write probe is left in it', async () => {
    const dir = join(tmp.dir, 'fresh-backups');
    const r = await cli([
      'ops',
      'backup',
      '--dir',
      dir,
      '--only',
      'config',
      '--data-dir',
      join(tmp.dir, 'fresh-data'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir).filter((n) => n.startsWith('.write-probe'))).toEqual([]);
  });
});
