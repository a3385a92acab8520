/**
 * GET /health (IETF health+json, 200 pass/warn, 503 fail), GET /health/live (the process answers;
 * never touches PostgreSQL or Redis) and GET /health/ready (dependencies up and data fresh), for
 * the guide's `curl -s localhost:8080/health | jq '.'`, load balancers and orchestrators. All three
 * answer from memory: the checks run in the background (healthChecks.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { HealthMonitor } from '../healthChecks.js';

export const HEALTH_CONTENT_TYPE = 'application/health+json; charset=utf-8';

/** Headers of the probe routes (they live outside the helmet scope, see server.ts). */
export const PROBE_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

const healthSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    status: { type: 'string', enum: ['pass', 'warn', 'fail'] },
    version: { type: 'string' },
    releaseId: { type: 'string' },
    serviceId: { type: 'string' },
    checks: { type: 'object', additionalProperties: true },
  },
} as const;

export function healthRoutes(app: FastifyInstance, health: HealthMonitor, version: string): void {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Health of the service and its dependencies (application/health+json)',
        tags: ['health'],
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    (_req, reply) => {
      const h = health.current();
      reply.code(h.code).type(HEALTH_CONTENT_TYPE).headers(PROBE_HEADERS).send(h.body);
    },
  );

  const liveBody = JSON.stringify({ status: 'pass', releaseId: version });
  app.get(
    '/health/live',
    {
      schema: { summary: 'Liveness: the process answers', tags: ['health'], response: { 200: healthSchema } },
    },
    (_req, reply) => {
      reply.type(HEALTH_CONTENT_TYPE).headers(PROBE_HEADERS).send(liveBody);
    },
  );

  app.get(
    '/health/ready',
    {
      schema: {
        summary: 'Readiness: database up, a fresh completed scan, not shutting down',
        tags: ['health'],
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    (_req, reply) => {
      const r = health.readiness();
      reply
        .code(r.ready ? 200 : 503)
        .type(HEALTH_CONTENT_TYPE)
        .headers(PROBE_HEADERS)
        .send(JSON.stringify({ status: r.ready ? 'pass' : 'fail', releaseId: version, output: r.reason }));
    },
  );
}
