/** Typed parsing of the strings that env vars and CLI flags carry. */
import { ConfigError } from './ConfigError.js';

export type ValueKind = 'string' | 'number' | 'int' | 'boolean' | 'list' | 'intOrAuto';

/**
 * A plain decimal: optional sign, digits, optional fraction. `Number()` alone also reads hex, binary, octal and
 * exponents (`0x1F90` → 8080, `1e3` → 1000), which no one means in an env var.
 */
const DECIMAL = /^[+-]?\d+(?:\.\d+)?$/;

export function coerce(kind: ValueKind, raw: string, source: string, keyPath: string): unknown {
  const text = raw.trim();
  const fail = (what: string) =>
    new ConfigError(source, keyPath, `expected ${what}, got ${JSON.stringify(raw)}`);
  switch (kind) {
    case 'string':
      return text;
    case 'number': {
      const n = Number(text);
      if (!DECIMAL.test(text) || !Number.isFinite(n)) throw fail('a decimal number');
      return n;
    }
    case 'int': {
      const n = Number(text);
      if (!DECIMAL.test(text) || !Number.isInteger(n)) throw fail('a decimal integer');
      return n;
    }
    case 'intOrAuto': {
      if (text === 'auto') return 'auto';
      const n = Number(text);
      if (!DECIMAL.test(text) || !Number.isInteger(n)) throw fail('a decimal integer or "auto"');
      return n;
    }
    case 'boolean': {
      const t = text.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(t)) return true;
      if (['false', '0', 'no', 'off'].includes(t)) return false;
      throw fail('true or false');
    }
    case 'list': {
      const items = text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      // `,` or blanks would otherwise read as an empty list: for the watchlist, the whole universe
      if (raw !== '' && items.length === 0) throw fail('a comma-separated list of at least one item');
      return items;
    }
  }
}
