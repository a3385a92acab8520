/**
 * Result parsers shared by both engines so that rows look the same whichever one runs.
 * Keys are PostgreSQL type OIDs.
 */

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

const toNumber = (v: string): number => Number(v);
const keepText = (v: string): string => v;

/**
 * int8 → number (ids and counts stay far below 2^53), numeric → number, date → the
 * `YYYY-MM-DD` text itself (pg would build a local-midnight Date, shifting the day in UTC−x zones).
 */
export const RESULT_PARSERS: Readonly<Record<number, (v: string) => unknown>> = {
  [INT8]: toNumber,
  [NUMERIC]: toNumber,
  [DATE]: keepText,
};
