/**
 * Delivers alert notifications to every configured channel in the background.
 *
 * Why in the background: alerts are raised from the monitoring loop, which must not stall on a
 * slow SMTP server or Slack. `dispatch` only starts the deliveries and returns; each channel
 * then retries on its own with exponential backoff (1 s, 2 s, 4 s, … capped at 60 s by default),
 * so a dead channel neither delays nor prevents the others. Why for up to an hour: a relay or
 * Slack outage of a few minutes must not swallow a critical alert (its next word would otherwise
 * be the repeat 30 minutes later, or nothing); a newer message of the same alert takes over
 * from an older one still retrying, so a late delivery is never out of date. A hanging endpoint
 * is cut by the notifier's own timeout, which turns it into an ordinary failed attempt.
 *
 * Logs carry the channel, rule, attempt and the notifier's error message; notifiers already keep
 * secrets (SMTP password, webhook URL) out of their messages, so nothing here can leak them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertChannel, AlertNotification, Notifier } from '../notification.js';

/** A pino logger fits. */
export interface DispatcherLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RetryOptions {
  /** Attempts per channel and notification, the first one included (default: no limit but `giveUpAfterMs`). */
  attempts?: number;
  /**
   * No retry starts later than this after the first attempt, ms (default 3 600 000: an hour). A message still
   * undelivered then is given up (logged as an error and counted as failed).
   */
  giveUpAfterMs?: number;
  /** Wait before the first retry, ms; it doubles for each further retry (default 1000). */
  baseDelayMs?: number;
  /** Cap on a single wait, ms (default 60 000). */
  maxDelayMs?: number;
}

export interface DispatcherOptions {
  notifiers: Notifier[];
  logger: DispatcherLogger;
  retry?: RetryOptions;
  /**
   * Called once per channel when a notification got through (e.g. to record it); `first`: no other channel had
   * delivered this notification yet.
   */
  onDelivered?: (channel: AlertChannel, n: AlertNotification, first: boolean) => void;
  /** Called once per channel when a notification is given up (retries exhausted or aborted). */
  onFailed?: (channel: AlertChannel, n: AlertNotification, err: Error) => void;
}

/** Counters of one channel since the dispatcher was created (kept across `replaceNotifiers`). */
export interface ChannelStats {
  /** Notifications delivered. */
  sent: number;
  /** Notifications given up. */
  failed: number;
  /** Retries scheduled after a failed attempt. */
  retries: number;
  /** Deliveries started and not yet finished (including those waiting to retry). */
  pending: number;
}

/** The outcome of one channel in `sendNow`. */
export interface SendResult {
  channel: AlertChannel;
  ok: boolean;
  /** The notifier's error message (secret-free), null when ok. */
  error: string | null;
  /** Duration of the attempt, ms. */
  ms: number;
}

/** The abort reason of a delivery that a newer message of the same alert replaced. */
class Superseded extends Error {
  override name = 'Superseded';
  constructor() {
    super('superseded by a newer message of the same alert');
  }
}

const DEFAULT_ATTEMPTS = Number.POSITIVE_INFINITY;
const DEFAULT_GIVE_UP_AFTER_MS = 3_600_000;
const DEFAULT_BASE_DELAY_MS = 1_000;
const DEFAULT_MAX_DELAY_MS = 60_000;
/** After `drain` aborts the deliveries, how long it waits for them to notice, ms. */
const ABORT_GRACE_MS = 100;

interface Delivery {
  notifier: Notifier;
  /** The alert rule of a dispatched message (null: a test send): a newer message of it supersedes this one. */
  rule: string | null;
  controller: AbortController;
  /** Resolves (never rejects) when the delivery is over. */
  settled: Promise<void>;
}

export class NotificationDispatcher {
  #notifiers: Notifier[];
  readonly #logger: DispatcherLogger;
  readonly #attempts: number;
  readonly #giveUpAfterMs: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #onDelivered: DispatcherOptions['onDelivered'];
  readonly #onFailed: DispatcherOptions['onFailed'];
  readonly #stats = new Map<AlertChannel, ChannelStats>();
  readonly #inFlight = new Set<Delivery>();
  /** Notifiers replaced by a reload, closed once their in-flight deliveries are over. */
  readonly #retired = new Set<Notifier>();
  #closed = false;
  /** Notifications delivered on at least one channel (for `onDelivered`'s `first`). */
  readonly #delivered = new WeakSet<AlertNotification>();

  constructor(opts: DispatcherOptions) {
    this.#notifiers = [...opts.notifiers];
    this.#logger = opts.logger;
    this.#attempts = Math.max(1, Math.floor(opts.retry?.attempts ?? DEFAULT_ATTEMPTS));
    this.#giveUpAfterMs = Math.max(0, opts.retry?.giveUpAfterMs ?? DEFAULT_GIVE_UP_AFTER_MS);
    this.#baseDelayMs = Math.max(0, opts.retry?.baseDelayMs ?? DEFAULT_BASE_DELAY_MS);
    this.#maxDelayMs = Math.max(0, opts.retry?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
    this.#onDelivered = opts.onDelivered;
    this.#onFailed = opts.onFailed;
    for (const notifier of this.#notifiers) this.#statsFor(notifier.channel);
  }

  /**
   * Starts delivering `n` on every channel and returns at once with the number of channels (0: none
   * configured, or closed). Never throws: failures are retried, then logged and reported through `onFailed`.
   */
  dispatch(n: AlertNotification): number {
    if (this.#closed) {
      this.#logger.warn({ rule: n.rule }, 'alert notification dropped: the dispatcher is closed');
      return 0;
    }
    // An older message of the same alert still being retried on a channel this one goes to is dropped: retried
    // after the newer one, a 'still firing' arrived after the 'resolved' and was the last word on-call saw. By
    // channel, not notifier: a reload replaces the notifiers, and the old one's retries went on for up to an hour.
    const channels = new Set(this.#notifiers.map((x) => x.channel));
    for (const d of this.#inFlight)
      if (d.rule === n.rule && channels.has(d.notifier.channel)) d.controller.abort(new Superseded());
    for (const notifier of this.#notifiers) {
      const stats = this.#statsFor(notifier.channel);
      stats.pending++;
      void this.#track(notifier, (signal) => this.#deliver(notifier, n, signal, stats), n.rule);
    }
    return this.#notifiers.length;
  }

  /**
   * One attempt per channel, no retry, for `ops alerts --test`. Resolves when every channel has
   * answered or timed out; never rejects. Does not count in `stats()`.
   */
  async sendNow(n: AlertNotification): Promise<SendResult[]> {
    return Promise.all(
      this.#notifiers.map((notifier) =>
        this.#track(notifier, async (signal): Promise<SendResult> => {
          const { channel } = notifier;
          const started = performance.now();
          const ms = () => Math.round(performance.now() - started);
          try {
            await notifier.send(n, signal);
            this.#logger.info({ channel, rule: n.rule }, 'alert notification sent');
            return { channel, ok: true, error: null, ms: ms() };
          } catch (err) {
            const error = toError(err).message;
            this.#logger.warn({ channel, rule: n.rule, attempt: 1, err: error }, 'alert notification failed');
            return { channel, ok: false, error, ms: ms() };
          }
        }),
      ),
    );
  }

  /** Counters of the configured channels (copies). */
  stats(): Partial<Record<AlertChannel, ChannelStats>> {
    const out: Partial<Record<AlertChannel, ChannelStats>> = {};
    for (const { channel } of this.#notifiers) out[channel] = { ...this.#statsFor(channel) };
    return out;
  }

  /**
   * Switches to new notifiers (configuration reload). Deliveries in flight finish on the old
   * ones, which are closed afterwards.
   */
  replaceNotifiers(notifiers: Notifier[]): void {
    const old = this.#notifiers.filter((x) => !notifiers.includes(x));
    this.#notifiers = [...notifiers];
    for (const notifier of this.#notifiers) this.#statsFor(notifier.channel);
    for (const notifier of old) {
      this.#retired.add(notifier);
      const busy = [...this.#inFlight].filter((d) => d.notifier === notifier).map((d) => d.settled);
      void Promise.all(busy).then(async () => {
        // close() may have closed it already.
        if (this.#retired.delete(notifier)) await this.#closeQuietly(notifier);
      });
    }
  }

  /**
   * Waits for the deliveries in flight, up to `timeoutMs` (ms), then aborts those still going
   * (counted as failed) and gives them a moment to wind down. For service stop.
   */
  async drain(timeoutMs: number): Promise<void> {
    if (this.#inFlight.size === 0) return;
    const all = () => Promise.all([...this.#inFlight].map((d) => d.settled));
    if (await settlesWithin(all(), timeoutMs)) return;
    const left = this.#inFlight.size;
    for (const d of this.#inFlight) d.controller.abort(new Error('dispatcher draining'));
    this.#logger.warn(
      { deliveries: left, timeoutMs },
      'alert notifications still in flight at stop: aborted',
    );
    await settlesWithin(all(), ABORT_GRACE_MS);
  }

  /** Aborts anything still in flight and closes every notifier; later `dispatch` calls are dropped. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const d of this.#inFlight) d.controller.abort(new Error('dispatcher closed'));
    const notifiers = [...this.#notifiers, ...this.#retired];
    this.#retired.clear();
    await Promise.all(notifiers.map((x) => this.#closeQuietly(x)));
  }

  /** Runs `run` with an abort signal of its own and keeps it in `#inFlight` until it settles. */
  #track<T>(
    notifier: Notifier,
    run: (signal: AbortSignal) => Promise<T>,
    rule: string | null = null,
  ): Promise<T> {
    const controller = new AbortController();
    const result = run(controller.signal);
    const delivery: Delivery = { notifier, rule, controller, settled: result.then(noop, noop) };
    this.#inFlight.add(delivery);
    void delivery.settled.then(() => this.#inFlight.delete(delivery));
    return result;
  }

  /** The retry loop of one channel. Never rejects. */
  async #deliver(notifier: Notifier, n: AlertNotification, signal: AbortSignal, stats: ChannelStats) {
    const { channel } = notifier;
    const rule = n.rule;
    const started = performance.now();
    try {
      for (let attempt = 1; ; attempt++) {
        let failure: Error;
        try {
          await notifier.send(n, signal);
          stats.sent++;
          this.#logger.info({ channel, rule, attempt }, 'alert notification sent');
          const first = !this.#delivered.has(n);
          this.#delivered.add(n);
          this.#callback(() => this.#onDelivered?.(channel, n, first));
          return;
        } catch (err) {
          failure = toError(err);
        }
        if (signal.reason instanceof Superseded) return this.#superseded(notifier, n, attempt);
        if (signal.aborted) return this.#giveUp(notifier, n, stats, attempt, failure, 'aborted');
        const delayMs = Math.min(this.#baseDelayMs * 2 ** (attempt - 1), this.#maxDelayMs);
        if (attempt >= this.#attempts || performance.now() - started + delayMs > this.#giveUpAfterMs)
          return this.#giveUp(notifier, n, stats, attempt, failure, 'exhausted', performance.now() - started);
        stats.retries++;
        this.#logger.warn(
          { channel, rule, attempt, err: failure.message },
          `alert notification failed, retrying in ${delayMs} ms`,
        );
        try {
          await sleep(delayMs, undefined, { signal });
        } catch {
          if (signal.reason instanceof Superseded) return this.#superseded(notifier, n, attempt);
          return this.#giveUp(notifier, n, stats, attempt, failure, 'aborted');
        }
      }
    } finally {
      stats.pending--;
    }
  }

  /** A newer message of the same alert took over this one's retries: not a failure, nothing to report. */
  #superseded(notifier: Notifier, n: AlertNotification, attempt: number): void {
    this.#logger.info(
      { channel: notifier.channel, rule: n.rule, kind: n.kind, attempt },
      'alert notification superseded by a newer message of the same alert; not retried',
    );
  }

  #giveUp(
    notifier: Notifier,
    n: AlertNotification,
    stats: ChannelStats,
    attempt: number,
    err: Error,
    why: 'exhausted' | 'aborted',
    elapsedMs = 0,
  ): void {
    const { channel } = notifier;
    stats.failed++;
    this.#logger.error(
      { channel, rule: n.rule, attempt, err: err.message },
      why === 'aborted'
        ? 'alert notification abandoned: the dispatcher is stopping'
        : `alert notification failed after ${attempt} attempts in ${Math.round(elapsedMs / 1000)} s, giving up`,
    );
    this.#callback(() => this.#onFailed?.(channel, n, err));
  }

  /** A throwing callback must not break the delivery bookkeeping. */
  #callback(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#logger.warn({ err: toError(err).message }, 'alert notification callback threw');
    }
  }

  async #closeQuietly(notifier: Notifier): Promise<void> {
    try {
      await notifier.close();
    } catch (err) {
      this.#logger.warn(
        { channel: notifier.channel, err: toError(err).message },
        'closing a notifier failed',
      );
    }
  }

  #statsFor(channel: AlertChannel): ChannelStats {
    let s = this.#stats.get(channel);
    if (!s) {
      s = { sent: 0, failed: 0, retries: 0, pending: 0 };
      this.#stats.set(channel, s);
    }
    return s;
  }
}

function noop(): void {}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** True when `p` settles within `ms` (ms); the timer is cleared either way. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false);
  });
  try {
    return await Promise.race([p.then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
