import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MigrationError } from '../../src/store/errors.js';
import { loadMigrations, migrate, migrationStatus } from '../../src/store/migrate.js';
import { ENGINES, engineUnavailable, openTestDatabase, useTestDatabase } from './helpers/testDatabase.js';

const TABLES = [
  'alerts',
  'api_calls',
  'iv_history',
  'market_data',
  'metrics_samples',
  'options',
  'performance_baselines',
  'scans',
  'schema_migrations',
  'trades',
];

describe('loadMigrations', () => {
  it('reads the numbered SQL files in version order with checksums', () => {
    const ms = loadMigrations();
    expect(ms.length).toBeGreaterThanOrEqual(3);
    expect(ms.map((m) => m.version)).toEqual([...ms.map((m) => m.version)].sort((a, b) => a - b));
    for (const m of ms) expect(m.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects a badly named file, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oe-mig-'));
    writeFileSync(join(dir, 'create_things.sql'), 'SELECT 1;');
    expect(() => loadMigrations(dir)).toThrow(/create_things\.sql: file name must look like/);
  });
});

describe.each(ENGINES)('migrations on %s', (engine) => {
  describe.skipIf(engineUnavailable(engine))('', () => {
    const t = useTestDatabase(engine, { migrate: false });

    it('report every migration pending on an empty database', async () => {
      const s = await migrationStatus(t().db);
      expect(s.current).toBeNull();
      expect(s.pending).toBe(loadMigrations().length);
    });

    it('apply all migrations in order, record them, and create the tables the guide queries', async () => {
      const r = await migrate(t().db);
      expect(r.applied.map((a) => a.version)).toEqual(loadMigrations().map((m) => m.version));
      const tables = await t().db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_name NOT LIKE 'options\\_p%'
          ORDER BY table_name`,
      );
      expect(tables.rows.map((x) => x.table_name)).toEqual(TABLES);
      const idx = await t().db.query<{ indexname: string }>(
        'SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()',
      );
      const names = idx.rows.map((x) => x.indexname);
      for (const want of ['idx_market_data_symbol', 'idx_options_latest', 'idx_trades_timestamp']) {
        expect(names).toContain(want);
      }
      const s = await migrationStatus(t().db);
      expect(s.pending).toBe(0);
      expect(s.entries.every((e) => e.state === 'applied' && e.appliedAt instanceof Date)).toBe(true);
    });

    it('apply nothing on a second run', async () => {
      const r = await migrate(t().db);
      expect(r.applied).toEqual([]);
      expect(r.current).toBe(loadMigrations().at(-1)!.version);
    });

    it('refuse to run when an applied migration file has changed', async () => {
      const ms = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
      const s = await migrationStatus(t().db, ms);
      expect(s.entries[0].state).toBe('changed');
      await expect(migrate(t().db, { migrations: ms })).rejects.toThrow(MigrationError);
    });

    it('roll back a failing migration entirely and name it', async () => {
      const ms = [
        ...loadMigrations(),
        {
          version: 900,
          name: 'broken',
          sql: 'CREATE TABLE half_done (a int);\nSELECT * FROM no_such_table;',
          checksum: 'x',
        },
      ];
      await expect(migrate(t().db, { migrations: ms })).rejects.toThrow(/migration 900_broken failed/);
      const left = await t().db.query(`SELECT to_regclass('half_done')::text AS t`);
      expect(left.rows[0]).toEqual({ t: null });
      expect((await migrationStatus(t().db, ms)).pending).toBe(1);
    });
  });
});

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: string;
  column_default: string | null;
}

async function describeSchema(db: import('../../src/store/db.js').Database) {
  const cols = await db.query<ColumnRow>(
    `SELECT table_name, column_name, data_type, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = current_schema()
      ORDER BY table_name, column_name`,
  );
  const idx = await db.query<{ tablename: string; indexname: string; indexdef: string }>(
    `SELECT tablename, indexname, regexp_replace(indexdef, ' ON (ONLY )?[a-z0-9_]+\\.', ' ON \\1') AS indexdef
       FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`,
  );
  const cons = await db.query<{ conname: string; contype: string; def: string }>(
    // contype n: PostgreSQL ≥ 18 lists NOT NULL as constraints (already compared through the columns).
    `SELECT c.conname, c.contype::text AS contype, pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE n.nspname = current_schema() AND c.contype <> 'n' ORDER BY c.conname`,
  );
  const fns = await db.query<{ proname: string }>(
    `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = current_schema() ORDER BY p.proname`,
  );
  return { columns: cols.rows, indexes: idx.rows, constraints: cons.rows, functions: fns.rows };
}

describe.skipIf(engineUnavailable('postgres'))('the same migrations on PGlite and on the server', () => {
  it('give the same tables, columns, indexes, constraints and functions', async () => {
    const a = await openTestDatabase('pglite');
    const b = await openTestDatabase('postgres');
    try {
      const [sa, sb] = [await describeSchema(a.db), await describeSchema(b.db)];
      expect(sa.columns.length).toBeGreaterThan(50);
      expect(sa).toEqual(sb);
    } finally {
      await a.dispose();
      await b.dispose();
    }
  });
});
