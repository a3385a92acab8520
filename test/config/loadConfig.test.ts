import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { errorOf, overrideDirs } from './helpers.js';

const tmp = tempDir();
let n = 0;
const overrideDir = overrideDirs('oe-config-');

describe('loadConfig', () => {
  it('accepts the shipped defaults with the values the guide and issues prescribe', () => {
    const { settings, monitoring } = loadConfig({ env: {} });
    expect(settings.trading).toMatchObject({ nav: 100000, available_capital: 5000, max_trades: 5 });
    expect(settings.constraints).toMatchObject({
      min_pop: 0.65,
      min_credit_ratio: 0.33,
      max_loss_per_trade: 500,
      min_dte: 15,
      max_dte: 45,
      max_quote_age_seconds: 600,
      max_trades_per_sector: 2,
    });
    expect(settings.database).toMatchObject({ url: null, pool_size: 20, pool_overflow: 30 });
    expect(settings.cache).toMatchObject({ default_timeout: 300, threshold: 500 });
    expect(settings.api).toMatchObject({ timeout: 30, retry_count: 3, batch_size: 100 });
    expect(settings.monitoring.port).toBe(8080);
    expect(settings.providers.tradier.rate_limit_per_minute).toBe(120);
    expect(settings.performance.thread_pool_size).toBeGreaterThanOrEqual(5);
    expect(settings.performance.thread_pool_size).toBeLessThanOrEqual(32);
    expect(monitoring.alerts.system.memory_usage).toEqual({
      threshold: 90,
      duration: '5m',
      severity: 'critical',
    });
    expect(monitoring.alerts.database.connection_errors.severity).toBe('critical');
  });

  it('layers file defaults < config dir < environment < flags, recording each source', () => {
    const dir = overrideDir('logging:\n  level: warn\ntrading:\n  nav: 200000\n');
    const env = { LOG_LEVEL: 'error', OPTIONS_ENGINE_CONFIG_DIR: dir };
    const fromEnv = loadConfig({ env });
    expect(fromEnv.settings.trading.nav).toBe(200000);
    expect(fromEnv.settings.trading.available_capital).toBe(5000);
    expect(fromEnv.settings.logging.level).toBe('error');
    expect(fromEnv.sources['trading.nav']).toBe(join(dir, 'settings.yaml'));
    expect(fromEnv.sources['logging.level']).toBe('environment LOG_LEVEL');
    const fromFlag = loadConfig({
      env,
      overrides: [{ path: 'logging.level', value: 'debug', source: 'flag --log-level' }],
    });
    expect(fromFlag.settings.logging.level).toBe('debug');
    expect(fromFlag.sources['logging.level']).toBe('flag --log-level');
  });

  it('maps the deployment environment variables onto typed settings', () => {
    const { settings } = loadConfig({
      env: {
        TRADIER_API_KEY: 'abcd1234',
        TRADIER_SANDBOX: 'true',
        DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/test',
        REDIS_URL: 'redis://127.0.0.1:6379',
        PORT: '9090',
        CACHE_THRESHOLD: '800',
        ALERT_EMAIL_TO: 'a@example.com, b@example.com',
        THREAD_POOL_SIZE: '7',
        OPTIONS_ENGINE_WATCHLIST: 'aapl,msft',
        DATA_DIR: '/tmp/x',
      },
    });
    expect(settings.providers.tradier).toMatchObject({ api_key: 'abcd1234', sandbox: true });
    expect(settings.database.url).toBe('postgres://u:p@127.0.0.1:5432/test');
    expect(settings.database.data_dir).toBe('/tmp/x');
    expect(settings.cache.redis_url).toBe('redis://127.0.0.1:6379');
    expect(settings.monitoring.port).toBe(9090);
    expect(settings.cache.threshold).toBe(800);
    expect(settings.alerts.email.to).toEqual(['a@example.com', 'b@example.com']);
    expect(settings.performance.thread_pool_size).toBe(7);
    expect(settings.trading.watchlist).toEqual(['AAPL', 'MSFT']);
  });

  it('treats an empty environment variable as unset', () => {
    const { settings } = loadConfig({ env: { TRADIER_API_KEY: '', PORT: '' } });
    expect(settings.providers.tradier.api_key).toBeNull();
    expect(settings.monitoring.port).toBe(8080);
  });

  it('interpolates ${VAR} and ${VAR:-default} from the environment', () => {
    const dir = overrideDir(
      'providers:\n  fred:\n    api_key: ${MY_FRED}\nlogging:\n  dir: ${LOGS_HERE:-/tmp/fallback}\n  level: "$${literal}"\n',
    );
    const e = errorOf(() => loadConfig({ env: { MY_FRED: 'fredkey123' }, configDir: dir }));
    // "$${literal}" is escaped to the literal text "${literal}", which is not a log level.
    expect(e.keyPath).toBe('logging.level');
    expect(e.reason).toContain('${literal}');
    const ok = overrideDir(
      'providers:\n  fred:\n    api_key: ${MY_FRED}\nlogging:\n  dir: ${LOGS_HERE:-/tmp/fb}\n',
    );
    const { settings } = loadConfig({ env: { MY_FRED: 'fredkey123' }, configDir: ok });
    expect(settings.providers.fred.api_key).toBe('fredkey123');
    expect(settings.logging.dir).toBe('/tmp/fb');
  });

  it.each(['settings.yml', 'Settings.yaml', 'MONITORING.YML'])(
    'refuses an override file named %s, naming it (it was ignored without a word)',
    (name) => {
      const dir = join(tmp.dir, `c${n++}`);
      mkdirSync(dir);
      writeFileSync(join(dir, name), 'trading:\n  nav: 250000\n');
      const e = errorOf(() => loadConfig({ env: {}, configDir: dir }));
      expect(e.source).toBe(join(dir, name));
      expect(e.reason).toMatch(
        /^this file is not read: override files are named (settings|monitoring)\.yaml/,
      );
    },
  );

  it('reads a config dir with other files beside the two it reads', () => {
    const dir = overrideDir('trading:\n  nav: 250000\n');
    writeFileSync(join(dir, 'settings.yaml.bak'), 'trading: [broken\n');
    writeFileSync(join(dir, 'README'), 'notes');
    expect(loadConfig({ env: {}, configDir: dir }).settings.trading.nav).toBe(250000);
  });

  it('rejects ${VAR} of an unset variable, naming file, key and variable', () => {
    const dir = overrideDir('providers:\n  fred:\n    api_key: ${NOT_SET_ANYWHERE}\n');
    const e = errorOf(() => loadConfig({ env: {}, configDir: dir }));
    expect(e.source).toBe(join(dir, 'settings.yaml'));
    expect(e.keyPath).toBe('providers.fred.api_key');
    expect(e.reason).toContain('NOT_SET_ANYWHERE');
  });

  it.each([
    ['a wrong type', 'trading:\n  nav: lots\n', 'trading.nav', /expected number, got "lots"/],
    ['a negative NAV', 'trading:\n  nav: -100\n', 'trading.nav', /must be > 0, got -100/],
    [
      'a NAV beyond any account',
      'trading:\n  nav: 1e308\n',
      'trading.nav',
      /must be <= 1000000000000, got 1e\+308/,
    ],
    [
      'capital above NAV',
      'trading:\n  available_capital: 150000\n',
      'trading.available_capital',
      /must not exceed trading.nav/,
    ],
    [
      'an unknown strategy name',
      'trading:\n  strategies: [iron_condor, strangle]\n',
      'trading.strategies.1',
      /must be one of .*"iron_condor".*got "strangle"/,
    ],
    ['an unknown key (typo)', 'constraints:\n  min_popp: 0.7\n', 'constraints.min_popp', /unknown key/],
    [
      'min DTE above max DTE',
      'constraints:\n  min_dte: 60\n',
      'constraints.min_dte',
      /must not exceed constraints.max_dte/,
    ],
    ['weights not summing to 1', 'scoring:\n  weights:\n    pop: 0.9\n', 'scoring.weights', /must sum to 1/],
    ['a bad database URL', 'database:\n  url: mysql://x\n', 'database.url', /postgres:\/\//],
  ])('rejects %s with the file and key path', (_name, yaml, keyPath, reason) => {
    const dir = overrideDir(yaml);
    const e = errorOf(() => loadConfig({ env: {}, configDir: dir }));
    expect(e.source).toBe(join(dir, 'settings.yaml'));
    expect(e.keyPath).toBe(keyPath);
    expect(e.reason).toMatch(reason);
    expect(e.message.split('\n')).toHaveLength(1);
  });

  it.each([
    ['DATABASE_URL', 'mysql://app:dbSecret42@db/x', 'database.url', 'mysql://app:****@db/x', 'dbSecret42'],
    [
      'REDIS_URL',
      'http://:redisSecret42@cache:6379',
      'cache.redis_url',
      'http://:****@cache:6379',
      'redisSecret42',
    ],
    [
      'SLACK_WEBHOOK_URL',
      'ftp://hooks.example/T0/B0/hookSecret42',
      'alerts.slack.webhook_url',
      '****',
      'hookSecret42',
    ],
    // mistyped URLs: no "://", so the password is everything from the first ":" to the last "@"
    ['DATABASE_URL', 'postgres//u:pgPLANTED@h/db', 'database.url', 'postgres//u:****@h/db', 'pgPLANTED'],
    ['REDIS_URL', 'redis//:pwPLANTED@h', 'cache.redis_url', 'redis//:****@h', 'pwPLANTED'],
    ['DATABASE_URL', 'postgres:/u:pgPLANTED@h/db', 'database.url', 'postgres:/u:****@h/db', 'pgPLANTED'],
    [
      'DATABASE_URL',
      'mysql://db/x?sslpassword=qpPLANTED',
      'database.url',
      'mysql://db/x?sslpassword=****',
      'qpPLANTED',
    ],
  ])('rejects a bad %s without quoting its secret', (name, value, keyPath, shown, secret) => {
    const e = errorOf(() => loadConfig({ env: { [name]: value } }));
    expect(e.source).toBe(`environment ${name}`);
    expect(e.keyPath).toBe(keyPath);
    expect(e.reason).toContain(`got "${shown}"`);
    expect(e.message).not.toContain(secret);
  });

  it.each([
    ['DATABASE_URL', 'postgres://u:pgPLANTED@127.0.0.1:99999/db', 'database.url', /port from 1 to 65535/],
    ['DATABASE_URL', 'postgresql://u:pgPLANTED@127.0.0.1:0/db', 'database.url', /port from 1 to 65535/],
    ['DATABASE_URL', 'postgres://u:pgPLANTED@127.0.0.1:54x2/db', 'database.url', /numeric port/],
    ['DATABASE_URL', 'postgres://u:pgPLANTED@bad host/db', 'database.url', /must be a valid URL/],
    ['REDIS_URL', 'redis://:pwPLANTED@127.0.0.1:99999', 'cache.redis_url', /port from 1 to 65535/],
    ['REDIS_URL', 'rediss://127.0.0.1:99999/0', 'cache.redis_url', /port from 1 to 65535/],
    // a / in the password: the authority ended early and the error blamed the port
    ['DATABASE_URL', 'postgres://u:pg/PLANTED@127.0.0.1:5432/db', 'database.url', /percent-encode/],
    [
      'DATABASE_URL',
      'postgres://u@127.0.0.1:5432/db?sslmode=bogus',
      'database.url',
      /sslmode must be one of/,
    ],
    // an @ in the query is not the user info's: the bad port is what is wrong
    [
      'DATABASE_URL',
      'postgres://u:pgPLANTED@db:99999/x?application_name=ops@host',
      'database.url',
      /port from 1/,
    ],
    ['REDIS_URL', 'redis://:pwPLANTED@127.0.0.1:6379/abc', 'cache.redis_url', /database as a whole number/],
  ])('rejects a %s its client cannot parse (%s), naming the variable', (name, value, keyPath, reason) => {
    const e = errorOf(() => loadConfig({ env: { [name]: value } }));
    expect(e.source).toBe(`environment ${name}`);
    expect(e.keyPath).toBe(keyPath);
    expect(e.reason).toMatch(reason);
    expect(e.message).not.toContain('PLANTED');
  });

  it.each([
    ['DATABASE_URL', 'host=db.example user=u password=S3cretPLANTED dbname=x', /^must be a postgres:\/\//],
    [
      'DATABASE_URL',
      'host=/var/run/postgresql user=app sslpassword=S3cretPLANTED dbname=x',
      /^must be a postgres/,
    ],
    ['DATABASE_URL', 'S3cret/PLANTED/with/slash', /^must be a postgres:\/\//], // base64 passwords hold slashes
    ['REDIS_URL', 'S3cretPLANTED', /^must be a redis:\/\//],
  ])(
    'never quotes a %s that is not a URL: a keyword string or a bare word may be a password',
    (name, value, reason) => {
      const e = errorOf(() => loadConfig({ env: { [name]: value } }));
      expect(e.reason).toMatch(reason);
      expect(e.reason).toContain('the value is not shown');
      expect(e.message).not.toContain('PLANTED');
    },
  );

  it('rejects a bad port in a database URL from a file, naming the file', () => {
    const dir = overrideDir('database:\n  url: postgres://u@db.internal:70000/app\n');
    const e = errorOf(() => loadConfig({ env: {}, configDir: dir }));
    expect(e.source).toBe(join(dir, 'settings.yaml'));
    expect(e.keyPath).toBe('database.url');
    expect(e.reason).toMatch(
      /^must have a port from 1 to 65535, got "postgres:\/\/u@db.internal:70000\/app"$/,
    );
  });

  it('accepts the database and cache URLs pg and ioredis take', () => {
    for (const url of [
      'postgres://u:p%40ss@127.0.0.1:65535/db?sslmode=require',
      'postgresql://u@/db?host=/var/run/postgresql',
      'postgres://[::1]/db',
    ]) {
      expect(loadConfig({ env: { DATABASE_URL: url } }).settings.database.url).toBe(url);
    }
    for (const url of ['redis://127.0.0.1:6379/0', 'rediss://:pw@cache.internal', 'redis://[::1]:1']) {
      expect(loadConfig({ env: { REDIS_URL: url } }).settings.cache.redis_url).toBe(url);
    }
  });

  it('takes provider and webhook addresses over http(s) only', () => {
    for (const [name, keyPath] of [
      ['TRADIER_BASE_URL', 'providers.tradier.base_url'],
      ['SLACK_WEBHOOK_URL', 'alerts.slack.webhook_url'],
    ]) {
      const e = errorOf(() => loadConfig({ env: { [name]: 'javascript:alert(1)' } }));
      expect(e.keyPath).toBe(keyPath);
      expect(e.reason).toMatch(/^must be an http:\/\/ or https:\/\/ URL/);
    }
    const ok = loadConfig({ env: { SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/hook' } });
    expect(ok.settings.alerts.slack.webhook_url).toBe('http://127.0.0.1:9/hook');
  });

  it('rejects broken YAML with the file, line and reason', () => {
    const dir = overrideDir('trading:\n  nav: 1\n   bad: [unclosed\n');
    const e = errorOf(() => loadConfig({ env: {}, configDir: dir }));
    expect(e.source).toBe(join(dir, 'settings.yaml'));
    expect(e.reason).toMatch(/^invalid YAML: line \d+, column \d+: /);
  });

  it('says a YAML infinity is not a finite number (it read "expected number, got null")', () => {
    for (const [text, shown] of [
      ['.inf', 'Infinity'],
      ['-.inf', '-Infinity'],
      ['.nan', 'NaN'],
    ]) {
      const e = errorOf(() => loadConfig({ env: {}, configDir: overrideDir(`trading:\n  nav: ${text}\n`) }));
      expect(e.message).toMatch(new RegExp(`trading\\.nav: must be a finite number, got ${shown}$`));
    }
  });

  it('rejects a YAML file whose top level is not a mapping', () => {
    const dir = overrideDir('- just\n- a list\n');
    expect(errorOf(() => loadConfig({ env: {}, configDir: dir })).reason).toMatch(
      /top level must be a mapping/,
    );
  });

  it('names the environment variable that carried a bad value', () => {
    const e = errorOf(() => loadConfig({ env: { PORT: 'eighty' } }));
    expect(e.source).toBe('environment PORT');
    expect(e.keyPath).toBe('monitoring.port');
    const range = errorOf(() => loadConfig({ env: { PORT: '70000' } }));
    expect(range.source).toBe('environment PORT');
    expect(range.reason).toMatch(/<= 65535/);
  });

  it('refuses a provider choice that cannot be built, naming the key (it passed, and the engine failed later)', () => {
    const e = errorOf(() => loadConfig({ env: { OPTIONS_ENGINE_PROVIDER: 'tradier' } }));
    expect(e.keyPath).toBe('providers.tradier.api_key');
    expect(e.reason).toBe('is required when providers.primary is tradier (set TRADIER_API_KEY)');
    expect(e.source).toBe('environment OPTIONS_ENGINE_PROVIDER');
    expect(() =>
      loadConfig({ env: { OPTIONS_ENGINE_PROVIDER: 'tradier', TRADIER_API_KEY: 'k' } }),
    ).not.toThrow();
    const y = errorOf(() =>
      loadConfig({
        env: {},
        configDir: overrideDir('providers:\n  primary: yahoo\n  yahoo:\n    enabled: false\n'),
      }),
    );
    expect(y.keyPath).toBe('providers.yahoo.enabled');
    expect(y.reason).toBe('must be true when providers.primary is yahoo');
  });

  it('rejects a config dir that does not exist', () => {
    const e = errorOf(() => loadConfig({ env: { OPTIONS_ENGINE_CONFIG_DIR: join(tmp.dir, 'nope') } }));
    expect(e.source).toBe('environment OPTIONS_ENGINE_CONFIG_DIR');
  });

  it('validates monitoring.yaml rules, naming the rule', () => {
    const dir = overrideDir('{}\n', 'alerts:\n  system:\n    cpu_usage:\n      duration: five minutes\n');
    const e = errorOf(() => loadConfig({ env: {}, configDir: dir }));
    expect(e.source).toBe(join(dir, 'monitoring.yaml'));
    expect(e.keyPath).toBe('alerts.system.cpu_usage.duration');
    const sev = overrideDir('{}\n', 'alerts:\n  system:\n    cpu_usage:\n      severity: page-me\n');
    expect(errorOf(() => loadConfig({ env: {}, configDir: sev })).keyPath).toBe(
      'alerts.system.cpu_usage.severity',
    );
  });

  it('rejects a malformed or too short evaluation_interval as a config error naming it', () => {
    for (const [value, reason] of [
      ['every minute', /must be a duration like "30s"/],
      ['500ms', /must be at least 1s/],
    ] as const) {
      const dir = overrideDir('{}\n', `evaluation_interval: ${value}\n`);
      const e = errorOf(() => loadConfig({ env: {}, configDir: dir }));
      expect(e.source).toBe(join(dir, 'monitoring.yaml'));
      expect(e.keyPath).toBe('evaluation_interval');
      expect(e.reason).toMatch(reason);
    }
  });

  it('requires SMTP settings only when email alerts are enabled', () => {
    const e = errorOf(() => loadConfig({ env: { ALERT_EMAIL_ENABLED: 'true' } }));
    expect(e.keyPath).toBe('alerts.email.smtp_server');
    const ok = loadConfig({
      env: {
        ALERT_EMAIL_ENABLED: 'true',
        ALERT_SMTP_SERVER: 'localhost',
        ALERT_EMAIL_FROM: 'engine@example.com',
        ALERT_EMAIL_TO: 'ops@example.com',
      },
    });
    expect(ok.settings.alerts.email.enabled).toBe(true);
  });

  it.each(['x', 'alerts@', 'Options Engine <x>', 'alerts@example.com, ops@example.com'])(
    'rejects ALERT_EMAIL_FROM=%j as not an e-mail address, naming it',
    (from) => {
      const e = errorOf(() =>
        loadConfig({
          env: {
            ALERT_EMAIL_ENABLED: 'true',
            ALERT_SMTP_SERVER: 'localhost',
            ALERT_EMAIL_FROM: from,
            ALERT_EMAIL_TO: 'ops@example.com',
          },
        }),
      );
      expect(e.source).toBe('environment ALERT_EMAIL_FROM');
      expect(e.keyPath).toBe('alerts.email.from');
      expect(e.reason).toBe(
        `must be an e-mail address like "alerts@example.com" or "Options Engine <alerts@example.com>", got ${JSON.stringify(from)}`,
      );
    },
  );

  it('rejects a bad alerts.email.from in a file even while email alerts are off', () => {
    const dir = overrideDir('alerts:\n  email:\n    from: options-engine\n');
    const e = errorOf(() => loadConfig({ env: {}, configDir: dir }));
    expect(e.source).toBe(join(dir, 'settings.yaml'));
    expect(e.keyPath).toBe('alerts.email.from');
  });

  it('accepts a plain sender address and the "Name <address>" form nodemailer takes', () => {
    for (const from of [
      'options-engine@yourcompany.com',
      'Options Engine <alerts@example.com>',
      '"Ops, Engine" <alerts@example.com>',
    ]) {
      const { settings } = loadConfig({
        env: {
          ALERT_EMAIL_ENABLED: 'true',
          ALERT_SMTP_SERVER: 'localhost',
          ALERT_EMAIL_FROM: from,
          ALERT_EMAIL_TO: 'ops@example.com',
        },
      });
      expect(settings.alerts.email.from).toBe(from);
    }
  });

  it('config check exits 2 naming the variable for a bad port or sender, quoting no password', async () => {
    const db = await cli(['config', 'check'], { DATABASE_URL: 'postgres://u:pgPLANTED@127.0.0.1:99999/db' });
    expect(db.code).toBe(2);
    expect(db.stderr).toContain('environment DATABASE_URL: database.url: must have a port from 1 to 65535');
    expect(db.stderr).not.toContain('pgPLANTED');
    const typo = await cli(['config', 'check'], { DATABASE_URL: 'postgres//u:pgPLANTED@h/db' });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('got "postgres//u:****@h/db"');
    expect(typo.stderr).not.toContain('pgPLANTED');
    const from = await cli(['config', 'check'], {
      ALERT_EMAIL_ENABLED: 'true',
      ALERT_SMTP_SERVER: 'localhost',
      ALERT_EMAIL_FROM: 'x',
      ALERT_EMAIL_TO: 'ops@example.com',
    });
    expect(from.code).toBe(2);
    expect(from.stderr).toContain(
      'environment ALERT_EMAIL_FROM: alerts.email.from: must be an e-mail address',
    );
  });
});
