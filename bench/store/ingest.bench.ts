/**
 * Bulk ingest of option snapshots (src/store/optionsRepo.ts): a full-universe snapshot of ~300k
 * rows stored on embedded PGlite (file-backed, as in production) and, when DATABASE_URL is set,
 * on the server — beside a plain `psql -c "\copy options … from stdin"` of the very same rows as
 * the reference (text format, the rows dumped from the server). Targets (issue 6): < 5 s on PGlite; ≥ 50 % of raw COPY throughput on the server.
 * Each figure is the median of a few runs into an emptied table; the machine is shared, so
 * figures are approximate.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { ExpiryChain, OptionChain, OptionColumns } from '../../src/market/types.js';
import type { Database } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import {
  encodeOptionSnapshots,
  ingestOptionSnapshots,
  OPTION_COLUMNS,
  type OptionSnapshots,
} from '../../src/store/optionsRepo.js';
import { PgDatabase } from '../../src/store/pgDatabase.js';
import { PgliteDatabase } from '../../src/store/pgliteDatabase.js';
import { mulberry32 } from '../harness.js';

const UNDERLYINGS = 100;
const EXPIRIES = 10;
const STRIKES = 150; // × 2 sides → 300k rows
const REPS = 3;
const AS_OF = Date.parse('2026-11-25T14:30:00Z');

function side(
  rnd: () => number,
  und: string,
  expiry: string,
  type: 'C' | 'P',
  strikes: Float64Array,
): OptionColumns {
  const n = strikes.length;
  const f = (g: () => number) => Float64Array.from({ length: n }, g);
  const yymmdd = expiry.slice(2).replaceAll('-', '');
  const bid = f(() => Math.round(rnd() * 2000) / 100);
  return {
    symbols: Array.from(
      strikes,
      (k) => `${und}${yymmdd}${type}${String(Math.round(k * 1000)).padStart(8, '0')}`,
    ),
    bid,
    ask: bid.map((b) => b + 0.05),
    last: f(() => (rnd() < 0.2 ? Number.NaN : Math.round(rnd() * 2000) / 100)),
    volume: f(() => Math.floor(rnd() * 5000)),
    openInterest: f(() => Math.floor(rnd() * 50000)),
    iv: f(() => 0.1 + rnd()),
    delta: f(() => (type === 'C' ? rnd() : -rnd())),
    gamma: f(() => rnd() * 0.1),
    theta: f(() => -rnd() * 0.2),
    vega: f(() => rnd() * 0.3),
    quoteTime: f(() => AS_OF - Math.floor(rnd() * 60) * 1000),
  };
}

function universe(): OptionChain[] {
  const rnd = mulberry32(6);
  return Array.from({ length: UNDERLYINGS }, (_, u) => {
    const und = `U${String(u).padStart(3, '0')}`;
    const spot = 20 + rnd() * 480;
    const expirations: ExpiryChain[] = Array.from({ length: EXPIRIES }, (_, e) => {
      const expiry = new Date(Date.UTC(2026, 10, 27 + 7 * e)).toISOString().slice(0, 10);
      const strikes = Float64Array.from(
        { length: STRIKES },
        (_, i) => Math.round(spot * (0.5 + i / STRIKES) * 2) / 2 + i * 0.001,
      );
      return {
        expiration: expiry,
        expiryTime: Date.parse(`${expiry}T21:00:00Z`),
        expirationType: 'weekly',
        strikes,
        calls: side(rnd, und, expiry, 'C', strikes),
        puts: side(rnd, und, expiry, 'P', strikes),
      };
    });
    return { underlying: und, spot, asOf: AS_OF, expirations };
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (rows: number, ms: number) =>
  `${(ms / 1000).toFixed(2).padStart(6)} s  ${Math.round((rows * 1000) / ms)
    .toLocaleString('en-US')
    .padStart(10)} rows/s`;

/** Median wall time and this process's CPU time (all of PGlite's work; only the client side on a server). */
async function timeIngest(
  db: Database,
  snaps: OptionSnapshots,
): Promise<{ ms: number; cpuMs: number; rows: number }> {
  const runs: number[] = [];
  const cpu: number[] = [];
  let rows = 0;
  for (let i = 0; i < REPS; i++) {
    await db.exec('TRUNCATE options');
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    rows = (await ingestOptionSnapshots(db, snaps)).rows;
    runs.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { ms: median(runs), cpuMs: median(cpu), rows };
}

function psqlCopy(url: string, schema: string, text: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(
      'psql',
      [url, '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy options (${OPTION_COLUMNS.join(', ')}) from stdin`],
      {
        env: { ...process.env, PGOPTIONS: `-c search_path=${schema}` },
        stdio: ['pipe', 'ignore', 'inherit'],
      },
    );
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0 ? resolve(performance.now() - t0) : reject(new Error(`psql exited ${code}`)),
    );
    (async () => {
      for (const chunk of text) if (!p.stdin.write(chunk)) await new Promise((r) => p.stdin.once('drain', r));
      p.stdin.end();
    })();
  });
}

async function dumpText(client: pg.Client, schema: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  const stream = client.query(
    copyTo(`COPY (SELECT ${OPTION_COLUMNS.join(', ')} FROM ${schema}.options) TO STDOUT`),
  );
  for await (const chunk of stream) out.push(chunk as Buffer);
  return out;
}

export default async function run(): Promise<void> {
  const chains = universe();
  const snaps: OptionSnapshots = { source: 'simulated', chains };
  encodeOptionSnapshots(snaps, null); // warm-up (JIT)
  const t0 = performance.now();
  const encoded = encodeOptionSnapshots(snaps, null);
  const encodeMs = performance.now() - t0;
  const rows = encoded.rows;
  console.log(
    `option snapshot: ${UNDERLYINGS} underlyings × ${EXPIRIES} expiries × ${STRIKES} strikes × 2 = ${rows} rows`,
  );
  console.log(`encode to binary COPY (JS only)            ${fmt(rows, encodeMs)}`);

  const dir = mkdtempSync(join(tmpdir(), 'oe-bench-pglite-'));
  const lite = await PgliteDatabase.open({ dir });
  try {
    await migrate(lite);
    const r = await timeIngest(lite, snaps);
    console.log(`PGlite (file-backed) ingestOptionSnapshots ${fmt(r.rows, r.ms)}  target < 5 s`);
    console.log(
      `  of which CPU time of this process        ${(r.cpuMs / 1000).toFixed(2).padStart(6)} s  (wall − CPU = waiting for a core)`,
    );
  } finally {
    await lite.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const url = process.env.DATABASE_URL;
  if (!url) {
    console.log('DATABASE_URL not set: server figures skipped');
    return;
  }
  const schema = `oe_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const db = await PgDatabase.open({
    url,
    schema,
    poolSize: 2,
    poolOverflow: 0,
    statementTimeoutMs: 300_000,
    connectRetries: 0,
  });
  try {
    await migrate(db);
    await db.query('SELECT options_ensure_partition($1::date)', ['2026-11-25']);
    const ours = await timeIngest(db, snaps);
    // The reference loads the very same rows as COPY text, dumped from what was just stored.
    const text = await dumpText(admin, schema);
    const refRuns: number[] = [];
    for (let i = 0; i < REPS; i++) {
      await db.exec('TRUNCATE options');
      refRuns.push(await psqlCopy(url, schema, text));
    }
    const ref = median(refRuns);
    console.log(`PostgreSQL ingestOptionSnapshots           ${fmt(ours.rows, ours.ms)}`);
    console.log(`PostgreSQL psql \\copy (reference)          ${fmt(rows, ref)}`);
    console.log(
      `ingest / raw COPY throughput               ${((100 * ref) / ours.ms).toFixed(0).padStart(6)} %    target ≥ 50 %`,
    );
  } finally {
    await db.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}
