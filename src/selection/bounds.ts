/**
 * Upper bounds for the basket search (selector.ts).
 *
 * 1. Suffix tables: for candidates ranked i..n−1, the sum of the r best values among distinct tickers —
 *    of the scores (what the remaining slots can add at most), and of ±delta, vega, −capital (what they
 *    can move the basket greeks at most).
 * 2. A Lagrangian bound that couples score with the limits. For multipliers λ, ν, μ, κ ≥ 0 and any
 *    completion R of the basket that meets the limits,
 *      Σ_R score ≤ Σ_R (score − λ·delta + ν·delta + μ·vega − κ·capital)
 *                 + λ·(Dmax − d) + ν·(d − Dmin) + μ·(v − Vmin) + κ·(C − c),
 *    because every added term is ≥ 0 when the limits hold (d, v, c: the basket so far). The first sum is at
 *    most the suffix table of the adjusted scores. Multipliers come from a subgradient descent on the
 *    root problem (Polyak steps towards the incumbent's score). Without it, a book of mostly bullish,
 *    short-vega candidates has a plain score bound far above any feasible basket and the search would
 *    enumerate millions of infeasible top-score combinations.
 */

/**
 * Sum of the best r values among distinct keys in each suffix: out[i·(t+1) + r] for items i..n−1, −Infinity
 * when the suffix holds fewer than r keys. O(n·t).
 */
export function suffixTopSums(
  values: Float64Array,
  keys: Int32Array,
  keyCount: number,
  t: number,
): Float64Array {
  const n = values.length;
  const w = t + 1;
  const out = new Float64Array((n + 1) * w);
  for (let r = 1; r <= t; r++) out[n * w + r] = Number.NEGATIVE_INFINITY;
  const best = new Float64Array(keyCount).fill(Number.NEGATIVE_INFINITY);
  const inList = new Uint8Array(keyCount);
  const lv = new Float64Array(t); // the best value of up to t keys, descending
  const lk = new Int32Array(t);
  let size = 0;
  for (let i = n - 1; i >= 0; i--) {
    const k = keys[i];
    const v = values[i];
    if (v > best[k]) {
      best[k] = v;
      let p = -1;
      if (inList[k]) {
        p = 0;
        while (lk[p] !== k) p++;
      } else if (size < t) {
        p = size++;
      } else if (v > lv[size - 1]) {
        p = size - 1;
        inList[lk[p]] = 0;
      }
      if (p >= 0) {
        lv[p] = v;
        lk[p] = k;
        inList[k] = 1;
        while (p > 0 && lv[p - 1] < lv[p]) {
          const tv = lv[p - 1];
          lv[p - 1] = lv[p];
          lv[p] = tv;
          const tk = lk[p - 1];
          lk[p - 1] = lk[p];
          lk[p] = tk;
          p--;
        }
      }
    }
    let s = 0;
    for (let r = 1; r <= t; r++) {
      if (r <= size) s += lv[r - 1];
      out[i * w + r] = r <= size ? s : Number.NEGATIVE_INFINITY;
    }
  }
  return out;
}

export function negated(a: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = -a[i];
  return out;
}

/** The search problem as arrays (candidates ranked), with the limits already widened by their epsilon. */
export interface Relaxation {
  score: Float64Array;
  delta: Float64Array;
  vega: Float64Array;
  capital: Float64Array;
  keys: Int32Array;
  keyCount: number;
  deltaMin: number;
  deltaMax: number;
  vegaMin: number;
  /** +Infinity when capital is not a basket limit. */
  capitalMax: number;
}

/** λ (delta ≤ max), ν (delta ≥ min), μ (vega ≥ min), κ (capital ≤ max), all ≥ 0. */
export interface Multipliers {
  deltaMax: number;
  deltaMin: number;
  vegaMin: number;
  capital: number;
}

export const ZERO_MULTIPLIERS: Multipliers = { deltaMax: 0, deltaMin: 0, vegaMin: 0, capital: 0 };

/** score − λ·delta + ν·delta + μ·vega − κ·capital per candidate. */
export function adjustedScores(p: Relaxation, m: Multipliers): Float64Array {
  const n = p.score.length;
  const out = new Float64Array(n);
  const dd = m.deltaMin - m.deltaMax;
  for (let i = 0; i < n; i++)
    out[i] = p.score[i] + dd * p.delta[i] + m.vegaMin * p.vega[i] - m.capital * p.capital[i];
  return out;
}

/** λ·(Dmax − d) + ν·(d − Dmin) + μ·(v − Vmin) + κ·(C − c): the node's constant in the Lagrangian bound. */
export function boundConstant(p: Relaxation, m: Multipliers, d: number, v: number, c: number): number {
  let k = 0;
  if (m.deltaMax > 0) k += m.deltaMax * (p.deltaMax - d);
  if (m.deltaMin > 0) k += m.deltaMin * (d - p.deltaMin);
  if (m.vegaMin > 0) k += m.vegaMin * (v - p.vegaMin);
  if (m.capital > 0) k += m.capital * (p.capitalMax - c);
  return k;
}

/** Dual value L(m) of choosing exactly t candidates of distinct keys, and a subgradient (the limits' slacks). */
function dual(p: Relaxation, m: Multipliers, t: number, adj: Float64Array): { value: number; g: number[] } {
  const n = adj.length;
  const bestVal = new Float64Array(p.keyCount).fill(Number.NEGATIVE_INFINITY);
  const bestIdx = new Int32Array(p.keyCount).fill(-1);
  for (let i = 0; i < n; i++) {
    const k = p.keys[i];
    if (adj[i] > bestVal[k]) {
      bestVal[k] = adj[i];
      bestIdx[k] = i;
    }
  }
  const order = Array.from(bestIdx).filter((i) => i >= 0);
  if (order.length < t) return { value: Number.NEGATIVE_INFINITY, g: [0, 0, 0, 0] };
  order.sort((a, b) => adj[b] - adj[a]);
  let value = boundConstant(p, m, 0, 0, 0);
  let d = 0;
  let v = 0;
  let c = 0;
  for (let r = 0; r < t; r++) {
    const i = order[r];
    value += adj[i];
    d += p.delta[i];
    v += p.vega[i];
    c += p.capital[i];
  }
  // ∂L/∂λ = Dmax − d, ∂L/∂ν = d − Dmin, ∂L/∂μ = v − Vmin, ∂L/∂κ = C − c (0 for an infinite limit)
  const fin = (x: number) => (Number.isFinite(x) ? x : 0);
  return { value, g: [fin(p.deltaMax - d), fin(d - p.deltaMin), fin(v - p.vegaMin), fin(p.capitalMax - c)] };
}

/** Largest multiplier per limit (λ, ν, μ, κ) keeping m·coefficient within 1e6 × the largest score. */
function multiplierCaps(p: Relaxation, t: number): number[] {
  const scale = 1e6 * (1 + maxAbs(p.score, 0));
  const fin = (x: number) => (Number.isFinite(x) ? Math.abs(x) : 0);
  const deltaScale = Math.max(t * maxAbs(p.delta, 0), fin(p.deltaMax), fin(p.deltaMin));
  const coef = [
    deltaScale,
    deltaScale,
    Math.max(t * maxAbs(p.vega, 0), fin(p.vegaMin)),
    Math.max(t * maxAbs(p.capital, 0), fin(p.capitalMax)),
  ];
  return coef.map((c) => (c > 0 ? scale / c : 0));
}

function maxAbs(a: Float64Array, init: number): number {
  let m = init;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]) > m) m = Math.abs(a[i]);
  return m;
}

/**
 * Multipliers minimizing the dual bound of the root problem (exactly t candidates), by projected
 * subgradient descent with Polyak steps towards `target` (the incumbent's total score, or a guess).
 * Returns the best multipliers seen and their bound (an upper bound of any feasible t-basket's score).
 */
export function lagrangeMultipliers(
  p: Relaxation,
  t: number,
  target: number,
  iterations = 60,
): { multipliers: Multipliers; bound: number } {
  const active = [
    Number.isFinite(p.deltaMax),
    Number.isFinite(p.deltaMin),
    Number.isFinite(p.vegaMin),
    Number.isFinite(p.capitalMax),
  ];
  // Any m ≥ 0 gives a valid bound, but a huge multiplier makes const + Σ adjusted cancel catastrophically
  // in floating point (and ∞·0 is NaN). Cap each so that its terms stay within 1e6 × the score scale.
  const caps = multiplierCaps(p, t);
  let m = [0, 0, 0, 0];
  const toM = (x: number[]): Multipliers => ({
    deltaMax: x[0],
    deltaMin: x[1],
    vegaMin: x[2],
    capital: x[3],
  });
  let best = dual(p, ZERO_MULTIPLIERS, t, p.score);
  let bestM = m;
  let current = best;
  let theta = 1;
  let stale = 0;
  for (let it = 0; it < iterations && Number.isFinite(current.value); it++) {
    const gap = current.value - target;
    let norm = 0;
    for (let j = 0; j < 4; j++) if (active[j] && !(m[j] === 0 && current.g[j] > 0)) norm += current.g[j] ** 2;
    if (!(gap > 1e-9 && norm > 0)) break;
    const step = (theta * gap) / norm;
    const next = m.map((x, j) => {
      if (!active[j]) return 0;
      const g = current.g[j];
      return g === 0 ? x : Math.min(caps[j], Math.max(0, x - step * g)); // step may be ∞ when norm is denormal
    });
    const trial = dual(p, toM(next), t, adjustedScores(p, toM(next)));
    if (Number.isNaN(trial.value)) break;
    m = next;
    current = trial;
    if (current.value < best.value - 1e-12) {
      best = current;
      bestM = m;
      stale = 0;
    } else if (++stale >= 4) {
      theta /= 2;
      stale = 0;
    }
  }
  return { multipliers: toM(bestM), bound: best.value };
}

/**
 * Reduced-cost filtering: the candidates that can still be in a basket of exactly t scoring more than
 * `incumbent`. With candidate i forced in, the Lagrangian bound becomes const + adj_i + the best t − 1
 * adjusted values of the other keys; when that is ≤ the incumbent, no better basket holds i.
 * Returns the kept indices, ascending (so the ranking order is preserved).
 */
export function reducedCostFilter(p: Relaxation, m: Multipliers, t: number, incumbent: number): Int32Array {
  const adj = adjustedScores(p, m);
  const n = adj.length;
  const bestVal = new Float64Array(p.keyCount).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < n; i++) if (adj[i] > bestVal[p.keys[i]]) bestVal[p.keys[i]] = adj[i];
  const tops = Array.from(bestVal)
    .filter((v) => v > Number.NEGATIVE_INFINITY)
    .sort((a, b) => b - a);
  if (tops.length < t) return new Int32Array(0);
  let sumT = 0;
  let absT = 0;
  for (let r = 0; r < t; r++) {
    sumT += tops[r];
    absT += Math.abs(tops[r]);
  }
  const sumT1 = sumT - tops[t - 1];
  const kth = tops[t - 1];
  const k = boundConstant(p, m, 0, 0, 0);
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    const own = bestVal[p.keys[i]];
    // the key's best is among the top t when it is ≥ the t-th value (ties: either reading is an upper bound)
    const others = own >= kth ? sumT - own : sumT1;
    // a relative tolerance for the rounding of the sum: keep a candidate rather than lose the optimum
    const tol = 1e-12 * (Math.abs(k) + Math.abs(adj[i]) + absT + Math.abs(incumbent));
    if (k + adj[i] + others > incumbent - tol) keep.push(i);
  }
  return Int32Array.from(keep);
}
