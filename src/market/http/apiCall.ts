/** The metric record of one provider call, handed to an observer (telemetry's `api_calls`). */
import type { ProviderErrorKind } from './errors.js';

export type ApiCallOutcome = 'ok' | ProviderErrorKind | 'aborted';

export interface ApiCall {
  /** `tradier`, `yahoo`, `fred`, `quiver`. */
  provider: string;
  /** Path label without query or keys, e.g. `markets/options/chains`. */
  endpoint: string;
  method: string;
  /** HTTP status of the last attempt; null when no response arrived (timeout, network, circuit open). */
  status: number | null;
  outcome: ApiCallOutcome;
  /** Whole call as the caller saw it (rate-limit waits, retries and backoff included), ms. */
  latencyMs: number;
  /** The last HTTP attempt alone, ms; 0 when none was made. */
  attemptMs: number;
  /** Retries made after the first attempt. */
  retries: number;
  /** When the call started, epoch ms. */
  startedAt: number;
}

/** Receives every call; must not throw (exceptions are swallowed). */
export type ApiCallObserver = (call: ApiCall) => void;

/** Circuit breaker states as telemetry sees them. */
export type CircuitStateName = 'closed' | 'open' | 'half_open' | 'isolated';
