/** Input checks shared by the repositories; each failure names the field and the reason. */
import { StoreInputError } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function requireUuid(field: string, v: unknown): string {
  if (typeof v !== 'string' || !UUID.test(v))
    throw new StoreInputError(field, `must be a UUID (got ${show(v)})`);
  return v;
}

export function requireText(field: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0)
    throw new StoreInputError(field, `must be a non-empty string (got ${show(v)})`);
  return v;
}

export function requireDate(field: string, v: unknown): Date {
  if (!(v instanceof Date) || Number.isNaN(v.getTime()))
    throw new StoreInputError(field, `must be a valid Date (got ${show(v)})`);
  return v;
}

/** An instant given as Date or epoch ms. */
export function requireInstant(field: string, v: unknown): Date {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v);
  return requireDate(field, v);
}

export function requireDay(field: string, v: unknown): string {
  if (typeof v !== 'string' || !DAY.test(v))
    throw new StoreInputError(field, `must be a YYYY-MM-DD date (got ${show(v)})`);
  return v;
}

export function requireInt(field: string, v: unknown, min = Number.MIN_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new StoreInputError(field, `must be an integer ≥ ${min} (got ${show(v)})`);
  }
  return v;
}

export function requireOneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new StoreInputError(field, `must be one of ${allowed.join(', ')} (got ${show(v)})`);
  }
  return v as T;
}

/** A finite number, or null for null/undefined/NaN/±Infinity (the market types' "missing"). */
export function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v instanceof Date) return 'an invalid Date';
  return String(v);
}
