/** Config dirs and config errors for the configuration tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, ConfigErrors } from '../../src/config/ConfigError.js';
import { tempDir } from '../helpers/tmp.js';

/** A maker of config dirs (under one temp dir per test file), each holding the overrides given. */
export function overrideDirs(prefix: string): (settingsYaml: string, monitoringYaml?: string) => string {
  const tmp = tempDir(prefix);
  let n = 0;
  return (settingsYaml, monitoringYaml) => {
    const dir = join(tmp.dir, `c${n++}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'settings.yaml'), settingsYaml);
    if (monitoringYaml !== undefined) writeFileSync(join(dir, 'monitoring.yaml'), monitoringYaml);
    return dir;
  };
}

/** The (first) ConfigError `fn` throws; fails when it throws none or something else. */
export function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    if (e instanceof ConfigErrors) return e.errors[0];
    throw e;
  }
  throw new Error('expected a ConfigError');
}
