/**
 * Databases for store tests: an in-memory PGlite (always), and a fresh schema `oe_test_<random>`
 * on the real PostgreSQL when DATABASE_URL is set (dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../../../src/store/db.js';
import { migrate } from '../../../src/store/migrate.js';
import { PgDatabase } from '../../../src/store/pgDatabase.js';
import { PgliteDatabase } from '../../../src/store/pgliteDatabase.js';

export type EngineName = 'pglite' | 'postgres';

export const DATABASE_URL = process.env.DATABASE_URL ?? null;

/** Engines to run repository tests on. */
export const ENGINES: EngineName[] = ['pglite', 'postgres'];

let told = false;

/** Whether an engine's suite must be skipped here (postgres without DATABASE_URL); says so once. */
export function engineUnavailable(engine: EngineName): boolean {
  if (engine === 'postgres' && !DATABASE_URL) {
    if (!told)
      console.info('DATABASE_URL is not set: PostgreSQL server variants of the store tests are skipped');
    told = true;
    return true;
  }
  return false;
}

export interface TestDatabase {
  db: Database;
  /** The server schema used, null on PGlite. */
  schema: string | null;
  dispose(): Promise<void>;
}

/** Runs one statement on DATABASE_URL's own database (CREATE / DROP DATABASE of a test's throwaway one). */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL! });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function openTestDatabase(
  engine: EngineName,
  opts: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  let db: Database;
  let schema: string | null = null;
  if (engine === 'pglite') {
    db = await PgliteDatabase.open({ dir: null });
  } else {
    schema = `oe_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE SCHEMA ${schema}`);
    db = await PgDatabase.open({
      url: DATABASE_URL!,
      schema,
      applicationName: `options-engine-test-${schema}`,
      poolSize: 2,
      poolOverflow: 2,
      statementTimeoutMs: 30_000,
      connectRetries: 0,
    });
  }
  if (opts.migrate !== false) await migrate(db);
  return {
    db,
    schema,
    async dispose() {
      await db.close();
      if (schema) await adminQuery(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
}

/**
 * Registers beforeAll/afterAll for the enclosing describe; the returned getter gives the database
 * inside tests.
 */
export function useTestDatabase(engine: EngineName, opts: { migrate?: boolean } = {}): () => TestDatabase {
  let t: TestDatabase | null = null;
  beforeAll(async () => {
    t = await openTestDatabase(engine, opts);
  });
  afterAll(async () => {
    await t?.dispose();
  });
  return () => {
    if (!t) throw new Error('test database not open');
    return t;
  };
}
