/**
 * The `options` table: option quote snapshots, partitioned by UTC day of `snapshot_at`.
 *
 * Ingest is bulk: rows are encoded straight from the columnar chains into binary COPY format and
 * loaded with one COPY (pg-copy-streams on a server, a Blob on PGlite). It is idempotent: a
 * re-run for the same scan first removes that scan's rows; rows without a scan replace earlier
 * rows of the same (underlying, snapshot time); both in the same transaction as the COPY,
 * serialised per scan by an advisory lock. Duplicate contracts within one snapshot keep the
 * first. There is deliberately no unique key on the table: on PGlite its index maintenance cost
 * about as much as the COPY itself.
 */
import type { OptionChain, OptionColumns, OptionQuote } from '../market/types.js';
import { BinaryCopyWriter } from './copyBinary.js';
import type { Database, Queryable } from './db.js';
import { StoreInputError } from './errors.js';
import { requireText, requireUuid } from './validate.js';

/** Option snapshots to store: whole chains (snapshot time = `chain.asOf`) and/or loose quotes. */
export interface OptionSnapshots {
  /** Provider name, e.g. `tradier`, `simulated`. */
  source: string;
  chains?: readonly OptionChain[];
  quotes?: readonly OptionQuote[];
  /** Snapshot time of `quotes`, epoch ms (required with quotes). */
  snapshotAt?: number;
}

export interface IngestResult {
  rows: number;
  /** Rows of an earlier run of the same snapshot that were replaced. */
  replaced: number;
  /** Day partitions written to. */
  partitions: string[];
}

export const OPTION_COLUMNS = [
  'snapshot_at',
  'scan_id',
  'symbol',
  'underlying',
  'option_type',
  'expiration',
  'strike',
  'bid',
  'ask',
  'last',
  'volume',
  'open_interest',
  'iv',
  'delta',
  'gamma',
  'theta',
  'vega',
  'quote_time',
  'source',
] as const;

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of the UTC day holding `ms`. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Encodes rows straight from the columns into binary COPY; no per-row objects. */
class Encoder {
  readonly days = new Set<string>();
  /** (underlying, snapshot ISO) pairs, for replacing scan-less snapshots. */
  readonly keys = new Map<string, [string, string]>();
  readonly out = new BinaryCopyWriter();
  /** Symbols written per snapshot time, to drop duplicates. */
  private readonly seen = new Map<number, Set<string>>();

  constructor(
    private readonly scanId: string | null,
    private readonly source: string,
  ) {}

  private begin(snapshotAt: number, underlying: string, field: string): Set<string> {
    if (!Number.isFinite(snapshotAt)) throw new StoreInputError(field, 'must be a finite epoch-ms time');
    this.days.add(utcDay(snapshotAt));
    const iso = new Date(snapshotAt).toISOString();
    this.keys.set(`${underlying}\u0000${iso}`, [underlying, iso]);
    let seen = this.seen.get(snapshotAt);
    if (!seen) {
      seen = new Set();
      this.seen.set(snapshotAt, seen);
    }
    return seen;
  }

  /** Writes one row; the caller passes the columns in OPTION_COLUMNS order. */
  private row(
    snapshotAt: number,
    symbol: string,
    underlying: string,
    type: string,
    expiration: string,
    expirationField: string,
    strike: number,
    bid: number,
    ask: number,
    last: number,
    volume: number,
    openInterest: number,
    iv: number,
    delta: number,
    gamma: number,
    theta: number,
    vega: number,
    quoteTime: number,
  ): void {
    const o = this.out;
    o.beginRow(OPTION_COLUMNS.length);
    o.timestamptz(snapshotAt);
    o.uuid(this.scanId);
    o.text(symbol);
    o.text(underlying);
    o.text(type);
    o.date(expiration, expirationField);
    o.float8(strike);
    o.float8(bid);
    o.float8(ask);
    o.float8(last);
    o.int8(volume);
    o.int8(openInterest);
    o.float8(iv);
    o.float8(delta);
    o.float8(gamma);
    o.float8(theta);
    o.float8(vega);
    o.timestamptz(quoteTime);
    o.text(this.source);
  }

  chain(chain: OptionChain, index: number): void {
    const seen = this.begin(chain.asOf, chain.underlying, `snapshots.chains[${index}].asOf`);
    chain.expirations.forEach((e, k) => {
      const field = `snapshots.chains[${index}].expirations[${k}].expiration`;
      const sides: [string, OptionColumns][] = [
        ['call', e.calls],
        ['put', e.puts],
      ];
      for (const [type, c] of sides) {
        for (let i = 0; i < e.strikes.length; i++) {
          const symbol = c.symbols[i];
          if (!symbol || seen.has(symbol)) continue; // no contract at this strike, or a duplicate
          seen.add(symbol);
          this.row(
            chain.asOf,
            symbol,
            chain.underlying,
            type,
            e.expiration,
            field,
            e.strikes[i],
            c.bid[i],
            c.ask[i],
            c.last[i],
            c.volume[i],
            c.openInterest[i],
            c.iv[i],
            c.delta[i],
            c.gamma[i],
            c.theta[i],
            c.vega[i],
            c.quoteTime[i],
          );
        }
      }
    });
  }

  quotes(quotes: readonly OptionQuote[], snapshotAt: number): void {
    quotes.forEach((q, i) => {
      const seen = this.begin(snapshotAt, q.underlying, 'snapshots.snapshotAt');
      if (q.type !== 'call' && q.type !== 'put') {
        throw new StoreInputError(
          `snapshots.quotes[${i}].type`,
          `must be call or put (got ${String(q.type)})`,
        );
      }
      if (seen.has(q.symbol)) return;
      seen.add(q.symbol);
      this.row(
        snapshotAt,
        q.symbol,
        q.underlying,
        q.type,
        q.expiration,
        `snapshots.quotes[${i}].expiration`,
        q.strike,
        q.bid,
        q.ask,
        q.last,
        q.volume,
        q.openInterest,
        q.iv,
        q.delta,
        q.gamma,
        q.theta,
        q.vega,
        q.quoteTime,
      );
    });
  }
}

function validate(s: OptionSnapshots): void {
  requireText('snapshots.source', s.source);
  if (s.quotes?.length && (typeof s.snapshotAt !== 'number' || !Number.isFinite(s.snapshotAt))) {
    throw new StoreInputError('snapshots.snapshotAt', 'required (epoch ms) when quotes are given');
  }
}

/** Snapshots encoded for COPY into `options` (columns OPTION_COLUMNS, binary format). */
export interface EncodedSnapshots {
  /** The binary COPY stream, in chunks of ~1 MiB. */
  chunks: Uint8Array[];
  rows: number;
  /** UTC days of the snapshot times, ascending. */
  days: string[];
  /** Distinct (underlying, snapshot time ISO) pairs. */
  keys: [string, string][];
}

/** Validates and encodes snapshots (pure; no database). */
export function encodeOptionSnapshots(snapshots: OptionSnapshots, scanId: string | null): EncodedSnapshots {
  if (scanId !== null) requireUuid('scanId', scanId);
  validate(snapshots);
  const enc = new Encoder(scanId, snapshots.source);
  (snapshots.chains ?? []).forEach((chain, i) => {
    enc.chain(chain, i);
  });
  if (snapshots.quotes?.length) enc.quotes(snapshots.quotes, snapshots.snapshotAt!);
  const rows = enc.out.rows;
  return { chunks: enc.out.finish(), rows, days: [...enc.days].sort(), keys: [...enc.keys.values()] };
}

/**
 * Creates the day partitions of `days` (`YYYY-MM-DD`) that are missing, each in its own statement, and returns
 * their names. Why before the write's transaction: attaching a partition locks `options` (SHARE UPDATE
 * EXCLUSIVE) until commit, which would otherwise last the whole COPY. An empty partition left by a save that
 * then fails holds no data (retention drops it with its day).
 */
export async function ensureOptionPartitions(q: Queryable, days: readonly string[]): Promise<string[]> {
  const partitions: string[] = [];
  for (const day of days) {
    const r = await q.query<{ p: string }>('SELECT options_ensure_partition($1::date) AS p', [day]);
    partitions.push(r.rows[0].p);
  }
  return partitions;
}

/**
 * Writes snapshots inside the caller's transaction `tx` (saveScan uses this). Creates missing day
 * partitions (none are missing when the caller ran `ensureOptionPartitions` first), removes the rows an
 * earlier run of the same snapshot wrote, then COPYs. `enc` is the snapshots already encoded.
 */
export async function writeOptionSnapshots(
  tx: Queryable,
  snapshots: OptionSnapshots,
  scanId: string | null,
  enc: EncodedSnapshots = encodeOptionSnapshots(snapshots, scanId),
): Promise<IngestResult> {
  // Encode first (it validates and collects the days), then touch the database.
  const partitions = await ensureOptionPartitions(tx, enc.days);
  // Serialise loads of the same snapshot, so that two concurrent re-runs cannot both insert.
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`options_ingest:${scanId ?? 'no-scan'}`]);
  let replaced = 0;
  if (scanId !== null) {
    replaced = (await tx.query('DELETE FROM options WHERE scan_id = $1', [scanId])).rowCount;
  } else if (enc.keys.length > 0) {
    replaced = (
      await tx.query(
        `DELETE FROM options o USING unnest($1::text[], $2::timestamptz[]) AS k(underlying, snapshot_at)
          WHERE o.scan_id IS NULL AND o.underlying = k.underlying AND o.snapshot_at = k.snapshot_at`,
        [enc.keys.map((p) => p[0]), enc.keys.map((p) => p[1])],
      )
    ).rowCount;
  }
  const rows = enc.rows > 0 ? await tx.copyFrom('options', OPTION_COLUMNS, enc.chunks, 'binary') : 0;
  return { rows, replaced, partitions };
}

/** Stores snapshots in their own transaction (all or nothing). */
export async function ingestOptionSnapshots(
  db: Database,
  snapshots: OptionSnapshots,
  opts: { scanId?: string | null } = {},
): Promise<IngestResult> {
  const scanId = opts.scanId ?? null;
  const enc = encodeOptionSnapshots(snapshots, scanId);
  await ensureOptionPartitions(db, enc.days);
  return db.transaction((tx) => writeOptionSnapshots(tx, snapshots, scanId, enc));
}

export interface OptionPartition {
  name: string;
  /** UTC day held, `YYYY-MM-DD`. */
  day: string;
}

/** The day partitions of `options`, oldest first. */
export async function listOptionPartitions(q: Queryable): Promise<OptionPartition[]> {
  const r = await q.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass('options') ORDER BY c.relname`,
  );
  return r.rows.map(({ name }) => ({
    name,
    day: `${name.slice(9, 13)}-${name.slice(13, 15)}-${name.slice(15, 17)}`,
  }));
}

/**
 * Retention: drops the partitions of days older than `retentionDays` before `now` (UTC days; today
 * and the `retentionDays` days before it are kept). Returns the partitions dropped.
 */
export async function dropExpiredOptionPartitions(
  q: Queryable,
  retentionDays: number,
  now: number = Date.now(),
): Promise<string[]> {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new StoreInputError('retentionDays', `must be an integer ≥ 1 (got ${retentionDays})`);
  }
  const cutoff = utcDay(now - retentionDays * DAY_MS);
  const r = await q.query<{ name: string }>('SELECT options_drop_partitions_before($1::date) AS name', [
    cutoff,
  ]);
  return r.rows.map((x) => x.name);
}

/** Rows of one scan (or of scan-less snapshots with null), for checks and reports. */
export async function countOptionSnapshots(q: Queryable, scanId: string | null): Promise<number> {
  const r = await q.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM options WHERE scan_id IS NOT DISTINCT FROM $1::uuid',
    [scanId],
  );
  return r.rows[0].n;
}
