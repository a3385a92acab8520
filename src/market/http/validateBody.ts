/** Validates a provider's JSON against a zod schema; a mismatch is a ResponseValidationError naming the field. */
import type { z } from 'zod';
import { type ProviderErrorInit, ResponseValidationError } from './errors.js';

/** `options.option[3].strike` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  if (s === undefined) return typeof v;
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function reasonOf(issue: z.core.$ZodIssue): string {
  const got = 'input' in issue ? `, got ${show(issue.input)}` : '';
  switch (issue.code) {
    case 'invalid_type':
      return 'input' in issue && issue.input === undefined
        ? 'is missing'
        : `expected ${issue.expected}${got}`;
    case 'custom':
      return issue.message;
    default:
      return `${issue.message}${got}`;
  }
}

/** Parses `data` with `schema`; throws ResponseValidationError (field path + reason) on mismatch. */
export function validateBody<S extends z.ZodType>(
  schema: S,
  data: unknown,
  init: ProviderErrorInit,
): z.output<S> {
  const r = schema.safeParse(data, { reportInput: true });
  if (r.success) return r.data;
  const [first, ...rest] = r.error.issues;
  throw new ResponseValidationError(init, formatPath(first.path), reasonOf(first), rest.length);
}
