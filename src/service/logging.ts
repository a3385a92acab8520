/**
 * pino logging to the guide's files: `app.log` (the configured level and up) and `error.log`
 * (ERROR and up), one line per event; optionally JSON lines on stdout. Every line passes through a
 * scrubber that replaces known secret values, and pino redacts secret-named keys, so secrets never
 * reach a log line.
 */
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { ensureDir } from '../store/ensureDir.js';
import { formatLogLine, type LogRecord } from './logLine.js';

export interface LoggingOptions {
  level: string;
  dir: string;
  jsonStdout: boolean;
  /** Raw secret strings to scrub from every line (see config/secrets.ts `secretValues`). */
  secrets: string[];
}

export interface LogHandle {
  logger: Logger;
  /** Re-opens the files (after logrotate moved them; the service calls it on SIGHUP / SIGUSR2). */
  reopen(): void;
  /** Flushes and closes the files. */
  close(): Promise<void>;
  /**
   * Adds secret values to scrub (a SIGHUP reload can bring a new token or key; the old ones stay scrubbed, as
   * lines about them may still be on their way).
   */
  addSecrets(secrets: string[]): void;
}

/** Secret-named keys pino censors wherever they appear (top level and one level down). */
const REDACT_KEYS = ['api_key', 'apiKey', 'password', 'token', 'secret', 'authorization', 'webhook_url'];
export const REDACT_PATHS = [
  ...REDACT_KEYS,
  ...REDACT_KEYS.map((k) => `*.${k}`),
  'req.headers.authorization',
  'headers.authorization',
];

export function makeScrubber(secrets: string[]): (line: string) => string {
  const list = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  if (list.length === 0) return (line) => line;
  return (line) => {
    let out = line;
    for (const s of list) if (out.includes(s)) out = out.split(s).join('****');
    return out;
  };
}

type SonicBoom = ReturnType<typeof pino.destination>;

class TextStream {
  constructor(
    private readonly dest: SonicBoom,
    private readonly scrub: (s: string) => string,
  ) {}
  write(chunk: string): void {
    this.dest.write(this.scrub(formatLogLine(JSON.parse(chunk) as LogRecord)));
  }
}

class JsonStream {
  constructor(
    private readonly dest: SonicBoom,
    private readonly scrub: (s: string) => string,
  ) {}
  write(chunk: string): void {
    this.dest.write(this.scrub(chunk));
  }
}

/** The longest close() waits for a log file to flush and close, ms. */
const CLOSE_TIMEOUT_MS = 5000;

export function createLogging(opts: LoggingOptions): LogHandle {
  ensureDir(opts.dir);
  let known = [...opts.secrets];
  let scrubber = makeScrubber(known);
  const scrub = (line: string) => scrubber(line);
  const app = pino.destination({ dest: join(opts.dir, 'app.log'), append: true, mkdir: true, sync: false });
  const error = pino.destination({
    dest: join(opts.dir, 'error.log'),
    append: true,
    mkdir: true,
    sync: false,
  });
  const files = [app, error];
  // A log file that cannot be written (a full file system) said nothing and, with no listener, its 'close' came
  // before close() waited for it: scan and serve hung at exit. Now one line on stderr, and close() returns.
  const failed = new Set<SonicBoom>();
  for (const f of files)
    f.on('error', (e: Error) => {
      if (failed.size === 0)
        process.stderr.write(
          `options-engine: cannot write the log in ${opts.dir} (${e.message}); log lines are lost until it can\n`,
        );
      failed.add(f);
    });
  const level = opts.level === 'silent' ? 'fatal' : opts.level;
  const streams: pino.StreamEntry[] = [
    { level: level as pino.Level, stream: new TextStream(app, scrub) },
    { level: 'error', stream: new TextStream(error, scrub) },
  ];
  let stdout: SonicBoom | undefined;
  if (opts.jsonStdout) {
    stdout = pino.destination({ fd: 1, sync: false });
    streams.push({ level: level as pino.Level, stream: new JsonStream(stdout, scrub) });
  }
  const logger = pino(
    {
      level: opts.level,
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '****' },
      serializers: { err: pino.stdSerializers.err },
    },
    pino.multistream(streams),
  );
  return {
    logger,
    addSecrets: (secrets) => {
      const next = [...new Set([...known, ...secrets])];
      if (next.length === known.length) return;
      known = next;
      scrubber = makeScrubber(known);
    },
    reopen: () => {
      for (const f of files) f.reopen();
    },
    close: () =>
      Promise.all(
        files.map(
          (f) =>
            new Promise<void>((resolve) => {
              if (failed.has(f) || (f as unknown as { destroyed?: boolean }).destroyed) return resolve();
              const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
              const done = () => {
                clearTimeout(timer);
                resolve();
              };
              f.once('close', done);
              f.once('error', done);
              try {
                f.end();
              } catch {
                done();
              }
            }),
        ),
      ).then(() => {
        stdout?.flushSync();
      }),
  };
}
