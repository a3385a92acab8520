/**
 * Best basket: at most `maxTrades` trades maximizing first the number of trades, then the total score,
 * subject to basket delta ∈ [deltaMin, deltaMax], basket vega ≥ vegaMin, ≤ maxPerSector trades per
 * sector, one trade per ticker (unless configured otherwise) and, with capital scope `basket`,
 * Σ capital ≤ available capital.
 *
 * Why not greedy: the greek limits bind on sums, so the top-N by score is often infeasible (five bullish
 * put spreads break the delta cap) while a slightly lower-ranked mix (a put spread balanced by a call
 * spread or a long-vega calendar) is feasible.
 *
 * Method: depth-first branch-and-bound, for a target size t = maxTrades, maxTrades − 1, …, over the pool
 * (pool.ts) ranked by score. A node with r slots left, next candidate j, is cut when the best total it can
 * reach cannot beat the incumbent — current + the r best scores among distinct tickers from j on, or the
 * Lagrangian bound coupling score with the limits (bounds.ts) — or when even the r most favourable
 * deltas / vegas / capitals among distinct tickers from j on cannot bring the basket inside the limits.
 * These suffix bounds only shrink as j grows, so a cut ends the whole loop. A short first pass with the
 * plain bounds usually settles easy books and gives an incumbent; otherwise the multipliers are fitted
 * towards it and the search restarts with both bounds. The result is optimal over the pool when the
 * search completes within `nodeBudget` (reported, with an upper bound of the score otherwise).
 */
import {
  adjustedScores,
  boundConstant,
  lagrangeMultipliers,
  type Multipliers,
  negated,
  type Relaxation,
  reducedCostFilter,
  suffixTopSums,
  ZERO_MULTIPLIERS,
} from './bounds.js';
import { buildPool, DEFAULT_POOL_PER_TICKER, isSelectable, type SelectableTrade } from './pool.js';
import { type BasketRules, basketViolations, issuerKey, LIMIT_EPSILON } from './portfolio.js';
import { compareScored } from './scoring.js';

export { suffixTopSums } from './bounds.js';
export type { SelectableTrade } from './pool.js';

export interface SelectorOptions {
  /** Top-ranked candidates kept per ticker (besides the extremes, see pool.ts); Infinity = all. */
  poolPerTicker?: number;
  /** Search nodes allowed per target size before the answer stops being proven optimal. */
  nodeBudget?: number;
  /** Nodes of the first pass with the plain bound before the Lagrangian rounds start (default 20 000). */
  firstPassNodes?: number;
}

export interface SelectionResult<T> {
  /** The basket, ranked by `compareScored`. */
  trades: T[];
  totalScore: number;
  /** True when no basket of the pool has more trades, or as many with a higher total score. */
  optimal: boolean;
  /** Upper bound of the total score of any basket of `trades.length` trades from the pool. */
  upperBound: number;
  /** Whether the plain top-N by rank (ticker and sector caps only) would have met every basket rule. */
  greedyFeasible: boolean;
  nodes: number;
  candidates: number;
  pool: number;
  /** Candidates left out because a number the selector needs was not finite. */
  excluded: number;
}

/** About 0.1–0.3 s of search on this machine; beyond it the answer is reported as bounded, not optimal. */
export const DEFAULT_NODE_BUDGET = 1_000_000;

/** Top-N by rank under the ticker and sector caps only (what a greedy ranker would pick). */
export function greedyBasket<T extends SelectableTrade>(ranked: readonly T[], rules: BasketRules): T[] {
  const out: T[] = [];
  const tickers = new Set<string>();
  const sectors = new Map<string, number>();
  for (const c of ranked) {
    if (out.length >= rules.maxTrades) break;
    if (rules.oneTradePerTicker && tickers.has(issuerKey(c))) continue;
    const s = sectors.get(c.sector) ?? 0;
    if (s >= rules.maxPerSector) continue;
    out.push(c);
    tickers.add(issuerKey(c));
    sectors.set(c.sector, s + 1);
  }
  return out;
}

/** The relaxation restricted to `items` (ascending indices), with its ticker and sector ids. */
function subset(
  p: Relaxation,
  tickerOf: Int32Array,
  sectorOf: Int32Array,
  items: Int32Array,
): { p: Relaxation; tickerOf: Int32Array; sectorOf: Int32Array } {
  const pick = (a: Float64Array) => Float64Array.from(items, (i) => a[i]);
  return {
    p: {
      ...p,
      score: pick(p.score),
      delta: pick(p.delta),
      vega: pick(p.vega),
      capital: pick(p.capital),
      keys: Int32Array.from(items, (i) => p.keys[i]),
    },
    tickerOf: Int32Array.from(items, (i) => tickerOf[i]),
    sectorOf: Int32Array.from(items, (i) => sectorOf[i]),
  };
}

/** Nodes of the first pass, with the plain score bound only. */
export const FIRST_PASS_NODES = 20_000;

interface SearchOutcome {
  best: Int32Array | null;
  bestScore: number;
  nodes: number;
  aborted: boolean;
}

/**
 * Distinct keys (tickers, or candidates when tickers may repeat) with a candidate of each sector among
 * candidates j…n−1: out[j·sectors + s]. A key found in two sectors counts in both (a bound, not a count).
 */
function sectorRoom(keys: Int32Array, sectorOf: Int32Array, sectors: number): Int32Array {
  const n = keys.length;
  const out = new Int32Array((n + 1) * sectors);
  const seen = new Set<number>();
  for (let j = n - 1; j >= 0; j--) {
    out.copyWithin(j * sectors, (j + 1) * sectors, (j + 2) * sectors);
    const pair = keys[j] * sectors + sectorOf[j];
    if (!seen.has(pair)) {
      seen.add(pair);
      out[j * sectors + sectorOf[j]]++;
    }
  }
  return out;
}

/** Branch-and-bound for exactly t candidates (see module doc); `lagrange` adds the coupled bound. */
function search(
  p: Relaxation,
  tickerOf: Int32Array,
  sectorOf: Int32Array,
  counts: { tickers: number; sectors: number },
  rules: BasketRules,
  t: number,
  budget: number,
  incumbent: { best: Int32Array | null; bestScore: number },
  lagrange: { m: Multipliers; table: Float64Array } | null,
): SearchOutcome {
  const n = p.score.length;
  const w = t + 1;
  const { score, delta, vega, capital, keys, keyCount } = p;
  const topScore = suffixTopSums(score, keys, keyCount, t);
  const maxDelta = suffixTopSums(delta, keys, keyCount, t);
  const minDelta = negated(suffixTopSums(negated(delta), keys, keyCount, t));
  const maxVega = suffixTopSums(vega, keys, keyCount, t);
  const basketCapital = Number.isFinite(p.capitalMax);
  const minCap = basketCapital ? negated(suffixTopSums(negated(capital), keys, keyCount, t)) : null;
  const usedTicker = new Uint8Array(counts.tickers);
  const sectorCount = new Int32Array(counts.sectors);
  const room = sectorRoom(keys, sectorOf, counts.sectors);
  const S = counts.sectors;
  const chosen = new Int32Array(t);
  let best = incumbent.best;
  let bestScore = incumbent.bestScore;
  let nodes = 0;
  let aborted = false;
  const lt = lagrange?.table;
  const lm = lagrange?.m ?? ZERO_MULTIPLIERS;
  const dfs = (start: number, depth: number, s: number, d: number, v: number, c: number): void => {
    nodes++;
    const r = t - depth;
    if (r === 0) {
      if (d >= p.deltaMin && d <= p.deltaMax && v >= p.vegaMin && s > bestScore) {
        bestScore = s;
        best = chosen.slice();
      }
      return;
    }
    // the sector cap: at most maxPerSector − used more per sector, from its distinct keys left; when that cannot
    // fill the r slots no candidate order can (the cap alone had the search spend its whole budget to say so)
    let fit = 0;
    for (let q = 0, o = start * S; q < S && fit < r; q++) {
      const left = rules.maxPerSector - sectorCount[q];
      const keysLeft = room[o + q];
      fit += Math.min(left, keysLeft);
    }
    if (fit < r) return;
    const k = lt ? s + boundConstant(p, lm, d, v, c) : 0;
    for (let j = start; j < n; j++) {
      if (nodes > budget) {
        aborted = true;
        return;
      }
      const row = j * w + r;
      if (!(s + topScore[row] > bestScore)) break;
      if (lt && !(k + lt[row] > bestScore)) break;
      if (d + minDelta[row] > p.deltaMax || d + maxDelta[row] < p.deltaMin) break;
      if (v + maxVega[row] < p.vegaMin) break;
      if (minCap && c + minCap[row] > p.capitalMax) break;
      const tk = tickerOf[j];
      const sc = sectorOf[j];
      if (rules.oneTradePerTicker && usedTicker[tk]) continue;
      if (sectorCount[sc] >= rules.maxPerSector) continue;
      if (basketCapital && c + capital[j] > p.capitalMax) continue;
      usedTicker[tk] = 1;
      sectorCount[sc]++;
      chosen[depth] = j;
      dfs(j + 1, depth + 1, s + score[j], d + delta[j], v + vega[j], c + capital[j]);
      usedTicker[tk] = 0;
      sectorCount[sc]--;
      if (aborted) return;
    }
  };
  dfs(0, 0, 0, 0, 0, 0);
  return { best, bestScore, nodes, aborted };
}

export function selectBasket<T extends SelectableTrade>(
  candidates: readonly T[],
  rules: BasketRules,
  options: SelectorOptions = {},
): SelectionResult<T> {
  const usable = candidates.filter(isSelectable);
  const pool = buildPool(usable, options.poolPerTicker ?? DEFAULT_POOL_PER_TICKER);
  const budget = options.nodeBudget ?? DEFAULT_NODE_BUDGET;
  const firstPass = options.firstPassNodes ?? FIRST_PASS_NODES;
  const greedy = greedyBasket(pool, rules);
  const base = {
    candidates: candidates.length,
    pool: pool.length,
    excluded: candidates.length - usable.length,
    greedyFeasible: greedy.length === rules.maxTrades && basketViolations(greedy, rules).length === 0,
  };
  const n = pool.length;
  const tickerOf = new Int32Array(n);
  const sectorOf = new Int32Array(n);
  const tickerIds = new Map<string, number>();
  const sectorIds = new Map<string, number>();
  const eps = LIMIT_EPSILON;
  const p: Relaxation = {
    score: new Float64Array(n),
    delta: new Float64Array(n),
    vega: new Float64Array(n),
    capital: new Float64Array(n),
    keys: tickerOf,
    keyCount: 0,
    deltaMin: rules.limits.deltaMin - eps,
    deltaMax: rules.limits.deltaMax + eps,
    vegaMin: rules.limits.vegaMin - eps,
    capitalMax: rules.capitalScope === 'basket' ? rules.availableCapital + eps : Number.POSITIVE_INFINITY,
  };
  for (let i = 0; i < n; i++) {
    const c = pool[i];
    p.score[i] = c.score;
    p.delta[i] = c.greeks.delta * c.contracts;
    p.vega[i] = c.greeks.vega * c.contracts;
    p.capital[i] = c.capitalRequired;
    const key = issuerKey(c); // one trade per issuer: GOOGL and GOOG are one company
    tickerOf[i] = tickerIds.get(key) ?? tickerIds.set(key, tickerIds.size).size - 1;
    sectorOf[i] = sectorIds.get(c.sector) ?? sectorIds.set(c.sector, sectorIds.size).size - 1;
  }
  // Keys of the distinctness relaxation: the ticker, or each candidate alone when tickers may repeat.
  if (rules.oneTradePerTicker) p.keyCount = tickerIds.size;
  else {
    p.keys = Int32Array.from({ length: n }, (_, i) => i);
    p.keyCount = n;
  }
  const counts = { tickers: tickerIds.size, sectors: sectorIds.size };
  let nodes = 0;
  let allOptimal = true;
  for (let t = Math.min(rules.maxTrades, n); t >= 1; t--) {
    const none = { best: null, bestScore: Number.NEGATIVE_INFINITY };
    let out = search(p, tickerOf, sectorOf, counts, rules, t, Math.min(budget, firstPass), none, null);
    nodes += out.nodes;
    // Plain root bound (the t best scores of distinct tickers), tightened by the Lagrangian fits below.
    let bound = out.aborted ? suffixTopSums(p.score, p.keys, p.keyCount, t)[t] : Number.POSITIVE_INFINITY;
    // Rounds with growing budgets: fit the multipliers towards the incumbent, keep only the candidates
    // that can still beat it, search them with both bounds; a better incumbent tightens the next round.
    let remaining = budget - out.nodes;
    let roundBudget = firstPass;
    while (out.aborted && remaining > 0) {
      const target = out.best ? out.bestScore : Number.NEGATIVE_INFINITY;
      const fit = lagrangeMultipliers(p, t, Number.isFinite(target) ? target : 0);
      bound = Math.min(bound, fit.bound);
      const items = Number.isFinite(target)
        ? reducedCostFilter(p, fit.multipliers, t, target)
        : Int32Array.from({ length: n }, (_, i) => i);
      const sub = subset(p, tickerOf, sectorOf, items);
      const lagrange = {
        m: fit.multipliers,
        table: suffixTopSums(adjustedScores(sub.p, fit.multipliers), sub.p.keys, sub.p.keyCount, t),
      };
      roundBudget = Math.min(remaining, roundBudget * 4);
      const inc = { best: null, bestScore: out.bestScore };
      const again = search(sub.p, sub.tickerOf, sub.sectorOf, counts, rules, t, roundBudget, inc, lagrange);
      nodes += again.nodes;
      remaining -= again.nodes;
      out = {
        best: again.best ? Int32Array.from(again.best, (i) => items[i]) : out.best,
        bestScore: again.bestScore,
        nodes: again.nodes,
        aborted: again.aborted,
      };
    }
    if (out.aborted) allOptimal = false;
    if (out.best !== null) {
      const trades = Array.from(out.best, (i) => pool[i]).sort(compareScored);
      return {
        ...base,
        trades,
        totalScore: out.bestScore,
        optimal: allOptimal,
        upperBound: out.aborted ? Math.max(out.bestScore, bound) : out.bestScore,
        nodes,
      };
    }
  }
  return { ...base, trades: [], totalScore: 0, optimal: allOptimal, upperBound: 0, nodes };
}
