/** Input validation of the configuration layer: bounds, env var syntax, messages, YAML edge cases. */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_DIR, loadConfig } from '../../src/config/loadConfig.js';
import { cli } from '../helpers/cli.js';
import { errorOf, overrideDirs } from './helpers.js';

const overrideDir = overrideDirs('oe-validation-');

const settingsError = (yaml: string, env: Record<string, string> = {}) =>
  errorOf(() => loadConfig({ env, configDir: overrideDir(yaml) }));
const monitoringError = (yaml: string) =>
  errorOf(() => loadConfig({ env: {}, configDir: overrideDir('{}\n', yaml) }));

describe('durations that feed timers have an upper bound (Node timers overflow past 2^31−1 ms)', () => {
  it.each([
    ['execution:\n  scan_timeout_seconds: 1500000\n', 'execution.scan_timeout_seconds', 1500000],
    ['monitoring:\n  sample_interval_seconds: 2592000\n', 'monitoring.sample_interval_seconds', 2592000],
    ['monitoring:\n  metrics_window_seconds: 10000000000\n', 'monitoring.metrics_window_seconds', 1e10],
    ['api:\n  timeout: 3000000\n', 'api.timeout', 3000000],
    ['cache:\n  default_timeout: 100000\n', 'cache.default_timeout', 100000],
  ])('rejects %j, naming the key and the one-day bound', (yaml, keyPath, value) => {
    const e = settingsError(yaml);
    expect(e.keyPath).toBe(keyPath);
    expect(e.reason).toBe(`must be <= 86400, got ${value}`);
  });

  it('bounds alerts.cooldown_minutes and database.statement_timeout_ms at a day too', () => {
    const cooldown = settingsError('alerts:\n  cooldown_minutes: 50000\n');
    expect(cooldown.keyPath).toBe('alerts.cooldown_minutes');
    expect(cooldown.reason).toBe('must be <= 1440, got 50000');
    const statement = settingsError('database:\n  statement_timeout_ms: 3000000000\n');
    expect(statement.keyPath).toBe('database.statement_timeout_ms');
    expect(statement.reason).toBe('must be <= 86400000, got 3000000000');
  });

  it('bounds the scan interval to 1 minute – 1 day and the metrics sample to ≥ 1 s (0.0001 ran 595 scans in 20 s)', () => {
    for (const [yaml, keyPath, reason] of [
      ['execution:\n  interval_minutes: 0.0001\n', 'execution.interval_minutes', 'must be >= 1, got 0.0001'],
      [
        'execution:\n  interval_minutes: 100000000\n',
        'execution.interval_minutes',
        'must be <= 1440, got 100000000',
      ],
      [
        'monitoring:\n  sample_interval_seconds: 0.001\n',
        'monitoring.sample_interval_seconds',
        'must be >= 1, got 0.001',
      ],
    ]) {
      const e = settingsError(yaml);
      expect([e.keyPath, e.reason]).toEqual([keyPath, reason]);
    }
  });

  it('refuses an alert threshold outside its unit: a percentage beyond 0–100, a negative count', () => {
    const cpu = monitoringError(
      'alerts:\n  system:\n    cpu_usage: {threshold: 500, duration: 5m, severity: warning}\n',
    );
    expect(cpu.keyPath).toBe('alerts.system.cpu_usage.threshold');
    expect(cpu.reason).toBe('must be a percentage from 0 to 100, got 500');
    const disk = monitoringError(
      'alerts:\n  system:\n    low_disk: {metric: disk_usage, threshold: -1, duration: 5m, severity: warning}\n',
    );
    expect(disk.keyPath).toBe('alerts.system.low_disk.threshold');
    const scans = monitoringError(
      'alerts:\n  engine:\n    missed_scans: {threshold: -3, duration: 0s, severity: critical}\n',
    );
    expect(scans.reason).toBe('must be ≥ 0 (intervals), got -3');
  });

  it('refuses a config file that is a symbolic link to nothing (it was silently ignored)', () => {
    const dir = overrideDir('{}\n');
    symlinkSync('/nonexistent/monitoring.yaml', join(dir, 'monitoring.yaml'));
    const e = errorOf(() => loadConfig({ env: {}, configDir: dir }));
    expect(e.source).toBe(join(dir, 'monitoring.yaml'));
    expect(e.reason).toBe('is a symbolic link to /nonexistent/monitoring.yaml, which does not exist');
  });

  it('bounds constraints.max_dte at 1500 days (LEAPS reach about three years; 100000 was accepted)', () => {
    const e = settingsError('constraints:\n  max_dte: 100000\n');
    expect(e.keyPath).toBe('constraints.max_dte');
    expect(e.reason).toBe('must be <= 1500, got 100000');
  });

  it('accepts exactly one day', () => {
    const dir = overrideDir(
      'execution:\n  scan_timeout_seconds: 86400\nmonitoring:\n  sample_interval_seconds: 86400\n',
      'evaluation_interval: 24h\nalerts:\n  system:\n    cpu_usage:\n      duration: 1440m\n',
    );
    const { settings, monitoring } = loadConfig({ env: {}, configDir: dir });
    expect(settings.execution.scan_timeout_seconds).toBe(86400);
    expect(settings.monitoring.sample_interval_seconds).toBe(86400);
    expect(monitoring.evaluation_interval).toBe('24h');
  });

  it('rejects an evaluation_interval of 600h (it evaluated every millisecond), naming monitoring.yaml', () => {
    const e = monitoringError('evaluation_interval: 600h\n');
    expect(e.source).toMatch(/monitoring\.yaml$/);
    expect(e.keyPath).toBe('evaluation_interval');
    expect(e.reason).toBe('must be at most 24h, got "600h"');
  });

  it('rejects a rule duration above a day, naming the rule', () => {
    const e = monitoringError('alerts:\n  system:\n    cpu_usage:\n      duration: 25h\n');
    expect(e.keyPath).toBe('alerts.system.cpu_usage.duration');
    expect(e.reason).toBe('must be at most 24h, got "25h"');
  });
});

describe('environment variables', () => {
  it.each([
    ['OPTIONS_ENGINE_WATCHLIST', ',', 'trading.watchlist'],
    ['OPTIONS_ENGINE_WATCHLIST', ' , ,', 'trading.watchlist'],
    ['ALERT_EMAIL_TO', ',', 'alerts.email.to'],
  ])('refuses %s=%j, a list without items (it scanned the whole universe)', (name, value, keyPath) => {
    const e = errorOf(() => loadConfig({ env: { [name]: value } }));
    expect(e.source).toBe(`environment ${name}`);
    expect(e.keyPath).toBe(keyPath);
    expect(e.reason).toBe(
      `expected a comma-separated list of at least one item, got ${JSON.stringify(value)}`,
    );
  });

  it.each([
    ['PORT', '0x1F90', 'a decimal integer'],
    ['PORT', '1e3', 'a decimal integer'],
    ['PORT', '0b1111', 'a decimal integer'],
    ['DATABASE_POOL_SIZE', '0o17', 'a decimal integer'],
    ['CACHE_DEFAULT_TIMEOUT', '1e2', 'a decimal number'],
    ['API_TIMEOUT', '0x1E', 'a decimal number'],
    ['THREAD_POOL_SIZE', '0x10', 'a decimal integer or "auto"'],
  ])('refuses %s=%s: numbers in env vars are plain decimals', (name, value, what) => {
    const e = errorOf(() => loadConfig({ env: { [name]: value } }));
    expect(e.source).toBe(`environment ${name}`);
    expect(e.reason).toBe(`expected ${what}, got "${value}"`);
  });

  it('still takes signed and fractional decimals', () => {
    const { settings } = loadConfig({
      env: { PORT: '+8081', CACHE_DEFAULT_TIMEOUT: '12.5', API_TIMEOUT: ' 7 ' },
    });
    expect(settings.monitoring.port).toBe(8081);
    expect(settings.cache.default_timeout).toBe(12.5);
    expect(settings.api.timeout).toBe(7);
  });
});

describe('type messages', () => {
  it.each([
    ['trading:\n  max_trades: 2.5\n', 'trading.max_trades', 'must be an integer, got 2.5'],
    ['monitoring:\n  host: 127\n', 'monitoring.host', 'expected string, got 127'],
    ['execution:\n  market_hours_only: 1\n', 'execution.market_hours_only', 'expected boolean, got 1'],
    [
      'performance:\n  thread_pool_size: 2.5\n',
      'performance.thread_pool_size',
      'must be "auto" or an integer, got 2.5',
    ],
  ])('describes %j plainly (it said "must be a finite number")', (yaml, keyPath, reason) => {
    const e = settingsError(yaml);
    expect(e.keyPath).toBe(keyPath);
    expect(e.reason).toBe(reason);
  });

  it('states the allowed pattern of a record key', () => {
    const e = monitoringError(
      'alerts:\n  System:\n    cpu_usage: {threshold: 1, duration: 1m, severity: warning}\n',
    );
    expect(e.keyPath).toBe('alerts.System');
    expect(e.reason).toBe(
      'invalid key: must be lower-case letters, digits and _, starting with a letter (like cpu_usage), got "System"',
    );
  });
});

describe('${VAR} interpolation of a whole plain scalar', () => {
  it('reads the substituted text as YAML would: a number, a boolean, null', () => {
    const yaml =
      'trading:\n  nav: ${MY_NAV:-250000}\nexecution:\n  market_hours_only: ${MHO:-false}\n' +
      'providers:\n  fred:\n    api_key: ${FRED_KEY:-null}\n';
    const { settings } = loadConfig({ env: {}, configDir: overrideDir(yaml) });
    expect(settings.trading.nav).toBe(250000);
    expect(settings.execution.market_hours_only).toBe(false);
    expect(settings.providers.fred.api_key).toBeNull();
    const set = loadConfig({ env: { MY_NAV: '300000', MHO: 'true' }, configDir: overrideDir(yaml) });
    expect(set.settings.trading.nav).toBe(300000);
    expect(set.settings.execution.market_hours_only).toBe(true);
  });

  it('keeps strings: inside longer text, quoted, and secrets that look like numbers', () => {
    const yaml =
      'logging:\n  dir: /tmp/${SUB:-42}\ncache:\n  key_prefix: "${PREFIX}"\n' +
      'providers:\n  fred:\n    api_key: ${FRED_KEY}\napi:\n  token: ${TOKEN}\n';
    const { settings } = loadConfig({
      env: { PREFIX: '123', FRED_KEY: '12345678', TOKEN: 'true' },
      configDir: overrideDir(yaml),
    });
    expect(settings.logging.dir).toBe('/tmp/42');
    expect(settings.cache.key_prefix).toBe('123');
    expect(settings.providers.fred.api_key).toBe('12345678');
    expect(settings.api.token).toBe('true');
  });

  it('still names the file and key of a bad substituted value', () => {
    const dir = overrideDir('trading:\n  nav: ${MY_NAV:-250000}\n');
    const e = errorOf(() => loadConfig({ env: { MY_NAV: 'lots' }, configDir: dir }));
    expect(e.source).toBe(join(dir, 'settings.yaml'));
    expect(e.keyPath).toBe('trading.nav');
    expect(e.reason).toBe('expected number, got "lots"');
    const unset = settingsError('trading:\n  nav: ${NAV_NOT_SET}\n');
    expect(unset.keyPath).toBe('trading.nav');
    expect(unset.reason).toContain('NAV_NOT_SET');
  });
});

describe('YAML that fails while it is converted', () => {
  it.each([
    ['an alias of no anchor', 'trading:\n  nav: *nope\n', /^invalid YAML: Unresolved alias.*nope$/],
    [
      'an alias bomb',
      'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n' +
        'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
      /^invalid YAML: .*resource exhaustion/,
    ],
  ])('rejects %s as a config error naming the file', (_name, yaml, reason) => {
    const dir = overrideDir(yaml);
    const e = errorOf(() => loadConfig({ env: {}, configDir: dir }));
    expect(e.source).toBe(join(dir, 'settings.yaml'));
    expect(e.keyPath).toBe('');
    expect(e.reason).toMatch(reason);
  });

  it.each([
    ['a: &a [*a]\n', 'a.0'],
    ['trading: &t\n  nav: 100000\n  self: *t\n', 'trading.self'],
  ])(
    'rejects a recursive alias %j naming the file and the key (the stack overflowed: exit 1)',
    (yaml, key) => {
      const dir = overrideDir(yaml);
      const e = errorOf(() => loadConfig({ env: {}, configDir: dir }));
      expect(e.source).toBe(join(dir, 'settings.yaml'));
      expect(e.keyPath).toBe(key);
      expect(e.reason).toBe('invalid YAML: a recursive alias (the value contains itself)');
    },
  );

  it('config check exits 2 naming the file of an unresolved alias (it exited 1 with a generic error)', async () => {
    const dir = overrideDir('trading:\n  nav: *nope\n');
    const r = await cli(['config', 'check'], { OPTIONS_ENGINE_CONFIG_DIR: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'settings.yaml')}: invalid YAML: Unresolved alias`);
  });
});

describe('paths and the listen address', () => {
  it.each([
    ['database:\n  data_dir: "   "\n', 'database.data_dir'],
    ['logging:\n  dir: " "\n', 'logging.dir'],
    ['backup:\n  dir: "\\t"\n', 'backup.dir'],
  ])('refuses a blank directory %j', (yaml, keyPath) => {
    const e = settingsError(yaml);
    expect(e.keyPath).toBe(keyPath);
    expect(e.reason).toBe('must not be empty');
  });

  it.each(['bad host!', '999.1.1.1', '1.2.3', '-host', 'a..b', '[::1]', 'host_name'])(
    'refuses monitoring.host %j, naming the key',
    (host) => {
      const e = settingsError(`monitoring:\n  host: ${JSON.stringify(host)}\n`);
      expect(e.keyPath).toBe('monitoring.host');
      expect(e.reason).toBe(
        `must be an IPv4 address, an IPv6 address or a host name (letters, digits, - and .), got ${JSON.stringify(host)}`,
      );
    },
  );

  it('accepts IPv4, IPv6 and host names for monitoring.host', () => {
    for (const host of [
      '0.0.0.0',
      '127.0.0.1',
      '::',
      '::1',
      'fe80::1',
      'localhost',
      'api.example.com',
      'my-host',
    ]) {
      const dir = overrideDir(`monitoring:\n  host: ${JSON.stringify(host)}\n`);
      expect(loadConfig({ env: {}, configDir: dir }).settings.monitoring.host).toBe(host);
    }
  });
});

describe('sources of monitoring.yaml keys', () => {
  it('lists them prefixed monitoring:, beside the settings keys', () => {
    const dir = overrideDir('{}\n', 'evaluation_interval: 30s\n');
    const { sources } = loadConfig({ env: { PORT: '9090' }, configDir: dir });
    expect(sources['monitoring:evaluation_interval']).toBe(join(dir, 'monitoring.yaml'));
    expect(sources['monitoring:alerts.system.cpu_usage.threshold']).toBe(
      join(DEFAULT_CONFIG_DIR, 'monitoring.yaml'),
    );
    expect(sources['monitoring.port']).toBe('environment PORT');
  });

  it('config check --sources shows them', async () => {
    const dir = overrideDir('{}\n', 'evaluation_interval: 30s\n');
    const r = await cli(['config', 'check', '--json', '--sources'], { OPTIONS_ENGINE_CONFIG_DIR: dir });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { sources: Record<string, string> };
    expect(doc.sources['monitoring:evaluation_interval']).toBe(join(dir, 'monitoring.yaml'));
  });
});
