/**
 * The alert channels against real local peers: an smtp-server SMTP server and a node:http server
 * standing in for the Slack webhook. Nothing of ours is mocked.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../../src/config/schema.js';
import type { AlertChannel, AlertNotification } from '../../../src/ops/alerts/notification.js';
import { buildNotifiers } from '../../../src/ops/alerts/notifiers/buildNotifiers.js';
import {
  type DispatcherLogger,
  NotificationDispatcher,
} from '../../../src/ops/alerts/notifiers/dispatcher.js';
import { createEmailNotifier } from '../../../src/ops/alerts/notifiers/emailNotifier.js';
import { createSlackNotifier } from '../../../src/ops/alerts/notifiers/slackNotifier.js';

const SMTP_USER = 'alerts@example.com';
const SMTP_PASSWORD = 'S3cret-smtp-Pa55word';
const WEBHOOK_PATH = '/services/T0TEST/B0TEST/xoxSecretWebhookToken42';

const note: AlertNotification = {
  kind: 'firing',
  rule: 'system.cpu_usage',
  severity: 'critical',
  subject: 'Options Engine Alert: system.cpu_usage',
  details: 'value: 97.5 %\nthreshold: > 90 %\nduration: 5 min\nhost: test-host',
  alertId: 7,
};

/** Closed after each test, whatever happened. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// ---------- peers ----------

interface ReceivedMail {
  headers: Record<string, string>;
  body: string;
  secure: boolean;
  user: string | undefined;
  mailFrom: string | null;
  rcptTo: string[];
}

async function startSmtp(options: SMTPServerOptions, { acceptDelayMs = 0 } = {}) {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    logger: false,
    ...options,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          ...parseMail(Buffer.concat(chunks).toString('utf8')),
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : undefined,
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
        });
        setTimeout(() => callback(), acceptDelayMs); // a relay that takes its time to accept the body
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port, mails };
}

/** Accepts on the server's `onAuth` only our user and password. */
const checkAuth: SMTPServerOptions['onAuth'] = (auth, _session, callback) => {
  if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: auth.username });
  else callback(new Error('Invalid username or password'));
};

/** Headers (unfolded, names lower-cased) and the body with `\n` line ends. */
function parseMail(raw: string): { headers: Record<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of raw
    .slice(0, split)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: raw.slice(split + 4).replace(/\r\n/g, '\n') };
}

interface HttpRequest {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook endpoint; `respond(i, res)` answers request number i (0-based), or never. */
async function startHttp(respond: (i: number, res: ServerResponse) => void) {
  const requests: HttpRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const i = requests.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      respond(i - 1, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`, requests };
}

/** A loopback port nothing listens on (fetch refuses "bad ports" such as 1 before connecting). */
async function closedPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const reply =
  (status: number, body = '') =>
  (_i: number, res: ServerResponse) =>
    res.writeHead(status).end(body);
const hang = () => {};

function emailSettings(
  port: number,
  over: Partial<Settings['alerts']['email']> = {},
): Settings['alerts']['email'] {
  return {
    enabled: true,
    from: 'engine@example.com',
    to: ['ops@example.com', 'trader@example.com'],
    smtp_server: '127.0.0.1',
    smtp_port: port,
    smtp_username: SMTP_USER,
    smtp_password: SMTP_PASSWORD,
    smtp_tls: true,
    ...over,
  };
}

interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}

function arrayLogger(): DispatcherLogger & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (obj: object, msg = '') =>
      lines.push({ level, obj: obj as Record<string, unknown>, msg });
  return {
    lines,
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: () => JSON.stringify(lines),
  };
}

/** A promise that the dispatcher's onDelivered/onFailed callback resolves, per channel. */
function outcomes() {
  const waiters = new Map<string, (v: string) => void>();
  const promises = new Map<string, Promise<string>>();
  const key = (channel: AlertChannel, kind: 'delivered' | 'failed') => `${channel}:${kind}`;
  const wait = (channel: AlertChannel, kind: 'delivered' | 'failed') => {
    const k = key(channel, kind);
    if (!promises.has(k)) promises.set(k, new Promise<string>((resolve) => waiters.set(k, resolve)));
    return promises.get(k) as Promise<string>;
  };
  return {
    wait,
    onDelivered: (channel: AlertChannel) => {
      wait(channel, 'delivered');
      waiters.get(key(channel, 'delivered'))?.('ok');
    },
    onFailed: (channel: AlertChannel, _n: AlertNotification, err: Error) => {
      wait(channel, 'failed');
      waiters.get(key(channel, 'failed'))?.(err.message);
    },
  };
}

// ---------- e-mail ----------

describe('email notifier', () => {
  it('authenticates over STARTTLS and delivers subject, details, from and both recipients', async () => {
    let authed = 0;
    const smtp = await startSmtp({
      authOptional: false,
      onAuth(auth, session, callback) {
        authed++;
        checkAuth?.(auth, session, callback);
      },
    });
    const email = createEmailNotifier(emailSettings(smtp.port), { tlsRejectUnauthorized: false });
    cleanups.push(() => email.close());

    await email.send(note, new AbortController().signal);

    expect(authed).toBe(1);
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail.secure).toBe(true);
    expect(mail.user).toBe(SMTP_USER);
    expect(mail.mailFrom).toBe('engine@example.com');
    expect(mail.rcptTo).toEqual(['ops@example.com', 'trader@example.com']);
    expect(mail.headers.from).toBe('engine@example.com');
    expect(mail.headers.to).toBe('ops@example.com, trader@example.com');
    expect(mail.headers.subject).toBe('Options Engine Alert: system.cpu_usage');
    expect(mail.headers['content-type']).toMatch(/^text\/plain/);
    expect(mail.body.trimEnd()).toBe(note.details);
  });

  it('verifies the certificate by default: a self-signed STARTTLS server is refused', async () => {
    const smtp = await startSmtp({ authOptional: false, onAuth: checkAuth });
    const email = createEmailNotifier(emailSettings(smtp.port));
    cleanups.push(() => email.close());

    await expect(email.send(note, new AbortController().signal)).rejects.toThrow(/^email: /);
    expect(smtp.mails).toHaveLength(0);
  });

  it('with smtp_tls false stays plain even though the server offers STARTTLS', async () => {
    const smtp = await startSmtp({ authOptional: false, allowInsecureAuth: true, onAuth: checkAuth });
    const email = createEmailNotifier(emailSettings(smtp.port, { smtp_tls: false }));
    cleanups.push(() => email.close());

    await email.send(note, new AbortController().signal);

    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0].secure).toBe(false);
    expect(smtp.mails[0].user).toBe(SMTP_USER);
    expect(smtp.mails[0].headers.subject).toBe(note.subject);
  });

  it('without a username sends no AUTH; without STARTTLS on offer it goes plain', async () => {
    let authed = 0;
    const smtp = await startSmtp({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onAuth(_auth, _session, callback) {
        authed++;
        callback(new Error('no auth expected'));
      },
    });
    const email = createEmailNotifier(emailSettings(smtp.port, { smtp_username: null, smtp_password: null }));
    cleanups.push(() => email.close());

    await email.send(note, new AbortController().signal);

    expect(authed).toBe(0);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0].secure).toBe(false);
    expect(smtp.mails[0].user).toBeUndefined();
  });

  it('a wrong password is rejected with an error that does not contain the password', async () => {
    const smtp = await startSmtp({ authOptional: false, onAuth: checkAuth });
    const wrong = 'Wr0ng-Pa55word-xyz';
    const email = createEmailNotifier(emailSettings(smtp.port, { smtp_password: wrong }), {
      tlsRejectUnauthorized: false,
    });
    cleanups.push(() => email.close());

    const err = await email.send(note, new AbortController().signal).then(
      () => null,
      (e: unknown) => e as Error,
    );

    expect(err).toBeInstanceOf(Error);
    expect(err?.message).toMatch(/^email: .*(535|auth)/i);
    expect(err?.message).not.toContain(wrong);
    expect(err?.message).not.toContain(Buffer.from(wrong).toString('base64'));
    expect(JSON.stringify(err, Object.getOwnPropertyNames(err))).not.toContain(wrong);
    expect(smtp.mails).toHaveLength(0);
  });

  it('waits for a relay slow to accept the body, and keeps one Message-ID per notification across sends', async () => {
    // the relay answers the body only after 3× the timeout: it was cut at the timeout and every alert went 5 times
    const smtp = await startSmtp(
      { authOptional: true, disabledCommands: ['STARTTLS'] },
      { acceptDelayMs: 900 },
    );
    const email = createEmailNotifier(
      { ...emailSettings(smtp.port), smtp_username: null, smtp_password: null, smtp_tls: false },
      { timeoutMs: 300 },
    );
    cleanups.push(() => email.close());
    await email.send(note, new AbortController().signal);
    await email.send(note, new AbortController().signal); // a retry of the same notification
    await email.send({ ...note }, new AbortController().signal); // another notification
    expect(smtp.mails).toHaveLength(3);
    const ids = smtp.mails.map((m) => m.headers['message-id']);
    expect(ids[0]).toMatch(/^<options-engine\.[0-9a-f-]{36}@example\.com>$/);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('a server that accepts but never greets is cut by the timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const port = (silent.address() as AddressInfo).port;
    const email = createEmailNotifier(emailSettings(port), { timeoutMs: 200 });
    cleanups.push(() => email.close());

    await expect(email.send(note, new AbortController().signal)).rejects.toThrow(/^email: /);
  });
});

// ---------- Slack ----------

describe('slack notifier', () => {
  it('POSTs the guide JSON to the webhook', async () => {
    const hook = await startHttp(reply(200, 'ok'));
    const slack = createSlackNotifier(hook.url);

    await slack.send(note, new AbortController().signal);

    expect(hook.requests).toHaveLength(1);
    const [req] = hook.requests;
    expect(req.method).toBe('POST');
    expect(req.url).toBe(WEBHOOK_PATH);
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({
      text: 'Options Engine Alert: system.cpu_usage\nvalue: 97.5 %\nthreshold: > 90 %\nduration: 5 min\nhost: test-host',
    });
  });

  it('a non-2xx answer names the status, never the URL', async () => {
    const hook = await startHttp(reply(500, `boom at ${WEBHOOK_PATH}`));
    const slack = createSlackNotifier(hook.url);

    const err = await slack.send(note, new AbortController().signal).then(
      () => null,
      (e: unknown) => e as Error,
    );

    expect(err?.message).toMatch(/^slack: HTTP 500\b/);
    expect(err?.message).not.toContain(WEBHOOK_PATH);
  });

  it('a hanging endpoint is cut by the timeout; a refused connection is reported without the URL', async () => {
    const hook = await startHttp(hang);
    await expect(
      createSlackNotifier(hook.url, { timeoutMs: 200 }).send(note, new AbortController().signal),
    ).rejects.toThrow('slack: timed out after 200 ms');

    const err = await createSlackNotifier(`http://127.0.0.1:${await closedPort()}${WEBHOOK_PATH}`)
      .send(note, new AbortController().signal)
      .then(
        () => null,
        (e: unknown) => e as Error,
      );
    expect(err?.message).toMatch(/^slack: .*ECONNREFUSED/);
    expect(err?.message).not.toContain(WEBHOOK_PATH);
  });

  it("honours the caller's abort signal", async () => {
    const hook = await startHttp(hang);
    const ac = new AbortController();
    const sent = createSlackNotifier(hook.url).send(note, ac.signal);
    setTimeout(() => ac.abort(), 20);
    await expect(sent).rejects.toThrow('slack: aborted');
  });
});

// ---------- buildNotifiers ----------

describe('buildNotifiers', () => {
  const alerts = (emailEnabled: boolean, webhook: string | null): Settings['alerts'] => ({
    email: emailSettings(2525, { enabled: emailEnabled }),
    slack: { webhook_url: webhook },
    cooldown_minutes: 30,
  });

  it('builds one notifier per configured channel', async () => {
    const channels = (a: Settings['alerts']) => buildNotifiers(a).map((x) => x.channel);
    expect(channels(alerts(false, null))).toEqual([]);
    expect(channels(alerts(true, null))).toEqual(['email']);
    expect(channels(alerts(false, `https://hooks.slack.com${WEBHOOK_PATH}`))).toEqual(['slack']);
    const both = buildNotifiers(alerts(true, `https://hooks.slack.com${WEBHOOK_PATH}`));
    expect(both.map((x) => x.channel)).toEqual(['email', 'slack']);
    await Promise.all(both.map((x) => x.close()));
  });
});

// ---------- dispatcher ----------

describe('NotificationDispatcher', () => {
  it('retries a failing endpoint with backoff and delivers on the third attempt', async () => {
    const hook = await startHttp((i, res) => res.writeHead(i < 2 ? 500 : 200).end(i < 2 ? 'oops' : 'ok'));
    const log = arrayLogger();
    const done = outcomes();
    const d = new NotificationDispatcher({
      notifiers: [createSlackNotifier(hook.url, { timeoutMs: 2_000 })],
      logger: log,
      retry: { attempts: 5, baseDelayMs: 10 },
      onDelivered: done.onDelivered,
      onFailed: done.onFailed,
    });

    d.dispatch(note);
    await done.wait('slack', 'delivered');
    await d.drain(5_000);

    expect(hook.requests).toHaveLength(3);
    const warns = log.lines.filter((l) => l.level === 'warn');
    expect(warns.map((l) => [l.obj.attempt, l.msg])).toEqual([
      [1, 'alert notification failed, retrying in 10 ms'],
      [2, 'alert notification failed, retrying in 20 ms'],
    ]);
    expect(warns[0].obj).toMatchObject({
      channel: 'slack',
      rule: 'system.cpu_usage',
      err: 'slack: HTTP 500 (oops)',
    });
    expect(log.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(d.stats()).toEqual({ slack: { sent: 1, failed: 0, retries: 2, pending: 0 } });
    expect(log.text()).not.toContain(WEBHOOK_PATH);
  });

  it('keeps retrying through an outage longer than five attempts, with waits capped', async () => {
    // down for the first 8 attempts: the old fixed 5 attempts (1 + 2 + 4 + 8 s) gave a critical alert up
    const hook = await startHttp((i, res) => res.writeHead(i < 8 ? 503 : 200).end(i < 8 ? 'down' : 'ok'));
    const log = arrayLogger();
    const done = outcomes();
    const d = new NotificationDispatcher({
      notifiers: [createSlackNotifier(hook.url, { timeoutMs: 2_000 })],
      logger: log,
      retry: { baseDelayMs: 2, maxDelayMs: 16 },
      onDelivered: done.onDelivered,
      onFailed: done.onFailed,
    });
    d.dispatch(note);
    await done.wait('slack', 'delivered');
    await d.drain(5_000);
    expect(hook.requests).toHaveLength(9);
    const waits = log.lines
      .filter((l) => l.level === 'warn')
      .map((l) => Number(/retrying in (\d+) ms/.exec(l.msg)?.[1]));
    expect(waits).toEqual([2, 4, 8, 16, 16, 16, 16, 16]);
    expect(d.stats()).toEqual({ slack: { sent: 1, failed: 0, retries: 8, pending: 0 } });
  });

  it('gives a message up once no retry can start within giveUpAfterMs, and says how long it tried', async () => {
    const hook = await startHttp(reply(503, 'down'));
    const log = arrayLogger();
    const done = outcomes();
    const d = new NotificationDispatcher({
      notifiers: [createSlackNotifier(hook.url, { timeoutMs: 2_000 })],
      logger: log,
      retry: { baseDelayMs: 20, maxDelayMs: 40, giveUpAfterMs: 150 },
      onFailed: done.onFailed,
    });
    d.dispatch(note);
    expect(await done.wait('slack', 'failed')).toBe('slack: HTTP 503 (down)');
    // waits 20, 40, 40, 40 ms: the next one would start after 150 ms
    expect(hook.requests.length).toBeGreaterThanOrEqual(3);
    expect(hook.requests.length).toBeLessThanOrEqual(5);
    const [error] = log.lines.filter((l) => l.level === 'error');
    expect(error.msg).toMatch(/^alert notification failed after \d attempts in 0 s, giving up$/);
    expect(d.stats().slack).toMatchObject({ sent: 0, failed: 1, pending: 0 });
  });

  it('tells onDelivered which channel delivered a message first', async () => {
    const a = await startHttp(reply(200, 'ok'));
    const b = await startHttp(reply(200, 'ok'));
    const seen: boolean[] = [];
    const d = new NotificationDispatcher({
      notifiers: [createSlackNotifier(a.url), createSlackNotifier(b.url)],
      logger: arrayLogger(),
      onDelivered: (_channel, _n, first) => seen.push(first),
    });
    d.dispatch(note);
    d.dispatch({ ...note, rule: 'system.memory_usage' });
    await d.drain(5_000);
    expect(seen.sort()).toEqual([false, false, true, true]);
  });

  it('a newer message of the same alert stops the older one\'s retries: no "still firing" after the "resolved"', async () => {
    // the endpoint refuses the repeat (as a channel that was down when it went out) and takes the resolution
    const hook = await startHttp((i, res) => {
      const resolved = hook.requests[i].body.includes('resolved');
      res.writeHead(resolved ? 200 : 500).end(resolved ? 'ok' : 'down');
    });
    const log = arrayLogger();
    const done = outcomes();
    const d = new NotificationDispatcher({
      notifiers: [createSlackNotifier(hook.url, { timeoutMs: 2_000 })],
      logger: log,
      retry: { attempts: 5, baseDelayMs: 200 },
      onDelivered: done.onDelivered,
      onFailed: done.onFailed,
    });
    d.dispatch({ ...note, kind: 'repeat', subject: `${note.subject} (still firing)` });
    await new Promise((r) => setTimeout(r, 100)); // its first attempt failed; a retry is due in 200 ms
    d.dispatch({ ...note, kind: 'resolved', subject: `${note.subject} resolved` });
    await done.wait('slack', 'delivered');
    await new Promise((r) => setTimeout(r, 700)); // the old retries would have run by now
    await d.drain(5_000);
    expect(hook.requests.map((r) => r.body.includes('resolved'))).toEqual([false, true]);
    expect(d.stats()).toEqual({ slack: { sent: 1, failed: 0, retries: 1, pending: 0 } });
    expect(log.lines.some((l) => l.msg.startsWith('alert notification superseded'))).toBe(true);
    // another alert's message does not supersede it
    const other = await startHttp((_i, res) => res.writeHead(200).end('ok'));
    const d2 = new NotificationDispatcher({
      notifiers: [createSlackNotifier(other.url, { timeoutMs: 2_000 })],
      logger: arrayLogger(),
    });
    d2.dispatch(note);
    d2.dispatch({ ...note, rule: 'system.memory_usage' });
    await d2.drain(5_000);
    expect(other.requests).toHaveLength(2);
  });

  it("a reload's new notifier supersedes the old one's retries of the same alert (a 'FIRING' came after 'resolved')", async () => {
    const down = await startHttp(reply(503, 'down'));
    const up = await startHttp(reply(200, 'ok'));
    const done = outcomes();
    const log = arrayLogger();
    const d = new NotificationDispatcher({
      notifiers: [createSlackNotifier(down.url, { timeoutMs: 2_000 })],
      logger: log,
      retry: { baseDelayMs: 100, maxDelayMs: 100 },
      onDelivered: done.onDelivered,
    });
    d.dispatch(note); // the firing: its first attempt fails, a retry is due in 100 ms
    while (down.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    d.replaceNotifiers([createSlackNotifier(up.url, { timeoutMs: 2_000 })]); // SIGHUP
    d.dispatch({ ...note, kind: 'resolved', subject: `${note.subject} resolved` });
    await done.wait('slack', 'delivered');
    await new Promise((r) => setTimeout(r, 400)); // the old retries would have run by now
    await d.drain(5_000);
    expect(down.requests).toHaveLength(1);
    expect(up.requests.map((r) => r.body.includes('resolved'))).toEqual([true]);
    expect(log.lines.some((l) => l.msg.startsWith('alert notification superseded'))).toBe(true);
    await d.close();
  });

  it('dispatch returns at once; a hanging endpoint is aborted on every attempt, then given up', async () => {
    const hook = await startHttp(hang);
    const log = arrayLogger();
    const done = outcomes();
    const d = new NotificationDispatcher({
      notifiers: [createSlackNotifier(hook.url, { timeoutMs: 200 })],
      logger: log,
      retry: { attempts: 3, baseDelayMs: 20 },
      onFailed: done.onFailed,
    });

    const failed = done.wait('slack', 'failed');
    const returned = d.dispatch(note);
    expect(returned).toBe(1); // at once, with the number of channels it went to
    // The event loop moves on while the delivery is pending.
    const pendingOnNextTurn = await new Promise<number | undefined>((resolve) =>
      setImmediate(() => resolve(d.stats().slack?.pending)),
    );
    expect(pendingOnNextTurn).toBe(1);

    expect(await failed).toBe('slack: timed out after 200 ms');
    await d.drain(5_000);
    expect(hook.requests).toHaveLength(3);
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(2);
    const errors = log.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].obj).toMatchObject({ channel: 'slack', rule: note.rule, attempt: 3 });
    expect(d.stats()).toEqual({ slack: { sent: 0, failed: 1, retries: 2, pending: 0 } });
    expect(log.text()).not.toContain(WEBHOOK_PATH);
  });

  it('one failing channel does not hold back the other; logs carry no secrets', async () => {
    const smtp = await startSmtp({ authOptional: false, onAuth: checkAuth });
    const wrong = 'An0ther-wrong-Pa55';
    const hook = await startHttp(reply(200, 'ok'));
    const log = arrayLogger();
    const done = outcomes();
    const d = new NotificationDispatcher({
      notifiers: [
        createEmailNotifier(emailSettings(smtp.port, { smtp_password: wrong }), {
          tlsRejectUnauthorized: false,
        }),
        createSlackNotifier(hook.url),
      ],
      logger: log,
      retry: { attempts: 2, baseDelayMs: 10 },
      onDelivered: done.onDelivered,
      onFailed: done.onFailed,
    });
    cleanups.push(() => d.close());

    d.dispatch(note);
    await done.wait('slack', 'delivered');
    expect(await done.wait('email', 'failed')).toMatch(/^email: /);
    await d.drain(5_000);

    expect(hook.requests).toHaveLength(1);
    expect(smtp.mails).toHaveLength(0);
    expect(d.stats()).toEqual({
      email: { sent: 0, failed: 1, retries: 1, pending: 0 },
      slack: { sent: 1, failed: 0, retries: 0, pending: 0 },
    });
    const text = log.text();
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(Buffer.from(wrong).toString('base64'));
    expect(text).not.toContain(WEBHOOK_PATH);
  });

  it('drain resolves within its timeout with a hanging endpoint, aborting the delivery', async () => {
    const hook = await startHttp(hang);
    const log = arrayLogger();
    const done = outcomes();
    const d = new NotificationDispatcher({
      notifiers: [createSlackNotifier(hook.url, { timeoutMs: 30_000 })],
      logger: log,
      retry: { attempts: 5, baseDelayMs: 10 },
      onFailed: done.onFailed,
    });

    d.dispatch(note);
    const slow = new Promise<string>((resolve) => setTimeout(resolve, 10_000, 'endpoint timeout').unref());
    expect(await Promise.race([d.drain(100).then(() => 'drained'), slow])).toBe('drained');

    expect(await done.wait('slack', 'failed')).toBe('slack: aborted');
    expect(d.stats()).toEqual({ slack: { sent: 0, failed: 1, retries: 0, pending: 0 } });
    expect(log.lines.some((l) => l.level === 'error' && /abandoned/.test(l.msg))).toBe(true);
    expect(log.text()).not.toContain(WEBHOOK_PATH);
  });

  it('sendNow makes one awaited attempt per channel and reports each', async () => {
    const ok = await startHttp(reply(200, 'ok'));
    const smtp = await startSmtp({ authOptional: false, onAuth: checkAuth });
    const d = new NotificationDispatcher({
      notifiers: [
        createEmailNotifier(emailSettings(smtp.port), { tlsRejectUnauthorized: false }),
        createSlackNotifier(`http://127.0.0.1:${await closedPort()}${WEBHOOK_PATH}`),
      ],
      logger: arrayLogger(),
      retry: { attempts: 5, baseDelayMs: 10 },
    });
    cleanups.push(() => d.close());

    const results = await d.sendNow({ ...note, kind: 'test', alertId: null });

    expect(results.map((r) => [r.channel, r.ok])).toEqual([
      ['email', true],
      ['slack', false],
    ]);
    expect(results[0].error).toBeNull();
    expect(results[1].error).toMatch(/^slack: /);
    expect(results.every((r) => typeof r.ms === 'number' && r.ms >= 0)).toBe(true);
    expect(smtp.mails).toHaveLength(1);
    expect(ok.requests).toHaveLength(0);
    expect(d.stats()).toEqual({
      email: { sent: 0, failed: 0, retries: 0, pending: 0 },
      slack: { sent: 0, failed: 0, retries: 0, pending: 0 },
    });
  });

  it('replaceNotifiers: the delivery in flight finishes on the old endpoint, the next goes to the new', async () => {
    let answerOld: (() => void) | undefined;
    const oldHook = await startHttp((_i, res) => {
      answerOld = () => res.writeHead(200).end('ok');
    });
    const newHook = await startHttp(reply(200, 'ok'));
    const delivered: string[] = [];
    let resolveTwo: () => void = () => {};
    const two = new Promise<void>((resolve) => {
      resolveTwo = resolve;
    });
    const d = new NotificationDispatcher({
      notifiers: [createSlackNotifier(oldHook.url)],
      logger: arrayLogger(),
      retry: { baseDelayMs: 10 },
      onDelivered: (_channel, n) => {
        delivered.push(n.rule);
        if (delivered.length === 2) resolveTwo();
      },
    });

    d.dispatch({ ...note, rule: 'first' });
    while (oldHook.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    d.replaceNotifiers([createSlackNotifier(newHook.url)]);
    d.dispatch({ ...note, rule: 'second' });
    answerOld?.();
    await two;
    await d.drain(5_000);

    expect(delivered.sort()).toEqual(['first', 'second']);
    expect(oldHook.requests).toHaveLength(1);
    expect(newHook.requests).toHaveLength(1);
    expect(d.stats()).toEqual({ slack: { sent: 2, failed: 0, retries: 0, pending: 0 } });
  });
});
