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

/**
 * Outcomes of a provider call that are not failures: an answer, an unknown symbol (`not_found`: an
 * answer, not an outage) or a cancellation. Telemetry's `error_rate`, the service's failure log lines, the
 * stored `api_calls.ok` and the reports built on that table all use this one definition (README "Metrics").
 */
export const API_CALL_NOT_FAILURES: readonly ApiCallOutcome[] = ['ok', 'aborted', 'not_found'];

/** Whether a provider call counts as failed (error rate, `api_calls.ok = false`). */
export function apiCallFailed(outcome: string): boolean {
  return !(API_CALL_NOT_FAILURES as readonly string[]).includes(outcome);
}
