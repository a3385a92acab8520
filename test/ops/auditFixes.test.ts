/**
 * Regressions found by the operations audit against running services: `ops backup --only config` beside a
 * running service on the embedded database; resource trends fitted from minutes of samples ("disk 22.2 →
 * 22.3 % in 7 minutes: +30 %/day, 2 days left, at risk") and capacity-planning exiting 0 on what the
 * resource report called at risk.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMetricsSample } from '../../src/store/metricsSamplesRepo.js';
import { migrate } from '../../src/store/migrate.js';
import { openDatabase } from '../../src/store/openDatabase.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { embeddedDbSettings, serveEmbedded } from './helpers/embeddedDatabase.js';

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const tmp = tempDir('oe-ops-audit-');

describe('ops backup beside a running service on the embedded database', () => {
  const dataDir = join(tmp.dir, 'served-data');
  const configDir = join(tmp.dir, 'site-config');
  const backups = join(tmp.dir, 'served-backups');
  let served: Awaited<ReturnType<typeof serveEmbedded>> | undefined;
  beforeAll(async () => {
    mkdirSync(configDir, { recursive: true });
    writeFileSync(join(configDir, 'settings.yaml'), 'backup: {retention_days: 30}\n', { mode: 0o600 });
    served = await serveEmbedded(dataDir); // what the service does: owns the data dir and serves it on loopback
  });
  afterAll(async () => {
    await served?.stop();
  });
  const env = { DATA_DIR: dataDir, LOG_DIR: join(tmp.dir, 'served-logs') };

  it('--only config needs no database files: it is backed up and verified (it was refused)', async () => {
    const r = await cli(
      ['ops', 'backup', '--only', 'config', '--dir', backups, '--config-dir', configDir, '--json'],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.verification.ok).toBe(true);
    expect(rep.manifest.database).toBeNull();
    expect(existsSync(join(backups, rep.manifest.config.name))).toBe(true);
  });

  it('the database itself is still refused while the service owns it, saying what to do', async () => {
    const r = await cli(['ops', 'backup', '--dir', backups, '--config-dir', configDir], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('owned by the running service; stop it');
    expect(r.stderr).toContain('--only config needs no stop');
  });
});

describe('resource trends need history; resource-utilization-report and capacity-planning exit alike', () => {
  const dataDir = join(tmp.dir, 'trend-data');
  const env = { DATA_DIR: dataDir, LOG_DIR: join(tmp.dir, 'trend-logs'), BACKUP_DIR: join(tmp.dir, 'tb') };
  const samples = async (instance: string, list: { at: number; disk: number }[]) => {
    const db = await openDatabase(embeddedDbSettings(dataDir));
    try {
      await migrate(db);
      for (const s of list)
        await insertMetricsSample(db, { sampledAt: s.at, instance, metrics: { disk_usage: s.disk } });
    } finally {
      await db.close();
    }
  };
  type Trend = {
    instance: string;
    metric: string;
    growthPerDay: number | null;
    daysToThreshold: number | null;
  };
  const disk = (rep: Trend[], instance = 'host:8080') =>
    rep.find((m) => m.metric === 'disk_usage' && m.instance === instance);

  it('7 samples over 7 minutes (disk 22.2 → 22.3 %) project nothing and flag nothing: exit 0 both', async () => {
    const now = Date.now();
    await samples(
      'host:8080',
      [22.2, 22.2, 22.2, 22.25, 22.3, 22.3, 22.3].map((disk, i) => ({ at: now - (7 - i) * MINUTE, disk })),
    );
    const r = await cli(['ops', 'resource-utilization-report', '--json'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.atRisk).toEqual([]);
    expect(disk(rep.metrics)).toMatchObject({
      samples: 7,
      growthPerDay: null,
      daysToThreshold: null,
      last: 22.3,
    });
    const text = await cli(['ops', 'resource-utilization-report'], env);
    expect(text.stdout).toContain('not enough history (samples span 0.1 h; a trend needs 3 day(s))');
    expect(text.stdout).not.toContain('At risk');

    const c = await cli(['ops', 'capacity-planning', '--json'], env);
    expect(c.code, c.stdout + c.stderr).toBe(0);
    const cap = JSON.parse(c.stdout);
    expect(cap.atRisk).toEqual([]);
    expect(disk(cap.trends)).toMatchObject({ growthPerDay: null, daysToThreshold: null });
    expect((await cli(['ops', 'capacity-planning'], env)).stdout).toContain('not enough history');
  });

  it('10 days of disk rising 3 %/day toward the 85 % rule: both project it and both exit 1', async () => {
    const now = Date.now();
    await samples(
      'grow:8080',
      Array.from({ length: 11 }, (_, d) => ({ at: now - (10 - d) * DAY - 10 * MINUTE, disk: 30 + 3 * d })),
    );
    const r = await cli(['ops', 'resource-utilization-report', '--json'], env);
    const rep = JSON.parse(r.stdout);
    expect(disk(rep.metrics, 'grow:8080')?.growthPerDay).toBeCloseTo(3, 6);
    expect(disk(rep.metrics, 'grow:8080')?.daysToThreshold).toBeCloseTo(25 / 3, 6);
    expect(rep.atRisk).toEqual(['disk_usage@grow:8080']);
    expect(r.code).toBe(1);
    const c = await cli(['ops', 'capacity-planning', '--json'], env);
    expect(JSON.parse(c.stdout).atRisk).toEqual(['disk_usage@grow:8080']);
    expect(c.code).toBe(1);
    expect(c.stderr).toContain('capacity-planning: at risk: disk_usage@grow:8080');
    // --warn-days as in the resource report: nothing within 1 day
    expect((await cli(['ops', 'capacity-planning', '--warn-days', '1'], env)).code).toBe(0);
  });
});
