/**
 * Messages between the service process (HTTP, scheduler, telemetry) and the scan engine
 * process (market data, cache, the scan pipeline, the scan's database writes, and the embedded
 * PGlite when no DATABASE_URL is set). Every payload is plain data (IPC with structured-clone serialization).
 */
import type { Settings } from '../../config/schema.js';
import type { ApiCall, CircuitStateName } from '../../market/http/apiCall.js';
import type { ProviderChoice } from '../../market/providerFactory.js';
import type { CacheStats } from '../../store/cache.js';
import type { ScanOutcome, ScanParams, ScanRunStage } from '../scanJob.js';
import type { ScanTrigger } from '../scanRecords.js';
import type { ScanTimingRecord } from '../telemetry.js';

/** What the engine tells the main thread once it has started. */
export interface EngineInfo {
  /** `pglite` (owned by the engine, served on loopback) or `postgres` (DATABASE_URL). */
  engine: 'pglite' | 'postgres';
  /** Safe to show: `pglite:<dir>` or `postgres://host:port/db`. */
  location: string;
  /** The embedded database's loopback URL (the main thread's connection); null on a server. */
  embeddedUrl: string | null;
  /** Schema version after the migrations the engine applied. */
  migration: number | null;
  cacheConfigured: 'redis' | 'memory';
  providers: EngineProviders;
}

export interface EngineProviders {
  choice: ProviderChoice;
  httpProviders: string[];
}

export interface ScanRequestMessage {
  id: string;
  trigger: ScanTrigger;
  params?: ScanParams;
}

export type ToEngine =
  | { type: 'init'; settings: Settings }
  | { type: 'scan'; run: ScanRequestMessage }
  | { type: 'abort'; id: string }
  /** New settings (a reload); answered by `reconfigured` with the same `id`. */
  | { type: 'reconfigure'; id: number; settings: Settings }
  /** Liveness probe (the service's watchdog), answered by `pong` at once. */
  | { type: 'ping'; id: number }
  | { type: 'close' };

export type LogLevel = 'info' | 'warn' | 'error';

/**
 * Telemetry events gathered for a few hundred milliseconds and sent as one message: a scan of the
 * whole universe makes thousands of provider calls, and one message each would cost the HTTP
 * thread more than the events are worth.
 */
export interface TelemetryBatch {
  apiCalls: ApiCall[];
  /** [provider, endpoint, ms, outcome] of providers without HTTP telemetry (the simulated market). */
  providerCalls: [string, string, number, string][];
  /** [operation, ms, ok, connection failure] of the engine's database calls. */
  dbQueries: [string, number, boolean, boolean][];
}

export type FromEngine =
  | { type: 'ready'; info: EngineInfo }
  | { type: 'fatal'; message: string }
  | { type: 'stage'; id: string; stage: ScanRunStage }
  | { type: 'scanDone'; id: string; outcome: ScanOutcome; timing: ScanTimingRecord }
  | { type: 'telemetry'; batch: TelemetryBatch }
  | { type: 'circuit'; provider: string; state: CircuitStateName }
  | { type: 'providers'; providers: EngineProviders }
  /** The answer to `reconfigure`: `error` null when applied, else why it was refused (nothing changed). */
  | { type: 'reconfigured'; id: number; error: string | null }
  | { type: 'cacheStats'; stats: CacheStats }
  | { type: 'log'; level: LogLevel; component: string; fields: Record<string, unknown>; msg: string }
  | { type: 'pong'; id: number }
  | { type: 'closed' };
