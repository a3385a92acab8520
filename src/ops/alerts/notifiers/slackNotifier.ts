/**
 * The Slack alert channel: an incoming-webhook POST of `{"text": "<subject>\n<details>"}`, the
 * guide's format (the subject already reads `Options Engine Alert: <name>`).
 *
 * The webhook URL is itself the credential, so no error or log line may contain it: failures
 * are reported as `slack: HTTP <status>` or `slack: <network reason>`.
 */
import type { AlertNotification, Notifier } from '../notification.js';

export interface SlackNotifierOptions {
  /** Per-request timeout covering connect, response and body, ms (default 10 000). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** How much of an error response body to quote; Slack answers with short codes like `no_service`. */
const BODY_SNIPPET_CHARS = 200;

export function createSlackNotifier(webhookUrl: string, opts: SlackNotifierOptions = {}): Notifier {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    throw new Error('slack: the webhook URL is not a valid URL');
  }
  // Everything after the host identifies (and authorises) the webhook.
  const secrets = [webhookUrl, url.href, `${url.pathname}${url.search}`, url.pathname].filter(
    (s) => s.length > 1,
  );
  const scrub = (text: string) => secrets.reduce((t, s) => t.replaceAll(s, '****'), text);

  return {
    channel: 'slack',
    async send(n: AlertNotification, signal: AbortSignal): Promise<void> {
      const timeout = AbortSignal.timeout(timeoutMs);
      let status: number;
      let body: string;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ text: `${n.subject}\n${n.details}` }),
          signal: AbortSignal.any([signal, timeout]),
        });
        status = res.status;
        // Read the body (also releases the connection); on success it is Slack's `ok`.
        body = await res.text();
      } catch (err) {
        if (signal.aborted) throw new Error('slack: aborted');
        if (timeout.aborted) throw new Error(`slack: timed out after ${timeoutMs} ms`);
        throw new Error(`slack: ${scrub(networkReason(err))}`);
      }
      if (status < 200 || status > 299) {
        const snippet = scrub(body.replace(/\s+/g, ' ').trim().slice(0, BODY_SNIPPET_CHARS));
        throw new Error(`slack: HTTP ${status}${snippet ? ` (${snippet})` : ''}`);
      }
    },
    async close(): Promise<void> {
      // Nothing to release: the global fetch keeps its own connection pool.
    },
  };
}

/** Node's fetch fails with `TypeError: fetch failed`; the useful reason (ECONNREFUSED, …) is its cause. */
function networkReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code)
      ? `${cause.message} (${code})`
      : cause.message;
  }
  return err.message;
}
