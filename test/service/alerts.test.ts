/**
 * Alerting inside the real service process: a rule from monitoring.yaml (loaded on SIGHUP) fires,
 * reaches a real SMTP server and a Slack-style webhook receiver (which fails its first request: the
 * notification is retried while the service keeps answering), shows in /api/alerts, /health and
 * /metrics, and resolves when the condition stops holding.
 */

import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceProcess, startServiceProcess, until } from './helpers/serviceProcess.js';

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

let svc: ServiceProcess;
let smtp: SMTPServer;
let hook: Server;
const mails: Mail[] = [];
const slack: { text: string; contentType: string | undefined }[] = [];
let hookRequests = 0;

const body = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let s = '';
    req.on('data', (d: Buffer) => {
      s += d.toString();
    });
    req.on('end', () => resolve(s));
  });

beforeAll(async () => {
  smtp = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (d: Buffer) => {
        raw += d.toString();
      });
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  hook = createServer(async (req, res) => {
    const text = await body(req);
    hookRequests++;
    if (hookRequests === 1) {
      res.writeHead(500).end('boom');
      return;
    }
    slack.push({
      text: (JSON.parse(text) as { text: string }).text,
      contentType: req.headers['content-type'],
    });
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const hookPort = (hook.address() as AddressInfo).port;
  svc = await startServiceProcess({
    env: {
      ALERT_EMAIL_ENABLED: 'true',
      ALERT_EMAIL_FROM: 'engine@example.com',
      ALERT_EMAIL_TO: 'ops@example.com,oncall@example.com',
      ALERT_SMTP_SERVER: '127.0.0.1',
      ALERT_SMTP_PORT: String(smtpPort),
      ALERT_SMTP_TLS: 'false',
      SLACK_WEBHOOK_URL: `http://127.0.0.1:${hookPort}/services/T000/B000/hooksecret0123`,
    },
  });
}, 150_000);

afterAll(async () => {
  await svc?.dispose();
  await new Promise<void>((r) => smtp?.close(() => r()));
  await new Promise<void>((r) => hook?.close(() => r()));
});

const monitoring = (rule: string) =>
  `evaluation_interval: 1s\nalerts:\n  test:\n    memory_floor:\n${rule
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n')}\n`;

const getJson = async <T>(path: string) => {
  const r = await fetch(`${svc.url}${path}`);
  return { status: r.status, body: (await r.json()) as T };
};

interface AlertsBody {
  count: number;
  alerts: {
    rule: string;
    state: string;
    severity: string;
    peak: number | null;
    notified_channels: string[];
    notifications: number;
  }[];
}

describe('alerting in the service', () => {
  it('fires a sustained breach, notifies by email and Slack (retrying a failed webhook), resolves it', async () => {
    // memory in use is always ≥ 1 %: breached from the first evaluation; pending for the hour it must hold
    writeFileSync(
      join(svc.configDir, 'monitoring.yaml'),
      monitoring('metric: memory_usage\nthreshold: 1\nduration: 1h\nseverity: warning'),
    );
    svc.signal('SIGHUP');
    const pending = await until('the pending alert', async () => {
      const r = await getJson<AlertsBody>('/api/alerts?state=pending');
      return r.body.alerts.find((a) => a.rule === 'test.memory_floor');
    });
    expect(pending.state).toBe('pending');
    expect(mails).toHaveLength(0);
    // the same rule with a 2 s duration: the breach already began, so it fires at the next evaluation
    await new Promise((r) => setTimeout(r, 2000));
    writeFileSync(
      join(svc.configDir, 'monitoring.yaml'),
      monitoring('metric: memory_usage\nthreshold: 1\nduration: 2s\nseverity: warning'),
    );
    svc.signal('SIGHUP');

    const firing = await until('the firing alert', async () => {
      const r = await getJson<AlertsBody>('/api/alerts?state=firing');
      return r.body.alerts.find((a) => a.rule === 'test.memory_floor');
    });
    expect(firing.severity).toBe('warning');
    expect(firing.peak).toBeGreaterThanOrEqual(1);

    const health = await getJson<{
      status: string;
      checks: Record<string, { componentId?: string; status: string }[]>;
    }>('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('warn');
    expect(health.body.checks['alerts:firing']).toEqual([
      expect.objectContaining({ componentId: 'test.memory_floor', status: 'warn' }),
    ]);
    const status = await getJson<{
      alerts: { channels: string[]; firing: { rule: string }[] };
      config: { secrets: { slackWebhookUrl: string } };
    }>('/status');
    expect(status.body.alerts.channels).toEqual(['email', 'slack']);
    expect(status.body.alerts.firing.map((a) => a.rule)).toEqual(['test.memory_floor']);
    expect(status.body.config.secrets.slackWebhookUrl).toBe('set');
    const metrics = await getJson<{ alerts: { firing: { warning: number; critical: number } } }>('/metrics');
    expect(metrics.body.alerts.firing.warning).toBe(1);
    const prom = await (await fetch(`${svc.url}/metrics`, { headers: { accept: 'text/plain' } })).text();
    expect(prom).toMatch(/^options_engine_alerts_firing\{severity="warning"\} 1$/m);

    // email: one message to both recipients with the guide's subject
    const mail = await until('the email', () => mails.find((m) => m.raw.includes('test.memory_floor')));
    expect(mail.from).toBe('engine@example.com');
    expect(mail.to).toEqual(['ops@example.com', 'oncall@example.com']);
    expect(mail.raw).toMatch(/^Subject: Options Engine Alert: test\.memory_floor \[WARNING\]\r?$/m);
    // Slack: the first POST got a 500, the retry (1 s later) delivered the guide's JSON
    const msg = await until('the Slack message', () =>
      slack.find((m) => m.text.includes('test.memory_floor')),
    );
    expect(hookRequests).toBeGreaterThanOrEqual(2);
    expect(msg.contentType).toMatch(/^application\/json/);
    expect(msg.text.split('\n')[0]).toBe('Options Engine Alert: test.memory_floor [WARNING]');
    expect(msg.text).toMatch(/FIRING \[warning\] test\.memory_floor/);
    expect((await fetch(`${svc.url}/health/live`)).status).toBe(200);
    await until('both channels recorded', async () => {
      const r = await getJson<AlertsBody>('/api/alerts?state=firing');
      const a = r.body.alerts.find((x) => x.rule === 'test.memory_floor');
      return a && a.notified_channels.length === 2;
    });
    // one message, delivered on both channels (the Slack one after a retry)
    const firingNow = (await getJson<AlertsBody>('/api/alerts?state=firing')).body.alerts;
    expect(firingNow.find((x) => x.rule === 'test.memory_floor')?.notifications).toBe(1);

    // a critical rule turns /health into fail (503)
    writeFileSync(
      join(svc.configDir, 'monitoring.yaml'),
      monitoring('metric: memory_usage\nthreshold: 1\nduration: 2s\nseverity: critical'),
    );
    svc.signal('SIGHUP');
    await until('health fail', async () => (await fetch(`${svc.url}/health`)).status === 503);

    // the condition stops holding: resolved, notified, listed
    writeFileSync(
      join(svc.configDir, 'monitoring.yaml'),
      monitoring('metric: memory_usage\nthreshold: 100\nduration: 2s\nseverity: critical'),
    );
    svc.signal('SIGHUP');
    const resolved = await until('the resolved alert', async () => {
      const r = await getJson<AlertsBody>('/api/alerts?state=resolved');
      return r.body.alerts.find((a) => a.rule === 'test.memory_floor');
    });
    expect(resolved.state).toBe('resolved');
    await until('the resolved Slack message', () =>
      slack.find((m) => m.text.startsWith('Options Engine Alert: test.memory_floor resolved')),
    );
    expect((await getJson<AlertsBody>('/api/alerts')).body.alerts.map((a) => a.rule)).not.toContain(
      'test.memory_floor',
    );
    expect((await fetch(`${svc.url}/health`)).status).toBe(200);
  });

  it('answers 400 naming the field for a bad state', async () => {
    const r = await getJson<{ message: string; field: string }>('/api/alerts?state=burning');
    expect(r.status).toBe(400);
    expect(r.body.field).toBe('state');
  });

  it('never writes the webhook secret or the SMTP settings secret to the logs', async () => {
    const { readFileSync, existsSync } = await import('node:fs');
    for (const f of ['app.log', 'error.log']) {
      const p = join(svc.logDir, f);
      if (existsSync(p)) expect(readFileSync(p, 'utf8')).not.toContain('hooksecret0123');
    }
    expect(svc.stdout() + svc.stderr()).not.toContain('hooksecret0123');
  });
});
