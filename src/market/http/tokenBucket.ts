/**
 * Token-bucket rate limiter: a bucket of `burst` tokens refilled continuously at `limit` per
 * `intervalMs`; each request takes one token, waiting (FIFO) when the bucket is empty.
 *
 * Tokens are taken at the moment a waiter is actually released, not when it queued, so a timer
 * that fires late (a busy event loop) delays the following requests instead of letting them
 * bunch up: with `burst = 1` two releases are always at least `intervalMs / limit` apart and no
 * half-open window of `intervalMs` ever holds more than `limit` releases; with a larger burst at
 * most `burst − 1` more.
 */

export interface TokenBucketOptions {
  /** Requests allowed per `intervalMs`. */
  limit: number;
  intervalMs: number;
  /** Requests that may go at once after an idle period (bucket size). Default 1. */
  burst?: number;
  /** Clock, epoch ms (injectable for tests). */
  now?: () => number;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
}

/** The waiters queued under one signal, and the one abort listener they share. */
interface SignalGroup {
  waiters: Set<Waiter>;
  onAbort: () => void;
}

/** The longest delay setTimeout honours, ms (~24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class TokenBucket {
  /** Time to refill one token, ms. */
  readonly emissionMs: number;
  readonly burst: number;
  private readonly now: () => number;
  private tokens: number;
  private last: number;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private readonly queue: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  /**
   * One abort listener per signal, not per waiter: a scan queues hundreds of requests under its one signal,
   * and Node warns of a "possible EventTarget memory leak" past 10 listeners on a signal.
   */
  private readonly groups = new Map<AbortSignal, SignalGroup>();

  constructor(opts: TokenBucketOptions) {
    if (!(opts.limit > 0) || !(opts.intervalMs > 0)) {
      throw new RangeError(
        `TokenBucket: limit and intervalMs must be > 0 (got ${opts.limit}, ${opts.intervalMs})`,
      );
    }
    this.burst = Math.max(1, Math.floor(opts.burst ?? 1));
    this.emissionMs = opts.intervalMs / opts.limit;
    this.now = opts.now ?? Date.now;
    this.tokens = this.burst;
    this.last = this.now();
  }

  /** Requests waiting for a token. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves when a token is taken. Rejects with the signal's reason if aborted while queued. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.queue.length === 0 && this.tryTake(this.now())) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal };
      if (signal) this.groupOf(signal).waiters.add(w);
      this.queue.push(w);
      this.schedule();
    });
  }

  private groupOf(signal: AbortSignal): SignalGroup {
    let g = this.groups.get(signal);
    if (!g) {
      const group: SignalGroup = {
        waiters: new Set(),
        onAbort: () => {
          this.groups.delete(signal);
          for (const w of group.waiters) {
            const i = this.queue.indexOf(w);
            if (i >= 0) this.queue.splice(i, 1);
            w.reject(signal.reason);
          }
        },
      };
      signal.addEventListener('abort', group.onAbort, { once: true });
      this.groups.set(signal, group);
      g = group;
    }
    return g;
  }

  /** Forgets a released waiter's signal membership; the last one out removes the listener. */
  private release(w: Waiter): void {
    if (!w.signal) return;
    const g = this.groups.get(w.signal);
    if (!g) return;
    g.waiters.delete(w);
    if (g.waiters.size === 0) {
      w.signal.removeEventListener('abort', g.onAbort);
      this.groups.delete(w.signal);
    }
  }

  /** Holds every request until `until` (epoch ms), e.g. the end of an exhausted server quota window. */
  pauseUntil(until: number): void {
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.queue.length > 0) this.schedule();
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + (now - this.last) / this.emissionMs);
      this.last = now;
    }
  }

  private tryTake(now: number): boolean {
    if (now < this.pausedUntil) return false;
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private drain = (): void => {
    this.timer = null;
    const now = this.now();
    while (this.queue.length > 0 && this.tryTake(now)) {
      const w = this.queue.shift() as Waiter;
      this.release(w);
      w.resolve();
    }
    if (this.queue.length > 0) this.schedule();
  };

  private schedule(): void {
    if (this.timer !== null) return;
    const now = this.now();
    this.refill(now);
    const wait = Math.max(this.pausedUntil - now, (1 - this.tokens) * this.emissionMs, 0);
    // setTimeout takes at most 2³¹−1 ms and runs a longer delay after 1 ms (with a warning): a limit of 1e-12 per
    // minute re-armed a 1 ms timer for ever. The drain re-checks and re-arms, so a capped wait is only longer.
    this.timer = setTimeout(this.drain, Math.min(Math.ceil(wait), MAX_TIMER_MS));
  }
}
