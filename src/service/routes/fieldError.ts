/** A bad request parameter: names where it was (`body`, `querystring`, `params`), the field and the reason. */
export class FieldError extends Error {
  readonly statusCode = 400;
  constructor(
    readonly location: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'FieldError';
  }
}

/** One ajv error as fastify hands it over (the subset used here). */
export interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * The field an ajv error is about: the property path (`/tickers/2` → `tickers[2]`), or the
 * missing / unknown property it names.
 */
export function fieldOfIssue(issue: AjvIssue): string {
  const path = (issue.instancePath ?? '')
    .split('/')
    .filter((p) => p !== '')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const extra = issue.params?.missingProperty ?? issue.params?.additionalProperty;
  if (typeof extra === 'string') path.push(extra);
  return path.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

/** A readable reason for an ajv error. */
export function reasonOfIssue(issue: AjvIssue): string {
  if (issue.keyword === 'additionalProperties') return 'unknown field';
  if (issue.keyword === 'required') return 'is required';
  if (issue.keyword === 'enum' && Array.isArray(issue.params?.allowedValues)) {
    return `must be one of ${(issue.params.allowedValues as unknown[]).join(', ')}`;
  }
  return issue.message ?? 'is invalid';
}

/**
 * Milliseconds since the epoch of a parameter that passed the `date-time` format, or a FieldError: RFC 3339 (and
 * ajv's format) admit the leap second 23:59:60, which no JavaScript Date or PostgreSQL timestamp can hold — the
 * query then ran with an invalid date and failed in the database (500, counted as a database error).
 */
export function parseInstant(location: string, field: string, value: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new FieldError(location, field, `not a representable instant: ${value}`);
  return ms;
}
