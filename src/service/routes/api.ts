/**
 * The REST API: stored scans, trades and chains, and `POST /api/scans` to start a scan now.
 * Parameters are validated by the route schemas (400 naming the field, see server.ts), the scan
 * overrides once more by the settings schema (cross-field rules such as min_dte ≤ max_dte). Writes
 * need the bearer token; reads need it when `api.require_token_for_reads` is set.
 */
import type { FastifyInstance, preParsingHookHandler } from 'fastify';
import { MAX_DOLLARS, type Settings, STRATEGY_NAMES, settingsSchema } from '../../config/schema.js';
import { AS_OF_FUTURE_SLACK_MS, EARLIEST_AS_OF_MS } from '../../scan/types.js';
import type { Database } from '../../store/db.js';
import { latestChain } from '../../store/latestChain.js';
import { getScan, listScans, type StoredScan, scansBefore } from '../../store/scansRepo.js';
import { type StoredTrade, tradesOfScan } from '../../store/tradesRepo.js';
import type { ScanParams } from '../scanJob.js';
import { type RunningScan, ScanBusyError } from '../scheduler.js';
import { FieldError, parseInstant } from './fieldError.js';

export interface ApiDeps {
  db: Database;
  settings: () => Settings;
  /** Starts a scan now; throws ScanBusyError while one runs. */
  trigger: (params: ScanParams) => string;
  /** The scan running in this instance, if any (its stage; its row reads only `running` until it ends). */
  running?: () => RunningScan | null;
  readGuard: preParsingHookHandler;
  writeGuard: preParsingHookHandler;
}

/** The body of POST /api/scans; every field optional. */
export interface ScanRequestBody {
  tickers?: string[];
  strategies?: string[];
  max_trades?: number;
  nav?: number;
  available_capital?: number;
  min_pop?: number;
  min_dte?: number;
  max_dte?: number;
  as_of?: string;
}

/** Body field → settings path. */
const OVERRIDES: Record<Exclude<keyof ScanRequestBody, 'tickers' | 'as_of'>, [string, string]> = {
  strategies: ['trading', 'strategies'],
  max_trades: ['trading', 'max_trades'],
  nav: ['trading', 'nav'],
  available_capital: ['trading', 'available_capital'],
  min_pop: ['constraints', 'min_pop'],
  min_dte: ['constraints', 'min_dte'],
  max_dte: ['constraints', 'max_dte'],
};

const TICKER = '^[A-Za-z][A-Za-z0-9.^-]{0,9}$';

export const scanRequestSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tickers: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      uniqueItems: true,
      items: { type: 'string', pattern: TICKER },
      description: 'tickers to scan instead of the configured watchlist/universe',
    },
    strategies: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', enum: [...STRATEGY_NAMES] },
    },
    max_trades: { type: 'integer', minimum: 1, maximum: 50 },
    nav: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: MAX_DOLLARS,
      description: 'net liquidation value, $',
    },
    available_capital: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: MAX_DOLLARS,
      description: '$, at most nav',
    },
    min_pop: { type: 'number', minimum: 0, maximum: 1, description: 'probability of profit, fraction' },
    min_dte: { type: 'integer', minimum: 0 },
    max_dte: { type: 'integer', minimum: 1 },
    as_of: {
      type: 'string',
      format: 'date-time',
      description: 'fixed "now" (ISO 8601) for a reproducible scan',
    },
  },
} as const;

/** Settings with the request's overrides, validated by the settings schema (cross-field rules too). */
export function applyScanRequest(settings: Settings, body: ScanRequestBody, now = Date.now()): ScanParams {
  const tree = structuredClone(settings) as unknown as Record<string, Record<string, unknown>>;
  let overridden = false;
  for (const [field, [section, key]] of Object.entries(OVERRIDES)) {
    const v = body[field as keyof typeof OVERRIDES];
    if (v !== undefined) {
      tree[section][key] = v;
      overridden = true;
    }
  }
  const parsed = settingsSchema.safeParse(tree);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.map(String);
    const field =
      Object.entries(OVERRIDES).find(([, p]) => p[0] === path[0] && p[1] === path[1])?.[0] ?? path.join('.');
    throw new FieldError('body', field, issue.message);
  }
  const params: ScanParams = { settings: parsed.data, ...(overridden ? { overridden } : {}) };
  if (body.tickers) {
    params.tickers = body.tickers.map((t) => t.toUpperCase());
    // the schema's uniqueItems refuses ["SPY", "SPY"]; ["SPY", "spy"] is the same list once upper-cased
    const i = params.tickers.findIndex((t, k) => params.tickers?.indexOf(t) !== k);
    if (i >= 0) throw new FieldError('body', `tickers[${i}]`, `duplicates ${params.tickers[i]}`);
  }
  if (body.as_of !== undefined) {
    params.asOf = parseInstant('body', 'as_of', body.as_of);
    // a replay of a time to come: the simulated market made up trades expiring in 2099, a live one has no data
    if (params.asOf > now + AS_OF_FUTURE_SLACK_MS)
      throw new FieldError('body', 'as_of', `must not be in the future, got ${body.as_of}`);
    if (params.asOf < EARLIEST_AS_OF_MS)
      throw new FieldError('body', 'as_of', `must be 1970-01-01T00:00:00Z or later, got ${body.as_of}`);
  }
  return params;
}

function scanSummary(s: StoredScan) {
  return {
    id: s.id,
    status: s.status,
    source: s.source,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    durationMs: s.finishedAt ? s.finishedAt.getTime() - s.startedAt.getTime() : null,
    asOf: s.asOf,
    tradeCount: s.tradeCount,
    result: (s.counts as { result?: unknown }).result ?? null,
    message:
      (s.counts as { message?: unknown }).message ?? (s.errors[0] as { message?: unknown })?.message ?? null,
  };
}

/**
 * A stored trade as `scan --format json` prints it (README "JSON output": `strategy` as `PUT_CREDIT_SPREAD`,
 * `netCredit`, rounded numbers — the row keeps them whole in `metrics`), plus the scan it belongs to. The row's
 * own columns (lower-case strategy, raw floats, `netPremium`) made the same trade read differently here.
 */
function tradeView(t: StoredTrade) {
  return {
    rank: t.rank,
    ticker: t.ticker,
    ...t.metrics,
    legs: t.legs,
    scoreComponents: t.scoreComponents,
    thesis: t.thesis,
    scanId: t.scanId,
    createdAt: t.createdAt,
  };
}

/**
 * Plain UUIDs only: ajv's `uuid` format also takes a `urn:uuid:` prefix, which the store refuses (a 500). And
 * no year 0000: the `date` format takes it, PostgreSQL does not (a 500, counted as a failed database call —
 * five of them fired the critical connection_errors alert).
 */
const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const DAY_PATTERN = '^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}$';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid', pattern: UUID_PATTERN } },
} as const;

const anyObject = { type: 'object', additionalProperties: true } as const;
const json = 'application/json; charset=utf-8';

export function apiRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { db } = deps;

  app.get(
    '/api/trades/latest',
    {
      preParsing: deps.readGuard,
      schema: {
        summary: 'Trades of the latest completed live scan (no fixed as_of), best first',
        tags: ['api'],
        querystring: { type: 'object', additionalProperties: false, properties: {} },
        response: { 200: anyObject },
      },
    },
    async (_req, reply) => {
      // a replay (CLI --as-of, POST as_of) is not "the latest trades": its quotes are from another day
      const [scan] = await listScans(db, { status: 'completed', limit: 1, live: true });
      const trades = scan ? await tradesOfScan(db, scan.id) : [];
      reply
        .type(json)
        .send(JSON.stringify({ scan: scan ? scanSummary(scan) : null, trades: trades.map(tradeView) }));
    },
  );

  app.get<{ Querystring: { limit: number; before?: string; before_id?: string } }>(
    '/api/scans',
    {
      preParsing: deps.readGuard,
      schema: {
        summary:
          'Scans, newest first; next page with ?before=<next_before>&before_id=<next_before_id> of the previous one',
        tags: ['api'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 20 },
            before: {
              type: 'string',
              format: 'date-time',
              description:
                'alone: scans started before this instant; with before_id: the startedAt of that scan',
            },
            before_id: {
              type: 'string',
              format: 'uuid',
              pattern: UUID_PATTERN,
              description: 'the last scan of the previous page (its startedAt in before): the scans after it',
            },
          },
        },
        response: { 200: anyObject },
      },
    },
    async (req, reply) => {
      const { before, before_id: beforeId, limit } = req.query;
      if (beforeId !== undefined && before === undefined)
        throw new FieldError('querystring', 'before_id', 'needs before (the startedAt of that scan)');
      const at = before ? new Date(parseInstant('querystring', 'before', before)) : null;
      // one more than the page: a next page exists only when that one does (a full last page has none)
      const rows = await scansBefore(db, at, limit + 1, beforeId ?? null);
      const scans = rows.slice(0, limit);
      const last = rows.length > limit ? scans[scans.length - 1] : null;
      reply.type(json).send(
        JSON.stringify({
          scans: scans.map(scanSummary),
          next_before: last ? last.startedAt.toISOString() : null,
          next_before_id: last ? last.id : null,
        }),
      );
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/scans/:id',
    {
      preParsing: deps.readGuard,
      schema: {
        summary:
          'One scan with its parameters, timings, counts and trades (202 with its stage while it runs)',
        tags: ['api'],
        params: idParams,
        querystring: { type: 'object', additionalProperties: false, properties: {} },
        response: { 200: anyObject, 202: anyObject, 404: anyObject },
      },
    },
    async (req, reply) => {
      // the Location a POST answered with: the scan runs (this instance knows its stage; it was a 404)
      const running = deps.running?.();
      if (running && running.id === req.params.id) {
        reply
          .code(202)
          .header('retry-after', '1')
          .send({
            scan: {
              id: running.id,
              status: 'running',
              stage: running.stage,
              trigger: running.trigger,
              startedAt: new Date(running.startedAt).toISOString(),
            },
          });
        return reply;
      }
      const scan = await getScan(db, req.params.id);
      if (!scan) {
        reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no scan ${req.params.id}` });
        return reply;
      }
      if (scan.status === 'running') {
        // running in another instance behind the same proxy: still 202, not a finished scan without trades
        reply
          .code(202)
          .header('retry-after', '1')
          .send({
            scan: {
              id: scan.id,
              status: 'running',
              stage: null,
              trigger: scan.source,
              startedAt: scan.startedAt.toISOString(),
            },
          });
        return reply;
      }
      const trades = await tradesOfScan(db, scan.id);
      reply.type(json).send(
        JSON.stringify({
          scan: {
            ...scanSummary(scan),
            params: scan.params,
            timings: scan.timings,
            counts: scan.counts,
            errors: scan.errors,
          },
          trades: trades.map(tradeView),
        }),
      );
      return reply;
    },
  );

  app.post<{ Body: ScanRequestBody }>(
    '/api/scans',
    {
      preParsing: deps.writeGuard,
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      // No body at all means "scan with the current settings" (a JSON `null` is refused like `[]`: not an object).
      preValidation: async (req) => {
        if (req.body === undefined) req.body = {};
      },
      schema: {
        summary: 'Start a scan now (bearer token); 202 with its id, 409 while one runs',
        tags: ['api'],
        security: [{ bearerAuth: [] }],
        body: scanRequestSchema,
        response: { 202: anyObject, 409: anyObject },
      },
    },
    async (req, reply) => {
      const params = applyScanRequest(deps.settings(), req.body);
      try {
        const id = deps.trigger(params);
        reply
          .code(202)
          .header('location', `/api/scans/${id}`)
          .send({ id, status: 'accepted', links: { scan: `/api/scans/${id}`, status: '/status' } });
      } catch (e) {
        if (!(e instanceof ScanBusyError)) throw e;
        reply
          .code(409)
          .send({ statusCode: 409, error: 'Conflict', message: e.message, runningScanId: e.runningId });
      }
      return reply;
    },
  );

  app.get<{ Params: { symbol: string }; Querystring: { expiration?: string } }>(
    '/api/chains/:symbol',
    {
      preParsing: deps.readGuard,
      schema: {
        summary: 'Latest stored option chain of a symbol (optionally one expiration)',
        tags: ['api'],
        params: {
          type: 'object',
          required: ['symbol'],
          properties: { symbol: { type: 'string', pattern: TICKER } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { expiration: { type: 'string', format: 'date', pattern: DAY_PATTERN } },
        },
        response: { 200: anyObject, 404: anyObject },
      },
    },
    async (req, reply) => {
      const symbol = req.params.symbol.toUpperCase();
      const chain = await latestChain(db, symbol, req.query.expiration ?? null);
      if (!chain) {
        const what = req.query.expiration ? `${symbol} expiring ${req.query.expiration}` : symbol;
        reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no stored chain for ${what}` });
        return reply;
      }
      reply.type(json).send(JSON.stringify(chain));
      return reply;
    },
  );
}
