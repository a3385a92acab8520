/**
 * `ops health-check`: the guide's morning routine in one command — service health endpoint,
 * database, cache, providers, recent errors, resource usage — each pass / warn / fail, and the
 * worst of them as the verdict (exit 0 / 1 / 2). Every probe is injected so that tests (and the
 * runbook) can run any subset; a probe that throws is a `fail` with its message, never a crash.
 */

import { logAnalysis } from './logAnalysis.js';
import type { ResourceSample } from './resourceSample.js';
import type { ApiConnectionsReport } from './testApiConnections.js';
import { textTable } from './text.js';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface HealthItem {
  check: string;
  status: CheckStatus;
  detail: string;
  ms: number;
}

export interface HealthReport {
  checkedAt: string;
  status: CheckStatus;
  checks: HealthItem[];
}

/**
 * One alert rule on a resource metric, as the evaluator reads it (ops/alerts/rules.ts
 * `alertRules()`: enabled rules only, `metric:` and `comparison` applied).
 */
export interface ResourceRule {
  threshold: number;
  severity: 'warning' | 'critical';
  /** The metric watched (cpu_usage, memory_usage, disk_usage); in the record form, defaults to the key. */
  metric?: string;
  /** `above` (default): breached at value ≥ threshold; `below`: at value ≤ threshold. */
  comparison?: 'above' | 'below';
  /** The rule's name, e.g. `system.disk_usage_critical`. */
  name?: string;
  /** How long the breach must hold before the rule fires, ms (0 = at once). */
  durationMs?: number;
}

/** The rules as a list, each with its metric, comparison and name (a record's key is its metric). */
export function resourceRuleList(
  rules: Record<string, ResourceRule> | readonly ResourceRule[] | undefined,
): Required<ResourceRule>[] {
  const list = Array.isArray(rules)
    ? (rules as readonly ResourceRule[]).map((r) => ({ ...r, metric: r.metric ?? '' }))
    : Object.entries((rules ?? {}) as Record<string, ResourceRule>).map(([k, r]) => ({
        ...r,
        metric: r.metric ?? k,
        name: r.name ?? k,
      }));
  return list.map((r) => ({
    threshold: r.threshold,
    severity: r.severity,
    metric: r.metric,
    comparison: r.comparison ?? 'above',
    name: r.name ?? r.metric,
    durationMs: r.durationMs ?? 0,
  }));
}

const breached = (r: Required<ResourceRule>, v: number) =>
  r.comparison === 'below' ? v <= r.threshold : v >= r.threshold;

export interface HealthCheckOptions {
  /** e.g. `http://127.0.0.1:8080/health`; null skips the service check (not running here by design). */
  serviceUrl: string | null;
  /** Runs `SELECT 1`-like work; throws when the database is unusable. Returns a detail line. */
  database?: () => Promise<string>;
  /** PINGs Redis; null when the cache is in-process memory. */
  cache?: (() => Promise<string>) | null;
  providers?: () => Promise<ApiConnectionsReport>;
  logDir?: string;
  /** Errors in the log within this many hours count (default 1). */
  errorWindowHours?: number;
  resources?: () => ResourceSample;
  /**
   * The enabled alert rules of monitoring.yaml (`alertRules()`), each on its `metric`; rules on
   * cpu_usage, memory_usage and disk_usage are applied. A record is read as metric → rule.
   */
  resourceRules?: Record<string, ResourceRule> | readonly ResourceRule[];
  /**
   * CPU percent averaged over about `windowMs` (the load average of 1, 5 or 15 minutes): a cpu_usage rule is
   * judged on its own duration, as the service's evaluator fires it. Without it the sample's `cpu_usage`
   * (1 minute) — which failed the morning check on a momentary peak of a running scan that never alerts.
   */
  cpuOver?: (windowMs: number) => number;
  /** Per-probe timeout, ms (default 5000). */
  timeoutMs?: number;
  now?: number;
}

export function worst(statuses: readonly CheckStatus[]): CheckStatus {
  return statuses.includes('fail') ? 'fail' : statuses.includes('warn') ? 'warn' : 'pass';
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

async function probe(
  check: string,
  timeoutMs: number,
  fn: () => Promise<{ status: CheckStatus; detail: string }>,
): Promise<HealthItem> {
  const t0 = performance.now();
  try {
    const r = await withTimeout(fn(), timeoutMs, check);
    return { check, ...r, ms: Math.round(performance.now() - t0) };
  } catch (e) {
    return { check, status: 'fail', detail: (e as Error).message, ms: Math.round(performance.now() - t0) };
  }
}

/** The service's /health document → status and a one-line detail. */
async function serviceHealth(
  url: string,
  timeoutMs: number,
): Promise<{ status: CheckStatus; detail: string }> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return {
      status: 'fail',
      detail: `${url} unreachable (${cause ?? (e as Error).message}): is the service running?`,
    };
  }
  const text = await res.text();
  let doc: { status?: string; checks?: Record<string, { status?: string }[]> } = {};
  try {
    doc = JSON.parse(text);
  } catch {
    return { status: 'fail', detail: `${url} answered ${res.status} without JSON` };
  }
  const s =
    doc.status === 'pass' || doc.status === 'warn' || doc.status === 'fail'
      ? doc.status
      : res.ok
        ? 'pass'
        : 'fail';
  const bad = Object.entries(doc.checks ?? {})
    .filter(([, v]) => v.some((c) => c.status && c.status !== 'pass'))
    .map(([k]) => k);
  return {
    status: s,
    detail: `HTTP ${res.status}, status ${doc.status ?? '?'}${bad.length ? `; not passing: ${bad.join(', ')}` : ''}`,
  };
}

export async function healthCheck(o: HealthCheckOptions): Promise<HealthReport> {
  const timeoutMs = o.timeoutMs ?? 5000;
  const now = o.now ?? Date.now();
  const checks: HealthItem[] = [];
  if (o.serviceUrl) {
    const url = o.serviceUrl;
    checks.push(await probe('service', timeoutMs + 500, () => serviceHealth(url, timeoutMs)));
  }
  if (o.database) {
    const db = o.database;
    checks.push(await probe('database', timeoutMs, async () => ({ status: 'pass', detail: await db() })));
  }
  if (o.cache !== undefined) {
    const cache = o.cache;
    checks.push(
      cache === null
        ? { check: 'cache', status: 'pass', detail: 'in-memory cache (no REDIS_URL)', ms: 0 }
        : // Redis down is a warning: the engine falls back to its memory cache.
          await probe('cache', timeoutMs, async () => {
            try {
              return { status: 'pass', detail: await cache() };
            } catch (e) {
              return { status: 'warn', detail: `${(e as Error).message} (serving from the memory fallback)` };
            }
          }),
    );
  }
  if (o.providers) {
    const providers = o.providers;
    checks.push(
      await probe('providers', timeoutMs * 3, async () => {
        const r = await providers();
        const primary = r.providers.find((p) => p.roles.includes('primary'));
        const summary = r.providers
          .filter((p) => p.roles.length > 0)
          .map(
            (p) =>
              `${p.provider} ${p.reachable === false ? 'unreachable' : p.authOk === false ? 'auth failed' : !p.configured ? 'not configured' : p.working === false ? 'failing' : 'ok'}`,
          )
          .join(', ');
        const status: CheckStatus = r.healthy
          ? 'pass'
          : primary?.reachable && primary.authOk !== false && primary.working !== false
            ? 'warn'
            : 'fail';
        return { status, detail: summary };
      }),
    );
  }
  if (o.logDir) {
    const dir = o.logDir;
    const hours = o.errorWindowHours ?? 1;
    checks.push(
      await probe('recent_errors', timeoutMs, async () => {
        const r = await logAnalysis(dir, { hours, now });
        const n = r.errors.reduce((a, g) => a + g.count, 0);
        if (r.files.length === 0) return { status: 'warn', detail: `no app.log in ${dir}` };
        const top = r.errors[0]
          ? `; most frequent: ${r.errors[0].component}: ${r.errors[0].example.slice(0, 80)}`
          : '';
        return { status: n > 0 ? 'warn' : 'pass', detail: `${n} error(s) in the last ${hours} h${top}` };
      }),
    );
  }
  if (o.resources) {
    const sample = o.resources();
    const rules = resourceRuleList(o.resourceRules);
    for (const key of ['cpu_usage', 'memory_usage', 'disk_usage'] as const) {
      const v = sample[key];
      const mine = rules.filter((r) => r.metric === key);
      const valueFor = (r: Required<ResourceRule>): number | null =>
        key === 'cpu_usage' && o.cpuOver ? o.cpuOver(r.durationMs) : v;
      const hit = mine.filter((r) => {
        const x = valueFor(r);
        return x !== null && breached(r, x);
      });
      // The worst severity among the rules it breaches, as the evaluator would fire them.
      const status: CheckStatus = hit.some((r) => r.severity === 'critical')
        ? 'fail'
        : hit.length
          ? 'warn'
          : 'pass';
      const over = (r: Required<ResourceRule>) =>
        key === 'cpu_usage' && o.cpuOver
          ? ` over ${Math.round(r.durationMs / 60_000) || 1} min: ${valueFor(r)} %`
          : '';
      const limits = mine
        .map((r) => `${r.comparison === 'below' ? '≤' : '≥'} ${r.threshold} % ${r.severity}${over(r)}`)
        .join(', ');
      checks.push({
        check: key,
        status,
        detail: `${v === null ? '-' : `${v} %`}${limits ? ` (alert ${limits})` : ' (no enabled alert rule)'}${hit.length ? `; breaches ${hit.map((r) => r.name).join(', ')}` : ''}`,
        ms: 0,
      });
    }
  }
  return { checkedAt: new Date(now).toISOString(), status: worst(checks.map((c) => c.status)), checks };
}

export function renderHealth(r: HealthReport): string {
  return `${textTable(
    ['Check', 'Status', 'ms', 'Detail'],
    r.checks.map((c) => [c.check, c.status.toUpperCase(), c.ms, c.detail]),
  )}\n\nOverall: ${r.status.toUpperCase()}\n`;
}
