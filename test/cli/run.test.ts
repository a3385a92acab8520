import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { VERSION } from '../../src/cli/version.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('oe-cli-');

function configDir(name: string, settingsYaml: string): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'settings.yaml'), settingsYaml);
  return dir;
}

describe('options-engine CLI', () => {
  it('prints help and the version for the program and every command', async () => {
    for (const args of [[], ['scan'], ['serve'], ['db', 'migrate'], ['config', 'check']]) {
      const help = await cli([...args, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: options-engine/);
      const version = await cli([...args, '--version']);
      expect(version.code).toBe(0);
      expect(version.stdout.trim()).toBe(VERSION);
    }
    const top = await cli(['--help']);
    for (const cmd of ['scan', 'serve', 'ops', 'db', 'config']) expect(top.stdout).toContain(cmd);
  });

  it('rejects unknown flags, commands and bad flag values with exit 2', async () => {
    expect((await cli(['scan', '--bogus'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['scan', '--nav', 'abc'])).code).toBe(2);
    expect((await cli(['scan', '--format', 'html'])).code).toBe(2);
    expect((await cli(['config'])).code).toBe(2);
    const r = await cli(['config', 'check', '--nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--nope'");
    // a group's unknown subcommand is named as one (it read "too many arguments for 'ops'")
    for (const group of ['ops', 'db', 'config']) {
      const u = await cli([group, 'nosuch']);
      expect(u.code).toBe(2);
      expect(u.stderr).toContain(`options-engine: ${group}: unknown command 'nosuch'`);
      expect(u.stderr).not.toContain('too many arguments');
    }
  });

  it('config check accepts the shipped configuration and prints it with secrets masked', async () => {
    const key = 'TRADIER-abcdef123456';
    const r = await cli(['config', 'check'], {
      TRADIER_API_KEY: key,
      DATABASE_URL: 'postgres://engine:hunter22@db:5432/options_engine',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# configuration OK/);
    expect(r.stdout).not.toContain(key);
    expect(r.stdout).not.toContain('hunter22');
    expect(r.stdout).not.toContain('XXXXSECRET');
    const doc = parse(r.stdout) as {
      settings: {
        providers: { tradier: { api_key: string } };
        database: { url: string };
        trading: { nav: number };
      };
    };
    expect(doc.settings.providers.tradier.api_key).toBe('****');
    expect(doc.settings.database.url).toBe('postgres://engine:****@db:5432/options_engine');
    expect(doc.settings.trading.nav).toBe(100000);
  });

  it('config check --json prints one JSON document', async () => {
    const r = await cli(['config', 'check', '--json', '--sources'], { PORT: '9999' });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      ok: boolean;
      settings: { monitoring: { port: number } };
      sources: Record<string, string>;
    };
    expect(doc.ok).toBe(true);
    expect(doc.settings.monitoring.port).toBe(9999);
    expect(doc.sources['monitoring.port']).toBe('environment PORT');
  });

  it.each([
    ['wrong type', 'trading:\n  max_trades: five\n', 'trading.max_trades'],
    ['negative NAV', 'trading:\n  nav: -1\n', 'trading.nav'],
    ['capital above NAV', 'trading:\n  nav: 4000\n', 'trading.available_capital'],
    ['unknown strategy', 'trading:\n  strategies: [straddle]\n', 'trading.strategies.0'],
    ['broken YAML', 'trading: [1, 2\n', ''],
  ])('config check rejects %s: exit 2, one line naming file and key', async (_n, yaml, key) => {
    const dir = configDir(`bad-${_n.replace(/\W/g, '')}`, yaml);
    const r = await cli(['config', 'check', '--config-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`options-engine: config error: ${join(dir, 'settings.yaml')}: ${key}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('flags override configuration and are named in errors', async () => {
    const r = await cli(['scan', '--capital', '250000']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'options-engine: config error: flag --capital: trading.available_capital: must not exceed trading.nav (100000)',
    );
    const strategies = await cli(['scan', '--strategies', 'iron_condor,moonshot']);
    expect(strategies.code).toBe(2);
    expect(strategies.stderr).toContain('flag --strategies: trading.strategies.1: must be one of');
  });

  it.runIf(existsSync('/proc/self'))(
    'rejects a data dir that cannot be created with exit 2 naming its source, before the scan (it does not hang)',
    async () => {
      const r = await cli(['scan', '--watchlist', 'SPY', '--data-dir', '/proc/options-engine-none/db']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        "options-engine: --data-dir: cannot create /proc/options-engine-none/db (ENOENT: no such file or directory, mkdir '/proc/options-engine-none')\n",
      );
      const file = join(tmp.dir, 'a-file');
      writeFileSync(file, '');
      const env = await cli(['scan', '--watchlist', 'SPY'], { DATA_DIR: file });
      expect(env.code).toBe(2);
      expect(env.stdout).toBe('');
      expect(env.stderr).toContain(
        `database.data_dir (from environment DATA_DIR): cannot create ${file} (EEXIST`,
      );
    },
  );

  it.runIf(existsSync('/proc/self'))(
    'rejects a LOG_DIR that cannot be created with exit 2 naming the variable (it was exit 1 and a bare ENOENT)',
    async () => {
      const r = await cli(['scan', '--watchlist', 'SPY', '--no-store'], {
        LOG_DIR: '/proc/options-engine-none/logs',
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /^options-engine: logging\.dir \(from environment LOG_DIR\): cannot create \/proc\/options-engine-none\/logs \(ENOENT/,
      );
    },
  );

  it('rejects whitespace-only --log-dir and --data-dir, and hex or binary numbers, with exit 2', async () => {
    for (const args of [
      ['scan', '--log-dir', '  '],
      ['config', 'check', '--data-dir', ' '],
      ['scan', '--nav', '0x10'],
      ['scan', '--max-trades', '0b11'],
      ['serve', '--port', '0o17'],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/is invalid\. expected (a path|a number|an integer)/);
    }
  });

  it('exits 2 with no command (the help goes to stderr); 0 when help is asked for', async () => {
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^Usage: options-engine/);
    expect((await cli(['help'])).code).toBe(0);
    expect((await cli(['help', 'bogus'])).code).toBe(2);
  });

  it('--universe scans the universe even when a watchlist is configured, and conflicts with --watchlist', async () => {
    const both = await cli(['scan', '--watchlist', 'SPY', '--universe', 'default']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(
      "option '--universe <name>' cannot be used with option '--watchlist <list>'",
    );
    const r = await cli(
      ['scan', '--universe', 'default', '--no-store', '--format', 'json', '--log-dir', tmp.dir],
      {
        OPTIONS_ENGINE_WATCHLIST: 'SPY',
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { params: { universe: string; tickers: number } };
    expect(doc.params.universe).toBe('default');
    expect(doc.params.tickers).toBeGreaterThan(400);
  }, 60_000);

  it('ops health-check refuses a --url that is no http(s) URL or carries credentials, never echoing a password', async () => {
    for (const [url, reason] of [
      ['notaurl', 'not a URL'],
      ['ftp://127.0.0.1/health', 'expected an http:// or https:// URL'],
      ['http://admin:HCSECRETPW@127.0.0.1:1/health', 'must not carry credentials'],
    ]) {
      const r = await cli(['ops', 'health-check', '--url', url, '--no-providers']);
      expect(r.code, url).toBe(2);
      expect(r.stderr).toContain(`--url: ${reason}`);
      expect(r.stdout + r.stderr).not.toContain('HCSECRETPW');
    }
  });

  it.runIf(existsSync('/proc/self'))(
    'rejects a --log-dir that cannot be created with exit 2 and one line naming the flag and the reason',
    async () => {
      for (const cmd of [
        ['scan', '--watchlist', 'SPY', '--no-store'],
        ['serve', '--port', '18931'],
      ]) {
        const r = await cli([...cmd, '--log-dir', '/proc/options-engine-forbidden/logs']);
        expect(r.code, `${cmd[0]}: ${r.stderr}`).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toBe(
          "options-engine: --log-dir: cannot create /proc/options-engine-forbidden/logs (ENOENT: no such file or directory, mkdir '/proc/options-engine-forbidden')\n",
        );
      }
    },
  );

  it('rejects an empty --watchlist with exit 2 naming the flag (it does not fall back to the universe)', async () => {
    const r = await cli(['scan', '--watchlist', ' , ,']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--watchlist <list>' argument ' , ,' is invalid");
  });

  it('rejects a malformed --as-of with exit 2 naming the flag', async () => {
    const r = await cli(['scan', '--as-of', 'yesterday']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^options-engine: --as-of: expected an ISO 8601 time/);
  });
});
