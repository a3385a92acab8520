/** Small statistics for the reports: summaries and linear trends. */

export interface Summary {
  n: number;
  min: number | null;
  avg: number | null;
  max: number | null;
  p50: number | null;
  p95: number | null;
}

/** Linear-interpolated quantile of an ascending array (q in [0, 1]); null when empty. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** min / avg / max / p50 / p95 of the finite values. */
export function summarize(values: readonly (number | null | undefined)[]): Summary {
  const xs = values
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
    .sort((a, b) => a - b);
  if (xs.length === 0) return { n: 0, min: null, avg: null, max: null, p50: null, p95: null };
  return {
    n: xs.length,
    min: xs[0],
    avg: xs.reduce((a, b) => a + b, 0) / xs.length,
    max: xs[xs.length - 1],
    p50: quantile(xs, 0.5),
    p95: quantile(xs, 0.95),
  };
}

/** Least-squares slope of y over x; null with fewer than 2 distinct x. */
export function slope(points: readonly { x: number; y: number }[]): number | null {
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}

export const DAY_MS = 86_400_000;
