/**
 * Reads the service's log files (`<log dir>/app.log` and logrotate's rotations, `app.log.1` and the gzipped
 * `app.log.2.gz`…)
 * in the guide's line format `2026-11-25 11:30:02,433 [ERROR] options_engine.api: message k=v`
 * (local time, as logLine.ts writes it). Lines that do not start with a timestamp (stack traces)
 * belong to the line before.
 */
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

export interface LogEntry {
  /** Epoch ms (the line's local time). */
  time: number;
  level: string;
  component: string;
  message: string;
  file: string;
  raw: string;
}

const LINE_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),(\d{3}) \[([A-Z]+)\] (\S+?): (.*)$/;

export function parseLogLine(line: string, file = ''): LogEntry | null {
  const m = LINE_RE.exec(line);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms, level, component, message] = m;
  const time = new Date(+y, +mo - 1, +d, +h, +mi, +s, +ms).getTime();
  return { time, level, component, message, file, raw: line };
}

/**
 * `app.log` and its rotations (`app.log.1`, `app.log-20261124`, and the gzipped `app.log.2.gz` that logrotate's
 * `compress` + `delaycompress` leave from the second day on — a weekly review reads them too), oldest first.
 */
export function logFiles(dir: string, base = 'app.log'): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n === base || n.startsWith(`${base}.`) || n.startsWith(`${base}-`))
    .map((n) => join(dir, n))
    .filter((f) => statSync(f).isFile())
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
}

/** The lines of a log file; a `.gz` file is read through gunzip. */
export function logFileLines(file: string): AsyncIterable<string> {
  const raw = createReadStream(file);
  let input: NodeJS.ReadableStream = raw;
  if (file.endsWith('.gz')) {
    const gunzip = createGunzip();
    raw.on('error', (e) => gunzip.destroy(e));
    input = raw.pipe(gunzip);
  }
  input.setEncoding('utf8');
  return createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
}

/**
 * Every entry at or after `since` (epoch ms) of the given files; also counts unparsable lines. A damaged archive
 * ends its file's entries where it breaks.
 */
export async function readLogEntries(
  files: readonly string[],
  since: number,
): Promise<{ entries: LogEntry[]; unparsed: number; lines: number }> {
  const entries: LogEntry[] = [];
  let unparsed = 0;
  let lines = 0;
  for (const file of files) {
    if (statSync(file).mtimeMs < since) continue;
    let last: LogEntry | null = null;
    try {
      for await (const line of logFileLines(file)) {
        lines++;
        const e = parseLogLine(line, file);
        if (e) {
          last = e.time >= since ? e : null;
          if (last) entries.push(last);
        } else if (line.trim() !== '') {
          if (last) last.raw += `\n${line}`;
          else unparsed++;
        }
      }
    } catch {
      // a truncated or corrupt .gz: what was read stands (security-audit reports unreadable files)
    }
  }
  return { entries, unparsed, lines };
}

/** A message with ids, numbers and quoted values blanked, so that repeats group together. */
export function messageShape(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\b\d+(\.\d+)?\b/g, 'N')
    .slice(0, 160);
}
