/** Which settings are secrets, how they are masked for display, and the raw values logs must scrub. */
import type { Settings } from './schema.js';

export const MASK = '****';

/** Key names whose values are secrets wherever they appear. */
const SECRET_KEYS = new Set(['api_key', 'token', 'smtp_password', 'webhook_url', 'password', 'secret']);

/** `postgres://user:pw@host/db` → `postgres://user:****@host/db`; strings that are not URLs pass through. */
export function maskUrlPassword(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@\s]+)(@)/i, `$1${MASK}$3`);
}

/**
 * One value as it may be shown (in an error, say) under its key: `****` for a secret key, a URL's password masked,
 * anything else as it is.
 */
export function maskValue(key: string, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (SECRET_KEYS.has(key)) return MASK;
  return typeof value === 'string' ? maskUrlPassword(value) : value;
}

/** A deep copy of any config tree with secret values replaced by `****` (null stays null). */
export function maskSecrets<T>(value: T): T {
  const walk = (v: unknown, key: string): unknown => {
    if (v === null || v === undefined || typeof v !== 'object') return maskValue(key, v);
    if (SECRET_KEYS.has(key)) return MASK;
    if (Array.isArray(v)) return v.map((x) => walk(x, ''));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x, k);
    return out;
  };
  return walk(value, '') as T;
}

/** The raw secret strings of these settings, for log scrubbing (longest first). */
export function secretValues(s: Settings): string[] {
  const out = [
    s.providers.tradier.api_key,
    s.providers.fred.api_key,
    s.providers.quiver.api_key,
    s.api.token,
    s.alerts.email.smtp_password,
    s.alerts.slack.webhook_url,
  ];
  for (const u of [s.database.url, s.cache.redis_url]) {
    const m = u ? /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]+)@/i.exec(u) : null;
    if (m) out.push(m[1], decodeURIComponent(m[1]));
  }
  return [...new Set(out.filter((x): x is string => typeof x === 'string' && x.length >= 4))].sort(
    (a, b) => b.length - a.length,
  );
}
