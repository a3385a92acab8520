/** Loads the configuration for a command from its flags and the environment. */
import { accessSync, constants } from 'node:fs';
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
 * Creates the log directory of a command that writes logs (scan, serve) before it starts. A directory given
 * with --log-dir that cannot be created or written is a bad flag value: exit 2 with one line naming the flag
 * and the reason. One from the configuration or LOG_DIR is left to fail at run time as before (exit 1).
 */
export function prepareLogDir(opts: Record<string, unknown>, dir: string): void {
  if (opts.logDir === undefined) return;
  const fail = (what: string, e: unknown) =>
    new UsageError(`--log-dir: cannot ${what} ${dir} (${(e as Error).message})`);
  try {
    ensureDir(dir);
  } catch (e) {
    throw fail('create', e);
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw fail('write to', e);
  }
}
