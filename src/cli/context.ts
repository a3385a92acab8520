/** Loads the configuration for a command from its flags and the environment. */
import { type LoadedConfig, loadConfig } from '../config/loadConfig.js';
import type { CliIo } from './io.js';
import { flagOverrides } from './options.js';

export function loadForCommand(opts: Record<string, unknown>, io: CliIo): LoadedConfig {
  return loadConfig({
    env: io.env,
    configDir: typeof opts.configDir === 'string' ? opts.configDir : undefined,
    overrides: flagOverrides(opts),
  });
}
