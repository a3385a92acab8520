import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyBackupRetention, pruneKeptDataDirs, renderBackup } from '../../src/ops/backup.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('oe-backup-retention-');
const DAY = 86_400_000;

describe('backup retention', () => {
  it("deletes this tool's files older than the retention — disaster_recovery.sh's app and log tarballs too — and nothing else", () => {
    const dir = join(tmp.dir, 'b');
    mkdirSync(dir);
    const now = Date.parse('2026-12-07T12:00:00Z');
    const files: [string, number][] = [
      ['app_backup_20250101_000000.tar.gz', 400],
      ['log_backup_20250101_000000.tar.gz', 400],
      ['db_backup_20250101_000000.dump', 400],
      ['backup_20250101_000000.manifest.json', 400],
      ['app_backup_20261206_000000.tar.gz', 1],
      ['notes_20250101_000000.tar.gz', 400], // not ours
      ['app_backup.tar.gz', 400], // not ours: no stamp
    ];
    for (const [name, age] of files) {
      writeFileSync(join(dir, name), 'x');
      const t = new Date(now - age * DAY);
      utimesSync(join(dir, name), t, t);
    }
    expect(applyBackupRetention(dir, 30, now)).toEqual([
      'app_backup_20250101_000000.tar.gz',
      'backup_20250101_000000.manifest.json',
      'db_backup_20250101_000000.dump',
      'log_backup_20250101_000000.tar.gz',
    ]);
    for (const name of [
      'app_backup_20261206_000000.tar.gz',
      'notes_20250101_000000.tar.gz',
      'app_backup.tar.gz',
    ])
      expect(existsSync(join(dir, name))).toBe(true);
  });
});

describe('retention of the data directories a restore kept', () => {
  it('removes pglite.before-restore-<stamp> copies older than the retention by their stamp, not their mtime', () => {
    const data = join(tmp.dir, 'data');
    const now = Date.parse('2026-12-07T12:00:00Z');
    const names = [
      'pglite.before-restore-20261001_080000', // 67 days old
      'pglite.before-restore-20261106_115959', // 31 days old
      'pglite.before-restore-20261201_000000', // 6 days old
      'pglite', // the live database
      'pglite.restoring-20261001_080000', // not a kept copy
      'pglite.before-restore-2026', // no stamp
    ];
    for (const n of names) {
      mkdirSync(join(data, n, 'base'), { recursive: true });
      writeFileSync(join(data, n, 'PG_VERSION'), '17');
      // a rename keeps the directory's mtime: the old copy looks fresh by mtime
      utimesSync(join(data, n), new Date(now), new Date(now));
    }
    expect(pruneKeptDataDirs(data, 30, now)).toEqual([
      'pglite.before-restore-20261001_080000',
      'pglite.before-restore-20261106_115959',
    ]);
    for (const n of names.slice(2)) expect(existsSync(join(data, n, 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(data, names[0]))).toBe(false);
    expect(pruneKeptDataDirs(join(tmp.dir, 'missing'), 30, now)).toEqual([]);
  });
});

describe('the backup report', () => {
  it('says a --only database backup left the configuration out on purpose (it blamed a missing config dir)', () => {
    const report = (only?: 'database') => ({
      stamp: '20261207_120000',
      dir: '/var/backups/options_engine',
      manifest: {
        stamp: '20261207_120000',
        createdAt: '2026-12-07T12:00:00.000Z',
        engine: 'pglite' as const,
        location: 'pglite:/var/lib/options-engine/pglite',
        database: { name: 'db_backup_20261207_120000.pglite.tar.gz', bytes: 1, sha256: '0'.repeat(64) },
        config: null,
        tables: { scans: { rows: 1, md5: '0'.repeat(32) } },
      },
      verification: { ok: true, entries: 1, problems: [] },
      deleted: [],
      ...(only ? { only } : {}),
    });
    expect(renderBackup(report('database'))).toContain('Configuration: not backed up (--only database)');
    expect(renderBackup(report())).toContain('Configuration: not backed up (no --config-dir');
  });
});
