/**
 * Restores the engine's schema on a PostgreSQL server from a custom-format dump, in one transaction, and only
 * that schema. Why not `pg_restore --clean`: on a dump of the whole database it rewound every other schema
 * (another application sharing the database lost its changes), and `--clean` drops only what the dump holds,
 * so a table a later migration had added stayed behind while `schema_migrations` went back (the next migrate
 * failed; with a foreign key to a restored table the restore failed outright).
 *
 * Here `pg_restore -n <schema>` writes the schema's objects as SQL, and psql runs, in one transaction, a block
 * that drops every object of the schema (not the schema itself: its owner and grants stay; not objects of an
 * extension) and then that SQL. A failure at any point leaves the database as it was.
 */
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateFile } from './backupFiles.js';
import { pgConnection, runTool } from './processRunner.js';

/** Plain identifiers only: the name is spliced into SQL (as a literal and a quoted identifier). */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** SQL that creates `schema` if missing and drops every object in it (tables with their partitions, views,
 * sequences, functions, types), leaving the empty schema with its owner and grants. */
export function clearSchemaSql(schema: string): string {
  if (!SCHEMA_NAME.test(schema))
    throw new Error(`restore: unsupported schema name ${JSON.stringify(schema)}`);
  const notExtension = (catalog: string, oid: string) =>
    `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;
  return `CREATE SCHEMA IF NOT EXISTS "${schema}";
DO $clear$
DECLARE
  s text := '${schema}';
  r record;
BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = s AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
              AND ${notExtension('pg_class', 'c.oid')}
  LOOP
    EXECUTE format('DROP %s IF EXISTS %I.%I CASCADE',
      CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
      s, r.relname);
  END LOOP;
  FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = s AND c.relkind = 'S' AND ${notExtension('pg_class', 'c.oid')}
  LOOP
    EXECUTE format('DROP SEQUENCE IF EXISTS %I.%I CASCADE', s, r.relname);
  END LOOP;
  FOR r IN SELECT p.proname, p.prokind, pg_get_function_identity_arguments(p.oid) AS args
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = s AND ${notExtension('pg_proc', 'p.oid')}
  LOOP
    EXECUTE format('DROP %s IF EXISTS %I.%I(%s) CASCADE',
      CASE r.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
      s, r.proname, r.args);
  END LOOP;
  FOR r IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE n.nspname = s AND t.typtype IN ('e', 'd', 'r', 'm') AND ${notExtension('pg_type', 't.oid')}
  LOOP
    EXECUTE format('DROP TYPE IF EXISTS %I.%I CASCADE', s, r.typname);
  END LOOP;
END $clear$;`;
}

/**
 * Replaces `schema` on the server at `url` with its content in `dump` (pg_dump -Fc). `workDir` holds the
 * intermediate SQL for the duration (mode 0600: it holds the data).
 */
export async function restoreSchema(
  dump: string,
  url: string,
  schema: string,
  workDir: string,
): Promise<void> {
  const sql = clearSchemaSql(schema);
  const c = pgConnection(url);
  const script = join(workDir, `restore_${process.pid}_${Date.now()}.sql`);
  createPrivateFile(script);
  try {
    await runTool('pg_restore', ['--no-owner', '--no-privileges', '-n', schema, '-f', script, dump]);
    chmodSync(script, 0o600);
    await runTool(
      'psql',
      [
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '--single-transaction',
        '-c',
        sql,
        '-f',
        script,
        '--dbname',
        c.url,
      ],
      { env: c.env, secrets: c.secrets },
    );
  } finally {
    rmSync(script, { force: true });
  }
}
