/**
 * Discretisation of the Andersen-Lake-Offengenden method (see alo.ts): per-(n, l, p) constants — Chebyshev
 * extrema nodes in the boundary variable w, the DCT-I matrix to coefficients, the Gauss-Legendre angles of the
 * fixed-point and price integrals and the interpolation weights of every fixed-point quadrature point, the
 * same for every input and cached — and the Chebyshev helpers.
 */
import { gaussLegendre } from './gaussLegendre.js';

/** Per-(n, l, p) constants: Chebyshev extrema, DCT-I matrix, quadrature sin θ, cos θ and weights. */
export interface Scheme {
  z: Float64Array;
  dct: Float64Array;
  lag: Float64Array;
  /** lag transposed per node: lagT[((k − 1)·(n + 1) + i)·l + j] = lag[((k − 1)·l + j)·(n + 1) + i] */
  lagT: Float64Array;
  fs: Float64Array;
  fc: Float64Array;
  fw: Float64Array;
  /** √(1 + sin²θ) of the fixed-point angles (√(τ − u) = √τ·cos θ·√(1 + sin²θ) for u = τ·sin⁴θ) */
  fr: Float64Array;
  ps: Float64Array;
  pc: Float64Array;
  pw: Float64Array;
  /** middle piece of a split premium integral: Gauss-Legendre rule on [−1, 1] in ln y */
  splitLog: { nodes: Float64Array; weights: Float64Array };
  /** last piece: Gauss-Legendre rule on [−1, 1] in y */
  split2: { nodes: Float64Array; weights: Float64Array };
}

const schemes = new Map<number, Scheme>();

/**
 * Points of the middle (ln y) and last (y) pieces of a split premium integral of order p; the first piece takes the
 * p angles of the unsplit integral. Measured: see aloPremium.ts.
 */
export function splitOrders(p: number): [number, number] {
  return [Math.max(32, Math.ceil(p / 2)), Math.max(16, Math.ceil((3 * p) / 4))];
}

function angles(order: number): [Float64Array, Float64Array, Float64Array, Float64Array] {
  const { nodes, weights } = gaussLegendre(order);
  const s = new Float64Array(order);
  const c = new Float64Array(order);
  const w = new Float64Array(order);
  const rt = new Float64Array(order);
  for (let j = 0; j < order; j++) {
    const th = 0.25 * Math.PI * (nodes[j] + 1);
    s[j] = Math.sin(th);
    c[j] = Math.cos(th);
    w[j] = 0.25 * Math.PI * weights[j];
    rt[j] = Math.sqrt(1 + s[j] * s[j]);
  }
  return [s, c, w, rt];
}

export function scheme(n: number, l: number, p: number): Scheme {
  const key = (n * 4096 + l) * 4096 + p;
  const hit = schemes.get(key);
  if (hit) return hit;
  const z = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) z[k] = -Math.cos((k * Math.PI) / n);
  // values at x_j = cos(jπ/n), j = n − k: c_i = (2/n)·Σ''_j f(x_j)·cos(ijπ/n), halved for i = 0 and i = n
  const dct = new Float64Array((n + 1) * (n + 1));
  for (let i = 0; i <= n; i++) {
    for (let k = 0; k <= n; k++) {
      const j = n - k;
      let v = (2 / n) * Math.cos((i * j * Math.PI) / n);
      if (j === 0 || j === n) v *= 0.5;
      if (i === 0 || i === n) v *= 0.5;
      dct[i * (n + 1) + k] = v;
    }
  }
  const [fs, fc, fw, fr] = angles(l);
  const [ps, pc, pw] = angles(p);
  // Interpolation weights of the fixed-point quadrature points: point j of node k sits at u = τ_k·sin^e θ_j,
  // i.e. at Chebyshev argument z = (1 + z_k)·sin θ_j − 1 in either variable, and H(u) = Σ_i lag[·, i]·H_i
  // with lag[·, i] = Σ_c T_c(z)·dct[c, i] (the same for every input: the sweeps need dot products only).
  const nn = n + 1;
  const lag = new Float64Array(n * l * nn);
  const t = new Float64Array(nn);
  for (let k = 1; k <= n; k++) {
    for (let j = 0; j < l; j++) {
      const zu = (1 + z[k]) * fs[j] - 1;
      t[0] = 1;
      t[1] = zu;
      for (let c = 2; c <= n; c++) t[c] = 2 * zu * t[c - 1] - t[c - 2];
      const o = ((k - 1) * l + j) * nn;
      for (let i = 0; i <= n; i++) {
        let v = 0;
        for (let c = 0; c <= n; c++) v += t[c] * dct[c * nn + i];
        lag[o + i] = v;
      }
    }
  }
  const lagT = new Float64Array(n * l * nn);
  for (let k = 1; k <= n; k++)
    for (let j = 0; j < l; j++)
      for (let i = 0; i <= n; i++) lagT[((k - 1) * nn + i) * l + j] = lag[((k - 1) * l + j) * nn + i];
  const [pb, p2] = splitOrders(p);
  const gb = gaussLegendre(pb);
  const g2 = gaussLegendre(p2);
  const splitLog = { nodes: Float64Array.from(gb.nodes), weights: Float64Array.from(gb.weights) };
  const split2 = { nodes: Float64Array.from(g2.nodes), weights: Float64Array.from(g2.weights) };
  const sch: Scheme = { z, dct, lag, lagT, fs, fc, fw, fr, ps, pc, pw, splitLog, split2 };
  schemes.set(key, sch);
  return sch;
}

/** Time to maturity of Chebyshev node z: τ = T·w^4 (quarter) or T·w², w = (1 + z)/2. */
export function nodeTau(T: number, z: number, quarter: boolean): number {
  const w = 0.5 * (1 + z);
  return quarter ? T * w * w * w * w : T * w * w;
}

/** Chebyshev series Σ_{i=0}^{n} c[i]·T_i(x) by Clenshaw's recurrence. */
export function clenshaw(c: Float64Array, n: number, x: number): number {
  let b1 = 0;
  let b2 = 0;
  const x2 = 2 * x;
  for (let i = n; i >= 1; i--) {
    const b0 = c[i] + x2 * b1 - b2;
    b2 = b1;
    b1 = b0;
  }
  return c[0] + x * b1 - b2;
}

export function toCoefficients(dct: Float64Array, H: Float64Array, coef: Float64Array, n: number): void {
  for (let i = 0; i <= n; i++) {
    let s = 0;
    const row = i * (n + 1);
    for (let k = 0; k <= n; k++) s += dct[row + k] * H[k];
    coef[i] = s;
  }
}
