/**
 * Typed errors of provider calls. Every message names the provider and the endpoint (a path label,
 * never a URL with its query: FRED sends its key as `api_key=`), and is passed through
 * `redactSecrets` with the provider's secrets before it is built, so a key never reaches a log line.
 */

/** What went wrong, for counting by reason (collector) and for metrics. */
export type ProviderErrorKind =
  | 'http' // non-2xx status that is neither auth nor rate limit
  | 'auth' // 401 / 403: the key is missing, wrong or not allowed
  | 'rate_limited' // 429 that could not be waited out
  | 'timeout'
  | 'network' // connection refused / reset, body cut off
  | 'malformed' // body is not JSON (truncated, HTML error page…)
  | 'invalid' // JSON that does not match the expected shape
  | 'circuit_open' // breaker open: the provider failed repeatedly, calls are refused for a while
  | 'not_found' // the provider does not know the symbol / series
  | 'not_entitled'; // the key works but the plan does not include this dataset

export interface ProviderErrorInit {
  provider: string;
  endpoint: string;
  status?: number | null;
  retryable?: boolean;
}

export class ProviderError extends Error {
  readonly provider: string;
  readonly endpoint: string;
  readonly kind: ProviderErrorKind;
  /** HTTP status of the last response, null when none arrived. */
  readonly status: number | null;
  /** Whether the HTTP client may retry the call (5xx, timeout, network, malformed body, 429). */
  readonly retryable: boolean;

  constructor(kind: ProviderErrorKind, init: ProviderErrorInit, detail: string) {
    super(`${init.provider} ${init.endpoint}: ${detail}`);
    this.name = 'ProviderError';
    this.kind = kind;
    this.provider = init.provider;
    this.endpoint = init.endpoint;
    this.status = init.status ?? null;
    this.retryable = init.retryable ?? false;
  }
}

/** A response with a status outside 2xx; `kind` from the status unless an adapter knows better (FRED's 400 for a bad key is `auth`). */
export class HttpStatusError extends ProviderError {
  /** Wait the server asked for (Retry-After or X-Ratelimit-Expiry), ms; null when none. */
  readonly retryAfterMs: number | null;

  constructor(
    init: ProviderErrorInit & { status: number; retryAfterMs?: number | null; kind?: ProviderErrorKind },
    detail: string,
  ) {
    const kind: ProviderErrorKind =
      init.kind ??
      (init.status === 401 || init.status === 403 ? 'auth' : init.status === 429 ? 'rate_limited' : 'http');
    super(kind, init, detail);
    this.name = 'HttpStatusError';
    this.retryAfterMs = init.retryAfterMs ?? null;
  }
}

export class ProviderTimeoutError extends ProviderError {
  readonly timeoutMs: number;
  constructor(init: ProviderErrorInit, timeoutMs: number) {
    super('timeout', { ...init, retryable: true }, `no complete response within ${timeoutMs} ms`);
    this.name = 'ProviderTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

export class NetworkError extends ProviderError {
  constructor(init: ProviderErrorInit, detail: string) {
    super('network', { ...init, retryable: true }, detail);
    this.name = 'NetworkError';
  }
}

/** The body could not be parsed as JSON (truncated, an HTML error page, empty). */
export class MalformedBodyError extends ProviderError {
  constructor(init: ProviderErrorInit, detail: string) {
    super('malformed', init, detail);
    this.name = 'MalformedBodyError';
  }
}

/** The JSON does not have the expected shape; `field` is the path of the first offending value. */
export class ResponseValidationError extends ProviderError {
  readonly field: string;
  readonly reason: string;
  constructor(init: ProviderErrorInit, field: string, reason: string, more = 0) {
    super(
      'invalid',
      init,
      `invalid response: field ${field || '(body)'}: ${reason}${more > 0 ? ` (and ${more} more)` : ''}`,
    );
    this.name = 'ResponseValidationError';
    this.field = field;
    this.reason = reason;
  }
}

export class CircuitOpenError extends ProviderError {
  constructor(init: ProviderErrorInit, openMs: number) {
    super(
      'circuit_open',
      init,
      `circuit open after repeated failures; calls refused for up to ${Math.round(openMs / 1000)} s`,
    );
    this.name = 'CircuitOpenError';
  }
}

/** The provider answered but does not know the symbol or series asked for. */
export class NotFoundError extends ProviderError {
  constructor(init: ProviderErrorInit, detail: string) {
    super('not_found', init, detail);
    this.name = 'NotFoundError';
  }
}

export class NotEntitledError extends ProviderError {
  constructor(init: ProviderErrorInit, detail: string) {
    super('not_entitled', init, detail);
    this.name = 'NotEntitledError';
  }
}

/**
 * Replaces every occurrence of each secret (≥ 4 characters) by `***`, also as a URL query carries it
 * (`encodeURIComponent`, and the form encoding with `+` for a space): a server echoing the request URL in its
 * error sends a key with `+ / = &` back encoded.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue;
    const encoded = encodeURIComponent(s);
    const form = new URLSearchParams({ k: s }).toString().slice(2);
    for (const v of new Set([s, encoded, form])) out = out.split(v).join('***');
  }
  return out;
}

/** Pulls a short human message out of an error body (JSON or text), at most `max` characters. */
export function describeErrorBody(body: string, max = 200): string {
  const text = body.trim();
  if (text === '') return '(empty body)';
  let message = text;
  try {
    const parsed: unknown = JSON.parse(text);
    message = messageOf(parsed) ?? text;
  } catch {
    // plain text (Tradier's 401 is `Invalid Access Token` with `Content-Type: plain/text`)
  }
  message = message.replace(/\s+/g, ' ');
  return message.length > max ? `${message.slice(0, max)}…` : message;
}

function messageOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  for (const key of ['error_message', 'message', 'description', 'faultstring', 'detail']) {
    if (typeof o[key] === 'string') return o[key] as string;
  }
  for (const key of ['error', 'fault']) {
    const inner = messageOf(o[key]);
    if (inner) return inner;
  }
  // Yahoo: {"quoteSummary":{"result":null,"error":{code,description}}}
  const keys = Object.keys(o);
  if (keys.length === 1) return messageOf(o[keys[0]]);
  return undefined;
}
