/** Health-check sources for tests that build the server or a HealthMonitor in-process: an idle memory cache. */

import type { HealthSources } from '../../../src/service/healthChecks.js';
import { type CacheStats, idleCacheStats } from '../../../src/store/cache.js';
import type { Database } from '../../../src/store/db.js';

/** The stats of an in-memory cache that has served nothing yet. */
export const IDLE_MEMORY_CACHE: CacheStats = idleCacheStats('memory');

/** Sources of a healthy test service on `db` (scans expected, none yet), with `over` replacing any of them. */
export function testHealthSources(db: Database, over: Partial<HealthSources> = {}): HealthSources {
  return {
    releaseId: '0.0.0-test',
    serviceId: 'test',
    startedAt: Date.now(),
    db,
    dbLocation: 'pglite:memory',
    redis: null,
    cache: () => IDLE_MEMORY_CACHE,
    circuits: () => ({}),
    diskPath: () => '.',
    limits: () => ({ diskPercent: 85, memoryPercent: 90, slowMs: 1000 }),
    freshness: () => ({ expectScans: true, maxAgeMs: 60_000 }),
    localLastScanAt: () => null,
    ...over,
  };
}
