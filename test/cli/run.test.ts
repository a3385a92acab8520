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
    'fails with exit 1 on a data dir that cannot be created (it does not hang)',
    async () => {
      const r = await cli(['scan', '--watchlist', 'SPY', '--data-dir', '/proc/options-engine-none/db']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("ENOENT: no such file or directory, mkdir '/proc/options-engine-none'");
    },
  );

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
