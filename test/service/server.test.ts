/** The fastify app without a port (app.inject), over fakes of the database and the scheduler. */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import type { Settings } from '../../src/config/schema.js';
import { authorize, bearerMatches } from '../../src/service/auth.js';
import { HealthMonitor } from '../../src/service/healthChecks.js';
import type { StatusInput } from '../../src/service/routes/status.js';
import { BODY_LIMIT_BYTES, buildServer } from '../../src/service/server.js';
import { Telemetry } from '../../src/service/telemetry.js';
import type { Database } from '../../src/store/db.js';
import { testHealthSources } from './helpers/healthSources.js';

const TOKEN = 'inject-token-0123456789';
const base = loadConfig({ env: {} }).settings;
let settings: Settings = { ...base, api: { ...base.api, token: TOKEN } };

/** A database whose scans queries fail with a message that must not reach the client. */
const db = {
  engine: 'pglite',
  location: 'pglite:memory',
  async query(sql: string) {
    if (/FROM scans\s+WHERE \(\$1::timestamptz/.test(sql))
      throw new Error('relation "scans" is broken: internal detail');
    if (/FROM alerts/.test(sql))
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    return { rows: [{ at: null }], rowCount: 1 };
  },
} as unknown as Database;

const telemetry = new Telemetry({ windowSeconds: 60, version: '0.0.0-test', defaultMetrics: false });
const health = new HealthMonitor(testHealthSources(db));
const triggered: unknown[] = [];
let app: Awaited<ReturnType<typeof buildServer>>;

beforeAll(async () => {
  await health.refresh();
  app = await buildServer({
    logger: pino({ enabled: false }),
    telemetry,
    health,
    version: '0.0.0-test',
    settings: () => settings,
    status: () => ({}) as StatusInput,
    api: {
      db,
      trigger: (params) => {
        triggered.push(params);
        return '00000000-0000-4000-8000-000000000001';
      },
    },
  });
});
afterAll(async () => {
  await app.close();
  telemetry.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };

describe('bearer token', () => {
  it('matches only the exact token, in a constant-time comparison', () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`bearer  ${TOKEN} `, TOKEN)).toBe(true);
    expect(bearerMatches(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(bearerMatches(TOKEN, TOKEN)).toBe(false);
    expect(bearerMatches(`Basic ${TOKEN}`, TOKEN)).toBe(false);
    expect(authorize(`Bearer ${TOKEN}`, null)).toMatchObject({
      ok: false,
      message: expect.stringContaining('OPTIONS_ENGINE_API_TOKEN'),
    });
  });
});

describe('buildServer', () => {
  it('starts a scan with the request overrides applied to the settings', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/scans',
      headers: auth,
      payload: { tickers: ['spy'], max_trades: 2 },
    });
    expect(r.statusCode).toBe(202);
    expect(r.headers.location).toBe('/api/scans/00000000-0000-4000-8000-000000000001');
    const params = triggered.at(-1) as { tickers: string[]; settings: Settings };
    expect(params.tickers).toEqual(['SPY']);
    expect(params.settings.trading.max_trades).toBe(2);
    expect(params.settings.trading.nav).toBe(base.trading.nav);
  });

  it.each([
    [{ tickers: ['SPY'], min_pop: true }, 'min_pop', 'must be a number, got true'], // it became 1: POP 100 %
    [{ tickers: ['SPY'], max_trades: '0x3' }, 'max_trades', 'must be an integer, got "0x3"'],
    [{ tickers: ['SPY'], max_trades: null }, 'max_trades', 'must be an integer, got null'], // "must be >= 1"
    [{ tickers: ['SPY'], max_trades: [4] }, 'max_trades', 'must be an integer, got [4]'],
    [{ tickers: 'SPY' }, 'tickers', 'must be an array, got "SPY"'],
    [{ tickers: ['SPY', 7] }, 'tickers[1]', 'must be a string, got 7'],
    [{ nav: '100000' }, 'nav', 'must be a number, got "100000"'],
    [{ tickers: ['SPY', 'spy'] }, 'tickers[1]', 'duplicates SPY'], // was taken as ["SPY"]; ["SPY", "SPY"] is a 400
  ])(
    'refuses a body value of the wrong JSON type (not coercing it), or a repeated ticker: %j',
    async (payload, field, reason) => {
      const n = triggered.length;
      const r = await app.inject({ method: 'POST', url: '/api/scans', headers: auth, payload });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ field, in: 'body', message: `${field}: ${reason}` });
      expect(triggered).toHaveLength(n);
    },
  );

  it.each([
    ['null', 'body', 'body: must be an object, got null'], // it started a full scan of the watchlist
    ['{"tickers":["SPY"],"nav":1e400}', 'nav', 'nav: must be a finite number, got Infinity'], // "got null"
  ])('refuses the body %s naming what is wrong', async (payload, field, message) => {
    const n = triggered.length;
    const r = await app.inject({
      method: 'POST',
      url: '/api/scans',
      headers: { ...auth, 'content-type': 'application/json' },
      payload,
    });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ field, in: 'body', message });
    expect(triggered).toHaveLength(n);
  });

  it('refuses unknown query parameters on /status and /api/scans/:id, like the rest of the API', async () => {
    for (const url of ['/status?x=1', '/api/scans/00000000-0000-4000-8000-000000000001?x=1']) {
      const r = await app.inject({ method: 'GET', url, headers: auth });
      expect(r.statusCode, url).toBe(400);
      expect(r.json().message, url).toMatch(/\bx\b/);
    }
    // the probes stay lenient: a monitor's cache-buster must not read as the service being down
    expect((await app.inject({ method: 'GET', url: '/health/live?_=1' })).statusCode).toBe(200);
  });

  it('refuses an as_of in the future (a replay dated 2099 made up trades expiring in 2099)', async () => {
    const n = triggered.length;
    const r = await app.inject({
      method: 'POST',
      url: '/api/scans',
      headers: auth,
      payload: { tickers: ['SPY'], as_of: '2099-01-01T00:00:00Z' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ field: 'as_of', in: 'body' });
    expect(r.json().message).toMatch(/^as_of: must not be in the future/);
    expect(triggered).toHaveLength(n);
  });

  it('names the body when it is not JSON, and the path when it is not a URL (those 400s named nothing)', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/scans',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"nav": 1',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ statusCode: 400, field: 'body', in: 'body' });
    // with the parser's reason (it said only "Body is not valid JSON but content-type is set to …")
    expect(bad.json().message).toMatch(/^body: is not valid JSON: .*JSON/);
    const scans = triggered.length;
    // from a client of their own: the rate-limit tests below count on this file's default client's budget
    const post = (payload: string) =>
      app.inject({
        method: 'POST',
        url: '/api/scans',
        headers: { ...auth, 'content-type': 'application/json' },
        payload,
        remoteAddress: '192.0.2.10',
      });
    const empty = await post('  ');
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ field: 'body', message: 'body: is empty; send a JSON object' });
    // a prototype key, at the top or nested, is named (it read "not valid JSON")
    for (const [payload, field] of [
      ['{"__proto__": {"nav": 1}}', 'body.__proto__'],
      [
        '{"overrides": {"trading": [{"constructor": {"prototype": {"x": 1}}}]}}',
        'body.overrides.trading[0].constructor.prototype',
      ],
    ]) {
      const r = await post(payload);
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({
        field,
        in: 'body',
        message: `${field}: is not allowed (a prototype key)`,
      });
    }
    // escaped, the same keys; a 16 kB body nested 4,000 deep around the word is answered like any other
    const escaped = await post('{"a": [{"\\u005f_proto__": {"x": 1}}]}');
    expect(escaped.json()).toMatchObject({ field: 'body.a[0].__proto__', in: 'body' });
    const deep = await post(
      `{"constructor":1,"x":${'['.repeat(4000)}${Array(2000).fill('0').join(',')}${']'.repeat(4000)}}`,
    );
    expect(deep.statusCode).toBe(400);
    expect(deep.json().field).toBe('constructor');
    // a syntax error whose text quotes the word is still a syntax error; a leading BOM is dropped
    const quoted = await post('{"a": prototype}');
    expect(quoted.json()).toMatchObject({ statusCode: 400, field: 'body' });
    expect(quoted.json().message).toMatch(/^body: is not valid JSON: /);
    const bom = await post('\uFEFF{"tickers": ["SPY"], "as_of": "2099-01-01T00:00:00Z"}');
    expect(bom.json()).toMatchObject({ field: 'as_of' });
    // the words themselves in a value are fine: the body reaches validation
    const words = await post('{"tickers": ["__proto__ constructor"]}');
    expect(words.statusCode).toBe(400);
    expect(words.json().field).toBe('tickers[0]');
    expect(triggered).toHaveLength(scans);
    const url = await app.inject({ method: 'GET', url: '/api/chains/%zz', headers: auth });
    expect(url.statusCode).toBe(400);
    expect(url.json()).toMatchObject({ statusCode: 400, field: 'path', in: 'path' });
    // a 5,000-character id: 414 in the same shape, without echoing the path back (it said "Bad Request" and did)
    const long = await app.inject({ method: 'GET', url: `/api/scans/${'a'.repeat(5000)}`, headers: auth });
    expect(long.statusCode).toBe(414);
    expect(long.json()).toEqual({
      statusCode: 414,
      error: 'URI Too Long',
      message: 'path: a path segment is longer than 100 characters',
      field: 'path',
      in: 'path',
    });
  });

  it('refuses a value nested thousands deep with a 400 naming it (it overflowed the stack: a 500)', async () => {
    const payload = `{"nav":${'['.repeat(7000)}1${']'.repeat(7000)}}`; // ~14 KB, under the body limit
    const r = await app.inject({
      method: 'POST',
      url: '/api/scans',
      headers: { ...auth, 'content-type': 'application/json' },
      payload,
    });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({
      field: 'nav',
      message: 'nav: must be a number, got a deeply nested array',
    });
  });

  it('answers 503 with Retry-After when the database is unreachable (it was a 500, "see error.log")', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/alerts?state=resolved', headers: auth });
    expect(r.statusCode).toBe(503);
    expect(r.headers['retry-after']).toBe('30');
    expect(r.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'database unreachable; retry later (see /health)',
    });
    const firing = await app.inject({ method: 'GET', url: '/api/alerts', headers: auth });
    expect(firing.statusCode).toBe(200); // from the evaluator, said so
    expect(firing.json()).toMatchObject({
      state: 'firing',
      degraded: expect.stringMatching(/^database unreachable/),
    });
  });

  it('refuses an as_of before 1970 (a year-0000 scan was accepted, run, and lost when PostgreSQL refused it)', async () => {
    const n = triggered.length;
    for (const as_of of ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00+01:00', '1969-12-31T23:59:59Z']) {
      const r = await app.inject({ method: 'POST', url: '/api/scans', headers: auth, payload: { as_of } });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ field: 'as_of', in: 'body' });
      expect(r.json().message).toMatch(/^as_of: must be 1970-01-01T00:00:00Z or later/);
    }
    expect(triggered).toHaveLength(n);
  });

  it('answers 405 with Allow for a method a path does not serve (it was 404, "no such resource")', async () => {
    const id = '00000000-0000-4000-8000-000000000001';
    for (const [method, url, allow] of [
      ['DELETE', '/api/scans', 'GET, HEAD, POST'],
      ['PUT', `/api/scans/${id}`, 'GET, HEAD'],
      ['POST', '/health', 'GET, HEAD'],
    ] as const) {
      const r = await app.inject({ method, url, headers: auth });
      expect(r.statusCode, `${method} ${url}`).toBe(405);
      expect(r.headers.allow).toBe(allow);
      expect(r.json().message).toContain(`${method} is not allowed on ${url.split('?')[0]}`);
    }
    const options = await app.inject({ method: 'OPTIONS', url: '/api/scans' });
    expect(options.statusCode).toBe(204);
    expect(options.headers.allow).toBe('GET, HEAD, POST');
    expect((await app.inject({ method: 'GET', url: '/api/nope' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/api/nope' })).statusCode).toBe(404);
  });

  it('refuses query numbers that are not plain decimals (?limit=0x10 listed 16 scans)', async () => {
    for (const q of ['limit=0x10', 'limit=0b11', 'limit=1e1']) {
      const r = await app.inject({ method: 'GET', url: `/api/scans?${q}`, headers: auth });
      expect(r.statusCode, q).toBe(400);
      expect(r.json(), q).toMatchObject({ field: 'limit', in: 'querystring' });
    }
  });

  it('refuses a body that is not JSON with 415, naming the accepted type', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/scans',
        headers: { ...auth, 'content-type': type },
        payload: type === 'text/plain' ? '{"tickers":["SPY"]}' : 'tickers=SPY',
      });
      expect(r.statusCode, type).toBe(415);
      expect(r.json()).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
      expect(r.json().message).toContain(type);
    }
    const before = triggered.length;
    const ok = await app.inject({
      method: 'POST',
      url: '/api/scans',
      headers: { ...auth, 'content-type': 'application/json; charset=utf-8' },
      payload: '{"tickers":["SPY"]}',
    });
    expect(ok.statusCode).toBe(202);
    expect(triggered.length).toBe(before + 1);
  });

  it('refuses bodies over the size limit (413)', async () => {
    const big = JSON.stringify({ tickers: Array.from({ length: BODY_LIMIT_BYTES / 4 }, () => 'SPY') });
    const r = await app.inject({
      method: 'POST',
      url: '/api/scans',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: big,
    });
    expect(r.statusCode).toBe(413);
    expect(r.json()).toMatchObject({ statusCode: 413 });
  });

  it('answers an internal failure with a generic 500 that leaks nothing', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/scans' });
    expect(r.statusCode).toBe(500);
    expect(r.body).not.toContain('internal detail');
    expect(telemetry.snapshot().http.errors_5xx).toBeGreaterThanOrEqual(1);
  });

  it('protects reads when api.require_token_for_reads is set, never the probes', async () => {
    settings = { ...settings, api: { ...settings.api, require_token_for_reads: true } };
    try {
      expect((await app.inject({ url: '/api/trades/latest' })).statusCode).toBe(401);
      expect((await app.inject({ url: '/status' })).statusCode).toBe(401);
      expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
      expect((await app.inject({ url: '/health/live' })).statusCode).toBe(200);
      expect((await app.inject({ url: '/metrics' })).statusCode).toBe(200);
    } finally {
      settings = { ...settings, api: { ...settings.api, require_token_for_reads: false } };
    }
  });

  it('is not ready before a completed scan, while /health still answers 200 (warn)', async () => {
    const before = telemetry.snapshot().http;
    const ready = await app.inject({ url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'fail', output: 'no completed scan yet' });
    // a probe's 503 is a verdict, not a failed request: not in error_rate (it drove application.error_rate)
    expect(telemetry.snapshot().http).toEqual(before);
    const h = await app.inject({ url: '/health' });
    expect(h.statusCode).toBe(200);
    expect(h.json().checks['scheduler:lastScanAge'][0].status).toBe('warn');
  });

  it('counts requests the token guard refuses toward the rate limit (401s were never counted: unlimited guesses)', async () => {
    const codes = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/scans',
        headers: { authorization: 'Bearer guess' },
        payload: {},
      });
      codes.add(r.statusCode);
    }
    expect(codes.has(401)).toBe(true);
    expect(codes.has(429)).toBe(true);
  });

  it('rate-limits a client on the API (429) but never the health and metrics probes', async () => {
    let last = 0;
    let body = '';
    for (let i = 0; i < 40 && last !== 429; i++) {
      const r = await app.inject({ method: 'POST', url: '/api/scans', headers: auth, payload: {} });
      last = r.statusCode;
      body = r.body;
    }
    expect(last).toBe(429);
    expect(JSON.parse(body).message).toMatch(
      /^rate limit exceeded: \d+ requests per minute; retry in \d+ (seconds?|minute)$/,
    );
    for (let i = 0; i < 350; i++) {
      const r = await app.inject({ url: i % 2 ? '/health' : '/metrics' });
      expect(r.statusCode).toBe(200);
    }
  });

  it("answers unknown paths with the security headers and within the rate limit (a scanner's 404s were unlimited)", async () => {
    const first = await app.inject({ url: '/wp-login.php' });
    expect(first.statusCode).toBe(404);
    expect(first.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(first.headers['content-security-policy']).toBeDefined();
    expect(first.headers['x-ratelimit-limit']).toBe('300');
    let last = 0;
    for (let i = 0; i < 310 && last !== 429; i++)
      last = (await app.inject({ url: `/probe-${i}` })).statusCode;
    expect(last).toBe(429);
    // a wrong method on a probe path is answered in the same scope; the probes themselves stay unlimited
    expect((await app.inject({ method: 'POST', url: '/health' })).statusCode).toBe(429);
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
  });
});
