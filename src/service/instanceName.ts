/**
 * The name of a service instance in the shared database and in alerts: `host:port` (the monitoring port), or
 * `host[address]:port` when the service binds one address rather than all of them — two instances on one host may
 * then share a port (one on 127.0.0.1, one on 10.0.0.5) and must not share a name: an instance's start marks its
 * own leftover `running` scans interrupted.
 */
import { hostname } from 'node:os';
import type { Settings } from '../config/schema.js';

/** Bind addresses that mean "every interface": one instance per port on the host. */
const WILDCARDS: ReadonlySet<string> = new Set(['', '0.0.0.0', '::', '[::]', '*']);

export function instanceName(
  settings: { monitoring: Pick<Settings['monitoring'], 'host' | 'port'> },
  host: string = hostname(),
): string {
  const bind = settings.monitoring.host.trim();
  return WILDCARDS.has(bind)
    ? `${host}:${settings.monitoring.port}`
    : `${host}[${bind}]:${settings.monitoring.port}`;
}
