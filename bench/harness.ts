/** Shared timing helpers for benchmarks (never used by tests). */

export interface Rate {
  name: string;
  /** Operations per second, median over the repetitions. */
  opsPerSec: number;
  reps: number;
}

/**
 * Runs `fn` (which performs `opsPerCall` operations) repeatedly; returns the median rate.
 * A warm-up of `warmup` calls lets the JIT settle first.
 */
export function measure(name: string, opsPerCall: number, fn: () => unknown, reps = 7, warmup = 3): Rate {
  let sink = 0;
  for (let i = 0; i < warmup; i++) sink += Number(fn()) || 0;
  const rates: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    sink += Number(fn()) || 0;
    const ns = Number(process.hrtime.bigint() - t0);
    rates.push((opsPerCall * 1e9) / ns);
  }
  rates.sort((a, b) => a - b);
  if (sink === Number.POSITIVE_INFINITY) console.log('');
  return { name, opsPerSec: rates[Math.floor(rates.length / 2)], reps };
}

export function formatRate(r: Rate): string {
  const v = r.opsPerSec;
  const s =
    v >= 1e6
      ? `${(v / 1e6).toFixed(2)} M/s`
      : v >= 1e3
        ? `${(v / 1e3).toFixed(1)} k/s`
        : `${v.toFixed(1)} /s`;
  return `${r.name.padEnd(48)} ${s.padStart(12)}  (median of ${r.reps})`;
}

/** Deterministic PRNG (mulberry32) so that benchmark inputs are the same on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
