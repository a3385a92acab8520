/** Typed errors of the store layer. Messages never carry credentials (URLs are redacted first). */

/** A database or cache operation failed for a reason the caller may report as-is. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** A value handed to a repository is unusable: names the field and the reason. */
export class StoreInputError extends StoreError {
  constructor(
    /** Dotted path of the bad value, e.g. `trades[2].rank`. */
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'StoreInputError';
  }
}

/** Who holds an embedded data dir, as recorded in its lock file. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the holder took the lock. */
  since: string;
  /** The loopback wire-protocol endpoint the holder serves, when it serves one. */
  socket: { host: string; port: number } | null;
}

/** The embedded data dir is owned by another live process (PGlite allows exactly one owner). */
export class DataDirLockedError extends StoreError {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const served = holder.socket
      ? ` It serves the database at postgres://postgres@${holder.socket.host}:${holder.socket.port}/postgres (psql, pg_dump and \`options-engine db …\` can use that).`
      : '';
    super(
      `data dir ${dataDir} is in use by another options-engine process (pid ${holder.pid} on ${holder.host}, since ${holder.since}). ` +
        `Embedded PGlite allows one owner at a time; stop that process or set DATABASE_URL to a PostgreSQL server.${served}`,
    );
    this.name = 'DataDirLockedError';
  }
}

/** A migration could not be applied, or the applied history does not match the files. */
export class MigrationError extends StoreError {
  constructor(
    /** The migration version concerned, or null for the history as a whole. */
    readonly version: number | null,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}
