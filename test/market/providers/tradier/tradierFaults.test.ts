/** Faults injected in front of the Tradier stand-in, seen through the real adapter. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiCall } from '../../../../src/market/http/apiCall.js';
import {
  CircuitOpenError,
  HttpStatusError,
  MalformedBodyError,
  ProviderTimeoutError,
} from '../../../../src/market/http/errors.js';
import type { ProviderHttpOptions } from '../../../../src/market/http/providerHttp.js';
import { TradierProvider } from '../../../../src/market/providers/tradier/tradierProvider.js';
import { delay, type Handler, type LocalServer, sendJson, startServer } from '../../http/localServer.js';
import { TRADIER_TEST_KEY, tradierHandler } from './tradierServer.js';

const ctx = { asOf: Date.parse('2025-10-31T20:00:00Z') };
const EXPIRIES = ['2025-11-07', '2025-11-14', '2025-11-21'];

describe('TradierProvider under faults', () => {
  let server: LocalServer;
  let calls: ApiCall[];
  const base = tradierHandler({ allowed: 100_000 });
  // Each provider tags its requests, so a late request of an earlier test (one aborted by a
  // client-side timeout, still in the socket buffer) is not counted in this one.
  let tag = 0;
  const mine = () => server.hitsOf(String(tag));
  const provider = (http: ProviderHttpOptions = {}) => {
    const t = String(++tag);
    return new TradierProvider({
      apiKey: TRADIER_TEST_KEY,
      baseUrl: `${server.origin}/v1/`,
      rateLimitPerMinute: 60_000,
      http: {
        backoffBaseMs: 10,
        timeoutMs: 5000,
        onCall: (c) => calls.push(c),
        fetch: (input, init) =>
          fetch(input, {
            ...init,
            headers: { ...(init?.headers as Record<string, string>), 'x-test-client': t },
          }),
        ...http,
      },
    });
  };
  /** Serves `fault` for the chains requests it returns true for, the fixtures otherwise. */
  const onChains =
    (fault: (n: number, res: Parameters<Handler>[1], url: URL) => boolean | Promise<boolean>): Handler =>
    async (req, res, url, i) => {
      if (url.pathname.endsWith('/markets/options/chains')) {
        const n = mine().filter((h) => h.path.endsWith('/markets/options/chains')).length - 1;
        if (await fault(n, res, url)) return;
      }
      return base(req, res, url, i);
    };

  beforeAll(async () => {
    server = await startServer(base);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.handle(base);
    server.hits.length = 0;
    calls = [];
  });

  it('rides out a burst of 5xx on the chains endpoint', async () => {
    server.handle(
      onChains((n, res) => {
        if (n >= 4) return false;
        sendJson(res, n % 2 ? 502 : 503, { fault: { faultstring: 'Service Unavailable' } });
        return true;
      }),
    );
    const chain = await provider().getChain('PLTR', EXPIRIES, ctx);
    expect(chain.expirations).toHaveLength(3);
    const chainCalls = calls.filter((c) => c.endpoint === 'markets/options/chains');
    expect(chainCalls.every((c) => c.outcome === 'ok')).toBe(true);
    expect(chainCalls.reduce((n, c) => n + c.retries, 0)).toBe(4);
  });

  it('waits out a 429 until the X-Ratelimit-Expiry it carries', async () => {
    const expiry = Date.now() + 300;
    server.handle(
      onChains((n, res) => {
        if (n > 0) return false;
        sendJson(res, 429, '', {
          'X-Ratelimit-Allowed': '120',
          'X-Ratelimit-Used': '120',
          'X-Ratelimit-Available': '0',
          'X-Ratelimit-Expiry': String(expiry),
        });
        return true;
      }),
    );
    const chain = await provider().getChain('PLTR', ['2025-11-07'], ctx);
    expect(chain.expirations).toHaveLength(1);
    const hits = mine().filter((h) => h.path.endsWith('/chains'));
    expect(hits).toHaveLength(2);
    expect(Date.now()).toBeGreaterThanOrEqual(expiry);
  });

  it('times out an expiry that answers too slowly, with a typed error', async () => {
    server.handle(
      onChains(async (_n, res, url) => {
        if (url.searchParams.get('expiration') !== '2025-11-14') return false;
        await delay(1500);
        sendJson(res, 200, '{"options":null}');
        return true;
      }),
    );
    const err = await provider({ timeoutMs: 300, retries: 1 })
      .getChain('PLTR', EXPIRIES, ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderTimeoutError);
    expect((err as Error).message).toBe('tradier markets/options/chains: no complete response within 300 ms');
    expect(calls.find((c) => c.outcome === 'timeout')).toMatchObject({ retries: 1, status: null });
  });

  it('reports truncated JSON as a malformed body after retrying it', async () => {
    server.handle(
      onChains((_n, res) => {
        sendJson(res, 200, '{"options":{"option":[{"symbol":"PLTR251107P00095000","description":"PLTR Nov');
        return true;
      }),
    );
    const err = await provider({ retries: 2 })
      .getChain('PLTR', ['2025-11-07'], ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedBodyError);
    expect(mine().filter((h) => h.path.endsWith('/chains'))).toHaveLength(3);
  });

  it('returns a chain with no expirations when every expiry is empty', async () => {
    server.handle(
      onChains((_n, res) => {
        sendJson(res, 200, '{"options":null}');
        return true;
      }),
    );
    const chain = await provider().getChain('PLTR', EXPIRIES, ctx);
    expect(chain).toMatchObject({ underlying: 'PLTR', spot: 200.47, expirations: [] });
  });

  it('opens the circuit when Tradier keeps failing, refuses calls quickly, and recovers after the open period', async () => {
    let down = true;
    server.handle((req, res, url, i) =>
      down ? sendJson(res, 500, 'Internal Server Error') : base(req, res, url, i),
    );
    const p = provider({ retries: 0, breakerThreshold: 3, breakerOpenMs: 200 });
    for (let i = 0; i < 3; i++)
      await expect(p.getExpirations('PLTR', ctx)).rejects.toBeInstanceOf(HttpStatusError);
    const hitsWhenOpened = mine().length;
    const t0 = performance.now();
    await expect(p.getChain('PLTR', EXPIRIES, ctx)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(mine().length).toBe(hitsWhenOpened);
    expect(p.http.circuitState).toBe('open');

    down = false;
    await delay(220);
    await expect(p.getExpirations('PLTR', ctx)).resolves.toHaveLength(21); // the half-open probe
    expect(p.http.circuitState).toBe('closed');
    await expect(p.getChain('PLTR', EXPIRIES, ctx)).resolves.toMatchObject({ underlying: 'PLTR' });
  });
});
