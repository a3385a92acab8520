/**
 * zod shapes of the Tradier market-data responses we read (only the fields we use; others pass).
 * Tradier quirks handled here: a list of one comes as a bare object/scalar, an empty list as
 * `null`; numeric fields are `null` when there was no trade; `greeks` may be `null`.
 * Epoch fields `trade_date`, `bid_date`, `ask_date` are ms; `clock.timestamp` is seconds.
 */
import { z } from 'zod';

/** Tradier's list: `null`/absent → [], one item → [item], array → array (errors keep the index path). */
export function oneOrMany<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (v) => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(item),
  );
}

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a YYYY-MM-DD date');
const num = z.number().nullish();
/** Prices and counts: a negative one is a corrupt payload, not a quote (the response fails validation, naming it). */
const nonNeg = z.number().nonnegative().nullish();

export const greeksSchema = z.object({
  delta: num,
  gamma: num,
  theta: num,
  vega: num,
  rho: num,
  bid_iv: num,
  mid_iv: num,
  ask_iv: num,
  smv_vol: num,
  updated_at: z.string().nullish(),
});
export type TradierGreeks = z.output<typeof greeksSchema>;

export const optionSchema = z.object({
  symbol: z.string().min(1),
  underlying: z.string().min(1),
  root_symbol: z.string().nullish(),
  /** Shares per contract: 100 for the standard deliverable. */
  contract_size: z.number().positive().nullish(),
  option_type: z.enum(['call', 'put']),
  strike: z.number().positive(),
  expiration_date: date,
  expiration_type: z.string().nullish(),
  bid: nonNeg,
  ask: nonNeg,
  last: nonNeg,
  volume: nonNeg,
  open_interest: nonNeg,
  bid_date: num,
  ask_date: num,
  trade_date: num,
  greeks: greeksSchema.nullish(),
});
export type TradierOption = z.output<typeof optionSchema>;

/** `GET /markets/options/chains` → `{"options":{"option":[…]}}` or `{"options":null}`. */
export const chainResponse = z.object({
  options: z.object({ option: oneOrMany(optionSchema) }).nullable(),
});

/** `GET /markets/options/expirations`: `date` list, or `expiration` objects with `strikes=true`/`expirationType=true`. */
export const expirationsResponse = z.object({
  expirations: z
    .object({
      date: oneOrMany(date).optional(),
      expiration: oneOrMany(z.object({ date, expiration_type: z.string().nullish() })).optional(),
    })
    .nullable(),
});

export const quoteSchema = z.object({
  symbol: z.string().min(1),
  type: z.string().nullish(),
  last: nonNeg,
  bid: nonNeg,
  ask: nonNeg,
  prevclose: nonNeg,
  close: nonNeg,
  volume: nonNeg,
  trade_date: num,
  bid_date: num,
  ask_date: num,
});
export type TradierQuote = z.output<typeof quoteSchema>;

/** `GET /markets/quotes`; unknown symbols come back in `unmatched_symbols.symbol`. */
export const quotesResponse = z.object({
  quotes: z
    .object({
      quote: oneOrMany(quoteSchema).optional(),
      unmatched_symbols: z.object({ symbol: oneOrMany(z.string()) }).nullish(),
    })
    .nullable(),
});

const bar = z.object({
  date,
  open: nonNeg,
  high: nonNeg,
  low: nonNeg,
  close: nonNeg,
  volume: nonNeg,
});

/** `GET /markets/history` → `{"history":{"day":[…]}}` or `{"history":null}`. */
export const historyResponse = z.object({
  history: z.object({ day: oneOrMany(bar) }).nullable(),
});

/** `GET /markets/clock`. */
export const clockResponse = z.object({
  clock: z.object({
    date,
    description: z.string(),
    state: z.string(),
    /** epoch seconds */
    timestamp: z.number(),
    next_change: z.string().nullish(),
    next_state: z.string().nullish(),
  }),
});

const session = z.object({ start: z.string(), end: z.string() }).nullish();

/** `GET /markets/calendar`; closed days have no `open` block. */
export const calendarResponse = z.object({
  calendar: z.object({
    month: z.number(),
    year: z.number(),
    days: z.object({
      day: oneOrMany(
        z.object({
          date,
          status: z.string(),
          description: z.string().nullish(),
          premarket: session,
          open: session,
          postmarket: session,
        }),
      ),
    }),
  }),
});
