/**
 * The API's JSON body parser. Why not fastify's own: its 400 says only "Body is not valid JSON" — the parser's reason
 * (where the syntax broke, or a `__proto__` key) was dropped. The parsing is fastify's (secure-json-parse: a leading
 * BOM is dropped; a `__proto__` key, or a `constructor` holding a `prototype`, escaped or not, is refused — prototype
 * poisoning once the body is merged into another object); this adds the reason and, for a refused key, its path.
 */
import sjson from 'secure-json-parse';
import { FieldError } from './fieldError.js';

type Key = string | number;

/** secure-json-parse's message for a refused prototype key (any other error is the JSON's syntax). */
const FORBIDDEN = 'Object contains forbidden prototype property';

/**
 * The path of the first forbidden key, found only once secure-json-parse has refused the body. Iterative, with a
 * link to the parent instead of a copy of the path per element: a 16 kB body nested thousands deep stays linear.
 */
function poisonedPath(value: unknown): Key[] | null {
  const nodes: { v: unknown; parent: number; key: Key }[] = [{ v: value, parent: -1, key: '' }];
  const pathOf = (i: number, tail: Key[]): Key[] => {
    const out = tail;
    for (let j = i; j > 0; j = nodes[j].parent) out.unshift(nodes[j].key);
    return out;
  };
  for (let i = 0; i < nodes.length; i++) {
    const v = nodes[i].v;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      v.forEach((x, k) => {
        nodes.push({ v: x, parent: i, key: k });
      });
      continue;
    }
    if (Object.hasOwn(v, '__proto__')) return pathOf(i, ['__proto__']);
    const ctor = (v as Record<string, unknown>).constructor;
    if (
      Object.hasOwn(v, 'constructor') &&
      ctor !== null &&
      typeof ctor === 'object' &&
      Object.hasOwn(ctor, 'prototype')
    )
      return pathOf(i, ['constructor', 'prototype']);
    for (const k of Object.keys(v)) nodes.push({ v: (v as Record<string, unknown>)[k], parent: i, key: k });
  }
  return null;
}

/** `body.a.b[2]` for a path of keys and indices. */
function fieldOf(path: readonly Key[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : `${acc}.${p}`), 'body');
}

/** Parses a request body sent as JSON; a `FieldError` (400, field `body…`) says why it cannot be used. */
export function parseJsonBody(text: string): unknown {
  if (text.replace(/^\uFEFF/, '').trim() === '')
    throw new FieldError('body', 'body', 'is empty; send a JSON object');
  try {
    return sjson.parse(text, null, { protoAction: 'error', constructorAction: 'error' });
  } catch (e) {
    if ((e as Error).message !== FORBIDDEN)
      throw new FieldError('body', 'body', `is not valid JSON: ${(e as Error).message}`);
  }
  // refused for a prototype key: name it (the plain parse cannot fail here, it just succeeded inside sjson)
  const path = poisonedPath(JSON.parse(text.replace(/^\uFEFF/, '')));
  throw new FieldError('body', path ? fieldOf(path) : 'body', 'is not allowed (a prototype key)');
}
