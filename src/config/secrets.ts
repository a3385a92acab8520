/** Which settings are secrets, how they are masked for display, and the raw values logs must scrub. */
import type { Settings } from './schema.js';

export const MASK = '****';

/** Key names whose values are secrets wherever they appear. */
const SECRET_KEYS = new Set(['api_key', 'token', 'smtp_password', 'webhook_url', 'password', 'secret']);

/** Whether values under this key name are secrets. */
export const isSecretKey = (key: string): boolean => SECRET_KEYS.has(key);

/**
 * Query parameters of a URL that carry a secret: pg-connection-string takes `password` and `sslpassword`,
 * ioredis any option, `password` and `sentinelPassword` among them (`passfile` names a file); a provider base
 * URL may carry its key (`?api_key=`, `apikey`, `token`, `access_token`, `client_secret`), which showed in
 * `config check` and `/status`.
 */
const SECRET_PARAM = /(password|secret|token|api[_-]?key)$/i;
/** `scheme://`: a URL with an authority. */
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** How a mistyped URL may start: `postgres//`, `postgres:/`, `redis:///`. */
const LOOSE_SCHEME = /^[a-z][a-z0-9+.-]*:?\/+/i;

/** One password in a URL: where its raw text sits, and the value the client library decodes from it. */
interface PasswordSpan {
  start: number;
  end: number;
  decoded: string;
}

function parses(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The passwords of a connection URL: the userinfo's (`user:pw@`) and every password query parameter.
 * In a URL that does not parse (a typo in the scheme, a bad port) the password may run on to the last `@`, so
 * everything from the first `:` to there counts.
 */
function passwordSpans(text: string): PasswordSpan[] {
  const out: PasswordSpan[] = [];
  const wellFormed = SCHEME.test(text) && parses(text);
  const start = ((wellFormed ? SCHEME : LOOSE_SCHEME).exec(text)?.[0] ?? '').length;
  // A URL's authority ends at the first / ? or #.
  const authorityLength = wellFormed ? text.slice(start).search(/[/?#]/) : -1;
  const end = authorityLength < 0 ? text.length : start + authorityLength;
  const at = text.lastIndexOf('@', end - 1);
  const colon = text.indexOf(':', start);
  if (at >= start && colon >= 0 && colon + 1 < at) {
    out.push({ start: colon + 1, end: at, decoded: decode(text.slice(colon + 1, at)) });
  }
  const query = text.indexOf('?', at >= start ? at + 1 : start);
  if (query < 0) return out;
  const hash = text.indexOf('#', query);
  const queryEnd = hash < 0 ? text.length : hash;
  for (let i = query + 1; i <= queryEnd; ) {
    const amp = text.indexOf('&', i);
    const segEnd = amp < 0 || amp > queryEnd ? queryEnd : amp;
    const seg = text.slice(i, segEnd);
    const eq = seg.indexOf('=');
    // the key as pg and ioredis read it (URLSearchParams: percent-decoded, `+` = space)
    const entry = eq > 0 && eq + 1 < seg.length ? [...new URLSearchParams(seg)][0] : undefined;
    if (entry && SECRET_PARAM.test(entry[0])) out.push({ start: i + eq + 1, end: segEnd, decoded: entry[1] });
    i = segEnd + 1;
  }
  return out;
}

/**
 * A URL's passwords replaced by `****`: `postgres://user:pw@host/db?sslpassword=x` →
 * `postgres://user:****@host/db?sslpassword=****`. A mistyped URL (`postgres//u:pw@h`) has everything between
 * the first `:` and the last `@` masked. Strings without credentials pass through.
 */
export function maskUrlPassword(text: string): string {
  let out = text;
  for (const s of passwordSpans(text).reverse()) out = out.slice(0, s.start) + MASK + out.slice(s.end);
  return out;
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
    if (!u) continue;
    for (const p of passwordSpans(u)) out.push(u.slice(p.start, p.end), p.decoded);
  }
  return [...new Set(out.filter((x): x is string => typeof x === 'string' && x.length >= 4))].sort(
    (a, b) => b.length - a.length,
  );
}

/**
 * The raw secret strings of a config tree before validation (values under secret keys, URL passwords), longest
 * first. Why: a secret interpolated into another key (`level: ${TRADIER_API_KEY}`) showed in that key's error.
 */
export function treeSecretValues(tree: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string') {
      if (SECRET_KEYS.has(key)) out.push(v);
      for (const p of passwordSpans(v)) out.push(v.slice(p.start, p.end), p.decoded);
    } else if (Array.isArray(v)) for (const x of v) walk(x, key);
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(tree, '');
  return [...new Set(out.filter((x) => x.length >= 4))].sort((a, b) => b.length - a.length);
}

/** `text` with every one of `secrets` replaced by `****`. */
export const scrubText = (text: string, secrets: readonly string[]): string =>
  secrets.reduce((acc, x) => acc.split(x).join(MASK), text);
