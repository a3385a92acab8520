/**
 * The resilience knobs every adapter accepts and hands to its HttpClient. The provider factory
 * fills them from `Settings['api']`; tests shorten the timings and inject a transport.
 */
import type { ApiCallObserver, CircuitStateName } from './apiCall.js';
import type { FetchFn, HttpClientOptions } from './httpClient.js';

export interface ProviderHttpOptions {
  /** Per attempt, ms (settings `api.timeout` × 1000). */
  timeoutMs?: number;
  /** Settings `api.retry_count`. */
  retries?: number;
  backoffBaseMs?: number;
  maxRetryWaitMs?: number;
  breakerThreshold?: number;
  breakerOpenMs?: number;
  /** Transport (default global fetch). */
  fetch?: FetchFn;
  onCall?: ApiCallObserver;
  onCircuitChange?: (provider: string, state: CircuitStateName) => void;
  now?: () => number;
}

/** Copies the knobs that are set into HttpClient options. */
export function httpKnobs(o: ProviderHttpOptions | undefined): Partial<HttpClientOptions> {
  const out: Partial<HttpClientOptions> = {};
  if (!o) return out;
  for (const k of [
    'timeoutMs',
    'retries',
    'backoffBaseMs',
    'maxRetryWaitMs',
    'breakerThreshold',
    'breakerOpenMs',
    'fetch',
    'onCall',
    'onCircuitChange',
    'now',
  ] as const) {
    if (o[k] !== undefined) Object.assign(out, { [k]: o[k] });
  }
  return out;
}
