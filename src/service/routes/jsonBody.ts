/**
 * The API's JSON body parser. Why not fastify's own: its 400 says only "Body is not valid JSON" — the parser's reason
 * (where the syntax broke, or a `__proto__` key) was dropped. Same rules as fastify's (secure-json-parse): a
 * `__proto__` key, or a `constructor` holding a `prototype`, is refused (prototype poisoning once the body is merged
 * into another object), and an empty body is an error.
 */
import { FieldError } from './fieldError.js';

/** `body.a.b[2]` for a path of keys and indices. */
function fieldOf(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : `${acc}.${p}`), 'body');
}

/** The first forbidden key's path, walked iteratively (a body nested thousands deep must not overflow the stack). */
function poisonedKey(value: unknown): (string | number)[] | null {
  const stack: [unknown, (string | number)[]][] = [[value, []]];
  while (stack.length > 0) {
    const [v, path] = stack.pop() as [unknown, (string | number)[]];
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], [...path, i]]);
      continue;
    }
    if (Object.hasOwn(v, '__proto__')) return [...path, '__proto__'];
    const ctor = (v as Record<string, unknown>).constructor;
    if (
      Object.hasOwn(v, 'constructor') &&
      ctor !== null &&
      typeof ctor === 'object' &&
      Object.hasOwn(ctor, 'prototype')
    )
      return [...path, 'constructor', 'prototype'];
    for (const k of Object.keys(v).reverse()) stack.push([(v as Record<string, unknown>)[k], [...path, k]]);
  }
  return null;
}

/** Parses a request body sent as JSON; a `FieldError` (400, field `body…`) says why it cannot be used. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new FieldError('body', 'body', 'is empty; send a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new FieldError('body', 'body', `is not valid JSON: ${(e as Error).message}`);
  }
  if (text.includes('__proto__') || text.includes('constructor')) {
    const path = poisonedKey(value);
    if (path) throw new FieldError('body', fieldOf(path), 'is not allowed (a prototype key)');
  }
  return value;
}
