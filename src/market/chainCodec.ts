/**
 * Compact, lossless text form of a columnar OptionChain for the cache (Redis or memory).
 *
 * Layout: a small JSON header (underlying, spot, as-of, and per expiration its date, expiry instant,
 * label, strike count and how to rebuild its symbols) plus one base64 blob: every Float64 column of
 * every expiration (strikes, then the 11 numeric columns of calls, then of puts) concatenated and
 * deflated. Symbols are not stored when they are OCC symbols of one root (the usual case); a
 * presence string marks the empty sides. NaN survives the round trip bit for bit.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { emptyColumns, NUMERIC_COLUMNS, occSymbol } from './chainBuilder.js';
import { MarketInputError } from './inputError.js';
import type { ExpiryChain, OptionChain, OptionColumns } from './types.js';

const VERSION = 1;
const PER_STRIKE = 1 + 2 * NUMERIC_COLUMNS.length;

interface SideHeader {
  /** OCC root when every present symbol is `occSymbol(root, …)`; else null and `symbols` holds them. */
  root: string | null;
  symbols?: string[];
  /** One char per strike, `1` present / `0` empty side; omitted when all are present. */
  present?: string;
}

interface ExpiryHeader {
  expiration: string;
  expiryTime: number;
  expirationType: string;
  n: number;
  calls: SideHeader;
  puts: SideHeader;
}

interface ChainHeader {
  v: number;
  underlying: string;
  spot: number | string;
  asOf: number;
  expirations: ExpiryHeader[];
  blob: string;
}

function sideHeader(cols: OptionColumns, expiry: ExpiryChain, type: 'call' | 'put'): SideHeader {
  const n = expiry.strikes.length;
  let present = '';
  let allPresent = true;
  let root: string | null = null;
  for (let i = 0; i < n; i++) {
    const s = cols.symbols[i];
    if (s === '') {
      allPresent = false;
      present += '0';
      continue;
    }
    present += '1';
    if (root === null) root = s.length > 15 ? s.slice(0, -15) : '';
    if (root === '' || occSymbol(root, expiry.expiration, type, expiry.strikes[i]) !== s) {
      return { root: null, symbols: cols.symbols.slice() };
    }
  }
  const header: SideHeader = { root: root ?? '' };
  if (!allPresent) header.present = present;
  return header;
}

/** Encodes a chain as one string (see the module doc). */
export function encodeChain(chain: OptionChain): string {
  let total = 0;
  for (const e of chain.expirations) total += e.strikes.length * PER_STRIKE;
  const blob = new Float64Array(total);
  let o = 0;
  const headers: ExpiryHeader[] = [];
  for (const e of chain.expirations) {
    const n = e.strikes.length;
    blob.set(e.strikes, o);
    o += n;
    for (const cols of [e.calls, e.puts]) {
      for (const name of NUMERIC_COLUMNS) {
        blob.set(cols[name].subarray(0, n), o);
        o += n;
      }
    }
    headers.push({
      expiration: e.expiration,
      expiryTime: e.expiryTime,
      expirationType: e.expirationType,
      n,
      calls: sideHeader(e.calls, e, 'call'),
      puts: sideHeader(e.puts, e, 'put'),
    });
  }
  const bytes = deflateRawSync(new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength), { level: 1 });
  const header: ChainHeader = {
    v: VERSION,
    underlying: chain.underlying,
    spot: Number.isFinite(chain.spot) ? chain.spot : String(chain.spot),
    asOf: chain.asOf,
    expirations: headers,
    blob: bytes.toString('base64'),
  };
  return JSON.stringify(header);
}

function fail(reason: string): never {
  throw new MarketInputError('cache:chain', reason);
}

function restoreSymbols(
  cols: OptionColumns,
  h: SideHeader,
  e: ExpiryHeader,
  strikes: Float64Array,
  type: 'call' | 'put',
) {
  if (h.root === null) {
    if (!Array.isArray(h.symbols) || h.symbols.length !== e.n)
      fail(`symbols of ${e.expiration} do not match`);
    for (let i = 0; i < e.n; i++) cols.symbols[i] = String(h.symbols[i]);
    return;
  }
  if (typeof h.root !== 'string') fail('bad root');
  if (h.present !== undefined && (typeof h.present !== 'string' || h.present.length !== e.n)) {
    fail(`presence of ${e.expiration} does not match`);
  }
  for (let i = 0; i < e.n; i++) {
    if (h.present === undefined || h.present[i] === '1') {
      cols.symbols[i] = occSymbol(h.root, e.expiration, type, strikes[i]);
    }
  }
}

/** Decodes `encodeChain` output; a MarketInputError (field `cache:chain`) when the text is not one. */
export function decodeChain(text: string): OptionChain {
  let header: ChainHeader;
  try {
    header = JSON.parse(text) as ChainHeader;
  } catch {
    fail('not JSON');
  }
  if (header === null || typeof header !== 'object' || header.v !== VERSION) fail('unknown version');
  if (typeof header.underlying !== 'string' || typeof header.asOf !== 'number') fail('bad header');
  if (!Array.isArray(header.expirations) || typeof header.blob !== 'string') fail('bad header');
  let floats: Float64Array;
  try {
    const bytes = inflateRawSync(Buffer.from(header.blob, 'base64'));
    if (bytes.byteLength % 8 !== 0) fail('blob length is not a multiple of 8');
    floats = new Float64Array(bytes.byteLength / 8);
    new Uint8Array(floats.buffer).set(bytes);
  } catch (err) {
    if (err instanceof MarketInputError) throw err;
    fail('blob does not inflate');
  }
  let expected = 0;
  for (const e of header.expirations) {
    if (!Number.isInteger(e?.n) || e.n < 0) fail('bad strike count');
    expected += e.n * PER_STRIKE;
  }
  if (expected !== floats.length) fail(`blob holds ${floats.length} numbers, header expects ${expected}`);
  let o = 0;
  const expirations: ExpiryChain[] = header.expirations.map((e) => {
    const strikes = floats.slice(o, o + e.n);
    o += e.n;
    const calls = emptyColumns(e.n);
    const puts = emptyColumns(e.n);
    for (const cols of [calls, puts]) {
      for (const name of NUMERIC_COLUMNS) {
        cols[name] = floats.slice(o, o + e.n);
        o += e.n;
      }
    }
    restoreSymbols(calls, e.calls, e, strikes, 'call');
    restoreSymbols(puts, e.puts, e, strikes, 'put');
    return {
      expiration: String(e.expiration),
      expiryTime: Number(e.expiryTime),
      expirationType: String(e.expirationType),
      strikes,
      calls,
      puts,
    };
  });
  return { underlying: header.underlying, spot: Number(header.spot), asOf: header.asOf, expirations };
}
