/**
 * The service as the HTTP benchmark runs it: `startService` on the configuration of the
 * environment (embedded defaults), in its own process, signals handled like under systemd.
 */
import { loadConfig } from '../../src/config/loadConfig.js';
import { startService } from '../../src/service/runService.js';

const service = await startService({
  load: () => loadConfig(),
  stdout: () => {},
  version: 'bench',
});
process.exitCode = await service.stopped;
