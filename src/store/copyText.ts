/**
 * Encoding for PostgreSQL's COPY text format: columns separated by tabs, rows ended by `\n`,
 * NULL written as `\N`, and backslash, tab, newline and carriage return escaped.
 */

/** The NULL marker of COPY text format. */
export const COPY_NULL = '\\N';

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A text value (null → `\N`). */
export function copyText(v: string | null | undefined): string {
  if (v === null || v === undefined) return COPY_NULL;
  return NEEDS_ESCAPE.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : v;
}

/** A float: NaN and ±Infinity become NULL (missing), as the market types use NaN for "none". */
export function copyFloat(x: number): string {
  return Number.isFinite(x) ? String(x) : COPY_NULL;
}

/** A count (volume, open interest): rounded to an integer; non-finite → NULL. */
export function copyCount(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x)) : COPY_NULL;
}

/** An epoch-ms instant as an ISO timestamp with zone; non-finite → NULL. */
export function copyTimestamp(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : COPY_NULL;
}

/**
 * Groups encoded lines into chunks of roughly `targetChars` characters, so that the driver sends
 * a few large writes instead of one per row.
 */
export function* chunkLines(lines: Iterable<string>, targetChars = 1 << 16): Generator<string> {
  let parts: string[] = [];
  let size = 0;
  for (const line of lines) {
    parts.push(line);
    size += line.length;
    if (size >= targetChars) {
      yield parts.join('');
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield parts.join('');
}
