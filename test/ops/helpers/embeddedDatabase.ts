/** The embedded database as the service runs it, for the ops and runbook tests. */
import type { Database } from '../../../src/store/db.js';
import { migrate } from '../../../src/store/migrate.js';
import { type DatabaseSettings, openDatabase } from '../../../src/store/openDatabase.js';
import { type EmbeddedServer, serveEmbeddedDatabase } from '../../../src/store/pgliteSocket.js';

/** Settings of the embedded PGlite database in `dataDir` (no DATABASE_URL). */
export const embeddedDbSettings = (dataDir: string): DatabaseSettings => ({
  url: null,
  data_dir: dataDir,
  pool_size: 2,
  pool_overflow: 1,
  statement_timeout_ms: 30_000,
  connect_retries: 0,
});

/** What the service does on the embedded database: owns `dataDir` (migrated) and serves it on a loopback port. */
export async function serveEmbedded(
  dataDir: string,
): Promise<{ db: Database; server: EmbeddedServer; stop(): Promise<void> }> {
  const db = await openDatabase(embeddedDbSettings(dataDir));
  await migrate(db);
  const server = await serveEmbeddedDatabase(db, { port: 0 });
  return {
    db,
    server,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
