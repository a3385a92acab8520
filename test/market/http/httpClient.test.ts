import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ApiCall, CircuitStateName } from '../../../src/market/http/apiCall.js';
import {
  CircuitOpenError,
  HttpStatusError,
  MalformedBodyError,
  NetworkError,
  ProviderError,
  ProviderTimeoutError,
  ResponseValidationError,
} from '../../../src/market/http/errors.js';
import { HttpClient, type HttpClientOptions } from '../../../src/market/http/httpClient.js';
import { delay, type Hit, type LocalServer, sendJson, startServer } from './localServer.js';

let server: LocalServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.hits.length = 0;
});

const ok = z.object({ value: z.number() });
const SECRET = 'sk_live_9f8e7d6c5b4a';

let clients = 0;

/** A client whose requests are tagged, so `hits()` and the handlers' index see only its own. */
function client(extra: Partial<HttpClientOptions> = {}): {
  http: HttpClient;
  calls: ApiCall[];
  hits: () => Hit[];
} {
  const calls: ApiCall[] = [];
  const tag = String(++clients);
  const http = new HttpClient({
    provider: 'testprov',
    baseUrl: `${server.origin}/v1`,
    headers: { Authorization: `Bearer ${SECRET}`, Accept: 'application/json', 'x-test-client': tag },
    secrets: [SECRET],
    // generous: the first request of a process on this loaded machine can take a while
    timeoutMs: 5000,
    retries: 3,
    backoffBaseMs: 20,
    breakerThreshold: 5,
    breakerOpenMs: 150,
    onCall: (c) => calls.push(c),
    ...extra,
  });
  return { http, calls, hits: () => server.hitsOf(tag) };
}

const get = { endpoint: 'thing', path: 'thing' };

describe('HttpClient: success and validation', () => {
  it('resolves the path under the base URL, sends the headers and reports one ok call', async () => {
    server.handle((_req, res) => sendJson(res, 200, { value: 42 }));
    const { http, calls, hits } = client();
    const body = await http.getJson({ ...get, query: { symbol: 'PLTR', greeks: true, skip: undefined } }, ok);
    expect(body).toEqual({ value: 42 });
    expect(hits()[0].path).toBe('/v1/thing');
    expect(hits()[0].query.get('symbol')).toBe('PLTR');
    expect(hits()[0].query.has('skip')).toBe(false);
    expect(hits()[0].headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      provider: 'testprov',
      endpoint: 'thing',
      status: 200,
      outcome: 'ok',
      retries: 0,
    });
    expect(calls[0].latencyMs).toBeGreaterThan(0);
  });

  it('names the offending field when the JSON has the wrong shape, without retrying', async () => {
    server.handle((_req, res) => sendJson(res, 200, { value: 'forty-two' }));
    const { http, hits, calls } = client();
    const err = await http.getJson(get, ok).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect((err as ResponseValidationError).field).toBe('value');
    expect((err as Error).message).toMatch(/testprov thing: invalid response: field value: expected number/);
    expect(hits()).toHaveLength(1);
    // recorded as a failed call, not a success (the error rate and api_calls.ok missed it)
    expect(calls.map((c) => [c.status, c.outcome])).toEqual([[200, 'invalid']]);
  });
});

describe('HttpClient: retries', () => {
  it('retries a 5xx burst with exponential backoff and then succeeds', async () => {
    server.handle((_req, res, _url, i) =>
      i < 3 ? sendJson(res, 503, 'busy') : sendJson(res, 200, { value: 1 }),
    );
    const { http, calls, hits } = client();
    await expect(http.getJson(get, ok)).resolves.toEqual({ value: 1 });
    expect(hits()).toHaveLength(4);
    const gaps = hits()
      .slice(1)
      .map((h, i) => h.at - hits()[i].at);
    // backoff base 20 ms → 20, 40, 80 ms (timer granularity: allow 2 ms early)
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    expect(gaps[2]).toBeGreaterThanOrEqual(78);
    expect(calls[0]).toMatchObject({ status: 200, outcome: 'ok', retries: 3 });
  });

  it('gives up after the configured retries with an HttpStatusError carrying the status', async () => {
    server.handle((_req, res) => sendJson(res, 502, { error: { message: 'bad gateway' } }));
    const { http, calls, hits } = client({ retries: 2 });
    const err = await http.getJson(get, ok).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect((err as HttpStatusError).status).toBe(502);
    expect((err as Error).message).toContain('bad gateway');
    expect(hits()).toHaveLength(3);
    expect(calls[0]).toMatchObject({ status: 502, outcome: 'http', retries: 2 });
  });

  it('does not retry a 4xx and reports 401 as an auth failure (plain-text body, odd content type)', async () => {
    server.handle((_req, res) => {
      res.writeHead(401, { 'content-type': 'plain/text' });
      res.end('Invalid Access Token');
    });
    const { http, calls, hits } = client();
    const err = await http.getJson(get, ok).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect((err as HttpStatusError).kind).toBe('auth');
    expect((err as Error).message).toContain('Invalid Access Token');
    expect(hits()).toHaveLength(1);
    expect(calls[0].outcome).toBe('auth');
  });

  it('honours Retry-After on 429 and retries after the asked wait', async () => {
    server.handle((_req, res, _url, i) =>
      i === 0 ? sendJson(res, 429, '', { 'retry-after': '1' }) : sendJson(res, 200, { value: 2 }),
    );
    const { http, calls, hits } = client();
    await expect(http.getJson(get, ok)).resolves.toEqual({ value: 2 });
    expect(hits()[1].at - hits()[0].at).toBeGreaterThanOrEqual(995);
    expect(calls[0]).toMatchObject({ outcome: 'ok', retries: 1 });
  });

  it('honours Retry-After on 503 too (it retried on the 1 s backoff, 50 ms here)', async () => {
    server.handle((_req, res, _url, i) =>
      i === 0 ? sendJson(res, 503, 'maintenance', { 'retry-after': '1' }) : sendJson(res, 200, { value: 5 }),
    );
    const { http, calls, hits } = client({ backoffBaseMs: 50 });
    await expect(http.getJson(get, ok)).resolves.toEqual({ value: 5 });
    expect(hits()[1].at - hits()[0].at).toBeGreaterThanOrEqual(995);
    expect(calls[0]).toMatchObject({ outcome: 'ok', retries: 1 });
  });

  it("waits until Tradier's X-Ratelimit-Expiry on a 429 without Retry-After", async () => {
    server.handle((_req, res, _url, i) =>
      i === 0
        ? sendJson(res, 429, '', {
            'X-Ratelimit-Allowed': '120',
            'X-Ratelimit-Used': '120',
            'X-Ratelimit-Available': '0',
            'X-Ratelimit-Expiry': String(Date.now() + 200),
          })
        : sendJson(res, 200, { value: 3 }),
    );
    const { http, hits } = client();
    await expect(http.getJson(get, ok)).resolves.toEqual({ value: 3 });
    expect(hits()[1].at - hits()[0].at).toBeGreaterThanOrEqual(180);
  });

  it('fails at once, as rate_limited, when the server asks for a wait longer than allowed', async () => {
    server.handle((_req, res) => sendJson(res, 429, '', { 'retry-after': '3600' }));
    const { http, calls, hits } = client({ maxRetryWaitMs: 5000 });
    const err = await http.getJson(get, ok).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect((err as HttpStatusError).kind).toBe('rate_limited');
    expect((err as HttpStatusError).retryAfterMs).toBe(3_600_000);
    expect(hits()).toHaveLength(1);
    expect(calls[0].outcome).toBe('rate_limited');
  });

  it('holds the next request when a 200 says the quota is used up, until the window ends', async () => {
    const expiry = Date.now() + 250;
    const expiryPerf = performance.now() + 250; // the same instant on the hits' clock
    server.handle((_req, res, _url, i) =>
      sendJson(
        res,
        200,
        { value: i },
        i === 0
          ? {
              'X-Ratelimit-Allowed': '120',
              'X-Ratelimit-Used': '120',
              'X-Ratelimit-Available': '0',
              'X-Ratelimit-Expiry': String(expiry),
            }
          : {},
      ),
    );
    const { http, hits } = client({ rateLimit: { limit: 1000, intervalMs: 1000 } });
    await http.getJson(get, ok);
    expect(http.rateLimit).toMatchObject({ allowed: 120, used: 120, available: 0, resetAt: expiry });
    await http.getJson(get, ok);
    expect(hits()[1].at).toBeGreaterThanOrEqual(expiryPerf - 2);
  });
});

describe('HttpClient: timeouts, broken bodies', () => {
  it('times out a slow response and retries it', async () => {
    server.handle(async (_req, res) => {
      await delay(1500);
      sendJson(res, 200, { value: 1 });
    });
    const { http, calls, hits } = client({ timeoutMs: 300, retries: 1 });
    const err = await http.getJson(get, ok).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderTimeoutError);
    expect((err as Error).message).toBe('testprov thing: no complete response within 300 ms');
    // two attempts made (retries: 1); under heavy load an aborted one may never reach the server
    expect(hits().length).toBeLessThanOrEqual(2);
    expect(calls[0]).toMatchObject({ status: null, outcome: 'timeout', retries: 1 });
  });

  it('times out a body that stalls after the headers', async () => {
    server.handle(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"value":');
      await delay(2000);
      res.end('1}');
    });
    const { http, calls } = client({ timeoutMs: 400, retries: 0 });
    await expect(http.getJson(get, ok)).rejects.toBeInstanceOf(ProviderTimeoutError);
    expect(calls[0]).toMatchObject({ status: 200, outcome: 'timeout' });
  });

  it('treats truncated JSON as a malformed body, retried, then a typed error', async () => {
    server.handle((_req, res) => sendJson(res, 200, '{"options":{"option":[{"symbol":"PLTR2511'));
    const { http, calls, hits } = client({ retries: 2 });
    const err = await http.getJson(get, ok).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedBodyError);
    expect((err as Error).message).toMatch(/body is not JSON/);
    expect(hits()).toHaveLength(3);
    expect(calls[0].outcome).toBe('malformed');
  });

  it('recovers when a retry after a malformed body gets good JSON', async () => {
    server.handle((_req, res, _url, i) =>
      i === 0 ? sendJson(res, 200, '<html>oops') : sendJson(res, 200, { value: 5 }),
    );
    const { http } = client();
    await expect(http.getJson(get, ok)).resolves.toEqual({ value: 5 });
  });

  it('reports a connection cut mid-body as a network error', async () => {
    server.handle((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"value":');
      setTimeout(() => req.socket.destroy(), 10);
    });
    const { http, hits } = client({ retries: 1 });
    const err = await http.getJson(get, ok).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(hits()).toHaveLength(2);
  });

  it('rejects with the caller abort reason and stops retrying', async () => {
    server.handle((_req, res) => sendJson(res, 503, 'down'));
    const { http, calls } = client({ backoffBaseMs: 50 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('scan cancelled')), 20);
    await expect(http.getJson({ ...get, signal: ac.signal }, ok)).rejects.toThrow('scan cancelled');
    expect(calls[0].outcome).toBe('aborted');
  });
});

describe('HttpClient: many requests under one signal', () => {
  it('adds no abort listener to the caller signal, so 40 requests in flight raise no leak warning, and aborting it still stops them all', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      let arrived = 0;
      server.handle((_req, res) => {
        arrived++;
        setTimeout(() => sendJson(res, 200, { value: 1 }), 150);
      });
      const { http } = client({ retries: 0 });
      const scan = new AbortController();
      const all = Promise.all(
        Array.from({ length: 40 }, () => http.getJson({ ...get, signal: scan.signal }, ok)),
      );
      while (arrived < 40) await delay(5);
      expect(getEventListeners(scan.signal, 'abort')).toHaveLength(0);
      await expect(all).resolves.toHaveLength(40);

      server.handle((_req, res) => {
        setTimeout(() => sendJson(res, 200, { value: 1 }), 500);
      });
      const next = new AbortController();
      const late = Array.from({ length: 12 }, () => http.getJson({ ...get, signal: next.signal }, ok));
      await delay(50);
      next.abort(new Error('scan cancelled'));
      const settled = await Promise.allSettled(late);
      expect(
        settled.every((r) => r.status === 'rejected' && String(r.reason).includes('scan cancelled')),
      ).toBe(true);
      await delay(0);
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('HttpClient: circuit breaker', () => {
  it('opens after N consecutive failures, refuses calls without touching the server, then recovers', async () => {
    let healthy = false;
    server.handle((_req, res) => (healthy ? sendJson(res, 200, { value: 9 }) : sendJson(res, 500, 'boom')));
    const states: CircuitStateName[] = [];
    const { http, calls, hits } = client({
      retries: 0,
      breakerThreshold: 3,
      breakerOpenMs: 150,
      onCircuitChange: (_p, s) => states.push(s),
    });
    for (let i = 0; i < 3; i++) await expect(http.getJson(get, ok)).rejects.toBeInstanceOf(HttpStatusError);
    expect(http.circuitState).toBe('open');
    const refused = await http.getJson(get, ok).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect((refused as ProviderError).kind).toBe('circuit_open');
    expect(hits()).toHaveLength(3);
    expect(calls.at(-1)).toMatchObject({ outcome: 'circuit_open', status: null, retries: 0 });

    await delay(170);
    healthy = true;
    await expect(http.getJson(get, ok)).resolves.toEqual({ value: 9 });
    expect(http.circuitState).toBe('closed');
    expect(states).toEqual(['open', 'half_open', 'closed']);
  });

  it('re-opens when the half-open probe fails', async () => {
    server.handle((_req, res) => sendJson(res, 503, 'still down'));
    const { http } = client({ retries: 0, breakerThreshold: 2, breakerOpenMs: 100 });
    for (let i = 0; i < 2; i++) await http.getJson(get, ok).catch(() => undefined);
    await delay(120);
    await expect(http.getJson(get, ok)).rejects.toBeInstanceOf(HttpStatusError);
    expect(http.circuitState).toBe('open');
    await expect(http.getJson(get, ok)).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('counts retried attempts, so one call retried past the threshold opens it', async () => {
    server.handle((_req, res) => sendJson(res, 500, 'boom'));
    const { http, hits } = client({ retries: 5, breakerThreshold: 3, backoffBaseMs: 1 });
    await expect(http.getJson(get, ok)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(hits()).toHaveLength(3);
  });

  it('does not count 4xx answers or 429s as outages', async () => {
    server.handle((_req, res, _url, i) =>
      i % 2 ? sendJson(res, 404, 'nope') : sendJson(res, 429, '', { 'retry-after': '999' }),
    );
    const { http } = client({ retries: 0, breakerThreshold: 2 });
    for (let i = 0; i < 6; i++) await http.getJson(get, ok).catch(() => undefined);
    expect(http.circuitState).toBe('closed');
  });
});

describe('HttpClient: secrets', () => {
  it('never puts the key into an error message or a metric, whatever the server echoes', async () => {
    server.handle((req, res, url, i) => {
      const echo = `you sent ${url.search} with ${req.headers.authorization}`;
      if (i === 0) sendJson(res, 400, { error_code: 400, error_message: echo });
      else if (i === 1) sendJson(res, 500, echo);
      else sendJson(res, 200, `not json ${echo}`);
    });
    const { http, calls } = client({ retries: 0 });
    const req = { ...get, query: { api_key: SECRET } };
    const errors: unknown[] = [];
    for (let i = 0; i < 3; i++) errors.push(await http.getJson(req, ok).catch((e: unknown) => e));
    const closed = new HttpClient({
      provider: 'fred',
      baseUrl: 'http://127.0.0.1:1/fred/',
      secrets: [SECRET],
      retries: 0,
    });
    errors.push(await closed.getJson(req, ok).catch((e: unknown) => e));
    for (const e of errors) {
      expect(e).toBeInstanceOf(ProviderError);
      expect(String((e as Error).message)).not.toContain(SECRET);
      expect(String((e as Error).stack)).not.toContain(SECRET);
    }
    expect((errors[0] as Error).message).toContain('api_key=***');
    expect(errors[3]).toBeInstanceOf(NetworkError);
    expect(JSON.stringify(calls)).not.toContain(SECRET);
  });
});

describe('HttpClient: secrets echoed encoded', () => {
  it('redacts a key with + / = & echoed back URL-encoded in the query (it printed api_key=FRED%2BSEC+RET…)', async () => {
    const odd = 'FRED+SEC RET/KEY=2&x';
    server.handle((_req, res, url) =>
      sendJson(res, 400, { error_code: 400, error_message: `bad ${url.search}` }),
    );
    const { http } = client({ retries: 0, secrets: [odd] });
    const e = (await http.getJson({ ...get, query: { api_key: odd } }, ok).catch((x: unknown) => x)) as Error;
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.message).toContain('api_key=***');
    for (const form of [odd, encodeURIComponent(odd), 'FRED%2BSEC+RET%2FKEY%3D2%26x'])
      expect(e.message).not.toContain(form);
  });
});

describe('HttpClient.asFetch', () => {
  it('passes redirects and set-cookie through untouched for libraries that follow them by hand', async () => {
    server.handle((_req, res) => {
      res.writeHead(307, { location: 'https://guce.example/consent', 'set-cookie': 'A3=abc; Path=/' });
      res.end();
    });
    const { http, calls } = client();
    const f = http.asFetch((u) => `page:${u.pathname}`);
    const res = await f(`${server.origin}/quote/AAPL`, {
      redirect: 'manual',
      headers: { accept: 'text/html' },
    });
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('https://guce.example/consent');
    expect(res.headers.getSetCookie()).toEqual(['A3=abc; Path=/']);
    expect(calls[0]).toMatchObject({ endpoint: 'page:/quote/AAPL', status: 307, outcome: 'ok' });
  });
});
