import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { secretValues } from '../../src/config/secrets.js';
import { createLogging } from '../../src/service/logging.js';
import { asctime, formatLogLine } from '../../src/service/logLine.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('oe-log-');
/** The guide's format: `2026-11-25 11:21:58,123 [ERROR] options_engine.<component>: <message>`. */
const LINE =
  /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} \[(DEBUG|INFO|WARNING|ERROR|CRITICAL)\] options_engine(\.[a-z_.]+)?: .*$/;

describe('formatLogLine', () => {
  it('writes the guide format with the component and level name', () => {
    const t = new Date(2026, 10, 25, 11, 21, 58, 123).getTime();
    expect(asctime(t)).toBe('2026-11-25 11:21:58,123');
    const line = formatLogLine({ level: 50, time: t, component: 'api', msg: 'Tradier request failed' });
    expect(line).toBe('2026-11-25 11:21:58,123 [ERROR] options_engine.api: Tradier request failed\n');
  });

  it('escapes a lone CR, ANSI escapes and Unicode line separators (a value could forge a second line)', () => {
    const line = formatLogLine({
      level: 30,
      time: Date.now(),
      msg: 'x\r2026-12-07 03:00:00,000 [CRITICAL] options_engine.db: forged\u001b[2K',
      note: 'a\u2028b',
    });
    expect(line.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/)).toHaveLength(2); // the line and the final ""
    expect(line).toContain('x\\u000d2026-12-07');
    expect(line).toContain('forged\\u001b[2K');
    expect([...line.slice(0, -1)].every((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)).toBe(
      true,
    );
  });

  it('appends an err given as a plain string (it was dropped)', () => {
    const line = formatLogLine({
      level: 50,
      time: Date.now(),
      msg: 'metrics sample could not be stored',
      err: 'disk full',
    });
    expect(line).toContain('metrics sample could not be stored: disk full');
  });

  it('keeps one event on one line and appends the error message and fields', () => {
    const line = formatLogLine({
      level: 40,
      time: Date.now(),
      component: 'scan',
      msg: 'slow stage\nsecond line',
      err: { type: 'Error', message: 'boom' },
      stage: 'collect',
      ms: 1234,
    });
    expect(line.trimEnd().split('\n')).toHaveLength(1);
    expect(line.trimEnd()).toMatch(LINE);
    expect(line).toContain(
      '[WARNING] options_engine.scan: slow stage\\nsecond line: boom stage=collect ms=1234',
    );
  });
});

describe('createLogging', () => {
  it('writes INFO and up to app.log and ERROR and up to error.log', async () => {
    const dir = join(tmp.dir, 'levels');
    const h = createLogging({ level: 'info', dir, jsonStdout: false, secrets: [] });
    const log = h.logger.child({ component: 'db' });
    log.debug('not written');
    log.info('connected');
    log.warn('query slow');
    log.error({ err: new Error('connection refused') }, 'postgres connection error');
    await h.close();
    const app = readFileSync(join(dir, 'app.log'), 'utf8').trimEnd().split('\n');
    const error = readFileSync(join(dir, 'error.log'), 'utf8').trimEnd().split('\n');
    expect(app).toHaveLength(3);
    for (const l of app) expect(l).toMatch(LINE);
    expect(app[1]).toContain('[WARNING] options_engine.db: query slow');
    expect(error).toHaveLength(1);
    expect(error[0]).toContain('[ERROR] options_engine.db: postgres connection error: connection refused');
    // The guide's summary: grep "ERROR" app.log | cut -d' ' -f4-
    const cut = execFileSync('bash', ['-c', `grep "ERROR" ${join(dir, 'app.log')} | cut -d' ' -f4-`], {
      encoding: 'utf8',
    });
    expect(cut.trim()).toMatch(/^options_engine\.db: postgres connection error: connection refused$/);
  });

  it('never writes an API key taken from the environment to a log file', async () => {
    const key = 'tk_live_9f8e7d6c5b4a39281706';
    const dbPassword = 's3cr3t-pa55';
    const { settings } = loadConfig({
      env: {
        TRADIER_API_KEY: key,
        DATABASE_URL: `postgres://engine:${dbPassword}@127.0.0.1:5432/options_engine`,
      },
    });
    const dir = join(tmp.dir, 'secrets');
    const h = createLogging({ level: 'debug', dir, jsonStdout: false, secrets: secretValues(settings) });
    const log = h.logger.child({ component: 'tradier' });
    log.info(`calling https://api.tradier.com/v1/markets/quotes with Bearer ${key}`);
    log.error({ err: new Error(`401 for token ${key}`) }, 'auth failed');
    log.info({ api_key: key, headers: { authorization: `Bearer ${key}` } }, 'request options');
    log.info({ config: settings.providers.tradier }, 'provider config');
    log.warn({ url: settings.database.url }, 'database slow');
    await h.close();
    const text = readFileSync(join(dir, 'app.log'), 'utf8') + readFileSync(join(dir, 'error.log'), 'utf8');
    expect(text.split('\n').filter(Boolean).length).toBe(6);
    expect(text).not.toContain(key);
    expect(text).not.toContain(key.slice(0, 12));
    expect(text).not.toContain(dbPassword);
    expect(text).toContain('****');
  });

  it('scrubs the secrets a reload brings as well as the old ones (the scrubber knew only the start-up values)', async () => {
    const dir = join(tmp.dir, 'reloaded');
    const h = createLogging({ level: 'info', dir, jsonStdout: false, secrets: ['tok-OLD-123456'] });
    h.addSecrets(['tok-NEW-654321']);
    h.logger.info('old token tok-OLD-123456 and new token tok-NEW-654321');
    await h.close();
    const text = readFileSync(join(dir, 'app.log'), 'utf8');
    expect(text).toContain('old token **** and new token ****');
  });

  it('reopens its files after logrotate moved them', async () => {
    const dir = join(tmp.dir, 'rotate');
    const h = createLogging({ level: 'info', dir, jsonStdout: false, secrets: [] });
    h.logger.info('before');
    h.logger.flush();
    await new Promise((r) => setTimeout(r, 50));
    execFileSync('mv', [join(dir, 'app.log'), join(dir, 'app.log.1')]);
    h.reopen();
    await new Promise((r) => setTimeout(r, 50));
    h.logger.info('after');
    await h.close();
    expect(readFileSync(join(dir, 'app.log.1'), 'utf8')).toContain('before');
    expect(existsSync(join(dir, 'app.log'))).toBe(true);
    expect(readFileSync(join(dir, 'app.log'), 'utf8')).toContain('after');
  });
});

describe('a log file that cannot be written', () => {
  it('says so once on stderr and close() still returns (a full file system hung scan and serve at exit)', async () => {
    const dir = join(tmp.dir, 'full');
    mkdirSync(dir, { recursive: true });
    symlinkSync('/dev/full', join(dir, 'app.log')); // every write: ENOSPC, as on a full file system
    const said: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      said.push(String(chunk));
      return true;
    });
    try {
      const log = createLogging({ level: 'info', dir, jsonStdout: false, secrets: [] });
      for (let i = 0; i < 50; i++) log.logger.info({ i }, 'a line that cannot be written');
      await new Promise((r) => setTimeout(r, 50));
      const closed = await Promise.race([
        log.close().then(() => 'closed'),
        new Promise((r) => setTimeout(() => r('hung'), 8000)),
      ]);
      expect(closed).toBe('closed');
    } finally {
      spy.mockRestore();
    }
    const warnings = said.filter((l) => l.includes('cannot write the log'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(dir);
    expect(warnings[0]).toMatch(/ENOSPC|no space/i);
  });
});
