/**
 * `ops test-api-connections`: the guide's daily API check. One cheap real request per configured
 * provider (market/connectionCheck.ts does the work); this module only shapes the verdict.
 * Keys never appear: provider messages are redacted at the source.
 */
import type { Settings } from '../config/schema.js';
import {
  type CheckOptions,
  type ConnectionReport,
  checkConnections,
  connectionsHealthy,
  formatConnectionReport,
} from '../market/connectionCheck.js';

export interface ApiConnectionsReport {
  checkedAt: string;
  /** Every provider the engine uses is reachable with its key accepted. */
  healthy: boolean;
  providers: ConnectionReport[];
}

export async function testApiConnections(
  settings: Pick<Settings, 'providers' | 'api'>,
  opts: CheckOptions = {},
): Promise<ApiConnectionsReport> {
  const providers = await checkConnections(settings.providers, settings.api, opts);
  return { checkedAt: new Date().toISOString(), healthy: connectionsHealthy(providers), providers };
}

export function renderApiConnections(r: ApiConnectionsReport): string {
  return `${formatConnectionReport(r.providers)}\n\nAPI connections: ${r.healthy ? 'OK' : 'PROBLEM (see above)'}\n`;
}
