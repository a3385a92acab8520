import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timedDatabase } from '../../src/service/timedDatabase.js';
import { isConnectionError } from '../../src/store/connectionError.js';
import { StoreError } from '../../src/store/errors.js';
import { PgDatabase } from '../../src/store/pgDatabase.js';
import { PgliteDatabase } from '../../src/store/pgliteDatabase.js';
import { freePort } from '../service/helpers/serviceProcess.js';
import { DATABASE_URL } from './helpers/testDatabase.js';

/** The error a real query (or connect) fails with. */
async function failure(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  c.on('error', () => {}); // a terminated backend also emits 'error'
  try {
    await c.connect();
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

describe('isConnectionError', () => {
  it('a refused port is a connection failure, also wrapped as the cause of a StoreError', async () => {
    const port = await freePort();
    const e = await failure(() => withClient(`postgres://postgres@127.0.0.1:${port}/test`, async () => {}));
    expect(isConnectionError(e)).toBe(true);
    expect(isConnectionError(new StoreError('could not open', { cause: e }))).toBe(true);
    expect(isConnectionError(new StoreError('bad value'))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
  });

  it('a statement PGlite refuses is not one', async () => {
    const db = await PgliteDatabase.open({ dir: null });
    try {
      expect(isConnectionError(await failure(() => db.query('SELEC 1')))).toBe(false);
      expect(isConnectionError(await failure(() => db.query('SELECT 1 / 0')))).toBe(false);
    } finally {
      await db.close();
    }
  });

  describe.skipIf(!DATABASE_URL)('on the PostgreSQL server', () => {
    const url = DATABASE_URL ?? '';

    it('a missing database and a terminated session are connection failures', async () => {
      const missing = new URL(url);
      missing.pathname = '/oe_no_such_database';
      const e1 = await failure(() => withClient(missing.toString(), async () => {}));
      expect((e1 as { code?: string }).code).toBe('3D000');
      expect(isConnectionError(e1)).toBe(true);
      const e2 = await failure(() =>
        withClient(url, (c) => c.query('SELECT pg_terminate_backend(pg_backend_pid())')),
      );
      expect(isConnectionError(e2)).toBe(true);
    });

    it('refused statements are not: syntax, division by zero, unique violation, statement timeout', async () => {
      await withClient(url, async (c) => {
        const errors = [
          await failure(() => c.query('SELEC 1')),
          await failure(() => c.query('SELECT 1 / 0')),
          await failure(() =>
            c.query('CREATE TEMP TABLE oe_u (k int PRIMARY KEY); INSERT INTO oe_u VALUES (1), (1)'),
          ),
          await failure(() => c.query('SET statement_timeout = 10; SELECT pg_sleep(1)')),
        ];
        expect(errors.map((e) => (e as { code?: string }).code)).toEqual([
          '42601',
          '22012',
          '23505',
          '57014',
        ]);
        for (const e of errors) expect(isConnectionError(e)).toBe(false);
      });
    });
  });
});

describe.skipIf(!DATABASE_URL)('timedDatabase on the PostgreSQL server', () => {
  let db: PgDatabase;
  const calls: [string, boolean, boolean][] = [];
  beforeAll(async () => {
    db = await PgDatabase.open({
      url: DATABASE_URL ?? '',
      poolSize: 1,
      poolOverflow: 0,
      statementTimeoutMs: 5000,
      connectRetries: 0,
    });
  });
  afterAll(async () => {
    await db.close().catch(() => {});
  });

  it('reports a refused statement as a failure and a lost database as a connection failure', async () => {
    const timed = timedDatabase(db, (operation, _ms, ok, connection) =>
      calls.push([operation, ok, connection]),
    );
    await timed.query('SELECT 1');
    await expect(timed.query('SELECT 1 / 0')).rejects.toThrow(/division by zero/);
    await db.close(); // the pool is gone: what a service sees when it can no longer reach the server
    await expect(timed.query('SELECT 1')).rejects.toThrow();
    expect(calls).toEqual([
      ['query', true, false],
      ['query', false, false],
      ['query', false, true],
    ]);
  });
});
