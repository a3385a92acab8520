/**
 * Which failed database calls are connection failures — the call never reached a working session — as
 * opposed to a statement the server refused (a constraint, a timeout, a bad value, a bug's SQL). The
 * `connection_errors` alert counts only these: a DBA reads it as "the service cannot talk to PostgreSQL".
 */

/** Socket-level errors of Node (and the AggregateError of a dual-stack connect, which carries the same code). */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * SQLSTATEs of a session that could not be had or was lost (PostgreSQL Appendix A): class 08 connection
 * exception, 28 invalid authorization, 3D000 no such database, 53300 too many connections, 57P01–57P03
 * shutdown / crash / not yet accepting connections.
 */
function isConnectionSqlState(code: string): boolean {
  return (
    code.startsWith('08') ||
    code.startsWith('28') ||
    code === '3D000' ||
    code === '53300' ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03'
  );
}

/** node-postgres reports a lost or unobtainable connection by message only. */
const PG_MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|not queryable|cannot use a pool after calling end/i;

/** The error's `code` (SQLSTATE or Node system error code), if it has one. */
export function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && e.code !== undefined
    ? String((e as { code: unknown }).code)
    : undefined;
}

/** True when `e` (or an error in its `cause` chain) says the database could not be reached or the session was lost. */
export function isConnectionError(e: unknown): boolean {
  for (let err = e, depth = 0; err !== undefined && err !== null && depth < 5; depth++) {
    const code = errorCode(err);
    if (code !== undefined && (SOCKET_CODES.has(code) || isConnectionSqlState(code))) return true;
    if (err instanceof Error && PG_MESSAGES.test(err.message)) return true;
    err = err instanceof Error ? err.cause : undefined;
  }
  return false;
}
