/** `options-engine serve`: run the service until SIGTERM / SIGINT (see service/runService.ts). */
import { lookup } from 'node:dns/promises';
import { createServer } from 'node:net';
import type { LoadedConfig } from '../../config/loadConfig.js';
import { startService } from '../../service/runService.js';
import { loadForCommand, prepareDir, settingLabel } from '../context.js';
import { type CliIo, UsageError } from '../io.js';
import { VERSION } from '../version.js';

export interface ServeCommandDeps {
  /** Install the process signal handlers (default true; tests driving the service in-process pass false). */
  signals?: boolean;
}

/**
 * Starts the service with the flags' configuration (re-read on SIGHUP with the same flags) and
 * resolves when it has stopped. A bad configuration throws ConfigError before anything starts
 * (exit 2), and so does a --log-dir that cannot be created, a --host that does not resolve or is no
 * address of this machine, and a --port already in use (each named by the flag, variable or file that
 * gave it); another start failure (database locked, engine crash) rejects (exit 1).
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
  await checkListenAddress(initial);
  let service: Awaited<ReturnType<typeof startService>>;
  try {
    service = await startService({
      load,
      initial,
      stdout: io.stdout,
      version: VERSION,
      signals: deps.signals ?? true,
    });
  } catch (e) {
    // the address was taken (or went away) between the check and the service's own listen
    throw listenUsageError(initial, e) ?? e;
  }
  const code = await service.stopped;
  if (code !== 0) throw new Error('the service stopped after a failure of its scan engine (see error.log)');
}

/**
 * Binds `monitoring.host`:`monitoring.port` once and lets it go, before the scan engine and the database start:
 * a host that does not resolve (`getaddrinfo ENOTFOUND`), an address not on this machine (`EADDRNOTAVAIL`), a
 * port in use (`EADDRINUSE`) or one this user may not bind (`EACCES`) are bad settings — exit 2 naming the flag
 * (`--host`, `--port`), variable (`PORT`) or file that gave them — not a bare `listen …` error with exit 1 after
 * the engine had started.
 */
export async function checkListenAddress(loaded: LoadedConfig): Promise<void> {
  const { host, port } = loaded.settings.monitoring;
  try {
    await lookup(host);
  } catch (e) {
    // a resolver that fails for now (EAI_AGAIN) is an outage, not a bad --host: exit 1, still naming it
    throw (
      listenUsageError(loaded, e) ??
      new Error(
        `${settingLabel(loaded, 'monitoring.host')}: cannot resolve ${host} (${(e as Error).message})`,
      )
    );
  }
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, () => resolve());
    });
  } catch (e) {
    throw listenUsageError(loaded, e) ?? e;
  } finally {
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The usage error a failed lookup or bind of the service's address amounts to, or null when it is none. */
function listenUsageError(loaded: LoadedConfig, err: unknown): UsageError | null {
  const e = err as NodeJS.ErrnoException & { hostname?: string; port?: number };
  const { host, port } = loaded.settings.monitoring;
  const hostLabel = settingLabel(loaded, 'monitoring.host');
  const portLabel = settingLabel(loaded, 'monitoring.port');
  const why = `(${e?.message})`;
  if (e?.syscall === 'getaddrinfo' && (e.code === 'ENOTFOUND' || e.code === 'EAI_NONAME'))
    return new UsageError(`${hostLabel}: ${host} does not resolve to an address ${why}`);
  // only the service's own address: another listener's failure is not a bad --host / --port
  if (e?.syscall !== 'listen' || (e.port !== undefined && e.port !== port)) return null;
  if (e.code === 'EADDRNOTAVAIL')
    return new UsageError(`${hostLabel}: ${host} is not an address of this machine ${why}`);
  if (e.code === 'EADDRINUSE')
    return new UsageError(`${portLabel}: port ${port} is already in use on ${host} ${why}`);
  if (e.code === 'EACCES')
    return new UsageError(`${portLabel}: not allowed to listen on port ${port} of ${host} ${why}`);
  return null;
}
