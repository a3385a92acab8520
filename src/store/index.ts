/**
 * store/: one database interface over PostgreSQL (`pg`) and embedded PGlite, SQL migrations,
 * repositories, bulk ingest, and the cache over Redis or memory. Driver types stay inside.
 */
export { tryAdvisoryLock } from './advisoryLock.js';
export * from './alertsRepo.js';
export * from './apiCallsRepo.js';
export * from './baselinesRepo.js';
export * from './cache.js';
export { acquireDataDirLock, type DataDirLock, LOCK_FILE, readDataDirLock } from './dataDirLock.js';
export type {
  AdvisoryLock,
  CopyFormat,
  Database,
  DatabaseEngine,
  JsonObject,
  JsonValue,
  Queryable,
  QueryResult,
  SqlParam,
  StoreLogger,
} from './db.js';
export * from './errors.js';
export * from './latestChain.js';
export * from './maintenance.js';
export * from './marketDataRepo.js';
export * from './metricsSamplesRepo.js';
export {
  defaultMigrationsDir,
  loadMigrations,
  type MigrateOptions,
  type MigrateResult,
  type Migration,
  type MigrationState,
  type MigrationStatus,
  type MigrationStatusEntry,
  migrate,
  migrationStatus,
} from './migrate.js';
export { type DatabaseSettings, type OpenDatabaseOptions, openDatabase, pgliteDir } from './openDatabase.js';
export {
  countOptionSnapshots,
  dropExpiredOptionPartitions,
  type IngestResult,
  ingestOptionSnapshots,
  listOptionPartitions,
  type OptionPartition,
  type OptionSnapshots,
} from './optionsRepo.js';
export { type EmbeddedServer, type EmbeddedServerOptions, serveEmbeddedDatabase } from './pgliteSocket.js';
export { type SaveScanResult, saveScan } from './saveScan.js';
export * from './scanStarts.js';
export * from './scansRepo.js';
export * from './tradesRepo.js';
