/** The dependencies of `runScanJob` as the scan-job tests give them: no cache, a silent logger, one instance. */
import type { Settings } from '../../../src/config/schema.js';
import type { ScanJobDeps } from '../../../src/service/scanJob.js';
import type { ServiceProviders } from '../../../src/service/serviceProviders.js';
import type { Database } from '../../../src/store/db.js';

/** A logger that drops everything. */
export const quiet = { info() {}, warn() {}, error() {}, debug() {} };

export function scanJobDeps(
  db: Database,
  providers: ServiceProviders,
  settings: Settings,
  over: Partial<ScanJobDeps> = {},
): ScanJobDeps {
  return {
    db,
    cache: null,
    providers: () => providers,
    settings: () => settings,
    logger: quiet,
    instance: 'test-host:8080',
    ...over,
  };
}
