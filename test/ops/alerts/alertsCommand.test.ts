/**
 * `options-engine ops alerts`: lists rules, channels and stored alerts (exit 1 while any fires), and
 * `--test` sends one message through every configured channel to real local peers.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireAlert } from '../../../src/store/alertsRepo.js';
import { migrate } from '../../../src/store/migrate.js';
import { pgliteDir } from '../../../src/store/openDatabase.js';
import { PgliteDatabase } from '../../../src/store/pgliteDatabase.js';
import { cli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

const tmp = tempDir('oe-ops-alerts-');
let smtp: SMTPServer;
let hook: Server;
const subjects: string[] = [];
const slack: string[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, cb) {
      let raw = '';
      stream.on('data', (d: Buffer) => {
        raw += d.toString();
      });
      stream.on('end', () => {
        subjects.push(/^Subject: (.*)$/m.exec(raw)?.[1]?.trim() ?? '');
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  hook = createServer((req, res) => {
    let s = '';
    req.on('data', (d: Buffer) => {
      s += d.toString();
    });
    req.on('end', () => {
      slack.push((JSON.parse(s) as { text: string }).text);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
});

afterAll(async () => {
  await new Promise<void>((r) => smtp.close(() => r()));
  await new Promise<void>((r) => hook.close(() => r()));
});

describe('options-engine ops alerts', () => {
  it('--test delivers a test message by email and to Slack, and reports each channel', async () => {
    const env = {
      DATA_DIR: join(tmp.dir, 'unused'),
      ALERT_EMAIL_ENABLED: 'true',
      ALERT_EMAIL_FROM: 'engine@example.com',
      ALERT_EMAIL_TO: 'ops@example.com',
      ALERT_SMTP_SERVER: '127.0.0.1',
      ALERT_SMTP_PORT: String((smtp.server.address() as AddressInfo).port),
      ALERT_SMTP_TLS: 'false',
      SLACK_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/services/T0/B0/topsecrethook`,
    };
    const r = await cli(['ops', 'alerts', '--test'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^email +sent/m);
    expect(r.stdout).toMatch(/^slack +sent/m);
    expect(subjects).toEqual(['Options Engine Alert: test']);
    expect(slack).toHaveLength(1);
    expect(slack[0]).toMatch(/^Options Engine Alert: test\nTest notification from /);
    expect(r.stdout).not.toContain('topsecrethook');

    const bad = await cli(['ops', 'alerts', '--test', '--json'], { ...env, ALERT_SMTP_PORT: '1' });
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { ok: boolean; channels: { channel: string; ok: boolean }[] };
    expect(report.ok).toBe(false);
    expect(report.channels.find((c) => c.channel === 'email')?.ok).toBe(false);
    expect(report.channels.find((c) => c.channel === 'slack')?.ok).toBe(true);
    expect(bad.stderr).toMatch(/email failed/);
  });

  it('--send needs --message, and refuses --test with it: exit 2 naming the flags, nothing sent', async () => {
    const env = {
      DATA_DIR: join(tmp.dir, 'unused'),
      SLACK_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/services/T0/B0/x`,
    };
    const before = slack.length;
    const bare = await cli(['ops', 'alerts', '--send', 'maintenance'], env);
    expect(bare.code, bare.stderr).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toBe(
      'options-engine: --send: --message <text> is required (the body of the message)\n',
    );
    for (const args of [
      ['--test', '--send', 'maintenance', '--message', 'Window at 02:00'],
      ['--send', 'maintenance', '--message', 'Window at 02:00', '--test'],
    ]) {
      const both = await cli(['ops', 'alerts', ...args], env);
      expect(both.code, args.join(' ')).toBe(2);
      expect(both.stdout).toBe('');
      expect(both.stderr).toContain("error: option '--test' cannot be used with option '--send <name>'");
    }
    expect(slack.length).toBe(before);
    // an empty body given on purpose is a message (send_notification.sh "<name>" passes --message '')
    const empty = await cli(['ops', 'alerts', '--send', 'maintenance', '--message', ''], env);
    expect(empty.code, empty.stderr).toBe(0);
    expect(slack.slice(before)).toEqual(['Options Engine Alert: maintenance\n']);
  });

  it('a failed --send names --send, not --test', async () => {
    const bad = await cli(['ops', 'alerts', '--send', 'maintenance', '--message', 'body'], {
      DATA_DIR: join(tmp.dir, 'unused'),
      ALERT_EMAIL_ENABLED: 'true',
      ALERT_EMAIL_FROM: 'engine@example.com',
      ALERT_EMAIL_TO: 'ops@example.com',
      ALERT_SMTP_SERVER: '127.0.0.1',
      ALERT_SMTP_PORT: '1',
      ALERT_SMTP_TLS: 'false',
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('options-engine: error: alerts --send: email failed\n');
    const none = await cli(['ops', 'alerts', '--send', 'maintenance', '--message', 'body'], {
      DATA_DIR: join(tmp.dir, 'none'),
    });
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('options-engine: error: alerts --send: no notification channel configured\n');
    const test = await cli(['ops', 'alerts', '--test'], { DATA_DIR: join(tmp.dir, 'none') });
    expect(test.stderr).toBe('options-engine: error: alerts --test: no notification channel configured\n');
  });

  it('says when no channel is configured (exit 1)', async () => {
    const r = await cli(['ops', 'alerts', '--test'], { DATA_DIR: join(tmp.dir, 'none') });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/No notification channel configured/);
  });

  it('lists the rules and the stored alerts, exit 1 while one fires', async () => {
    const dataDir = join(tmp.dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const db = await PgliteDatabase.open({ dir: pgliteDir(dataDir) });
    await migrate(db);
    await fireAlert(db, {
      rule: 'system.memory_usage',
      severity: 'critical',
      message: 'value 93 %',
      value: 93,
      threshold: 90,
      peak: 95,
      at: new Date(),
    });
    await db.close();
    const r = await cli(['ops', 'alerts', '--json'], { DATA_DIR: dataDir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      rules: { name: string }[];
      firing: { rule: string; peakValue: number }[];
      channels: string[];
    };
    expect(report.rules.map((x) => x.name)).toContain('database.connection_errors');
    expect(report.firing).toEqual([expect.objectContaining({ rule: 'system.memory_usage', peakValue: 95 })]);
    expect(report.channels).toEqual([]);
    const text = await cli(['ops', 'alerts'], { DATA_DIR: dataDir });
    expect(text.stdout).toMatch(/Firing now: 1/);
    expect(text.stdout).toMatch(/system\.memory_usage +- +critical +93 +95 +90/);
    expect(text.stderr).toMatch(/1 alert\(s\) firing/);
  });
});
