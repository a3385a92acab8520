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

/**
 * One physical line of printable text: newlines become `\n`, and every other control character (a lone CR, which
 * readline also splits on, ESC of ANSI sequences, DEL, NEL, the Unicode line and paragraph separators) becomes a
 * `\uXXXX` escape — a value must not be able to forge a second log line or rewrite the terminal.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it must find
const CONTROL = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/g;
const oneLine = (s: string) =>
  s.replace(/\r?\n/g, '\\n').replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

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
  /** An Error (pino serialises it to type/message/stack), or a plain reason string. */
  err?: { type?: string; message?: string } | string;
  [key: string]: unknown;
}

export function formatLogLine(rec: LogRecord): string {
  const level = LEVEL_NAMES[rec.level] ?? `LEVEL${rec.level}`;
  const component = rec.component ? `options_engine.${rec.component}` : 'options_engine';
  let msg = rec.msg ?? '';
  // `err` as a string (`{ err: e.message }`, as many call sites log it) is the reason too: it was dropped
  const reason = typeof rec.err === 'string' ? rec.err : rec.err?.message;
  if (reason && !msg.includes(reason)) msg = msg ? `${msg}: ${reason}` : reason;
  const extras = Object.entries(rec)
    .filter(([k, v]) => !RESERVED.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${fieldText(v)}`)
    .join(' ');
  return `${asctime(rec.time)} [${level}] ${component}: ${oneLine(msg)}${extras ? ` ${oneLine(extras)}` : ''}\n`;
}
