/**
 * Seeds of the simulated market. Every random draw comes from a generator seeded by
 * hash(seed, ticker, what, when…), so a ticker's data depend only on the scenario seed and the
 * coordinates asked for — never on which other tickers were generated, or in which order.
 */
import { Rng } from '../../../quant/random.js';

/** murmur3's 32-bit finaliser: spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of the seed and the parts (FNV-1a over their text, then fmix32). */
export function hashSeed(seed: number, ...parts: (string | number)[]): number {
  let h = fmix32((seed | 0) ^ 0x9e3779b9) ^ 0x811c9dc5;
  for (const part of parts) {
    const s = typeof part === 'number' ? String(part) : part;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x1f; // separator, so ('ab','c') ≠ ('a','bc')
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/**
 * A generator for an integer coordinate under a base hash (e.g. hashSeed(seed, ticker, 'bar') and a
 * day number): the hot-path form of rngFor, without string work.
 */
export function rngAt(base: number, n: number): Rng {
  return new Rng(fmix32((base ^ Math.imul(n + 0x632be5ab, 0x9e3779b1)) >>> 0));
}

/** A generator for the given coordinates (see the module doc). */
export function rngFor(seed: number, ...parts: (string | number)[]): Rng {
  return new Rng(hashSeed(seed, ...parts));
}

/** A uniform in [0, 1) from the coordinates alone (one hash, no generator). */
export function uniformFor(seed: number, ...parts: (string | number)[]): number {
  return hashSeed(seed, ...parts) / 4294967296;
}

/** exp(σ·z) for a standard normal z drawn from `rng`: a lognormal factor with median 1. */
export function lognormalFactor(rng: Rng, sigma: number): number {
  return Math.exp(sigma * rng.normal());
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : Math.min(x, hi);
}
