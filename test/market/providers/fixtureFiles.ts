/**
 * Where the recorded API responses live (`test/fixtures/fixtures`, copied from the team's shared
 * folder with their provenance README) and the full PLTR Tradier snapshot
 * (`test/fixtures/data/options`). `OPTIONS_ENGINE_SHARED_DIR` points elsewhere.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
export const SHARED_DIR = process.env.OPTIONS_ENGINE_SHARED_DIR ?? resolve(repoRoot, 'test/fixtures');
export const FIXTURES_DIR = join(SHARED_DIR, 'fixtures');
export const PLTR_SNAPSHOT = join(SHARED_DIR, 'data/options/PLTR_tradier_chain_snapshot_2025-10-31.json');

/** The fixtures ship with the repository; a missing file is a broken checkout, not a reason to skip. */
export const HAVE_FIXTURES = existsSync(FIXTURES_DIR) && existsSync(PLTR_SNAPSHOT);
if (!HAVE_FIXTURES) throw new Error(`provider fixtures not found under ${SHARED_DIR}`);

const cache = new Map<string, string>();

/** A fixture file's text, e.g. `fixture('tradier', 'markets_quotes_PLTR_single-object.json')`. */
export function fixture(provider: string, file: string): string {
  const path = join(FIXTURES_DIR, provider, file);
  let text = cache.get(path);
  if (text === undefined) {
    text = readFileSync(path, 'utf8');
    cache.set(path, text);
  }
  return text;
}

export interface PltrSnapshot {
  timestamp: number;
  underlying: { last: number; bid: number; ask: number; volume: number; updated_at: number };
  chains: { PLTR: Record<string, TradierOptionRecord[]> };
}

/** One contract exactly as Tradier's chains endpoint sends it (fields the tests read). */
export interface TradierOptionRecord {
  symbol: string;
  option_type: 'call' | 'put';
  strike: number;
  expiration_date: string;
  bid: number;
  ask: number;
  greeks: {
    delta: number;
    gamma: number;
    theta: number;
    vega: number;
    mid_iv: number;
    smv_vol: number;
    updated_at: string;
  } | null;
  [k: string]: unknown;
}

let snapshot: PltrSnapshot | null = null;
export function pltrSnapshot(): PltrSnapshot {
  snapshot ??= JSON.parse(readFileSync(PLTR_SNAPSHOT, 'utf8')) as PltrSnapshot;
  return snapshot;
}
