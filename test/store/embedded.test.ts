/**
 * The embedded default: PGlite files under data_dir, one owner (lock), served over the
 * PostgreSQL wire protocol on loopback for psql and the CLI.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.js';
import { DataDirLockedError } from '../../src/store/errors.js';
import { migrate, migrationStatus } from '../../src/store/migrate.js';
import { type DatabaseSettings, openDatabase } from '../../src/store/openDatabase.js';
import { type EmbeddedServer, serveEmbeddedDatabase } from '../../src/store/pgliteSocket.js';
import { saveScan } from '../../src/store/saveScan.js';
import { getScan, listScans } from '../../src/store/scansRepo.js';
import { tempDir } from '../helpers/tmp.js';
import { makeScan, makeTrades } from './helpers/fixtures.js';

const run = promisify(execFile);
const tmp = tempDir('oe-embedded-');
const settings: DatabaseSettings = {
  url: null,
  data_dir: tmp.dir,
  pool_size: 20,
  pool_overflow: 30,
  statement_timeout_ms: 30_000,
  connect_retries: 0,
};

let db: Database;
let server: EmbeddedServer;
const scan = makeScan();

beforeAll(async () => {
  db = await openDatabase(settings);
  await migrate(db);
  await saveScan(db, scan, makeTrades(3));
  server = await serveEmbeddedDatabase(db, { port: 0 });
});

afterAll(async () => {
  await server?.stop();
  await db?.close();
});

async function psqlAvailable(): Promise<boolean> {
  return run('psql', ['--version']).then(
    () => true,
    () => false,
  );
}

describe('embedded PGlite under data_dir', () => {
  it('is chosen when no database url is set', () => {
    expect(db.engine).toBe('pglite');
    expect(db.location).toBe(`pglite:${tmp.dir}/pglite`);
  });

  it('refuses a second owner with the holder pid and where it serves', async () => {
    const err = await openDatabase(settings).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect((err as Error).message).toContain(`pid ${process.pid}`);
    expect((err as Error).message).toContain(`127.0.0.1:${server.port}`);
  });

  it('serves the same data over the wire protocol to a pg client', async () => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const r = await client.query('SELECT id, trade_count FROM scans WHERE id = $1', [scan.id]);
      expect(r.rows).toEqual([{ id: scan.id, trade_count: 3 }]);
    } finally {
      await client.end();
    }
  });

  it('lets a second opener join through the socket instead of opening a second copy', async () => {
    const joined = await openDatabase(settings, { ifLocked: 'connect' });
    try {
      expect(joined.engine).toBe('postgres');
      expect((await migrationStatus(joined)).pending).toBe(0);
      expect((await listScans(joined)).map((s) => s.id)).toContain(scan.id);
    } finally {
      await joined.close();
    }
  });

  it('answers psql -d options_engine as the guide runs it', async () => {
    if (!(await psqlAvailable())) {
      console.info('psql not installed: skipping the psql check');
      return;
    }
    const { stdout } = await run('psql', [
      '-h',
      '127.0.0.1',
      '-p',
      String(server.port),
      '-U',
      'postgres',
      '-d',
      'options_engine',
      '-At',
      '-c',
      'SELECT count(*) FROM trades',
    ]);
    expect(stdout.trim()).toBe('3');
  });

  it('keeps a socket client out of a local transaction in progress', async () => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      let release!: () => void;
      const hold = new Promise<void>((r) => {
        release = r;
      });
      const local = db.transaction(async (tx) => {
        await tx.exec('CREATE TABLE gate_probe (n int)');
        await tx.exec('INSERT INTO gate_probe VALUES (1)');
        await hold;
      });
      await new Promise((r) => setTimeout(r, 50));
      let seen: number | null = null;
      const remote = client.query('SELECT count(*)::int AS n FROM gate_probe').then((r) => {
        seen = r.rows[0].n;
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(seen).toBeNull(); // waiting: it must not run inside the local transaction
      release();
      await local;
      await remote;
      expect(seen).toBe(1);
    } finally {
      await client.end();
    }
  });

  it('keeps local work out of a socket client transaction in progress', async () => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO gate_probe VALUES (2)');
      let done = false;
      const local = db.query('INSERT INTO gate_probe VALUES (3)').then(() => {
        done = true;
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(done).toBe(false);
      await client.query('ROLLBACK'); // must not roll back the local insert
      await local;
      const r = await db.query<{ n: number }>('SELECT n FROM gate_probe ORDER BY n');
      expect(r.rows.map((x) => x.n)).toEqual([1, 3]);
    } finally {
      await client.end();
    }
  });

  it('keeps the data after close and reopen, and frees the lock on close', async () => {
    await server.stop();
    await db.close();
    db = await openDatabase(settings);
    expect((await getScan(db, scan.id))?.tradeCount).toBe(3);
    expect((await migrationStatus(db)).pending).toBe(0);
    server = await serveEmbeddedDatabase(db, { port: 0 });
  });
});
