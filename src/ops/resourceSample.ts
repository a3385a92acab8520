/**
 * The host's resources right now: CPU, memory, disk of the data volume, database size and the
 * sizes of the log, data and backup directories. The same keys are read back from
 * `metrics_samples` by the resource and capacity reports, so the service can store this as the
 * `extra` of its per-minute sample (Telemetry.sampleRow) and `ops … --record` can add one by hand.
 */
import { existsSync, lstatSync, readdirSync, statfsSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

/** Metric keys (percent for *_usage, bytes for *_bytes). */
export const RESOURCE_KEYS = [
  'cpu_usage',
  'memory_usage',
  'disk_usage',
  'db_size_bytes',
  'log_dir_bytes',
  'data_dir_bytes',
  'backup_dir_bytes',
] as const;
export type ResourceKey = (typeof RESOURCE_KEYS)[number];
export type ResourceSample = Record<ResourceKey, number | null>;

/** Bytes under `path` (files and directories, symlinks not followed), like `du -sb`; null if absent. */
export function dirSize(path: string): number | null {
  if (!existsSync(path)) return null;
  let total = 0;
  const stack = [path];
  while (stack.length) {
    const p = stack.pop() as string;
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(p);
    } catch {
      continue; // removed while walking
    }
    total += st.size;
    if (st.isDirectory()) {
      try {
        for (const n of readdirSync(p)) stack.push(join(p, n));
      } catch {
        // unreadable directory: count what we can
      }
    }
  }
  return total;
}

/** Used space of the filesystem holding `path`, percent (as `df` reports it). */
export function diskUsage(path: string): number | null {
  try {
    const s = statfsSync(existsSync(path) ? path : '/');
    const used = (s.blocks - s.bfree) * s.bsize;
    const avail = s.bavail * s.bsize;
    return used + avail > 0 ? Math.round((1000 * used) / (used + avail)) / 10 : null;
  } catch {
    return null;
  }
}

export interface ResourceDirs {
  logDir: string;
  dataDir: string;
  backupDir: string;
}

/**
 * One reading. CPU is the 1-minute load average over the core count (a CLI run is too short to
 * measure busy time), capped at 100 %.
 */
export function resourceSample(dirs: ResourceDirs, dbSizeBytes: number | null): ResourceSample {
  const cpu = Math.min(100, (100 * loadavg()[0]) / Math.max(1, cpus().length));
  return {
    cpu_usage: Math.round(cpu * 10) / 10,
    memory_usage: Math.round((1000 * (totalmem() - freemem())) / totalmem()) / 10,
    disk_usage: diskUsage(dirs.dataDir),
    db_size_bytes: dbSizeBytes,
    log_dir_bytes: dirSize(dirs.logDir),
    data_dir_bytes: dirSize(dirs.dataDir),
    backup_dir_bytes: dirSize(dirs.backupDir),
  };
}

/**
 * CPU percent averaged over about `windowMs`: the load average (runnable processes) of 1, 5 or 15 minutes —
 * the shortest that covers the window — over the core count, capped at 100 %, one decimal.
 */
export function cpuLoadPercent(windowMs: number): number {
  const i = windowMs <= 60_000 ? 0 : windowMs <= 300_000 ? 1 : 2;
  return Math.round(Math.min(100, (100 * loadavg()[i]) / Math.max(1, cpus().length)) * 10) / 10;
}
