/** Typed parsing of the strings that env vars and CLI flags carry. */
import { ConfigError } from './ConfigError.js';

export type ValueKind = 'string' | 'number' | 'int' | 'boolean' | 'list' | 'intOrAuto';

export function coerce(kind: ValueKind, raw: string, source: string, keyPath: string): unknown {
  const text = raw.trim();
  const fail = (what: string) =>
    new ConfigError(source, keyPath, `expected ${what}, got ${JSON.stringify(raw)}`);
  switch (kind) {
    case 'string':
      return text;
    case 'number': {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n)) throw fail('a number');
      return n;
    }
    case 'int': {
      const n = Number(text);
      if (text === '' || !Number.isInteger(n)) throw fail('an integer');
      return n;
    }
    case 'intOrAuto': {
      if (text === 'auto') return 'auto';
      const n = Number(text);
      if (text === '' || !Number.isInteger(n)) throw fail('an integer or "auto"');
      return n;
    }
    case 'boolean': {
      const t = text.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(t)) return true;
      if (['false', '0', 'no', 'off'].includes(t)) return false;
      throw fail('true or false');
    }
    case 'list':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
  }
}
