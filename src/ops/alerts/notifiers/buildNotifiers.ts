/** The notifiers for every alert channel the settings configure. */
import type { Settings } from '../../../config/schema.js';
import type { Notifier } from '../notification.js';
import { createEmailNotifier } from './emailNotifier.js';
import { createSlackNotifier } from './slackNotifier.js';

export interface BuildNotifiersOptions {
  /** Per-channel network timeout, ms (default 10 000, see each notifier). */
  timeoutMs?: number;
  /** Verify the SMTP server's TLS certificate (default true; tests with a self-signed server only). */
  tlsRejectUnauthorized?: boolean;
}

/** Email when `alerts.email.enabled`, Slack when `alerts.slack.webhook_url` is set; empty when neither. */
export function buildNotifiers(alerts: Settings['alerts'], opts: BuildNotifiersOptions = {}): Notifier[] {
  const notifiers: Notifier[] = [];
  if (alerts.email.enabled) {
    notifiers.push(
      createEmailNotifier(alerts.email, {
        timeoutMs: opts.timeoutMs,
        tlsRejectUnauthorized: opts.tlsRejectUnauthorized,
      }),
    );
  }
  if (alerts.slack.webhook_url) {
    notifiers.push(createSlackNotifier(alerts.slack.webhook_url, { timeoutMs: opts.timeoutMs }));
  }
  return notifiers;
}
