/** Turns a zod issue into a short, plain reason ("must be > 0, got -5"). */
import type { z } from 'zod';

const show = (v: unknown): string => {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v); // JSON would print null (YAML `.inf`)
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** A zod type name with its article: "an integer", "a string", "an object". */
const typeName = (t: string): string =>
  t === 'int' ? 'an integer' : /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;

export function describeIssue(issue: z.core.$ZodIssue): string {
  const got = 'input' in issue && issue.input !== undefined ? `, got ${show(issue.input)}` : '';
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      if (typeof issue.input === 'number' && (issue.expected === 'number' || issue.expected === 'int')) {
        // Infinity or NaN (YAML `.inf`, `.nan`), or a fraction where an integer is wanted
        if (!Number.isFinite(issue.input)) return `must be a finite number${got}`;
        if (issue.expected === 'int') return `must be an integer${got}`;
      }
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
              ? typeName(e.expected)
              : '',
        )
        .filter((s) => s !== '');
      return `must be ${options.join(' or ')}${got}`;
    }
    case 'invalid_format':
      if (issue.format === 'regex' && issue.message.startsWith('Invalid string: must match pattern')) {
        return `must match the pattern ${issue.pattern}${got}`;
      }
      return `${issue.message.replace(/^Invalid /, 'must be a valid ')}${got}`;
    case 'invalid_key':
      // a record key (e.g. a rule group in monitoring.yaml) that its pattern refuses
      return `invalid key: ${issue.issues.map((i) => describeIssue(i)).join('; ')}`;
    case 'unrecognized_keys':
      return 'unknown key';
    case 'custom':
      return issue.message;
    default:
      return `${issue.message}${got}`;
  }
}
