/**
 * What a configuration reload (SIGHUP) can apply in place, and what needs a restart: the listening
 * address, the database, the cache backend, the log directory and the telemetry window are fixed
 * for the life of the process; everything else (trading, constraints, strategies, scoring,
 * scheduler, providers, API token, log level) applies from the next request or scan.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Settings } from '../config/schema.js';

/** Settings paths that take effect only after a restart. */
export const RESTART_ONLY: readonly string[] = [
  'monitoring.host',
  'monitoring.port',
  'monitoring.metrics_window_seconds',
  'database',
  'cache',
  'logging.dir',
  'logging.json_stdout',
];

function at(settings: Settings, path: string): unknown {
  let v: unknown = settings;
  for (const k of path.split('.')) v = (v as Record<string, unknown> | undefined)?.[k];
  return v;
}

/** The restart-only paths whose value differs between `prev` and `next`. */
export function restartOnlyChanges(prev: Settings, next: Settings): string[] {
  return RESTART_ONLY.filter((p) => !isDeepStrictEqual(at(prev, p), at(next, p)));
}

/** Whether the providers must be rebuilt (their settings or the HTTP knobs changed). */
export function providersChanged(prev: Settings, next: Settings): boolean {
  const http = (s: Settings) => [s.api.timeout, s.api.retry_count, s.api.batch_size];
  return !isDeepStrictEqual(prev.providers, next.providers) || !isDeepStrictEqual(http(prev), http(next));
}

/** The new settings, with the restart-only keys kept at their running values. */
export function keepRestartOnly(running: Settings, next: Settings): Settings {
  return {
    ...next,
    database: running.database,
    cache: running.cache,
    monitoring: {
      ...next.monitoring,
      host: running.monitoring.host,
      port: running.monitoring.port,
      metrics_window_seconds: running.monitoring.metrics_window_seconds,
    },
    logging: { ...next.logging, dir: running.logging.dir, json_stdout: running.logging.json_stdout },
  };
}
