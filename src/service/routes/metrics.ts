/**
 * GET /metrics: by default the JSON document the guide's jq commands read (`.performance`,
 * `.api_response_times`, `.avg_response_time`, `.error_rate`, `.cache_hit_rate`,
 * `.active_connections`); the Prometheus text exposition (format 0.0.4) when the request's Accept
 * asks for `text/plain` or `application/openmetrics-text` — as Prometheus' scraper does — or with
 * `?format=prometheus`. OpenMetrics-only clients get the 0.0.4 text, which Prometheus accepts.
 */
import type { FastifyInstance } from 'fastify';
import type { Telemetry } from '../telemetry.js';
import { PROBE_HEADERS } from './health.js';

const PROMETHEUS_TYPES = new Set(['text/plain', 'application/openmetrics-text']);
const JSON_TYPES = new Set(['application/json']);

/**
 * Whether an Accept header prefers the Prometheus exposition: an explicit `text/plain` or
 * `application/openmetrics-text` with a q at least that of an explicit `application/json`.
 * Wildcards (`*` + `/*`, as curl sends) count for neither, so they get JSON.
 */
export function wantsPrometheus(accept: string | undefined): boolean {
  if (!accept) return false;
  let prom = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
      if (m) q = Number(m[1]);
    }
    if (!Number.isFinite(q)) continue;
    if (PROMETHEUS_TYPES.has(type.trim())) prom = Math.max(prom, q);
    else if (JSON_TYPES.has(type.trim())) json = Math.max(json, q);
  }
  return prom > 0 && prom >= json;
}

export function metricsRoutes(app: FastifyInstance, telemetry: Telemetry): void {
  app.get<{ Querystring: { format?: 'json' | 'prometheus' } }>(
    '/metrics',
    {
      schema: {
        summary: 'Service metrics: JSON (default) or Prometheus text (Accept: text/plain)',
        tags: ['metrics'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { format: { type: 'string', enum: ['json', 'prometheus'] } },
        },
        response: {
          200: {
            description: 'The metrics document (JSON) or the Prometheus exposition (text/plain)',
            type: 'object',
            additionalProperties: true,
            properties: {
              performance: { type: 'object', additionalProperties: true },
              api_response_times: { type: 'object', additionalProperties: true },
              avg_response_time: {
                type: 'number',
                description: 'mean HTTP response time over the window, ms',
              },
              error_rate: {
                type: 'number',
                description: '% of HTTP 5xx + failed provider calls over the window',
              },
              cache_hit_rate: { type: 'number', description: 'cache hits / reads since start, %' },
              active_connections: { type: 'integer', description: 'TCP connections open now' },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const format = req.query.format;
      if (format === 'prometheus' || (format === undefined && wantsPrometheus(req.headers.accept))) {
        const text = await telemetry.prometheus();
        reply.type(telemetry.prometheusContentType).headers(PROBE_HEADERS).send(text);
        return reply;
      }
      reply
        .type('application/json; charset=utf-8')
        .headers(PROBE_HEADERS)
        .send(JSON.stringify(telemetry.snapshot()));
      return reply;
    },
  );
}
