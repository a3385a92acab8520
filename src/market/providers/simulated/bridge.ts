/**
 * Random paths on calendar days that any as-of can sample without replaying history: a path is
 * cut into segments of `span` days; the value at each knot (day k·span) is an independent
 * N(0, knotSd²) draw, and between knots the path is a Brownian bridge (Lévy's midpoint
 * construction) in business time — each trading day carries variance dailySd², each weekend or
 * holiday day `offDayWeight`·dailySd². So daily returns are Gaussian with the wanted vol, the level
 * mean-reverts on the scale of a span, and the value on any day costs one segment (span normals),
 * whatever the date. Every segment is seeded by (seed, key, segment index).
 */
import { isTradingDay } from '../../exchangeCalendar.js';
import { rngFor } from './seeding.js';

export interface PathSpec {
  seed: number;
  /** What the path is, e.g. `AAPL:price`; part of its seed. */
  key: string;
  /** Days per segment, a power of two. */
  span: number;
  /** Standard deviation of the knot values. */
  knotSd: number;
  /** Standard deviation of one trading day's increment. */
  dailySd: number;
  /** Variance of a non-trading day as a share of a trading day's. */
  offDayWeight: number;
}

const clockCache = new Map<string, Float64Array>();
const segmentCache = new Map<string, Float64Array>();
const MAX_SEGMENTS = 8000;

/** Cumulative business time τ over the span + 1 days of segment k (τ[0] = 0). */
function businessClock(span: number, k: number, offDayWeight: number): Float64Array {
  const key = `${span}:${k}:${offDayWeight}`;
  let tau = clockCache.get(key);
  if (tau === undefined) {
    tau = new Float64Array(span + 1);
    const first = k * span;
    for (let i = 1; i <= span; i++) tau[i] = tau[i - 1] + (isTradingDay(first + i) ? 1 : offDayWeight);
    if (clockCache.size > 2000) clockCache.clear();
    clockCache.set(key, tau);
  }
  return tau;
}

function knotValue(spec: PathSpec, k: number): number {
  return spec.knotSd * rngFor(spec.seed, spec.key, 'knot', k).normal();
}

/** The span + 1 path values of segment k (days k·span … (k+1)·span). */
export function pathSegment(spec: PathSpec, k: number): Float64Array {
  const key = `${spec.seed}|${spec.key}|${spec.span}|${k}`;
  let x = segmentCache.get(key);
  if (x !== undefined) return x;
  const span = spec.span;
  const tau = businessClock(span, k, spec.offDayWeight);
  const rng = rngFor(spec.seed, spec.key, 'segment', k);
  const v = spec.dailySd * spec.dailySd;
  x = new Float64Array(span + 1);
  x[0] = knotValue(spec, k);
  x[span] = knotValue(spec, k + 1);
  for (let h = span >> 1; h >= 1; h >>= 1) {
    for (let a = 0; a < span; a += 2 * h) {
      const m = a + h;
      const b = a + 2 * h;
      const ta = tau[a];
      const tb = tau[b];
      const tm = tau[m];
      const w = tb - ta;
      const mean = w > 0 ? x[a] + ((tm - ta) / w) * (x[b] - x[a]) : x[a];
      const variance = w > 0 ? (v * (tm - ta) * (tb - tm)) / w : 0;
      x[m] = mean + Math.sqrt(variance) * rng.normal();
    }
  }
  if (segmentCache.size >= MAX_SEGMENTS) segmentCache.clear();
  segmentCache.set(key, x);
  return x;
}

/** The path value on a day number. */
export function pathValue(spec: PathSpec, day: number): number {
  const k = Math.floor(day / spec.span);
  return pathSegment(spec, k)[day - k * spec.span];
}

/** Path values for the consecutive days first … first + out.length − 1, into `out`. */
export function pathValues(spec: PathSpec, first: number, out: Float64Array): Float64Array {
  let i = 0;
  while (i < out.length) {
    const day = first + i;
    const k = Math.floor(day / spec.span);
    const seg = pathSegment(spec, k);
    const from = day - k * spec.span;
    const count = Math.min(out.length - i, spec.span - from);
    out.set(seg.subarray(from, from + count), i);
    i += count;
  }
  return out;
}
