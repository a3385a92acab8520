/** Reads one YAML config file into a plain object, with parse errors as one-line ConfigErrors. */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, visit } from 'yaml';
import { ConfigError } from './ConfigError.js';
import { isWholeReference, PlainReference } from './interpolate.js';

export function readYaml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(file, '', `cannot read file (${code})`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  const first = doc.errors[0];
  if (first) {
    const pos = lines.linePos(first.pos[0]);
    const where = `line ${pos.line}, column ${pos.col}: `;
    const reason = first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(file, '', `invalid YAML: ${where}${reason}`);
  }
  // a plain `key: ${VAR}` is typed by what VAR holds (interpolate); a quoted "${VAR}" stays a string
  visit(doc, {
    Scalar(key, node) {
      if (
        key !== 'key' &&
        node.type === 'PLAIN' &&
        typeof node.value === 'string' &&
        isWholeReference(node.value)
      )
        node.value = new PlainReference(node.value);
    },
  });
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (err) {
    // an alias of no anchor (`*nope`), or so many aliases that the expansion could exhaust memory
    throw new ConfigError(file, '', `invalid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const loop = cyclePath(value, [], new Set());
  if (loop !== null)
    throw new ConfigError(file, loop, 'invalid YAML: a recursive alias (the value contains itself)');
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof PlainReference) {
    throw new ConfigError(file, '', 'invalid YAML: the top level must be a mapping of keys');
  }
  return value as Record<string, unknown>;
}

/**
 * The dotted path of the first value that contains itself (`a: &a [*a]` becomes a cyclic object, on which
 * interpolation and validation recursed until the stack overflowed), or null.
 */
function cyclePath(v: unknown, path: string[], open: Set<object>): string | null {
  if (v === null || typeof v !== 'object' || v instanceof PlainReference) return null;
  if (open.has(v)) return path.join('.');
  open.add(v);
  const entries: [string, unknown][] =
    v instanceof Map ? [...v.entries()].map(([k, x]) => [String(k), x]) : Object.entries(v);
  for (const [k, x] of entries) {
    const found = cyclePath(x, [...path, k], open);
    if (found !== null) return found;
  }
  open.delete(v);
  return null;
}
