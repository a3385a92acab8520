/** The name of a service instance in the shared database and in alerts: `host:port` (the monitoring port). */
import { hostname } from 'node:os';
import type { Settings } from '../config/schema.js';

export function instanceName(settings: Pick<Settings, 'monitoring'>, host: string = hostname()): string {
  return `${host}:${settings.monitoring.port}`;
}
