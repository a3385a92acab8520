/**
 * Checks of the public API's non-numeric arguments. Numbers out of their domain give NaN (the library's
 * convention for prices and probabilities); a wrong option right, method or count is a caller's mistake and
 * throws, naming the argument — a JavaScript caller's `'CALL'` was priced as a put by one function and as a call
 * by another.
 */
import type { AmericanMethod, OptionType } from './types.js';

const show = (v: unknown) => (typeof v === 'string' ? `'${v}'` : String(v));

/** true for 'call', false for 'put'; a TypeError naming `name` otherwise. */
export function isCallType(type: unknown, name = 'type'): boolean {
  if (type === 'call') return true;
  if (type === 'put') return false;
  throw new TypeError(`${name} must be 'call' or 'put', got ${show(type)}`);
}

const METHODS: readonly AmericanMethod[] = ['baw', 'bjerksund', 'alo', 'binomial'];

/** `method` itself when it is one of `americanPrice`'s methods; a RangeError otherwise. */
export function americanMethod(method: unknown): AmericanMethod {
  if (METHODS.includes(method as AmericanMethod)) return method as AmericanMethod;
  throw new RangeError(`method must be one of ${METHODS.map(show).join(', ')}, got ${show(method)}`);
}

/** `n` when it is a whole number ≥ `min` (and finite); a RangeError naming `name` otherwise. */
export function wholeCount(n: number, name: string, min = 1): number {
  if (Number.isInteger(n) && n >= min) return n;
  throw new RangeError(`${name} must be a whole number ≥ ${min}, got ${show(n)}`);
}

/** `x` when it is a finite number ≥ 0; a RangeError naming `name` otherwise (a tolerance of NaN stopped nothing). */
export function nonNegativeNumber(x: number, name: string): number {
  if (typeof x === 'number' && x >= 0 && x < Number.POSITIVE_INFINITY) return x;
  throw new RangeError(`${name} must be a finite number ≥ 0, got ${show(x)}`);
}

/** `x` when it is a boolean; a TypeError naming `name` otherwise. */
export function booleanOption(x: boolean, name: string): boolean {
  if (typeof x === 'boolean') return x;
  throw new TypeError(`${name} must be true or false, got ${show(x)}`);
}

/** Narrows a checked right back to its type, for signatures typed `OptionType`. */
export const optionType = (type: unknown, name = 'type'): OptionType =>
  isCallType(type, name) ? 'call' : 'put';

/**
 * Checks a plain array of per-element rights (numbers or booleans: non-zero / true = call): a JavaScript caller's
 * `['call', 'put']` was read as two calls (`'put'` is truthy). Typed arrays hold numbers and pass unread.
 */
export function rightsArray(x: ArrayLike<unknown>, n: number, name: string): void {
  if (!Array.isArray(x)) return;
  for (let i = 0, m = Math.min(n, x.length); i < m; i++) {
    const e = x[i];
    if (typeof e !== 'number' && typeof e !== 'boolean')
      throw new TypeError(
        `${name}[${i}] must be a number or boolean (1 / true = call, 0 / false = put), got ${show(e)}`,
      );
  }
}

/** `out` when it is a Float64Array; a TypeError naming it otherwise (a missing one failed on `out.length`). */
export function outputArray(out: unknown, name = 'out'): Float64Array {
  if (out instanceof Float64Array) return out;
  throw new TypeError(
    `${name} must be a Float64Array (the results; its length is the number of options), got ${show(out)}`,
  );
}

/**
 * A TypeError naming the first of `values` that is not a number, `names` giving their names in order: `null` (what
 * `JSON.stringify` makes of NaN) compared as 0 and was priced as S = 0; `'100'` and `[]` too. Called only once a
 * caller's `typeof` test has failed, so the hot path pays one comparison per argument.
 */
export function notNumber(fn: string, names: readonly string[], ...values: unknown[]): never {
  const i = values.findIndex((v) => typeof v !== 'number');
  throw new TypeError(`${fn}: ${names[i]} must be a number, got ${show(values[i])}`);
}

/** `x` when it is a number or a Float64Array (a batch input); a TypeError naming `name` otherwise ('100' was read as ['1', '0', '0']). */
export function batchInput(x: unknown, name: string): void {
  if (typeof x !== 'number' && !(x instanceof Float64Array)) {
    throw new TypeError(
      `${name} must be a number or a Float64Array, got ${Array.isArray(x) ? 'an Array' : show(x)}`,
    );
  }
}

/**
 * Throws `notNumber` for the first of up to six arguments, named by `names` (their count), that is not a number:
 * `probAbove('100', …)` compared the string as 100, `pop` without a drift returned NaN without a word.
 */
export function numberArgs(
  fn: string,
  names: readonly string[],
  a: unknown,
  b: unknown,
  c: unknown,
  d?: unknown,
  e?: unknown,
  f?: unknown,
): void {
  const n = names.length;
  if (
    typeof a !== 'number' ||
    typeof b !== 'number' ||
    typeof c !== 'number' ||
    (n > 3 && typeof d !== 'number') ||
    (n > 4 && typeof e !== 'number') ||
    (n > 5 && typeof f !== 'number')
  )
    notNumber(fn, names, a, b, c, d, e, f);
}

/** Throws `notNumber` for the first of S, K, T, r, q, vol that is not a number (a small function: callers inline it). */
export function bsNumbers(
  fn: string,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
): void {
  if (
    typeof S !== 'number' ||
    typeof K !== 'number' ||
    typeof T !== 'number' ||
    typeof r !== 'number' ||
    typeof q !== 'number' ||
    typeof vol !== 'number'
  )
    notNumber(fn, ['S', 'K', 'T', 'r', 'q', 'vol'], S, K, T, r, q, vol);
}
