/**
 * One pino JSON record → one text line in the operations guide's format:
 * `2026-11-25 11:21:58,123 [ERROR] options_engine.<component>: <message> key=value …`
 * (Python logging's asctime, local time, so that `grep "$(date +%Y-%m-%d)"` works on the host).
 */

export const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARNING',
  50: 'ERROR',
  60: 'CRITICAL',
};

/** Keys of a pino record that the line shows in its fixed part, or never. */
const RESERVED = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'component', 'err', 'name', 'v']);

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DD HH:MM:SS,mmm` in local time. */
export function asctime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`;
}

const oneLine = (s: string) => s.replace(/\r?\n/g, '\\n');

function fieldText(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 300 ? `${s.slice(0, 297)}...` : s;
}

export interface LogRecord {
  level: number;
  time: number;
  msg?: string;
  component?: string;
  err?: { type?: string; message?: string };
  [key: string]: unknown;
}

export function formatLogLine(rec: LogRecord): string {
  const level = LEVEL_NAMES[rec.level] ?? `LEVEL${rec.level}`;
  const component = rec.component ? `options_engine.${rec.component}` : 'options_engine';
  let msg = rec.msg ?? '';
  if (rec.err?.message && !msg.includes(rec.err.message)) {
    msg = msg ? `${msg}: ${rec.err.message}` : rec.err.message;
  }
  const extras = Object.entries(rec)
    .filter(([k, v]) => !RESERVED.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${fieldText(v)}`)
    .join(' ');
  return `${asctime(rec.time)} [${level}] ${component}: ${oneLine(msg)}${extras ? ` ${oneLine(extras)}` : ''}\n`;
}
