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
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof PlainReference) {
    throw new ConfigError(file, '', 'invalid YAML: the top level must be a mapping of keys');
  }
  return value as Record<string, unknown>;
}
