/**
 * The e-mail alert channel: one plain-text message per notification over SMTP (nodemailer).
 *
 * TLS follows the guide's settings: port 465 is implicit TLS; any other port upgrades with
 * STARTTLS when the server offers it, unless `smtp_tls` is false. Errors never carry the SMTP
 * password: every nodemailer error is rewritten to `email: <reason>` with the password scrubbed.
 */
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Settings } from '../../../config/schema.js';
import type { AlertNotification, Notifier } from '../notification.js';

export interface EmailNotifierOptions {
  /**
   * Connection and greeting timeout, ms (default 10 000). Inactivity within the session may last six times this
   * (a relay may take long to accept a message after its body: RFC 5321 allows 10 minutes, and a 12 s relay got
   * every alert five times), and the whole send is capped at nine times this.
   */
  timeoutMs?: number;
  /**
   * Verify the server's certificate (default true). Only tests against a server with a
   * self-signed certificate turn this off; production configuration has no way to reach it.
   */
  tlsRejectUnauthorized?: boolean;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function createEmailNotifier(
  email: Settings['alerts']['email'],
  opts: EmailNotifierOptions = {},
): Notifier {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { smtp_server: host, from, to } = email;
  // The schema requires these when email is enabled; checked again so a hand-built config fails clearly.
  if (!host) throw new Error('email: alerts.email.smtp_server is not set');
  if (!from) throw new Error('email: alerts.email.from is not set');
  if (to.length === 0) throw new Error('email: alerts.email.to has no recipients');

  const secrets = passwordForms(email.smtp_username, email.smtp_password);
  const scrub = (text: string) => secrets.reduce((t, s) => t.replaceAll(s, '****'), text);

  // Not pooled: alerts are rare, and a fresh connection per message never trips on a stale one.
  const transport = nodemailer.createTransport({
    host,
    port: email.smtp_port,
    secure: email.smtp_port === 465,
    ignoreTLS: !email.smtp_tls,
    auth: email.smtp_username ? { user: email.smtp_username, pass: email.smtp_password ?? '' } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: 6 * timeoutMs,
    // Do not linger on a server that does not close after QUIT: the message is already accepted.
    socketCloseTimeout: 0,
    tls: { rejectUnauthorized: opts.tlsRejectUnauthorized ?? true },
    logger: false,
  });

  // One Message-ID per notification, kept across its retries: a relay that accepted a message but answered too
  // late gets the retry as the same message, which mail systems drop as a duplicate.
  const messageIds = new WeakMap<AlertNotification, string>();
  const domain = from.includes('@')
    ? from.slice(from.lastIndexOf('@') + 1).replace(/[>\s]/g, '')
    : 'localhost';
  const messageIdOf = (n: AlertNotification) => {
    let id = messageIds.get(n);
    if (!id) {
      id = `<options-engine.${randomUUID()}@${domain}>`;
      messageIds.set(n, id);
    }
    return id;
  };

  return {
    channel: 'email',
    async send(n: AlertNotification, signal: AbortSignal): Promise<void> {
      const overall = AbortSignal.timeout(timeoutMs * 9);
      try {
        await transport.sendMail({
          from,
          to: [...to],
          subject: n.subject,
          text: n.details,
          messageId: messageIdOf(n),
          signal: AbortSignal.any([signal, overall]),
        });
      } catch (err) {
        if (signal.aborted) throw new Error('email: aborted');
        if (overall.aborted) throw new Error(`email: timed out after ${timeoutMs * 9} ms`);
        throw new Error(`email: ${scrub(describeError(err))}`);
      }
    },
    async close(): Promise<void> {
      transport.close();
    },
  };
}

/** `message (CODE)` of a nodemailer error; nodemailer errors carry an `E…` code such as EAUTH. */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as Error & { code?: unknown }).code;
  const message = err.message.replace(/\s+/g, ' ').trim() || 'unknown error';
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}

/**
 * The password as it may appear on the wire: raw, base64 (AUTH LOGIN) and inside the base64 of
 * AUTH PLAIN's `\0user\0password`. Servers do not echo these, but an error could quote a command.
 */
function passwordForms(user: string | null, password: string | null): string[] {
  if (!password) return [];
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const forms = [password, b64(password), b64(`\0${user ?? ''}\0${password}`)];
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}
