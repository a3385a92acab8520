/** Loads the configuration for a command from its flags and the environment. */
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type LoadedConfig, loadConfig } from '../config/loadConfig.js';
import { ensureDir } from '../store/ensureDir.js';
import { type CliIo, UsageError } from './io.js';
import { flagOverrides } from './options.js';

export function loadForCommand(opts: Record<string, unknown>, io: CliIo): LoadedConfig {
  return loadConfig({
    env: io.env,
    configDir: typeof opts.configDir === 'string' ? opts.configDir : undefined,
    overrides: flagOverrides(opts),
  });
}

/**
 * How an error message names a setting: the flag that gave it (`--log-dir`), else the key and where it came from
 * (`logging.dir (from environment LOG_DIR)`, `monitoring.host (from /etc/options_engine/settings.yaml)`).
 */
export function settingLabel(loaded: LoadedConfig, key: string): string {
  const source = loaded.sources[key] ?? 'the settings';
  return source.startsWith('flag ') ? source.slice(5) : `${key} (from ${source})`;
}

/** The directories a command may have to create and write to before it starts, by their settings key. */
export type PreparedDirKey = 'logging.dir' | 'database.data_dir' | 'backup.dir';

function dirSetting(loaded: LoadedConfig, key: PreparedDirKey): string {
  const s = loaded.settings;
  return key === 'logging.dir'
    ? s.logging.dir
    : key === 'database.data_dir'
      ? s.database.data_dir
      : s.backup.dir;
}

/**
 * Creates a directory a command is about to write to (the log directory of scan and serve, the embedded
 * database's data dir, the backup directory of `ops backup`) before it starts, with `mode` when it creates it.
 * One that cannot be created or written is a bad setting, whichever source gave it (--log-dir, LOG_DIR,
 * DATA_DIR, --dir, BACKUP_DIR, a settings file): exit 2 with one line naming that source and the reason — not a
 * bare `ENOENT … mkdir` (or `EACCES … open`) with exit 1 after the work ran.
 */
export function prepareDir(loaded: LoadedConfig, key: PreparedDirKey, mode?: number): void {
  const dir = dirSetting(loaded, key);
  const label = settingLabel(loaded, key);
  const fail = (what: string, e: unknown) =>
    new UsageError(`${label}: cannot ${what} ${dir} (${(e as Error).message})`);
  try {
    ensureDir(dir, mode);
  } catch (e) {
    throw fail('create', e);
  }
  // a real write, synced: access(W_OK) passed on a full disk, and the scan then hung on its log or died on
  // ENOSPC after it had run
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    rmSync(probe, { force: true }); // one left by a killed process that had this pid
    const fd = openSync(probe, 'wx', 0o600);
    try {
      writeSync(fd, Buffer.alloc(PROBE_BYTES));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw fail('write to', e);
  } finally {
    rmSync(probe, { force: true });
  }
}

/** Bytes the write probe writes: a block, so that a file system with no free block fails it. */
const PROBE_BYTES = 4096;
