/**
 * `${VAR}` / `${VAR:-default}` interpolation of string values in a parsed YAML tree.
 * `$${…}` escapes a literal `${…}`. An unset variable without a default is an error naming the key.
 */
import { ConfigError } from './ConfigError.js';

const PATTERN = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function interpolate(
  value: unknown,
  env: Record<string, string | undefined>,
  source: string,
  path: string[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(PATTERN, (whole, escaped: string, name: string, fallback: string | undefined) => {
      if (escaped) return whole.slice(1);
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(
        source,
        path.join('.'),
        `environment variable ${name} is not set (use \${${name}:-default})`,
      );
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, source, [...path, String(i)]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, env, source, [...path, k]);
    return out;
  }
  return value;
}
