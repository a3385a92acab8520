/**
 * Resilient HTTP for one provider, over Node's built-in fetch (undici) and cockatiel policies:
 *
 *   call ─► retry (1 s / 2 s / 4 s, or the server's Retry-After on 429 and 5xx / X-Ratelimit-Expiry on 429)
 *            └► circuit breaker (N consecutive failed attempts → open for M ms → half-open probe)
 *                 └► token bucket (per provider) ─► timeout (whole exchange, body included) ─► fetch
 *
 * Retried: 5xx, 429 (when the asked wait ≤ `maxRetryWaitMs`), timeouts, network errors, bodies that
 * are not JSON (truncated). Counted by the breaker: the same minus 429 (a quota is not an outage).
 * Other 4xx are answers, neither retried nor counted. Every call ends with one `ApiCall` record to
 * the observer. Error messages carry the endpoint label, never the URL, and pass through
 * `redactSecrets` so keys (Tradier's bearer token, FRED's `api_key=`) never leak.
 */
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  DelegateBackoff,
  handleWhen,
  type IPolicy,
  type IRetryBackoffContext,
  retry,
  type TimeoutPolicy,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import type { z } from 'zod';
import type { ApiCall, ApiCallObserver, ApiCallOutcome, CircuitStateName } from './apiCall.js';
import {
  CircuitOpenError,
  describeErrorBody,
  HttpStatusError,
  MalformedBodyError,
  NetworkError,
  ProviderError,
  type ProviderErrorInit,
  ProviderTimeoutError,
  redactSecrets,
} from './errors.js';
import { parseRateLimitHeaders, type RateLimitSnapshot, retryAfterMs } from './rateLimitHeaders.js';
import { TokenBucket } from './tokenBucket.js';
import { validateBody } from './validateBody.js';

export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface RateLimitConfig {
  /** Requests per `intervalMs` (Tradier 120 / 60 000, Yahoo 2000 / 3 600 000…). */
  limit: number;
  intervalMs: number;
  /** Bucket size; default 1 (evenly spaced requests). */
  burst?: number;
}

export interface HttpClientOptions {
  /** Provider name for errors and metrics. */
  provider: string;
  /** Base URL; relative request paths are resolved against it (a trailing `/` is added). */
  baseUrl: string;
  /** Headers sent with every request (Authorization, Accept). */
  headers?: Record<string, string>;
  /** Values removed from every error message (API keys, tokens). */
  secrets?: readonly string[];
  /** Per attempt, body included, ms. Default 30 000. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 3. */
  retries?: number;
  /** First backoff, doubled per retry, ms. Default 1 000 (→ 1 s, 2 s, 4 s). */
  backoffBaseMs?: number;
  /** A 429 asking for a longer wait fails at once instead of sleeping, ms. Default 65 000. */
  maxRetryWaitMs?: number;
  /** Consecutive failed attempts that open the breaker. Default 5. */
  breakerThreshold?: number;
  /** How long the breaker stays open before a half-open probe, ms. Default 60 000. */
  breakerOpenMs?: number;
  /** null = no client-side limit. */
  rateLimit?: RateLimitConfig | null;
  /** Transport; default `globalThis.fetch`. Tests inject one that reaches a local server. */
  fetch?: FetchFn;
  onCall?: ApiCallObserver;
  onCircuitChange?: (provider: string, state: CircuitStateName) => void;
  /** Wall clock, epoch ms (Retry-After dates, quota windows). */
  now?: () => number;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface HttpRequest {
  /** Label for errors and metrics, e.g. `markets/options/chains` (no symbols, no query). */
  endpoint: string;
  /** Path relative to the base URL, or an absolute URL. */
  path: string;
  query?: Record<string, QueryValue>;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  redirect?: RequestInit['redirect'];
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
}

export interface JsonResponse extends HttpResponse {
  /** Parsed body; undefined when a non-2xx body is not JSON. */
  json: unknown;
}

interface CallState {
  attempts: number;
  status: number | null;
  attemptMs: number;
}

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
};

const NO_BODY_STATUS = new Set([101, 204, 205, 304]);

/** Counted by the breaker: the provider misbehaved (not our quota, not our request). */
function isOutage(e: Error): boolean {
  if (!(e instanceof ProviderError)) return false;
  if (e.kind === 'timeout' || e.kind === 'network' || e.kind === 'malformed') return true;
  return e.kind === 'http' && e.status !== null && e.status >= 500;
}

function isRetryable(e: Error): boolean {
  return e instanceof ProviderError && e.retryable;
}

export class HttpClient {
  readonly provider: string;
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly secrets: readonly string[];
  private readonly timeoutMs: number;
  private readonly breakerOpenMs: number;
  private readonly maxRetryWaitMs: number;
  private readonly transport: FetchFn;
  private readonly onCall?: ApiCallObserver;
  private readonly now: () => number;
  private readonly limiter: TokenBucket | null;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly timeoutPolicy: TimeoutPolicy;
  private readonly policy: IPolicy;
  private lastRateLimit: RateLimitSnapshot | null = null;

  constructor(opts: HttpClientOptions) {
    this.provider = opts.provider;
    this.base = opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`;
    this.headers = { ...opts.headers };
    this.secrets = (opts.secrets ?? []).filter((s) => s.length > 0);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.breakerOpenMs = opts.breakerOpenMs ?? 60_000;
    this.maxRetryWaitMs = opts.maxRetryWaitMs ?? 65_000;
    this.transport = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.onCall = opts.onCall;
    this.now = opts.now ?? Date.now;
    this.limiter = opts.rateLimit ? new TokenBucket({ ...opts.rateLimit, now: this.now }) : null;

    const backoffBase = opts.backoffBaseMs ?? 1000;
    const retryPolicy = retry(handleWhen(isRetryable), {
      maxAttempts: opts.retries ?? 3,
      backoff: new DelegateBackoff<IRetryBackoffContext<unknown>>((ctx) => {
        const err = 'error' in ctx.result ? ctx.result.error : undefined;
        if (err instanceof HttpStatusError && err.retryAfterMs !== null) return err.retryAfterMs;
        return backoffBase * 2 ** (ctx.attempt - 1);
      }),
    });
    this.breaker = circuitBreaker(handleWhen(isOutage), {
      halfOpenAfter: this.breakerOpenMs,
      breaker: new ConsecutiveBreaker(opts.breakerThreshold ?? 5),
    });
    const onChange = opts.onCircuitChange;
    if (onChange) this.breaker.onStateChange((s) => onChange(this.provider, STATE_NAMES[s]));
    this.timeoutPolicy = timeout(this.timeoutMs, TimeoutStrategy.Cooperative);
    this.policy = wrap(retryPolicy, this.breaker);
  }

  /** Breaker state now. */
  get circuitState(): CircuitStateName {
    return STATE_NAMES[this.breaker.state];
  }

  /** Quota reported by the provider's last response (Tradier's X-Ratelimit-*), null if never seen. */
  get rateLimit(): RateLimitSnapshot | null {
    return this.lastRateLimit;
  }

  /** Redacts this provider's secrets from a text (for adapters building their own messages). */
  redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  /**
   * Sends a request through rate limit, timeout, breaker and retries. Resolves with any response
   * that is not retryable (2xx, 3xx, 4xx other than an exhausted 429); rejects with a ProviderError
   * after the retries, or with the caller's abort reason.
   */
  send(req: HttpRequest): Promise<HttpResponse> {
    return this.run(req, false);
  }

  /**
   * Like `send`, and parses a 2xx body as JSON inside the retry loop (a truncated body is retried). `check`
   * judges the answer before the call is recorded: what it throws (a status error, a body that fails
   * validation) is the call's outcome in the metrics and api_calls, not 'ok'.
   */
  requestJson(req: HttpRequest, check?: (res: JsonResponse) => void): Promise<JsonResponse> {
    return this.run(
      req,
      true,
      check as ((res: HttpResponse | JsonResponse) => void) | undefined,
    ) as Promise<JsonResponse>;
  }

  /** GET a JSON body and validate it: non-2xx → HttpStatusError, bad shape → ResponseValidationError. */
  async getJson<S extends z.ZodType>(req: HttpRequest, schema: S): Promise<z.output<S>> {
    let out: z.output<S> | undefined;
    // checked before the call is recorded: a 200 whose body fails validation is a failed call ('invalid') in
    // the metrics and the api_calls table, not a success
    await this.requestJson(req, (res) => {
      if (res.status < 200 || res.status > 299) throw this.statusError(req.endpoint, res);
      out = validateBody(schema, res.json, {
        provider: this.provider,
        endpoint: req.endpoint,
        status: res.status,
      });
    });
    return out as z.output<S>;
  }

  /** The typed error for a non-2xx answer, message from its body (redacted). */
  statusError(endpoint: string, res: HttpResponse): HttpStatusError {
    return new HttpStatusError(
      { provider: this.provider, endpoint, status: res.status },
      this.redact(`HTTP ${res.status}: ${describeErrorBody(res.body)}`),
    );
  }

  /**
   * A `fetch` with this client's resilience, for libraries that bring their own HTTP code
   * (yahoo-finance2). `label` names the endpoint of a URL for metrics and errors.
   */
  asFetch(label: (url: URL) => string): FetchFn {
    return async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((v, k) => {
        headers[k] = v;
      });
      const res = await this.send({
        endpoint: label(url),
        path: url.href,
        method: init?.method,
        headers,
        body: typeof init?.body === 'string' ? init.body : undefined,
        redirect: init?.redirect,
        signal: init?.signal ?? undefined,
      });
      return new Response(NO_BODY_STATUS.has(res.status) ? null : res.body, {
        status: res.status,
        headers: res.headers,
      });
    };
  }

  private url(req: HttpRequest): string {
    const url = new URL(req.path, this.base);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    }
    return url.href;
  }

  /** `check` judges the final response before the call is recorded; what it throws is the call's outcome. */
  private async run(
    caller: HttpRequest,
    json: boolean,
    check?: (res: HttpResponse | JsonResponse) => void,
  ): Promise<HttpResponse | JsonResponse> {
    // The request's own signal, following the caller's: the retry, breaker and timeout policies each add an abort
    // listener per execution to the signal they are given, and a scan runs dozens of requests under one signal
    // (Node then warns of a "possible EventTarget memory leak" past 10). AbortSignal.any adds none to its source;
    // Node 20 keeps a ~50-byte weak entry per derived signal until the source is collected, which is why callers
    // pass a per-operation signal (a scan's), not a process-lifetime one.
    const req = caller.signal ? { ...caller, signal: AbortSignal.any([caller.signal]) } : caller;
    const startedAt = this.now();
    const t0 = performance.now();
    const state: CallState = { attempts: 0, status: null, attemptMs: 0 };
    const init: ProviderErrorInit = { provider: this.provider, endpoint: req.endpoint };
    let url: string;
    try {
      url = this.url(req);
    } catch (e) {
      throw new ProviderError('http', init, this.redact(`bad URL: ${(e as Error).message}`));
    }
    let res: HttpResponse | JsonResponse;
    try {
      res = await this.policy.execute(() => this.attempt(req, url, json, state), req.signal);
    } catch (e) {
      let err: unknown = e;
      if (e instanceof BrokenCircuitError) err = new CircuitOpenError(init, this.breakerOpenMs);
      const outcome: ApiCallOutcome = err instanceof ProviderError ? err.kind : 'aborted';
      this.observe(req, state, outcome, startedAt, t0);
      throw err;
    }
    let outcome: ApiCallOutcome =
      res.status < 400 ? 'ok' : res.status === 401 || res.status === 403 ? 'auth' : 'http';
    let failure: unknown = null;
    try {
      check?.(res);
    } catch (e) {
      failure = e;
      outcome = e instanceof ProviderError ? e.kind : 'invalid';
    }
    this.observe(req, state, outcome, startedAt, t0);
    if (failure !== null) throw failure;
    return res;
  }

  private async attempt(
    req: HttpRequest,
    url: string,
    json: boolean,
    state: CallState,
  ): Promise<JsonResponse> {
    await this.limiter?.acquire(req.signal);
    state.attempts++;
    state.status = null;
    const t0 = performance.now();
    const init: ProviderErrorInit = { provider: this.provider, endpoint: req.endpoint };
    try {
      return await this.timeoutPolicy.execute(async ({ signal }) => {
        let res: Response;
        let body: string;
        try {
          res = await this.transport(url, {
            method: req.method ?? 'GET',
            headers: { ...this.headers, ...req.headers },
            body: req.body,
            redirect: req.redirect,
            signal,
          });
          state.status = res.status;
          body = await res.text();
        } catch (e) {
          if (req.signal?.aborted) throw req.signal.reason;
          if (signal.aborted)
            throw new ProviderTimeoutError({ ...init, status: state.status }, this.timeoutMs);
          throw new NetworkError({ ...init, status: state.status }, this.redact(networkMessage(e)));
        }
        return this.classify(res, body, json, init);
      }, req.signal);
    } finally {
      state.attemptMs = performance.now() - t0;
    }
  }

  /** Turns one response into a result or a (retryable) error, and records its rate-limit headers. */
  private classify(res: Response, body: string, json: boolean, init: ProviderErrorInit) {
    const now = this.now();
    const status = res.status;
    const quota = parseRateLimitHeaders(res.headers, now);
    if (quota) {
      this.lastRateLimit = quota;
      if (quota.available <= 0 && quota.resetAt > now) this.limiter?.pauseUntil(quota.resetAt);
    }
    if (status === 429) {
      const wait = retryAfterMs(res.headers, now);
      if (wait !== null) this.limiter?.pauseUntil(now + wait);
      const waitable = wait === null || wait <= this.maxRetryWaitMs;
      const hint = wait === null ? '' : ` (server asks to wait ${Math.ceil(wait / 1000)} s)`;
      throw new HttpStatusError(
        { ...init, status, retryAfterMs: wait, retryable: waitable },
        this.redact(`HTTP 429 rate limited${hint}: ${describeErrorBody(body)}`),
      );
    }
    if (status >= 500) {
      // RFC 9110 §10.2.3: a 503 (maintenance, overload) may say when to come back, as a 429 does; retrying on
      // the 1-2-4 s backoff spent every retry within seconds and fed the breaker
      const wait = retryAfterMs(res.headers, now);
      if (wait !== null) this.limiter?.pauseUntil(now + wait);
      const hint = wait === null ? '' : ` (server asks to wait ${Math.ceil(wait / 1000)} s)`;
      throw new HttpStatusError(
        { ...init, status, retryAfterMs: wait, retryable: wait === null || wait <= this.maxRetryWaitMs },
        this.redact(`HTTP ${status}${hint}: ${describeErrorBody(body)}`),
      );
    }
    let parsed: unknown;
    if (json) {
      const ok = status >= 200 && status <= 299;
      try {
        parsed = JSON.parse(body);
      } catch (e) {
        if (ok) {
          const what = body.trim() === '' ? 'empty body' : `body is not JSON (${(e as Error).message})`;
          throw new MalformedBodyError({ ...init, status, retryable: true }, this.redact(what));
        }
      }
    }
    return { status, headers: res.headers, body, json: parsed };
  }

  private observe(req: HttpRequest, s: CallState, outcome: ApiCallOutcome, startedAt: number, t0: number) {
    if (!this.onCall) return;
    const call: ApiCall = {
      provider: this.provider,
      endpoint: req.endpoint,
      method: req.method ?? 'GET',
      status: s.status,
      outcome,
      latencyMs: performance.now() - t0,
      attemptMs: s.attempts > 0 ? s.attemptMs : 0,
      retries: Math.max(0, s.attempts - 1),
      startedAt,
    };
    try {
      this.onCall(call);
    } catch {
      // an observer must not break a call
    }
  }
}

/** undici's `fetch failed` hides the reason in `cause`. */
function networkMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${e.message}${cause}`;
}
