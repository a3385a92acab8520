/**
 * `ops log-analysis [--hours 24]`: the guide's log routine over the last N hours — error summary
 * grouped and counted, slow/timeout/memory warnings, API errors, database errors. The guide's
 * `grep "$(date -d '24 hours ago' +%Y-%m-%d)"` only matched lines of yesterday's date (none of
 * today's); here the window is a real time range.
 */
import { type LogEntry, logFiles, messageShape, readLogEntries } from './logFiles.js';
import { section, textTable } from './text.js';

export interface LogGroup {
  component: string;
  shape: string;
  count: number;
  lastSeen: string;
  example: string;
}

export interface LogAnalysisReport {
  dir: string;
  files: string[];
  from: string;
  to: string;
  lines: number;
  byLevel: Record<string, number>;
  errors: LogGroup[];
  performanceWarnings: LogGroup[];
  apiErrors: LogGroup[];
  databaseErrors: LogGroup[];
}

const ERROR_LEVELS = new Set(['ERROR', 'CRITICAL']);
const WARN_UP = new Set(['WARNING', 'ERROR', 'CRITICAL']);
const PERF_RE = /slow|timeout|timed out|memory|event.loop/i;
const API_RE = /\b(api|provider|tradier|yahoo|fred|quiver|http)\b|circuit/i;
const DB_RE = /database|postgres|pglite|connection|query|sql|\bdb\b/i;

function group(entries: readonly LogEntry[]): LogGroup[] {
  const m = new Map<string, LogGroup>();
  for (const e of entries) {
    const shape = messageShape(e.message);
    const key = `${e.component}\u0000${shape}`;
    const g = m.get(key) ?? { component: e.component, shape, count: 0, lastSeen: '', example: '' };
    g.count++;
    g.lastSeen = new Date(e.time).toISOString();
    g.example = e.message.slice(0, 300);
    m.set(key, g);
  }
  return [...m.values()].sort((a, b) => b.count - a.count || b.lastSeen.localeCompare(a.lastSeen));
}

export async function logAnalysis(
  dir: string,
  opts: { hours: number; now?: number },
): Promise<LogAnalysisReport> {
  const to = opts.now ?? Date.now();
  const from = to - opts.hours * 3_600_000;
  const files = logFiles(dir);
  const { entries, lines } = await readLogEntries(files, from);
  const inWindow = entries.filter((e) => e.time <= to);
  const byLevel: Record<string, number> = {};
  for (const e of inWindow) byLevel[e.level] = (byLevel[e.level] ?? 0) + 1;
  const text = (e: LogEntry) => `${e.component} ${e.message}`;
  return {
    dir,
    files,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    lines,
    byLevel,
    errors: group(inWindow.filter((e) => ERROR_LEVELS.has(e.level))),
    performanceWarnings: group(inWindow.filter((e) => e.level === 'WARNING' && PERF_RE.test(e.message))),
    apiErrors: group(inWindow.filter((e) => WARN_UP.has(e.level) && API_RE.test(text(e)))),
    databaseErrors: group(inWindow.filter((e) => ERROR_LEVELS.has(e.level) && DB_RE.test(text(e)))),
  };
}

function groupTable(gs: readonly LogGroup[], limit = 10): string {
  if (gs.length === 0) return '(none)';
  return textTable(
    ['Count', 'Last seen (UTC)', 'Component', 'Message'],
    gs
      .slice(0, limit)
      .map((g) => [g.count, g.lastSeen.slice(0, 19).replace('T', ' '), g.component, g.example.slice(0, 100)]),
  );
}

export function renderLogAnalysis(r: LogAnalysisReport): string {
  if (r.files.length === 0) return `No log files in ${r.dir} (expected app.log)\n`;
  const levels = Object.entries(r.byLevel)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `Log analysis ${r.from.slice(0, 16)} .. ${r.to.slice(0, 16)} UTC, ${r.files.length} file(s) in ${r.dir}`,
    `Entries by level: ${levels || 'none'}\n`,
    section('Error summary', groupTable(r.errors, 20)),
    section('Performance warnings (slow / timeout / memory)', groupTable(r.performanceWarnings)),
    section('API errors', groupTable(r.apiErrors)),
    section('Database errors', groupTable(r.databaseErrors)),
  ].join('\n');
}
