/** The files of deploy/: they parse with the real tools when present, and say what the issue asks. */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { tempDir } from '../helpers/tmp.js';

const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));
const read = (name: string) => readFileSync(join(DEPLOY, name), 'utf8');
const has = (tool: string) => {
  try {
    execFileSync('bash', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    console.info(`${tool} is not installed: its check of deploy/ is skipped`);
    return false;
  }
};
const tmp = tempDir('oe-deploy-');

/** An EnvironmentFile as systemd reads it: KEY=VALUE lines, `#` lines ignored, no inline comments. */
function parseEnvironmentFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const i = line.indexOf('=');
    env[line.slice(0, i)] = line.slice(i + 1);
  }
  return env;
}

describe('deploy/', () => {
  it('environment.example is a valid configuration as systemd would pass it', () => {
    const env = parseEnvironmentFile(read('environment.example'));
    for (const [k, v] of Object.entries(env)) expect(v, k).not.toMatch(/\s#/);
    expect(env).toMatchObject({
      LOG_DIR: '/var/log/options_engine',
      PORT: '8080',
      OPTIONS_ENGINE_CONFIG_DIR: '/etc/options_engine',
    });
    const { OPTIONS_ENGINE_CONFIG_DIR: _dir, ...rest } = env;
    const { settings } = loadConfig({ env: rest });
    expect(settings.monitoring.port).toBe(8080);
    expect(settings.database.url).toMatch(/^postgres:\/\//);
  });

  it('the units run the service under systemd as the deployment practice asks', () => {
    for (const name of ['options-engine.service', 'options-engine@.service']) {
      const unit = read(name);
      for (const line of [
        'Restart=always',
        'RestartSec=10',
        'EnvironmentFile=/etc/options_engine/environment',
        'ExecReload=/bin/kill -HUP $MAINPID',
        'NoNewPrivileges=true',
        'PrivateTmp=true',
        'ProtectSystem=strict',
        'ProtectHome=true',
        'ReadWritePaths=/var/log/options_engine /var/lib/options_engine /var/backups/options_engine',
        'LimitNOFILE=65536',
      ]) {
        expect(unit, `${name}: ${line}`).toContain(`\n${line}\n`);
      }
      expect(unit).toMatch(/\nType=(simple|notify)\n/);
      expect(unit).toMatch(
        /\nExecStart=\/usr\/bin\/node \/opt\/options_engine\/bin\/options-engine\.js serve/,
      );
    }
    expect(read('options-engine@.service')).toContain('serve --port %i');
  });

  it.skipIf(!has('systemd-analyze'))('the units pass systemd-analyze verify', () => {
    const dir = join(tmp.dir, 'units');
    mkdirSync(dir, { recursive: true });
    for (const name of ['options-engine.service', 'options-engine@.service'])
      copyFileSync(join(DEPLOY, name), join(dir, name));
    for (const unit of ['options-engine.service', 'options-engine@8081.service']) {
      const out = execFileSync(
        'bash',
        ['-c', `cd ${dir} && systemd-analyze verify --man=no ./${unit} 2>&1 || true`],
        {
          encoding: 'utf8',
        },
      );
      expect(out, unit).not.toMatch(/Unknown key|Unknown section|Invalid|Failed to parse|bad-setting/i);
    }
  });

  it.skipIf(!has('logrotate'))(
    'logrotate.conf rotates daily, keeps 5, compresses, and signals a reopen',
    () => {
      const conf = read('logrotate.conf');
      for (const word of ['daily', 'rotate 5', 'compress', 'sharedscripts', 'SIGUSR2'])
        expect(conf).toContain(word);
      // Parse it for real against a scratch copy of the log directory.
      const logs = join(tmp.dir, 'logs');
      mkdirSync(logs, { recursive: true });
      writeFileSync(join(logs, 'app.log'), 'x\n');
      const local = conf.replaceAll('/var/log/options_engine', logs).replace(/^\s+(su|create) .*$/gm, '');
      writeFileSync(join(tmp.dir, 'lr.conf'), local);
      const out = execFileSync('logrotate', ['-d', '-s', join(tmp.dir, 'state'), join(tmp.dir, 'lr.conf')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(out).not.toMatch(/error/i);
    },
  );

  it('nginx.conf proxies to the instances with TLS placeholders and keeps /metrics internal', () => {
    const conf = read('nginx.conf');
    expect(conf).toMatch(/upstream options_engine \{[^}]*server 127\.0\.0\.1:8081/);
    expect(conf).toContain('ssl_certificate     /etc/ssl/certs/options-engine.pem;');
    expect(conf).toMatch(/location \/metrics \{[^}]*deny all;/);
    expect(conf).toContain('proxy_set_header X-Forwarded-For');
    // HTTP/2 in the form nginx 1.22 (Debian 12) reads: `http2 on;` is an unknown directive before 1.25.1
    expect(conf).toMatch(/^\s*listen 443 ssl http2;/m);
    expect(conf).not.toMatch(/^\s*http2 on;/m);
    expect(existsSync(join(DEPLOY, 'README.md'))).toBe(true);
  });
});
