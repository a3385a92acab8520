/** `options-engine db migrate | status`: the schema of the configured database (PGlite or a server). */
import { Command } from 'commander';
import { isServedEmbedded } from '../../ops/opsContext.js';
import { migrate, migrationStatus } from '../../store/migrate.js';
import { openDatabase } from '../../store/openDatabase.js';
import { loadForCommand } from '../context.js';
import { type CliIo, EXIT } from '../io.js';
import { withCommonOptions } from '../options.js';
import { requireSubcommand } from './requireSubcommand.js';

type Db = Awaited<ReturnType<typeof openDatabase>>;

/**
 * Opens the configured database; beside a running service, joins it through its socket. `engine` is what an
 * operator should read: the embedded database joined through the service's socket is still PGlite (the wire
 * protocol made it read `postgres postgres://127.0.0.1:5433/postgres`).
 */
async function withDatabase<T>(
  opts: Record<string, unknown>,
  io: CliIo,
  fn: (db: Db, engine: string) => Promise<T>,
): Promise<T> {
  const { settings } = loadForCommand(opts, io);
  const db = await openDatabase(settings.database, { ifLocked: 'connect' });
  const engine = isServedEmbedded(settings, db) ? 'pglite (served by the running service)' : db.engine;
  try {
    return await fn(db, engine);
  } finally {
    await db.close();
  }
}

export function dbCommand(io: CliIo, setExit: (code: number) => void): Command {
  const db = new Command('db').description('database: migrations and status');
  db.addCommand(
    withCommonOptions(new Command('migrate'))
      .description('apply pending SQL migrations (each in its own transaction)')
      .option('--json', 'print JSON')
      .action((opts: Record<string, unknown>) =>
        withDatabase(opts, io, async (d, engine) => {
          const r = await migrate(d);
          if (opts.json) io.stdout(`${JSON.stringify({ engine, location: d.location, ...r }, null, 2)}\n`);
          else {
            io.stdout(`database: ${engine} ${d.location}\n`);
            for (const m of r.applied)
              io.stdout(`applied ${m.version} ${m.name} (${Math.round(m.durationMs)} ms)\n`);
            io.stdout(
              r.applied.length === 0
                ? `up to date at version ${r.current}\n`
                : `now at version ${r.current}\n`,
            );
          }
        }),
      ),
  );
  db.addCommand(
    withCommonOptions(new Command('status'))
      .description('list applied and pending migrations; exit 1 when any is pending or changed')
      .option('--json', 'print JSON')
      .action((opts: Record<string, unknown>) =>
        withDatabase(opts, io, async (d, engine) => {
          const s = await migrationStatus(d);
          if (opts.json) io.stdout(`${JSON.stringify({ engine, location: d.location, ...s }, null, 2)}\n`);
          else {
            io.stdout(
              `database: ${engine} ${d.location}\ncurrent: ${s.current ?? 'none'}  latest: ${s.latest}\n`,
            );
            for (const e of s.entries) {
              const when = e.appliedAt ? e.appliedAt.toISOString() : '';
              io.stdout(
                `${String(e.version).padStart(4)}  ${e.state.padEnd(8)} ${e.name.padEnd(32)} ${when}\n`,
              );
            }
          }
          if (s.entries.some((e) => e.state === 'pending' || e.state === 'changed')) setExit(EXIT.failure);
        }),
      ),
  );
  requireSubcommand(db, io);
  return db;
}
