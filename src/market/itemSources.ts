/**
 * The collector's sourcing of one item: cache → primary → fallback, with the stats of every call,
 * cache hit and failure; and the batched quote fetch. Errors become an ItemUnavailable carrying a
 * short countable reason (`chain:TimeoutError`, `quote:missing`, `emptyChain`…).
 */
import { type CacheEntry, decodeEntry, encodeEntry } from './cacheEntry.js';
import type { CollectOptions, CollectStats, ItemSource } from './collectTypes.js';
import { DEFAULT_TTL_SECONDS } from './collectTypes.js';
import { ProviderError } from './http/errors.js';
import { MarketInputError } from './inputError.js';
import type { MarketDataProvider, RequestContext } from './provider.js';
import type { DataKind, UnderlyingQuote } from './types.js';
import { normalizeSymbol } from './universe.js';

/** Thrown inside the collector when no source could serve an item; `reason` is what gets counted. */
export class ItemUnavailable extends Error {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(detail);
  }
}

/** A short, countable reason for an error: its `code` if a string, else its class name. */
export function errorReason(err: unknown): string {
  if (err instanceof ItemUnavailable) return err.reason;
  if (err instanceof MarketInputError) return err.field === 'symbol' ? 'invalidSymbol' : 'invalidInput';
  // a refused key (401/403, FRED's 400) reads AuthError, not HttpStatusError like a 503: an expired key, not an outage
  if (err instanceof ProviderError && err.kind === 'auth') return 'AuthError';
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (err.name === 'AbortError') return 'aborted';
    return typeof code === 'string' && code !== '' ? code : err.name || 'Error';
  }
  return 'error';
}

/**
 * Why an item failed when the primary and the fallback both did: the primary's reason first — the one an
 * operator acts on (an expired key reads `quote:AuthError`, not the fallback's `quote:NetworkError`) — with
 * the fallback's after it; one reason when they agree or only one source was tried.
 */
export function bothFailed(primary: ItemUnavailable, fallback: ItemUnavailable): ItemUnavailable {
  if (primary === fallback || primary.reason === fallback.reason) return fallback;
  return new ItemUnavailable(
    `${primary.reason} (fallback ${fallback.reason})`,
    `${primary.message}; ${fallback.message}`,
  );
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

type Method = keyof MarketDataProvider;
const METHOD: Readonly<Record<DataKind, Method>> = {
  quote: 'getQuotes',
  expirations: 'getExpirations',
  chain: 'getChain',
  history: 'getHistory',
  fundamentals: 'getFundamentals',
  macro: 'getMacro',
  flow: 'getFlow',
  ivHistory: 'getIvHistory',
};

/** Whether a provider serves a kind (declared capability and the method present). */
function serves(p: MarketDataProvider | null | undefined, kind: DataKind): p is MarketDataProvider {
  return !!p && p.capabilities.has(kind) && typeof p[METHOD[kind]] === 'function';
}

export class ItemFetcher {
  readonly stats: CollectStats;
  readonly ctx: RequestContext;
  private readonly keyPrefix: string;

  constructor(private readonly o: CollectOptions) {
    this.ctx = { asOf: o.asOf, signal: o.signal };
    this.keyPrefix = `market:v1:${o.primary.name}`;
    this.stats = {
      requested: 0,
      collected: 0,
      skipped: 0,
      expirations: 0,
      contracts: 0,
      elapsedMs: 0,
      cacheHits: 0,
      cacheMisses: 0,
      cacheErrors: 0,
      calls: {},
      failures: {},
      missingItems: {},
    };
  }

  private ttl(kind: DataKind): number {
    return this.o.ttlSeconds?.[kind] ?? DEFAULT_TTL_SECONDS[kind];
  }

  private async cacheGet<T>(kind: DataKind, key: string): Promise<CacheEntry<T> | null> {
    if (!this.o.cache) return null;
    try {
      const entry = decodeEntry<T>(
        await this.o.cache.get(`${this.keyPrefix}:${key}`),
        this.o.asOf,
        this.ttl(kind),
      );
      if (entry) this.stats.cacheHits++;
      else this.stats.cacheMisses++;
      return entry;
    } catch {
      this.stats.cacheErrors++;
      return null;
    }
  }

  private async cacheSet<T>(kind: DataKind, key: string, provider: string, data: T): Promise<void> {
    if (!this.o.cache) return;
    try {
      const text = encodeEntry({ asOf: this.o.asOf, provider, data }, kind === 'chain');
      await this.o.cache.set(`${this.keyPrefix}:${key}`, text, this.ttl(kind));
    } catch {
      this.stats.cacheErrors++;
    }
  }

  /** The sources able to serve `kind`, in order, with their role: a dedicated one first. */
  private sources(kind: DataKind): [MarketDataProvider, ItemSource['from']][] {
    const out: [MarketDataProvider, ItemSource['from']][] = [];
    const dedicated = kind === 'macro' ? this.o.macro : kind === 'flow' ? this.o.flow : null;
    if (serves(dedicated, kind)) out.push([dedicated, 'dedicated']);
    if (serves(this.o.primary, kind)) out.push([this.o.primary, 'primary']);
    if (serves(this.o.fallback, kind)) out.push([this.o.fallback as MarketDataProvider, 'fallback']);
    return out;
  }

  /**
   * One item: cache → primary → fallback. `accept` may reject a served value (e.g. an empty chain),
   * which counts as that source failing. `fromCache` may adapt or refuse a cached value.
   */
  async item<T>(
    kind: DataKind,
    key: string,
    call: (p: MarketDataProvider) => Promise<T>,
    accept: (v: T) => string | null = () => null,
    fromCache: (v: T) => T | null = (v) => v,
  ): Promise<{ value: T; source: ItemSource }> {
    const cached = await this.cacheGet<T>(kind, key);
    if (cached) {
      const v = fromCache(cached.data);
      if (v !== null) return { value: v, source: { from: 'cache', provider: cached.provider } };
    }
    const sources = this.sources(kind);
    if (sources.length === 0) throw new ItemUnavailable(`${kind}:unsupported`, `no provider serves ${kind}`);
    let first: ItemUnavailable | null = null;
    let last: ItemUnavailable | null = null;
    for (const [p, from] of sources) {
      this.o.signal?.throwIfAborted();
      bump(this.stats.calls, p.name);
      try {
        const value = await call(p);
        const refusal = accept(value);
        if (refusal !== null) {
          bump(this.stats.failures, p.name);
          last = new ItemUnavailable(refusal, `${p.name}: ${refusal}`);
          first ??= last;
          continue;
        }
        await this.cacheSet(kind, key, p.name, value);
        return { value, source: { from, provider: p.name } };
      } catch (err) {
        if (this.o.signal?.aborted) throw err;
        bump(this.stats.failures, p.name);
        last = new ItemUnavailable(`${kind}:${errorReason(err)}`, `${p.name}: ${message(err)}`);
        first ??= last;
      }
    }
    throw bothFailed(first as ItemUnavailable, last as ItemUnavailable);
  }

  /** Quotes for all symbols in batches (primary, then fallback for what the primary did not return). */
  async quotes(
    symbols: string[],
  ): Promise<Map<string, { value: UnderlyingQuote; source: ItemSource } | Error>> {
    const out = new Map<string, { value: UnderlyingQuote; source: ItemSource } | Error>();
    const cached = this.o.cache
      ? await mapLimit(symbols, 32, (s) => this.cacheGet<UnderlyingQuote>('quote', `quote:${s}`))
      : [];
    let pending: string[] = [];
    symbols.forEach((s, i) => {
      const hit = cached[i];
      if (hit) out.set(s, { value: hit.data, source: { from: 'cache', provider: hit.provider } });
      else pending.push(s);
    });
    const sources = this.sources('quote');
    if (sources.length === 0) {
      for (const s of pending)
        out.set(s, new ItemUnavailable('quote:unsupported', 'no provider serves quotes'));
      return out;
    }
    const size = Math.max(1, this.o.quoteBatchSize ?? 100);
    for (const [p, from] of sources) {
      if (pending.length === 0) break;
      const batches: string[][] = [];
      for (let i = 0; i < pending.length; i += size) batches.push(pending.slice(i, i + size));
      await mapLimit(batches, this.o.concurrency ?? 8, async (batch) => {
        if (this.o.signal?.aborted) {
          for (const s of batch) out.set(s, new ItemUnavailable('aborted', 'collection aborted'));
          return;
        }
        bump(this.stats.calls, p.name);
        try {
          const quotes = await p.getQuotes!(batch, this.ctx);
          for (const q of quotes) {
            const s = normalizeSymbol(q.symbol);
            if (!(q.last > 0) || !batch.includes(s)) continue;
            out.set(s, { value: q, source: { from, provider: p.name } });
            await this.cacheSet('quote', `quote:${s}`, p.name, q);
          }
          for (const s of batch) {
            if (!out.has(s))
              out.set(s, new ItemUnavailable('quote:missing', `${p.name} returned no quote for ${s}`));
          }
        } catch (err) {
          bump(this.stats.failures, p.name);
          const reason = this.o.signal?.aborted ? 'aborted' : `quote:${errorReason(err)}`;
          const e = new ItemUnavailable(reason, `${p.name}: ${message(err)}`);
          for (const s of batch) {
            const before = out.get(s); // the primary's failure, when this is the fallback
            out.set(s, before instanceof ItemUnavailable && reason !== 'aborted' ? bothFailed(before, e) : e);
          }
        }
      });
      pending = pending.filter((s) => out.get(s) instanceof Error);
    }
    return out;
  }
}
