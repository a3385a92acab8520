/**
 * `ops validate-data-integrity`: read-only checks of the stored data. Each check is one SQL query
 * (or a query and a recomputation) returning the offending rows; the report lists every check,
 * how many rows it found and a few examples. Anything found → exit 1.
 */
import { bsGreeks } from '../quant/bsGreeks.js';
import type { Queryable, SqlParam } from '../store/db.js';
import { textTable } from './text.js';

export interface IntegrityCheck {
  name: string;
  description: string;
  /**
   * `error`: the engine's own data is wrong (fails the run). `warning`: raw provider snapshots
   * carry a known market-data defect that the quality filter rejects before any trade is built
   * (crossed quotes happen in real feeds too); reported, but does not fail the run.
   */
  severity: 'error' | 'warning';
  /** Rows found; 0 = clean. */
  count: number;
  /** Up to `maxExamples` offending rows, one line each. */
  examples: string[];
}

export interface IntegrityReport {
  checkedAt: string;
  /** No `error` check found anything. */
  ok: boolean;
  /** Rows found by `error` checks. */
  problems: number;
  /** Rows found by `warning` checks. */
  warnings: number;
  checks: IntegrityCheck[];
}

export interface IntegrityOptions {
  /** A scan still `running` after this many minutes is stuck (default 2 × scan timeout, 10 min). */
  stuckAfterMinutes?: number;
  /** |stored leg delta − delta recomputed from its IV| above this is inconsistent (default 0.10). */
  deltaTolerance?: number;
  /** Stored leg bid/ask vs the stored quote of the same contract and scan, $ (default 0.01). */
  priceTolerance?: number;
  maxExamples?: number;
  now?: number;
}

interface SqlCheck {
  name: string;
  description: string;
  severity?: 'warning';
  /** Selects one text column `example` per offending row. */
  sql: string;
  params?: (o: Required<IntegrityOptions>) => SqlParam[];
}

/** IV above 500 % or below 0 is not a market. */
const MAX_IV = 5;

const SQL_CHECKS: SqlCheck[] = [
  {
    name: 'orphan_trades',
    description: 'trades whose scan does not exist',
    sql: `SELECT 'trade ' || t.id || ' scan ' || t.scan_id AS example FROM trades t
           LEFT JOIN scans s ON s.id = t.scan_id WHERE s.id IS NULL`,
  },
  {
    name: 'orphan_options',
    description: 'option snapshots that name a scan which does not exist',
    sql: `SELECT DISTINCT 'options of scan ' || o.scan_id AS example FROM options o
           LEFT JOIN scans s ON s.id = o.scan_id WHERE o.scan_id IS NOT NULL AND s.id IS NULL`,
  },
  {
    name: 'orphan_api_calls',
    description: 'provider calls that name a scan which does not exist',
    sql: `SELECT DISTINCT 'api_calls of scan ' || a.scan_id AS example FROM api_calls a
           LEFT JOIN scans s ON s.id = a.scan_id WHERE a.scan_id IS NOT NULL AND s.id IS NULL`,
  },
  {
    name: 'duplicate_trades',
    description: 'the same trade (ticker, strategy, legs) recommended twice in one scan',
    sql: `SELECT 'scan ' || scan_id || ' ' || ticker || ' ' || strategy || ' ×' || count(*) AS example
            FROM trades GROUP BY scan_id, ticker, strategy, legs HAVING count(*) > 1`,
  },
  {
    name: 'duplicate_option_quotes',
    description: 'the same contract twice in one snapshot',
    sql: `SELECT symbol || ' at ' || snapshot_at || ' ×' || count(*) AS example
            FROM options GROUP BY snapshot_at, scan_id, symbol HAVING count(*) > 1`,
  },
  {
    name: 'trade_count_mismatch',
    description: 'scans whose trade_count differs from their stored trades',
    sql: `SELECT 'scan ' || s.id || ' says ' || s.trade_count || ', has ' || count(t.id) AS example
            FROM scans s LEFT JOIN trades t ON t.scan_id = s.id
           GROUP BY s.id, s.trade_count HAVING s.trade_count <> count(t.id)`,
  },
  {
    name: 'stuck_scans',
    description: 'scans still "running" long after they started',
    sql: `SELECT 'scan ' || id || ' running since ' || started_at AS example FROM scans
           WHERE status = 'running' AND started_at < $1::timestamptz`,
    params: (o) => [new Date(o.now - o.stuckAfterMinutes * 60_000)],
  },
  {
    name: 'scan_times',
    description: 'finished scans without an end time, or ending before they started',
    sql: `SELECT 'scan ' || id || ' ' || status AS example FROM scans
           WHERE (status <> 'running' AND finished_at IS NULL) OR finished_at < started_at`,
  },
  {
    name: 'trade_leg_without_quote',
    description: 'option legs of a trade with no stored quote of that contract in the same scan',
    sql: `SELECT 'trade ' || t.id || ' ' || t.ticker || ' ' || (leg->>'type') || ' ' || (leg->>'strike') || ' ' || (leg->>'expiration') AS example
            FROM trades t CROSS JOIN LATERAL jsonb_array_elements(t.legs) leg
           WHERE leg->>'type' IN ('call', 'put')
             AND EXISTS (SELECT 1 FROM options x WHERE x.scan_id = t.scan_id)
             AND NOT EXISTS (SELECT 1 FROM options o WHERE o.scan_id = t.scan_id AND o.underlying = t.ticker
                   AND o.option_type = leg->>'type' AND o.expiration = (leg->>'expiration')::date
                   AND abs(o.strike - (leg->>'strike')::float8) < 1e-6)`,
  },
  {
    name: 'trade_leg_price_mismatch',
    description: 'option legs whose bid/ask differ from the stored quote of the same contract and scan',
    sql: `SELECT 'trade ' || t.id || ' ' || t.ticker || ' ' || (leg->>'type') || ' ' || (leg->>'strike')
                 || ' leg ' || (leg->>'bid') || '/' || (leg->>'ask') || ' quote ' || o.bid || '/' || o.ask AS example
            FROM trades t CROSS JOIN LATERAL jsonb_array_elements(t.legs) leg
            JOIN options o ON o.scan_id = t.scan_id AND o.underlying = t.ticker AND o.option_type = leg->>'type'
                 AND o.expiration = (leg->>'expiration')::date AND abs(o.strike - (leg->>'strike')::float8) < 1e-6
           WHERE leg->>'type' IN ('call', 'put')
             AND (abs(o.bid - (leg->>'bid')::float8) > $1 OR abs(o.ask - (leg->>'ask')::float8) > $1)`,
    params: (o) => [o.priceTolerance],
  },
  {
    name: 'negative_prices',
    description: 'negative bid, ask, last or strike in option quotes or trade legs',
    sql: `SELECT symbol || ' bid ' || bid || ' ask ' || ask AS example FROM options
           WHERE bid < 0 OR ask < 0 OR last < 0 OR strike <= 0
          UNION ALL
          SELECT 'trade ' || t.id || ' leg ' || (leg->>'strike') FROM trades t CROSS JOIN LATERAL jsonb_array_elements(t.legs) leg
           WHERE (leg->>'bid')::float8 < 0 OR (leg->>'ask')::float8 < 0`,
  },
  {
    name: 'quote_bid_above_ask',
    description: 'stored provider quotes with bid > ask (crossed; the quality filter rejects them)',
    severity: 'warning',
    sql: `SELECT symbol || ' ' || snapshot_at || ' bid ' || bid || ' > ask ' || ask AS example FROM options
           WHERE bid > ask AND ask > 0`,
  },
  {
    name: 'trade_leg_bid_above_ask',
    description: 'trade legs priced on a crossed quote (bid > ask)',
    sql: `SELECT 'trade ' || t.id || ' ' || t.ticker || ' leg ' || (leg->>'strike') || ' bid ' || (leg->>'bid') || ' > ask ' || (leg->>'ask') AS example
            FROM trades t CROSS JOIN LATERAL jsonb_array_elements(t.legs) leg
           WHERE (leg->>'bid')::float8 > (leg->>'ask')::float8 AND (leg->>'ask')::float8 > 0`,
  },
  {
    name: 'iv_out_of_range',
    description: `implied volatility below 0 or above ${MAX_IV * 100} %`,
    sql: `SELECT symbol || ' iv ' || iv AS example FROM options WHERE iv < 0 OR iv > ${MAX_IV}
          UNION ALL
          SELECT 'trade ' || t.id || ' leg ' || (leg->>'strike') || ' iv ' || (leg->>'iv')
            FROM trades t CROSS JOIN LATERAL jsonb_array_elements(t.legs) leg
           WHERE jsonb_typeof(leg->'iv') = 'number' AND ((leg->>'iv')::float8 < 0 OR (leg->>'iv')::float8 > ${MAX_IV})`,
  },
  {
    name: 'greek_signs',
    description:
      'option quotes with impossible greeks (call delta outside [0,1], put outside [-1,0], negative gamma/vega)',
    sql: `SELECT symbol || ' delta ' || delta || ' gamma ' || gamma || ' vega ' || vega AS example FROM options
           WHERE (option_type = 'call' AND (delta < -0.001 OR delta > 1.001))
              OR (option_type = 'put' AND (delta > 0.001 OR delta < -1.001))
              OR gamma < -1e-9 OR vega < -1e-9`,
  },
  {
    name: 'impossible_trade_values',
    description: 'trades with POP outside [0,1], negative max loss, or a rank below 1',
    sql: `SELECT 'trade ' || id || ' pop ' || coalesce(pop::text, 'null') || ' max_loss ' || coalesce(max_loss::text, 'null') AS example
            FROM trades WHERE pop < 0 OR pop > 1 OR max_loss < 0 OR rank < 1`,
  },
];

interface LegRow {
  trade_id: number;
  ticker: string;
  type: string;
  strike: number;
  expiration: string;
  /** The leg's expiry instant, ISO (legs stored since 2026-12-07), else null. */
  expiry_time: string | null;
  iv: number | null;
  delta: number | null;
  spot: number | null;
  as_of: Date;
  rate: number | null;
}

/** Legs whose stored delta disagrees with the delta recomputed from their own IV (BSM, q = 0). */
async function greeksVsIv(q: Queryable, o: Required<IntegrityOptions>): Promise<IntegrityCheck> {
  const r = await q.query<LegRow>(
    `SELECT t.id AS trade_id, t.ticker, leg->>'type' AS type, (leg->>'strike')::float8 AS strike,
            leg->>'expiration' AS expiration, leg->>'expiryTime' AS expiry_time,
            CASE WHEN jsonb_typeof(leg->'iv') = 'number' THEN (leg->>'iv')::float8 END AS iv,
            CASE WHEN jsonb_typeof(leg->'delta') = 'number' THEN (leg->>'delta')::float8 END AS delta,
            CASE WHEN jsonb_typeof(t.metrics->'underlyingPrice') = 'number' THEN (t.metrics->>'underlyingPrice')::float8 END AS spot,
            coalesce(s.as_of, s.started_at) AS as_of,
            CASE WHEN jsonb_typeof(s.params->'riskFreeRate') = 'number' THEN (s.params->>'riskFreeRate')::float8 END AS rate
       FROM trades t JOIN scans s ON s.id = t.scan_id CROSS JOIN LATERAL jsonb_array_elements(t.legs) leg
      WHERE leg->>'type' IN ('call', 'put')`,
  );
  const examples: string[] = [];
  let count = 0;
  for (const x of r.rows) {
    if (x.iv === null || x.delta === null || x.spot === null || !(x.iv > 0)) continue;
    // The leg's own instant (09:30 for AM-settled index roots); older legs lack it: 16:00 New York ≈ 21:00 UTC,
    // where an hour of DST makes no visible difference in delta.
    const stored = x.expiry_time === null ? Number.NaN : Date.parse(x.expiry_time);
    const expiry = Number.isFinite(stored) ? stored : Date.parse(`${x.expiration}T21:00:00Z`);
    const T = (expiry - x.as_of.getTime()) / (365 * 86_400_000);
    if (!(T > 0)) continue;
    const type = x.type === 'call' ? 'call' : 'put';
    const model = bsGreeks(type, x.spot, x.strike, T, x.rate ?? 0.04, 0, x.iv).delta;
    if (Math.abs(model - x.delta) > o.deltaTolerance) {
      count++;
      if (examples.length < o.maxExamples)
        examples.push(
          `trade ${x.trade_id} ${x.ticker} ${type} ${x.strike} ${x.expiration}: delta ${x.delta} vs ${model.toFixed(3)} from iv ${x.iv}`,
        );
    }
  }
  return {
    name: 'greeks_vs_iv',
    severity: 'error',
    description: `trade legs whose delta differs from the BSM delta of their IV by more than ${o.deltaTolerance}`,
    count,
    examples,
  };
}

export async function validateDataIntegrity(
  q: Queryable,
  opts: IntegrityOptions = {},
): Promise<IntegrityReport> {
  const o: Required<IntegrityOptions> = {
    stuckAfterMinutes: opts.stuckAfterMinutes ?? 10,
    deltaTolerance: opts.deltaTolerance ?? 0.1,
    priceTolerance: opts.priceTolerance ?? 0.01,
    maxExamples: opts.maxExamples ?? 5,
    now: opts.now ?? Date.now(),
  };
  const checks: IntegrityCheck[] = [];
  for (const c of SQL_CHECKS) {
    const r = await q.query<{ example: string }>(c.sql, c.params?.(o) ?? []);
    checks.push({
      name: c.name,
      description: c.description,
      severity: c.severity ?? 'error',
      count: r.rows.length,
      examples: r.rows.slice(0, o.maxExamples).map((x) => x.example),
    });
  }
  checks.push(await greeksVsIv(q, o));
  const sum = (sev: string) => checks.filter((c) => c.severity === sev).reduce((a, c) => a + c.count, 0);
  const problems = sum('error');
  return {
    checkedAt: new Date(o.now).toISOString(),
    ok: problems === 0,
    problems,
    warnings: sum('warning'),
    checks,
  };
}

export function renderIntegrity(r: IntegrityReport): string {
  const table = textTable(
    ['Check', 'Kind', 'Found', 'What it means'],
    r.checks.map((c) => [c.name, c.severity, c.count, c.description]),
  );
  const details = r.checks
    .filter((c) => c.count > 0)
    .map(
      (c) =>
        `${c.name} (${c.count}${c.severity === 'warning' ? ', warning' : ''}):\n${c.examples.map((e) => `  ${e}`).join('\n')}`,
    )
    .join('\n');
  const warn = r.warnings ? ` (${r.warnings} warning(s) in raw provider data)` : '';
  const verdict = r.ok
    ? `Data integrity: OK${warn}`
    : `Data integrity: ${r.problems} problem(s) found${warn}`;
  return `${table}\n${details ? `\n${details}\n` : ''}\n${verdict}\n`;
}
