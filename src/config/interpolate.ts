/**
 * `${VAR}` / `${VAR:-default}` interpolation of string values in a parsed YAML tree.
 * `$${…}` escapes a literal `${…}`. An unset variable without a default is an error naming the key.
 * A plain (unquoted) scalar that is exactly one `${…}` (a {@link PlainReference}) takes the type YAML gives the
 * substituted text: `nav: ${NAV:-250000}` is a number, `api_key: ${KEY:-null}` null; quote it to keep a string.
 */
import { isScalar, parseDocument } from 'yaml';
import { ConfigError } from './ConfigError.js';
import { isSecretKey } from './secrets.js';

const PATTERN = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

/** A plain YAML scalar that is one `${…}` expression and nothing else (readYaml makes these). */
export class PlainReference {
  constructor(readonly text: string) {}
}

/** Whether a plain scalar's text is one `${…}` expression and nothing else. */
export const isWholeReference = (text: string): boolean => WHOLE.test(text);

function substitute(
  text: string,
  env: Record<string, string | undefined>,
  source: string,
  path: string[],
): string {
  return text.replace(PATTERN, (whole, escaped: string, name: string, fallback: string | undefined) => {
    if (escaped) return whole.slice(1);
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    throw new ConfigError(
      source,
      path.join('.'),
      `environment variable ${name} is not set (use \${${name}:-default})`,
    );
  });
}

/**
 * Substituted text as YAML reads a plain scalar: `250000` a number, `true` a boolean, `null`, `~` or nothing
 * null; anything else (a string, a collection, a tag, a comment) stays the text. A secret stays text unless null:
 * an all-digit password or API key is still a string.
 */
function asPlainScalar(text: string, secret: boolean): unknown {
  if (text.trim() === '') return null;
  const doc = parseDocument(text);
  const node = doc.contents;
  if (doc.errors.length > 0 || !isScalar(node) || node.type !== 'PLAIN') return text;
  if (node.tag || node.anchor || node.comment || node.commentBefore || doc.comment) return text;
  if (typeof node.value === 'string' || (secret && node.value !== null)) return text;
  return node.value;
}

export function interpolate(
  value: unknown,
  env: Record<string, string | undefined>,
  source: string,
  path: string[] = [],
): unknown {
  if (value instanceof PlainReference) {
    return asPlainScalar(substitute(value.text, env, source, path), isSecretKey(path.at(-1) ?? ''));
  }
  if (typeof value === 'string') return substitute(value, env, source, path);
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, source, [...path, String(i)]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, env, source, [...path, k]);
    return out;
  }
  return value;
}
