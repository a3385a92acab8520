/**
 * Reading a server's rate-limit hints: `Retry-After` (RFC 9110: delta-seconds or an HTTP date) and
 * Tradier's `X-Ratelimit-Allowed / Used / Available / Expiry` (Expiry = end of the quota window,
 * epoch **milliseconds**). Pure functions over a `Headers`-like getter.
 */

export interface HeaderSource {
  get(name: string): string | null;
}

/** The quota a provider reported on its last response. */
export interface RateLimitSnapshot {
  /** Requests allowed in the window. */
  allowed: number;
  used: number;
  /** allowed − used when the server does not say. */
  available: number;
  /** End of the window, epoch ms; NaN when not given. */
  resetAt: number;
  /** When the snapshot was taken, epoch ms. */
  observedAt: number;
}

function num(h: HeaderSource, name: string): number {
  const v = h.get(name);
  if (v === null || v.trim() === '') return Number.NaN;
  const n = Number(v);
  return Number.isFinite(n) ? n : Number.NaN;
}

/** Tradier-style quota headers; null when the response carries none. */
export function parseRateLimitHeaders(h: HeaderSource, now: number): RateLimitSnapshot | null {
  const allowed = num(h, 'x-ratelimit-allowed');
  const used = num(h, 'x-ratelimit-used');
  let available = num(h, 'x-ratelimit-available');
  if (Number.isNaN(allowed) && Number.isNaN(used) && Number.isNaN(available)) return null;
  if (Number.isNaN(available) && !Number.isNaN(allowed) && !Number.isNaN(used)) available = allowed - used;
  return { allowed, used, available, resetAt: num(h, 'x-ratelimit-expiry'), observedAt: now };
}

/**
 * How long the server asks us to wait, ms: `Retry-After` first, else the time left until
 * `X-Ratelimit-Expiry`; null when neither is usable. Never negative.
 */
export function retryAfterMs(h: HeaderSource, now: number): number | null {
  const ra = h.get('retry-after');
  if (ra !== null && ra.trim() !== '') {
    const s = ra.trim();
    if (/^\d+(\.\d+)?$/.test(s)) return Math.max(0, Number(s) * 1000);
    const date = Date.parse(s);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const expiry = num(h, 'x-ratelimit-expiry');
  if (!Number.isNaN(expiry)) return Math.max(0, expiry - now);
  return null;
}
