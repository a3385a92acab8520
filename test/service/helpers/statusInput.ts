/** The /status input of an idle service (nothing scanned, nothing running), for tests of statusDocument. */
import type { Settings } from '../../../src/config/schema.js';
import type { StatusInput } from '../../../src/service/routes/status.js';
import { IDLE_MEMORY_CACHE } from './healthSources.js';

/** An idle service started with `settings`, on PGlite and a memory cache, with `over` replacing any part. */
export function idleStatusInput(settings: Settings, over: Partial<StatusInput> = {}): StatusInput {
  return {
    version: '0.0.0-test',
    instance: 'test:8080',
    pid: 1,
    startedAt: 0,
    now: 1000,
    settings,
    files: [],
    scheduler: {
      running: null,
      last: null,
      lastSkipped: null,
      nextRunAt: null,
      lastCompletedAt: null,
      stopped: false,
    },
    gateShared: false,
    database: { engine: 'pglite', location: 'pglite:memory', migration: 1, embeddedUrl: null },
    cache: IDLE_MEMORY_CACHE,
    providers: {
      choice: { primary: 'simulated', fallback: null, macro: null, flowNeutral: true, notes: [] },
      circuits: {},
    },
    reload: null,
    ...over,
  };
}
