/**
 * Gauss-Legendre quadrature rules on [−1, 1], computed once per order and cached.
 *
 * Nodes are the roots of the Legendre polynomial P_n, found by Newton's method on the three-term
 * recurrence (n + 1)·P_{n+1}(x) = (2n + 1)·x·P_n(x) − n·P_{n−1}(x), started from Tricomi's
 * approximation x_k ≈ cos(π(4k − 1)/(4n + 2)); weights w_k = 2 / ((1 − x_k²)·P_n'(x_k)²)
 * (Abramowitz & Stegun 25.4.29; Golub & Welsch 1969 for the theory). Exact for polynomials of
 * degree ≤ 2n − 1; nodes are returned in increasing order.
 */

/** An n-point rule: ∫_{−1}^{1} f(x) dx ≈ Σ weights[i]·f(nodes[i]). */
export interface QuadratureRule {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

const cache = new Map<number, QuadratureRule>();

/** Legendre P_n(x) and its derivative, by the three-term recurrence. */
function legendre(n: number, x: number): [number, number] {
  let p0 = 1;
  let p1 = x;
  for (let k = 1; k < n; k++) {
    const p2 = ((2 * k + 1) * x * p1 - k * p0) / (k + 1);
    p0 = p1;
    p1 = p2;
  }
  // P_n'(x) = n·(x·P_n − P_{n−1}) / (x² − 1)
  const dp = (n * (x * p1 - p0)) / (x * x - 1);
  return [p1, dp];
}

/** n-point Gauss-Legendre nodes and weights on [−1, 1] (dimensionless), n ≥ 1, cached. */
export function gaussLegendre(n: number): QuadratureRule {
  const hit = cache.get(n);
  if (hit) return hit;
  if (!(Number.isInteger(n) && n >= 1))
    throw new RangeError(`gaussLegendre: order must be a positive integer, got ${n}`);
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  if (n === 1) {
    nodes[0] = 0;
    weights[0] = 2;
  } else {
    const half = Math.floor((n + 1) / 2);
    for (let k = 1; k <= half; k++) {
      let x = Math.cos((Math.PI * (4 * k - 1)) / (4 * n + 2));
      let dp = 1;
      for (let it = 0; it < 100; it++) {
        const [p, d] = legendre(n, x);
        dp = d;
        const dx = p / d;
        x -= dx;
        if (Math.abs(dx) < 1e-16) break;
      }
      dp = legendre(n, x)[1];
      const w = 2 / ((1 - x * x) * dp * dp);
      // root k (counted from the right) and its mirror image
      nodes[n - k] = x;
      weights[n - k] = w;
      nodes[k - 1] = -x;
      weights[k - 1] = w;
    }
    if (n % 2 === 1) nodes[(n - 1) / 2] = 0;
  }
  const rule: QuadratureRule = { nodes, weights };
  cache.set(n, rule);
  return rule;
}
