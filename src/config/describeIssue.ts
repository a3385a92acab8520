/** Turns a zod issue into a short, plain reason ("must be > 0, got -5"). */
import type { z } from 'zod';

const show = (v: unknown): string => {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v); // JSON would print null (YAML `.inf`)
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

export function describeIssue(issue: z.core.$ZodIssue): string {
  const got = 'input' in issue && issue.input !== undefined ? `, got ${show(issue.input)}` : '';
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      if (typeof issue.input === 'number') return `must be a finite number${got}`; // Infinity or NaN
      return `expected ${issue.expected}${got}`;
    case 'too_small': {
      if (issue.origin === 'array') return `must have at least ${issue.minimum} item(s)`;
      if (issue.origin === 'string') return 'must not be empty';
      const op = issue.inclusive ? '>=' : '>';
      return `must be ${op} ${issue.minimum}${got}`;
    }
    case 'too_big': {
      if (issue.origin === 'array') return `must have at most ${issue.maximum} item(s)`;
      const op = issue.inclusive ? '<=' : '<';
      return `must be ${op} ${issue.maximum}${got}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => show(v)).join(', ')}${got}`;
    case 'invalid_union': {
      const options = issue.errors
        .flat()
        .map((e) =>
          e.code === 'invalid_value'
            ? e.values.map(show).join(', ')
            : e.code === 'invalid_type'
              ? `a ${e.expected}`
              : '',
        )
        .filter((s) => s !== '');
      return `must be ${options.join(' or ')}${got}`;
    }
    case 'invalid_format':
      return `${issue.message.replace(/^Invalid /, 'must be a valid ')}${got}`;
    case 'unrecognized_keys':
      return 'unknown key';
    case 'custom':
      return issue.message;
    default:
      return `${issue.message}${got}`;
  }
}
