/**
 * The HTTP server (fastify): security headers (@fastify/helmet), a per-client rate limit
 * (@fastify/rate-limit; health and metrics probes are exempt), a body size limit, schema-validated
 * routes with an OpenAPI document at /docs (@fastify/swagger + swagger-ui), telemetry of every
 * answer, and errors as JSON: a client's mistake is a 4xx naming the field, never a 5xx.
 *
 * Testable without a port through `app.inject`, and on a real port with `app.listen`.
 */
import { STATUS_CODES } from 'node:http';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  LogController,
  type preParsingHookHandler,
} from 'fastify';
import type { Logger } from 'pino';
import type { Settings } from '../config/schema.js';
import { isConnectionError } from '../store/connectionError.js';
import { StoreInputError } from '../store/errors.js';
import { authorize } from './auth.js';
import type { HealthMonitor } from './healthChecks.js';
import { type AlertRouteDeps, alertRoutes } from './routes/alerts.js';
import { type ApiDeps, apiRoutes } from './routes/api.js';
import { FieldError, fieldOfIssue, reasonOfIssue } from './routes/fieldError.js';
import { healthRoutes } from './routes/health.js';
import { parseJsonBody } from './routes/jsonBody.js';
import { metricsRoutes } from './routes/metrics.js';
import { type StatusInput, statusRoutes } from './routes/status.js';
import { bodyTypeError, queryTypeError } from './strictTypes.js';
import type { Telemetry } from './telemetry.js';

/** Largest request body accepted, bytes (POST /api/scans bodies are a few hundred bytes). */
export const BODY_LIMIT_BYTES = 16 * 1024;
/** Requests per minute per client on the rate-limited routes (everything but /health* and /metrics). */
export const RATE_LIMIT_PER_MINUTE = 300;

export interface ServerDeps {
  /** The `http` component logger; request lines are not logged, errors and slow requests are. */
  logger: Logger;
  telemetry: Telemetry;
  health: HealthMonitor;
  version: string;
  settings: () => Settings;
  status: () => StatusInput;
  api: Omit<ApiDeps, 'readGuard' | 'writeGuard' | 'settings'>;
  /** The pending and firing alerts (GET /api/alerts); without it only stored alerts are listed. */
  alerts?: Omit<AlertRouteDeps, 'readGuard' | 'db'>;
  /** Proxies whose X-Forwarded-For is believed (nginx on the same host). */
  trustProxy?: string[];
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const log = deps.logger;
  const app = Fastify({
    // Typed as the base logger so the instance has fastify's default type parameters.
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // No per-request child logger: request lines are not logged, and errors are logged with the
    // route by the error handler. Saves a pino child per request on the probe hot path.
    childLoggerFactory: (logger) => logger,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: deps.trustProxy ?? ['127.0.0.1', '::1'],
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    keepAliveTimeout: 5000,
    requestTimeout: 30_000,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    // a path that is not a URL (`/api/chains/%zz`) is answered before routing: in the house shape, naming it
    frameworkErrors: (error, _req, reply) => {
      // never echo the path: it can be thousands of characters of a scanner's probe
      const [status, message] =
        error.code === 'FST_ERR_BAD_URL'
          ? [400, 'path: not a valid URL (bad percent-encoding)']
          : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
            ? [414, 'path: a path segment is longer than 100 characters']
            : [400, ''];
      (reply as unknown as FastifyReply).code(status).send({
        statusCode: status,
        error: STATUS_CODES[status],
        message: message || error.message,
        field: message ? 'path' : null,
        in: message ? 'path' : null,
      });
    },
  });

  // JSON types before ajv's coercion (see strictTypes.ts): `"min_pop": true` is no 1, `?limit=0x10` no 16
  app.addHook('preValidation', async (req) => {
    const schema = req.routeOptions.schema as { body?: object; querystring?: object } | undefined;
    if (!schema) return;
    const e =
      (schema.querystring ? queryTypeError(schema.querystring, req.query) : null) ??
      (schema.body && req.body !== undefined ? bodyTypeError(schema.body, req.body) : null);
    if (e) throw e;
  });

  // The API speaks JSON only: without fastify's default text/plain parser a body of any other type gets
  // 415 Unsupported Media Type (it was parsed as a string and then failed validation as "must be object").
  app.removeContentTypeParser('text/plain');
  // JSON with the parser's reason in the 400 (fastify's own said only "Body is not valid JSON")
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  app.server.on('connection', (socket) => {
    deps.telemetry.connectionOpened();
    socket.once('close', () => deps.telemetry.connectionClosed());
  });
  app.addHook('onResponse', (req, reply, done) => {
    const ms = reply.elapsedTime;
    deps.telemetry.recordHttp(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, ms);
    const slow = deps.settings().logging.slow_threshold_ms;
    if (ms > slow) {
      log.warn(
        { method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(ms) },
        'slow request',
      );
    }
    done();
  });

  // Every route's path pattern and methods, so that a path served under other methods answers 405 with Allow
  // (RFC 9110 §15.5.6) rather than 404, which read as "no such resource" (DELETE /api/scans).
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  app.addHook('onRoute', (r) => {
    const source = r.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+');
    routes.push({ pattern: new RegExp(`^${source}/?$`), methods: [r.method].flat() });
  });
  const allowedMethods = (path: string): string[] => [
    ...new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods)),
  ];

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'options-engine',
        description: 'Options trade discovery service: health, status, metrics and the REST API.',
        version: deps.version,
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation && err.validation.length > 0) {
      const issue = err.validation[0];
      const field = fieldOfIssue(issue);
      const reason = reasonOfIssue(issue);
      reply.code(400).send({
        statusCode: 400,
        error: 'Bad Request',
        message: `${field || err.validationContext || 'request'}: ${reason}`,
        field: field || null,
        in: err.validationContext ?? null,
      });
      return;
    }
    // the store's own input checks (a value the route schema let through): still the client's mistake
    if (err instanceof StoreInputError) {
      reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: err.message, field: err.field });
      return;
    }
    if (err instanceof FieldError) {
      reply.code(400).send({
        statusCode: 400,
        error: 'Bad Request',
        message: err.message,
        field: err.field,
        in: err.location,
      });
      return;
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const type = String(req.headers['content-type'] ?? '').slice(0, 100);
      reply.code(415).send({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: `content-type: ${type} is not accepted; send application/json`,
        field: 'content-type',
        in: 'headers',
      });
      return;
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // a 4xx names what was wrong where it can: a body that is not JSON
      const where =
        err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? { field: 'body', in: 'body' }
          : {};
      reply.code(status).send({
        statusCode: status,
        error: STATUS_CODES[status] ?? 'Bad Request',
        message: err.message,
        ...where,
      });
      return;
    }
    if (isConnectionError(err)) {
      // the database is down, not the request wrong: 503 says "retry", and /health says why
      log.warn(
        { err, method: req.method, route: req.routeOptions.url },
        'request failed: database unreachable',
      );
      reply.code(503).header('retry-after', '30').send({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'database unreachable; retry later (see /health)',
      });
      return;
    }
    log.error({ err, method: req.method, route: req.routeOptions.url }, 'request failed');
    reply
      .code(500)
      .send({ statusCode: 500, error: 'Internal Server Error', message: 'internal error; see error.log' });
  });
  // The token guard runs as a route's preParsing hook, after the rate limit's onRequest hook: as an onRequest
  // hook it ran first (@fastify/rate-limit appends its hook after a route's own), and a request it answered
  // with 401 was never counted — token guesses were unlimited. Still before the body is parsed (401, not 415).
  const guard =
    (needed: () => boolean): preParsingHookHandler =>
    async (req, reply, payload) => {
      if (!needed()) return payload;
      const d = authorize(req.headers.authorization, deps.settings().api.token);
      if (!d.ok) {
        // a WARNING with status=401 (never the token) is what `ops security-audit` counts as a failed login
        log.warn({ method: req.method, route: req.routeOptions.url, status: 401 }, 'API token refused');
        reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="options-engine"')
          .send({ statusCode: 401, error: 'Unauthorized', message: d.message });
        return reply;
      }
      return payload;
    };
  const readGuard = guard(() => deps.settings().api.require_token_for_reads);
  const writeGuard = guard(() => true);

  // Probes (load balancers, Prometheus, systemd checks): no rate limit, no per-request helmet work;
  // they set their own nosniff / no-store headers.
  healthRoutes(app, deps.health, deps.version);
  metricsRoutes(app, deps.telemetry);
  // Everything people and programs browse or call: security headers, per-client rate limit.
  await app.register(async (scope) => {
    await scope.register(helmet, { global: true });
    await scope.register(rateLimit, {
      global: true,
      max: RATE_LIMIT_PER_MINUTE,
      timeWindow: '1 minute',
      errorResponseBuilder: (_req, ctx) => ({
        statusCode: ctx.statusCode,
        error: 'Too Many Requests',
        // ctx.after is the time until the window resets, not the window (it read "300 requests per 46 seconds")
        message: `rate limit exceeded: ${ctx.max} requests per minute; retry in ${ctx.after}`,
      }),
    });
    await scope.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
    // Unknown paths and methods are answered inside this scope: with its security headers and counted by its rate
    // limit (outside it a scanner's 404s were unlimited and bare).
    scope.setNotFoundHandler({ preHandler: scope.rateLimit() }, (req, reply) => {
      const path = req.url.split('?')[0];
      const allowed = allowedMethods(path).sort();
      if (allowed.length > 0) {
        reply.header('allow', allowed.join(', '));
        if (req.method === 'OPTIONS') {
          reply.code(204).send();
          return;
        }
        reply.code(405).send({
          statusCode: 405,
          error: 'Method Not Allowed',
          message: `${req.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`,
        });
        return;
      }
      reply
        .code(404)
        .send({ statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${path}` });
    });
    statusRoutes(scope, deps.status, readGuard);
    apiRoutes(scope, { ...deps.api, settings: deps.settings, readGuard, writeGuard });
    alertRoutes(scope, {
      db: deps.api.db,
      active: deps.alerts?.active ?? (() => []),
      instance: deps.alerts?.instance,
      readGuard,
    });
  });
  return app;
}
