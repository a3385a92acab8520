/**
 * The name of a service instance in the shared database and in alerts: `host:port` (the monitoring port) when the
 * service listens on every interface or on loopback (the shipped unit binds 127.0.0.1: its instances keep the
 * names their alerts, metrics and scans were stored under), else `host[address]:port` — two instances on one host
 * may then share a port (one on 10.0.0.5, one on 10.0.0.6) and must not share a name: an instance's start marks
 * its own leftover `running` scans interrupted.
 */
import { hostname } from 'node:os';
import type { Settings } from '../config/schema.js';

/**
 * Bind addresses that mean "every interface" or the IPv4 loopback the shipped unit uses: one instance per port by
 * name alone. IPv6's loopback `::1` is bracketed: a socket on it and one on 127.0.0.1 can share a port.
 */
const PLAIN: ReadonlySet<string> = new Set([
  '',
  '*',
  '0.0.0.0',
  '::',
  '::0',
  '0:0:0:0:0:0:0:0',
  '127.0.0.1',
  'localhost',
]);

export function instanceName(
  settings: { monitoring: Pick<Settings['monitoring'], 'host' | 'port'> },
  host: string = hostname(),
): string {
  const bind = settings.monitoring.host.trim().toLowerCase();
  return PLAIN.has(bind)
    ? `${host}:${settings.monitoring.port}`
    : `${host}[${bind}]:${settings.monitoring.port}`;
}
