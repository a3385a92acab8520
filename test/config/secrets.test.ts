import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/loadConfig.js';
import { maskSecrets, maskUrlPassword, secretValues } from '../../src/config/secrets.js';
import { createLogging } from '../../src/service/logging.js';
import { statusDocument } from '../../src/service/routes/status.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { idleStatusInput } from '../service/helpers/statusInput.js';
import { errorOf, overrideDirs } from './helpers.js';

const tmp = tempDir('oe-secrets-');

/** The /status document of a service started with these settings (the rest of its state idle). */
function statusOf(env: Record<string, string>) {
  const { settings } = loadConfig({ env });
  return statusDocument(
    idleStatusInput(settings, {
      gateShared: true,
      database: {
        engine: 'postgres',
        location: 'postgres://127.0.0.1:5432/qa_ops',
        migration: 1,
        embeddedUrl: null,
      },
    }),
  );
}

describe('maskUrlPassword', () => {
  it.each([
    [
      'a pg ?password=',
      'postgres://postgres@127.0.0.1:5432/qa_ops?password=PLANTEDqp',
      'postgres://postgres@127.0.0.1:5432/qa_ops?password=****',
    ],
    [
      'a pg sslpassword beside other libpq keys',
      'postgres://u@h/db?sslmode=require&sslpassword=keyPass1&passfile=/etc/pgpass',
      'postgres://u@h/db?sslmode=require&sslpassword=****&passfile=/etc/pgpass',
    ],
    [
      'a percent-encoded key (pg decodes it)',
      'postgres://h/db?pass%77ord=encKey42&application_name=x',
      'postgres://h/db?pass%77ord=****&application_name=x',
    ],
    [
      'both userinfo and query passwords',
      'postgresql://u:userPw42@h/db?password=queryPw42',
      'postgresql://u:****@h/db?password=****',
    ],
    [
      'an ioredis ?password=',
      'redis://cache:6379/0?password=redisPw42',
      'redis://cache:6379/0?password=****',
    ],
    [
      'an ioredis sentinelPassword',
      'redis://cache:6379?sentinelPassword=sentPw42&db=1',
      'redis://cache:6379?sentinelPassword=****&db=1',
    ],
    [
      "a provider base URL's key (it showed in config check and /status)",
      'https://api.example.com/fred?api_key=fredKEY42&file_type=json',
      'https://api.example.com/fred?api_key=****&file_type=json',
    ],
    [
      'apikey, access_token and client_secret',
      'https://x.example/v1?apikey=k1SECRET&access_token=t1SECRET&client_secret=s1SECRET&region=us',
      'https://x.example/v1?apikey=****&access_token=****&client_secret=****&region=us',
    ],
  ])('masks %s', (_name, url, masked) => {
    expect(maskUrlPassword(url)).toBe(masked);
  });

  it('masks a userinfo password holding an unencoded @ up to the last @ of the host part', () => {
    // new URL() (and so pg) reads the password as "p@ssWord42", the host as "h".
    expect(maskUrlPassword('postgres://u:p@ssWord42@h/db?e=a@b')).toBe('postgres://u:****@h/db?e=a@b');
  });

  it.each([
    ['postgres//u:pgPLANTED@h/db', 'postgres//u:****@h/db'],
    ['redis//:pwPLANTED@h', 'redis//:****@h'],
    ['postgres:/u:pgPLANTED@h/db', 'postgres:/u:****@h/db'],
    ['postgres:u:pgPLANTED@h/db', 'postgres:****@h/db'],
    ['postgres://u:pg/PLANTED@127.0.0.1:99999/db', 'postgres://u:****@127.0.0.1:99999/db'],
  ])('masks the password of the mistyped URL %s', (url, masked) => {
    expect(maskUrlPassword(url)).toBe(masked);
  });

  it('leaves strings without credentials alone', () => {
    for (const s of [
      'postgres://u@[::1]:5432/db?sslmode=require',
      'redis://127.0.0.1:6379',
      'Options Engine <alerts@example.com>',
      'options_engine:',
      'postgres://u:@h/db',
    ]) {
      expect(maskUrlPassword(s)).toBe(s);
    }
  });
});

describe('secretValues', () => {
  it('includes query-string passwords of DATABASE_URL and REDIS_URL, raw and decoded', () => {
    const { settings } = loadConfig({
      env: {
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/qa_ops?password=PLANTED%40qp&passfile=/etc/pgpass',
        REDIS_URL: 'redis://cache:6379?password=redisPLANTED',
      },
    });
    const values = secretValues(settings);
    expect(values).toEqual(expect.arrayContaining(['PLANTED%40qp', 'PLANTED@qp', 'redisPLANTED']));
    expect(values).not.toContain('/etc/pgpass');
  });

  it('keeps a query password out of the log files', async () => {
    const { settings } = loadConfig({
      env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/qa_ops?password=PLANTEDqp' },
    });
    const dir = join(tmp.dir, 'logs');
    const h = createLogging({ level: 'info', dir, jsonStdout: false, secrets: secretValues(settings) });
    h.logger.warn({ url: settings.database.url }, 'database slow');
    h.logger.error(`cannot connect: password PLANTEDqp rejected`);
    await h.close();
    const text = readFileSync(join(dir, 'app.log'), 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(2);
    expect(text).not.toContain('PLANTEDqp');
    expect(text).toContain('password=****');
  });
});

describe('query-string passwords in what is shown', () => {
  const env = {
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/qa_ops?password=PLANTEDqp',
    REDIS_URL: 'rediss://cache:6380/0?password=redisPLANTED',
  };

  it('/status shows the URLs with the query passwords masked', () => {
    const doc = statusOf(env);
    expect(doc.config.database.url).toBe('postgres://postgres@127.0.0.1:5432/qa_ops?password=****');
    expect(doc.config.cache.redisUrl).toBe('rediss://cache:6380/0?password=****');
    const text = JSON.stringify(doc);
    expect(text).not.toContain('PLANTEDqp');
    expect(text).not.toContain('redisPLANTED');
  });

  it('config check prints the URLs with the query passwords masked', async () => {
    const { settings } = loadConfig({ env });
    expect(JSON.stringify(maskSecrets(settings))).not.toMatch(/PLANTEDqp|redisPLANTED/);
    const r = await cli(['config', 'check'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/PLANTEDqp|redisPLANTED/);
    const doc = parse(r.stdout) as { settings: { database: { url: string }; cache: { redis_url: string } } };
    expect(doc.settings.database.url).toBe('postgres://postgres@127.0.0.1:5432/qa_ops?password=****');
    expect(doc.settings.cache.redis_url).toBe('rediss://cache:6380/0?password=****');
  });
});

describe('a secret interpolated into another key', () => {
  const overrideDir = overrideDirs('oe-secret-interp-');

  it.each([
    ['logging:\n  level: ${TRADIER_API_KEY}\n', 'logging.level'],
    ['alerts:\n  email:\n    from: ${SMTP_PASSWORD_X}\n', 'alerts.email.from'],
  ])("is masked in that key's error %j (the error printed it)", (yaml, key) => {
    const env = {
      TRADIER_API_KEY: 'sk-fake-SECRET123',
      ALERT_SMTP_PASSWORD: 'smtp-PLANTED-pw',
      SMTP_PASSWORD_X: 'smtp-PLANTED-pw',
    };
    const e = errorOf(() => loadConfig({ env, configDir: overrideDir(yaml) }));
    expect(e.keyPath).toBe(key);
    expect(e.message).not.toMatch(/SECRET123|PLANTED/);
    expect(e.message).toContain('****');
  });
});
