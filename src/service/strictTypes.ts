/**
 * JSON types checked before the schema validation. The server's ajv coerces types (`coerceTypes: 'array'`), which
 * a query string needs ("20" is the integer 20) but which also turned a JSON body's `"min_pop": true` into 1 (a
 * scan that demanded a certain profit), `"max_trades": "0x3"` into 3 and `"max_trades": null` into 0, and read
 * `?limit=0x10` as 16. Here a body value must already have the JSON type its schema names, and a query value
 * must be written as that type is written: plain decimals for numbers, `true` / `false` for booleans.
 */
import { FieldError } from './routes/fieldError.js';

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const article = (t: string) => (t === 'integer' || t === 'array' || t === 'object' ? `an ${t}` : `a ${t}`);

function jsonTypeOk(type: string, v: unknown): boolean {
  switch (type) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    default:
      return true;
  }
}

/** The value as JSON, cut at 40 characters. A value nested thousands deep (14 KB fit the body limit) overflows
 * JSON.stringify's stack: it is described by its type, not answered with a 500. */
function show(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v); // 1e400 parses as Infinity; JSON says null
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {
    return Array.isArray(v) ? 'a deeply nested array' : 'a deeply nested object';
  }
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** The first value of a parsed JSON body whose type is not its schema's: a FieldError naming it, or null. */
export function bodyTypeError(schema: Schema, value: unknown, field = ''): FieldError | null {
  if (schema.type !== undefined && !jsonTypeOk(schema.type, value)) {
    const what =
      typeof value === 'number' && schema.type === 'number' ? 'a finite number' : article(schema.type);
    return new FieldError('body', field || 'body', `must be ${what}, got ${show(value)}`);
  }
  if (schema.properties && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, sub] of Object.entries(schema.properties)) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      const e = bodyTypeError(sub, v, field ? `${field}.${key}` : key);
      if (e) return e;
    }
  }
  if (schema.items && Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const e = bodyTypeError(schema.items, value[i], `${field}[${i}]`);
      if (e) return e;
    }
  }
  return null;
}

/** The first query parameter not written as its schema's type is written (`0x10`, `1e3` for an integer). */
export function queryTypeError(schema: Schema, query: unknown): FieldError | null {
  if (!schema.properties || query === null || typeof query !== 'object') return null;
  for (const [key, sub] of Object.entries(schema.properties)) {
    const raw = (query as Record<string, unknown>)[key];
    for (const v of Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) {
      if (typeof v !== 'string') continue;
      const ok =
        sub.type === 'integer'
          ? INTEGER.test(v)
          : sub.type === 'number'
            ? DECIMAL.test(v)
            : sub.type === 'boolean'
              ? v === 'true' || v === 'false'
              : true;
      if (!ok)
        return new FieldError('querystring', key, `must be ${article(sub.type ?? 'value')}, got ${show(v)}`);
    }
  }
  return null;
}
