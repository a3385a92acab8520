/**
 * What the collector stores in the MarketCache: an envelope with the as-of the data were taken for,
 * the provider that served them, and the payload (JSON with NaN/±Infinity kept; chains in the
 * compact columnar form of chainCodec.ts). An entry serves a later scan only while it is fresh for
 * that scan's as-of — never a scan whose as-of lies before the entry (a replay with `--as-of`).
 */
import { decodeChain, encodeChain } from './chainCodec.js';
import type { OptionChain } from './types.js';

const TAG = '__num:';

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? `${TAG}${value}` : value;
}

function reviver(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.startsWith(TAG) ? Number(value.slice(TAG.length)) : value;
}

/** JSON that keeps NaN and ±Infinity (as tagged strings). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, replacer);
}

export function fromJson(text: string): unknown {
  return JSON.parse(text, reviver);
}

export interface CacheEntry<T> {
  /** As-of of the data, epoch ms. */
  asOf: number;
  /** Name of the provider that served them. */
  provider: string;
  data: T;
}

/** Serialises an entry; chains go through the columnar codec. */
export function encodeEntry<T>(entry: CacheEntry<T>, isChain = false): string {
  const data = isChain ? encodeChain(entry.data as OptionChain) : entry.data;
  return toJson({ asOf: entry.asOf, provider: entry.provider, chain: isChain, data });
}

/**
 * The entry in `text` if it is well-formed and fresh for `asOf` (taken at most `maxAgeSeconds`
 * before it, and not after it); otherwise null. A corrupt entry is a miss, never an error.
 */
export function decodeEntry<T>(
  text: string | null,
  asOf: number,
  maxAgeSeconds: number,
): CacheEntry<T> | null {
  if (text === null) return null;
  try {
    const raw = fromJson(text) as { asOf?: unknown; provider?: unknown; chain?: unknown; data?: unknown };
    if (typeof raw?.asOf !== 'number' || typeof raw.provider !== 'string' || raw.data === undefined)
      return null;
    if (raw.asOf > asOf || asOf - raw.asOf > maxAgeSeconds * 1000) return null;
    const data = raw.chain === true ? decodeChain(String(raw.data)) : raw.data;
    return { asOf: raw.asOf, provider: raw.provider, data: data as T };
  } catch {
    return null;
  }
}
