/** `options-engine serve`: run the service until SIGTERM / SIGINT (see service/runService.ts). */
import { startService } from '../../service/runService.js';
import { loadForCommand, prepareDir } from '../context.js';
import type { CliIo } from '../io.js';
import { VERSION } from '../version.js';

export interface ServeCommandDeps {
  /** Install the process signal handlers (default true; tests driving the service in-process pass false). */
  signals?: boolean;
}

/**
 * Starts the service with the flags' configuration (re-read on SIGHUP with the same flags) and
 * resolves when it has stopped. A bad configuration throws ConfigError before anything starts
 * (exit 2), and so does a --log-dir that cannot be created; a start failure (port in use, database
 * locked) rejects (exit 1).
 */
export async function serveAction(
  opts: Record<string, unknown>,
  io: CliIo,
  deps: ServeCommandDeps = {},
): Promise<void> {
  const load = () => loadForCommand(opts, io);
  const initial = load();
  prepareDir(initial, 'logging.dir');
  if (initial.settings.database.url === null) prepareDir(initial, 'database.data_dir');
  const service = await startService({
    load,
    initial,
    stdout: io.stdout,
    version: VERSION,
    signals: deps.signals ?? true,
  });
  const code = await service.stopped;
  if (code !== 0) throw new Error('the service stopped after a failure of its scan engine (see error.log)');
}
