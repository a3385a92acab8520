/**
 * The collector: gathers everything a scan needs per ticker, each item from the cache, else the
 * primary provider, else the fallback provider, recording which source served it. It degrades
 * gracefully: a ticker whose quote or chain cannot be had is skipped with a counted reason; an
 * optional item (bars, fundamentals, flow, IV history) that fails is left null with its reason;
 * nothing fails the whole collection. Only the expirations inside the DTE window are fetched, and
 * underlying quotes are fetched in batches — with a 120-requests-per-minute broker the API is the
 * bottleneck, not this code.
 *
 * For a reproducible replay (`--as-of`, the simulated market) pass no cache: a cached entry taken a
 * little earlier than the as-of would serve instead of regenerated data.
 */

import type {
  CollectOptions,
  CollectResult,
  ItemSource,
  OptionalKind,
  SkippedTicker,
  TickerMarketData,
} from './collectTypes.js';
import { dateOfDay, newYorkClock } from './exchangeCalendar.js';
import { daysToExpiry } from './expiry.js';
import { MarketInputError } from './inputError.js';
import { bump, errorReason, ItemFetcher, ItemUnavailable, mapLimit, message } from './itemSources.js';
import { FALLBACK_RISK_FREE_RATE } from './riskFreeRate.js';
import type { DailyBar, FlowSignals, Fundamentals, IvPoint, MacroSnapshot, OptionChain } from './types.js';
import { normalizeSymbol } from './universe.js';

export * from './collectTypes.js';
export { errorReason } from './itemSources.js';

function chainCovers(chain: OptionChain, wanted: readonly string[]): OptionChain | null {
  const have = new Map(chain.expirations.map((e) => [e.expiration, e]));
  if (!wanted.every((w) => have.has(w))) return null;
  return { ...chain, expirations: wanted.map((w) => have.get(w)) as OptionChain['expirations'] };
}

function countContracts(chain: OptionChain): number {
  let n = 0;
  for (const e of chain.expirations) {
    for (let i = 0; i < e.strikes.length; i++) {
      if (e.calls.symbols[i] !== '') n++;
      if (e.puts.symbols[i] !== '') n++;
    }
  }
  return n;
}

const ALL_OPTIONAL: readonly OptionalKind[] = ['history', 'fundamentals', 'flow', 'ivHistory'];

/** Collects market data for `tickers` (see the module doc). Never throws for a ticker's failure. */
export async function collectMarket(
  tickers: readonly string[],
  options: CollectOptions,
): Promise<CollectResult> {
  if (!(options.maxDte >= 0)) throw new MarketInputError('maxDte', 'must be a number ≥ 0');
  if ((options.minDte ?? 0) > options.maxDte) throw new MarketInputError('minDte', 'must not exceed maxDte');
  const started = performance.now();
  const c = new ItemFetcher(options);
  const symbols = [...new Set(tickers.map(normalizeSymbol))];
  c.stats.requested = symbols.length;
  const skipped: SkippedTicker[] = [];
  const skipCounts: Record<string, number> = {};
  const skip = (symbol: string, reason: string, detail: string) => {
    skipped.push({ symbol, reason, detail });
    bump(skipCounts, reason);
  };

  let macro: MacroSnapshot | null = null;
  let macroSource: ItemSource | null = null;
  let macroError: string | null = null;
  try {
    const m = await c.item<MacroSnapshot>('macro', 'macro', (p) => p.getMacro!(c.ctx));
    macro = m.value;
    macroSource = m.source;
  } catch (err) {
    macroError = options.signal?.aborted ? 'aborted' : errorReason(err);
  }
  c.ctx.riskFreeRate = macro?.riskFreeRate ?? FALLBACK_RISK_FREE_RATE;

  const quotes = await c.quotes(symbols);
  const today = newYorkClock(options.asOf).day;
  const from = dateOfDay(today - (options.historyDays ?? 730));
  const to = dateOfDay(today);
  const optional = options.optional ?? ALL_OPTIONAL;
  const minDte = options.minDte ?? 0;
  let done = 0;

  const one = async (symbol: string): Promise<TickerMarketData | null> => {
    const q = quotes.get(symbol);
    if (q === undefined || q instanceof Error) {
      const e = q ?? new ItemUnavailable('quote:missing', 'no quote: the provider does not list the symbol');
      skip(symbol, errorReason(e), message(e));
      return null;
    }
    const sources: TickerMarketData['sources'] = { quote: q.source };
    try {
      const exp = await c.item<string[]>('expirations', `expirations:${symbol}`, (p) =>
        p.getExpirations!(symbol, c.ctx),
      );
      sources.expirations = exp.source;
      const wanted = exp.value.filter((d) => {
        const dte = daysToExpiry(d, options.asOf);
        return dte >= minDte && dte <= options.maxDte;
      });
      if (wanted.length === 0) {
        skip(symbol, 'noExpirationsInWindow', `no expiration within ${minDte}–${options.maxDte} DTE`);
        return null;
      }
      if (options.bracketDte !== undefined) {
        wanted.push(...bracketing(exp.value, wanted, options.bracketDte, options.asOf));
        wanted.sort();
      }
      const chain = await c.item<OptionChain>(
        'chain',
        `chain:${symbol}`,
        (p) => p.getChain!(symbol, wanted, c.ctx),
        (v) => (v.expirations.some((e) => e.strikes.length > 0) ? null : 'emptyChain'),
        (v) => chainCovers(v, wanted),
      );
      sources.chain = chain.source;
      const data: TickerMarketData = {
        symbol,
        quote: q.value,
        chain: chain.value,
        history: null,
        fundamentals: null,
        flow: null,
        ivHistory: null,
        sources,
        missing: {},
      };
      await Promise.all(
        optional.map(async (kind) => {
          try {
            const got = await fetchOptional(c, kind, symbol, from, to);
            (data as unknown as Record<OptionalKind, unknown>)[kind] = got.value;
            sources[kind] = got.source;
          } catch (err) {
            if (options.signal?.aborted) throw err;
            const reason = errorReason(err);
            data.missing[kind] = reason;
            bump(c.stats.missingItems, reason.startsWith(`${kind}:`) ? reason : `${kind}:${reason}`);
          }
        }),
      );
      c.stats.expirations += data.chain.expirations.length;
      c.stats.contracts += countContracts(data.chain);
      return data;
    } catch (err) {
      if (options.signal?.aborted) {
        skip(symbol, 'aborted', 'collection aborted');
        return null;
      }
      const reason = errorReason(err);
      skip(symbol, reason === 'emptyChain' || reason.includes(':') ? reason : `data:${reason}`, message(err));
      return null;
    }
  };

  const results = await mapLimit(symbols, options.concurrency ?? 8, async (symbol) => {
    let r: TickerMarketData | null = null;
    if (options.signal?.aborted) skip(symbol, 'aborted', 'collection aborted');
    else r = await one(symbol);
    done++;
    options.onTicker?.(symbol, r ? 'collected' : 'skipped', done, symbols.length);
    return r;
  });
  const collected = results.filter((r): r is TickerMarketData => r !== null);
  c.stats.collected = collected.length;
  c.stats.skipped = skipped.length;
  c.stats.elapsedMs = performance.now() - started;
  return {
    asOf: options.asOf,
    tickers: collected,
    skipped,
    skipCounts,
    macro,
    macroSource,
    macroError,
    stats: c.stats,
  };
}

function fetchOptional(
  c: ItemFetcher,
  kind: OptionalKind,
  symbol: string,
  from: string,
  to: string,
): Promise<{ value: unknown; source: ItemSource }> {
  switch (kind) {
    case 'history':
      return c.item<DailyBar[]>('history', `history:${symbol}:${from}:${to}`, (p) =>
        p.getHistory!(symbol, from, to, c.ctx),
      );
    case 'fundamentals':
      return c.item<Fundamentals>('fundamentals', `fundamentals:${symbol}`, (p) =>
        p.getFundamentals!(symbol, c.ctx),
      );
    case 'flow':
      return c.item<FlowSignals>('flow', `flow:${symbol}`, (p) => p.getFlow!(symbol, c.ctx));
    case 'ivHistory':
      return c.item<IvPoint[]>('ivHistory', `ivHistory:${symbol}`, (p) => p.getIvHistory!(symbol, c.ctx));
  }
}

/**
 * The expirations nearest to `dte` days that `wanted` lacks: the latest one before it, any on it and the earliest
 * one after it (so that whatever the time of day, the interpolation at `dte` finds its two neighbours; never one
 * expiring today or before), ascending.
 */
export function bracketing(
  all: readonly string[],
  wanted: readonly string[],
  dte: number,
  asOf: number,
): string[] {
  const live = all.filter((d) => daysToExpiry(d, asOf) >= 1).sort();
  const below = live.filter((d) => daysToExpiry(d, asOf) < dte);
  const near = [
    ...below.slice(-1),
    ...live.filter((d) => daysToExpiry(d, asOf) === dte),
    ...live.filter((d) => daysToExpiry(d, asOf) > dte).slice(0, 1),
  ];
  const has = new Set(wanted);
  return near.filter((d) => !has.has(d));
}
