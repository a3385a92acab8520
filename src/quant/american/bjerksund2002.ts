/**
 * Bjerksund & Stensland (2002), "Closed form valuation of American options", NHH discussion paper 2002/09
 * (also Haug, "The Complete Guide to Option Pricing Formulas", 2nd ed., §3.3.4): the value of exercising a call
 * at the first time S reaches a flat boundary I₂ on [0, t₁] and I₁ on [t₁, T], t₁ = ½(√5 − 1)T, with
 * I(τ) = B₀ + (B∞ − B₀)(1 − e^{h(τ)}), h(τ) = −(bτ + 2σ√τ)·K²/((B∞ − B₀)B₀), B∞ = βK/(β − 1),
 * B₀ = max(K, rK/q), β = ½ − b/σ² + √((b/σ² − ½)² + 2r/σ²), b = r − q:
 *   C = α₂S^β − α₂φ(S,t₁|β,I₂,I₂) + φ(S,t₁|1,I₂,I₂) − φ(S,t₁|1,I₁,I₂) − Kφ(S,t₁|0,I₂,I₂) + Kφ(S,t₁|0,I₁,I₂)
 *       + α₁φ(S,t₁|β,I₁,I₂) − α₁Ψ(S,T|β,I₁,I₂,I₁,t₁) + Ψ(S,T|1,I₁,I₂,I₁,t₁) − Ψ(S,T|1,K,I₂,I₁,t₁)
 *       − KΨ(S,T|0,I₁,I₂,I₁,t₁) + KΨ(S,T|0,K,I₂,I₁,t₁),   α_i = (I_i − K)·I_i^{−β},
 * where φ(S,t|γ,H,I) = E[e^{−rt}S_t^γ·1{S_t ≤ H, no hit of I before t}] and Ψ the two-period analogue, whose
 * closed form (four bivariate normals with ρ = ±√(t₁/T)) follows from the reflection principle under the
 * S^γ-weighted measure, drift b + (γ − ½)σ². A feasible exercise policy, so a lower bound of the exact price.
 * Puts by the put-call transformation P(S, K, T, r, q, σ) = C(K, S, T, q, r, σ). The result is floored at the
 * European price (the flat policy can lose to never exercising when σ√T is very large).
 * ρ is the same constant for every input, so the bivariate normals use the Drezner-Wesolowsky/Genz integral
 * M(a, b; ±ρ) = Φ(a)Φ(b) ± (1/2π)∫₀^{asin ρ} exp(−(a² + b² ∓ 2ab·sinθ)/(2cos²θ)) dθ with fixed
 * 8-point Gauss-Legendre nodes (absolute error < 5e-11, a smooth function of the inputs).
 */
import { bsPrice } from '../bsPrice.js';
import { exp, normCdf } from '../normal.js';
import type { OptionType } from '../types.js';
import { binomialPrice } from './binomial.js';
import { gaussLegendre } from './gaussLegendre.js';
import { americanLimitPrice } from './limits.js';

const T1_RATIO = 0.5 * (Math.sqrt(5) - 1);
const RHO = Math.sqrt(T1_RATIO);
const NQ = 8;
const Q_SIN = new Float64Array(NQ);
const Q_C = new Float64Array(NQ);
const Q_W = new Float64Array(NQ);
{
  const th0 = Math.asin(RHO);
  const { nodes, weights } = gaussLegendre(NQ);
  for (let i = 0; i < NQ; i++) {
    const s = Math.sin(0.5 * th0 * (nodes[i] + 1));
    Q_SIN[i] = s;
    Q_C[i] = 1 / (2 * (1 - s * s));
    Q_W[i] = (weights[i] * th0) / (4 * Math.PI);
  }
}

/**
 * The 20 bivariate normals of one price (five Ψ, four each) and its 52 Φ values are evaluated in two
 * flat passes over these arrays rather than by per-term calls: a loop with one call site each of normCdf and
 * exp lets the engine inline both, and nothing is allocated (a double passed to or returned from a call the
 * engine does not inline is a heap object). Ψ number p ∈ 0…4 (γ = β, H = I₁; γ = 1, H = I₁ | K; γ = 0,
 * H = I₁ | K) owns bivariate slots 4p … 4p+3, M(−e_j, −f_j; ±ρ) for j = 1…4.
 */
const NB = 20;
const NC = 2 * NB + 12;
const BV_A = new Float64Array(NB); // first argument −e_j
const BV_B = new Float64Array(NB); // second argument −f_j
const BV = new Float64Array(NB); // M(a, b; ±ρ): slots 4p, 4p+1 have +ρ, slots 4p+2, 4p+3 have −ρ
const CDF_X = new Float64Array(NC); // arguments of Φ: a's (0…19), b's (20…39), then φ̂'s twelve (40…51)
const CDF = new Float64Array(NC); // Φ of those

/** Φ of CDF_X[0 … n−1] into CDF (one normCdf call site, so it is inlined into the loop). */
function cdfPass(n: number): void {
  for (let k = 0; k < n; k++) CDF[k] = normCdf(CDF_X[k]);
}

/**
 * BV[k] = M(BV_A[k], BV_B[k]; ±ρ) given Φ of both arguments in CDF[k], CDF[NB + k] (Drezner-Wesolowsky with the
 * fixed nodes above). Exact to 1e-16 without quadrature when a tail is negligible: M ≤ min(Φ(a), Φ(b)) and
 * M ≥ Φ(a) + Φ(b) − 1.
 */
function bvnPass(): void {
  for (let k = 0; k < NB; k++) {
    const pa = CDF[k];
    const pb = CDF[NB + k];
    if (pa < 1e-17 || pb < 1e-17) BV[k] = 0;
    else if (pa > 1 - 1e-16) BV[k] = pb;
    else if (pb > 1 - 1e-16) BV[k] = pa;
    else {
      const a = BV_A[k];
      const b = BV_B[k];
      const plus = (k & 2) === 0;
      const ss = a * a + b * b;
      const ab2 = plus ? 2 * a * b : -(2 * a * b);
      let acc = 0;
      for (let i = 0; i < NQ; i++) acc += Q_W[i] * exp((ab2 * Q_SIN[i] - ss) * Q_C[i]);
      const v = plus ? pa * pb + acc : pa * pb - acc;
      BV[k] = v > 0 ? v : 0;
    }
  }
}

/**
 * Loads Ψ number p's four bivariate arguments: e₁…₄ of its γ (m1 = μt₁/s1) and f₁…₄ of its H (lh = ln H,
 * mT = μT/sT), x = ln S, l1 = ln I₁, l2 = ln I₂.
 */
function loadPsi(
  p: number,
  x: number,
  lh: number,
  l1: number,
  l2: number,
  m1: number,
  s1: number,
  mT: number,
  sT: number,
): void {
  const o = 4 * p;
  BV_A[o] = -((x - l1) / s1 + m1);
  BV_A[o + 1] = -((2 * l2 - x - l1) / s1 + m1);
  BV_A[o + 2] = -((x - l1) / s1 - m1);
  BV_A[o + 3] = -((2 * l2 - x - l1) / s1 - m1);
  BV_B[o] = -((x - lh) / sT + mT);
  BV_B[o + 1] = -((2 * l2 - x - lh) / sT + mT);
  BV_B[o + 2] = -((2 * l1 - x - lh) / sT + mT);
  BV_B[o + 3] = -((x + 2 * l1 - lh - 2 * l2) / sT + mT);
}

/**
 * Ψ(S,T|γ,H,I₂,I₁,t₁) without its factor e^{λT}S^γ, from the bivariate normals of Ψ number p (kap = 2μ/σ²):
 * M(−e₁,−f₁;ρ) − (I₂/S)^κ·M(−e₂,−f₂;ρ) − (I₁/S)^κ·M(−e₃,−f₃;−ρ) + (I₁/I₂)^κ·M(−e₄,−f₄;−ρ).
 */
function psiHat(p: number, x: number, l1: number, l2: number, kap: number): number {
  const o = 4 * p;
  return (
    BV[o] -
    exp(kap * (l2 - x)) * BV[o + 1] -
    exp(kap * (l1 - x)) * BV[o + 2] +
    exp(kap * (l1 - l2)) * BV[o + 3]
  );
}

/**
 * Loads the two Φ arguments of φ(S,t|γ,H,I) number j (slots 40 + 2j, 41 + 2j): d = (x − lh)/s + m,
 * −d and −d − 2(li − x)/s.
 */
function loadPhi(j: number, x: number, lh: number, li: number, m: number, s: number): void {
  const d = (x - lh) / s + m;
  CDF_X[2 * NB + 2 * j] = -d;
  CDF_X[2 * NB + 2 * j + 1] = -d - (2 * (li - x)) / s;
}

/** φ(S,t|γ,H,I) number j without its factor e^{λt}S^γ: Φ(−d) − (I/S)^κ·Φ(−d − 2 ln(I/S)/s). */
function phiHat(j: number, x: number, li: number, kap: number): number {
  return CDF[2 * NB + 2 * j] - exp(kap * (li - x)) * CDF[2 * NB + 2 * j + 1];
}

/** BS2002 American call, q > 0; NaN when the perpetual root β does not exist (strongly negative r). */
function bs2002Call(S: number, K: number, T: number, r: number, q: number, vol: number): number {
  const b = r - q;
  const v2 = vol * vol;
  const bv = b / v2;
  const disc = (bv - 0.5) * (bv - 0.5) + (2 * r) / v2;
  if (!(disc >= 0)) return Number.NaN;
  const beta = 0.5 - bv + Math.sqrt(disc);
  if (!(beta > 1)) return Number.NaN;
  const bInf = (beta / (beta - 1)) * K;
  const b0 = r > q ? K : Math.max(K, (r / q) * K);
  const t1 = T1_RATIO * T;
  const s1 = vol * Math.sqrt(t1);
  const sT = vol * Math.sqrt(T);
  const hq = (K * K) / ((bInf - b0) * b0);
  const span = bInf - b0;
  // I(τ) = B₀ + (B∞ − B₀)(1 − e^{h}), written with expm1 so that B∞ → ∞ (q → 0) stays finite.
  let i2 = b0 - span * Math.expm1(-(b * T + 2 * sT) * hq);
  let i1 = b0 - span * Math.expm1(-(b * t1 + 2 * s1) * hq);
  if (!(i2 >= b0)) i2 = b0; // h > 0 only for b ≪ −σ/√τ; keep the policy feasible (I ≥ K)
  if (!(i1 >= b0)) i1 = b0;
  if (i1 > i2) i1 = i2;
  if (S >= i2) return S - K;
  const x = Math.log(S);
  const lk = Math.log(K);
  const l1 = Math.log(i1);
  const l2 = Math.log(i2);
  const kap0 = 2 * bv - 1; // κ_γ = 2b/σ² + 2γ − 1
  // γ = β (λ_β = 0): α₂S^β[1 − φ̂(I₂,I₂)] and α₁S^β[φ̂(I₁,I₂) − Ψ̂(I₁)]; γ = 1 (λ = −q) and γ = 0 (λ = −r):
  // [φ̂(I₂,I₂) − φ̂(I₁,I₂)]·e^{λt₁} + [Ψ̂(I₁) − Ψ̂(K)]·e^{λT}. First every argument, then every Φ and M.
  const muB = b + (beta - 0.5) * v2;
  const m1B = (muB * t1) / s1;
  loadPsi(0, x, l1, l1, l2, m1B, s1, (muB * T) / sT, sT);
  loadPhi(0, x, l2, l2, m1B, s1);
  loadPhi(1, x, l1, l2, m1B, s1);
  for (let g = 0; g <= 1; g++) {
    const mu = b + (g - 0.5) * v2;
    const m1 = (mu * t1) / s1;
    const mT = (mu * T) / sT;
    const p = 3 - 2 * g; // γ = 1: Ψ 1, 2; γ = 0: Ψ 3, 4
    loadPsi(p, x, l1, l1, l2, m1, s1, mT, sT);
    loadPsi(p + 1, x, lk, l1, l2, m1, s1, mT, sT);
    loadPhi(2 + 2 * g, x, l2, l2, m1, s1);
    loadPhi(3 + 2 * g, x, l1, l2, m1, s1);
  }
  for (let k = 0; k < NB; k++) {
    CDF_X[k] = BV_A[k];
    CDF_X[NB + k] = BV_B[k];
  }
  cdfPass(NC);
  bvnPass();
  const kapB = kap0 + 2 * beta;
  let v = (i2 - K) * exp(beta * (x - l2)) * (1 - phiHat(0, x, l2, kapB));
  v += (i1 - K) * exp(beta * (x - l1)) * (phiHat(1, x, l2, kapB) - psiHat(0, x, l1, l2, kapB));
  for (let g = 0; g <= 1; g++) {
    const kap = kap0 + 2 * g;
    const p = 3 - 2 * g;
    const phiPart = phiHat(2 + 2 * g, x, l2, kap) - phiHat(3 + 2 * g, x, l2, kap);
    const psiPart = psiHat(p, x, l1, l2, kap) - psiHat(p + 1, x, l1, l2, kap);
    if (g === 1) v += S * (exp(-q * t1) * phiPart + exp(-q * T) * psiPart);
    else v -= K * (exp(-r * t1) * phiPart + exp(-r * T) * psiPart);
  }
  return v;
}

/**
 * American option price by the Bjerksund-Stensland (2002) two-step flat-boundary approximation, price units.
 * S, K price units; T years; r, q continuous per year; vol per √year. A lower bound of the exact price:
 * median 3e-4·K below it on realistic inputs, up to 1.5e-2·K for long-dated high-volatility options (then
 * BAW is closer); exact limits at T = 0, vol = 0 and where early exercise never pays.
 * Falls back to the CRR lattice where β does not exist (strongly negative rates).
 */
export function bjerksundStensland2002Price(
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
): number {
  const lim = americanLimitPrice(type, S, K, T, r, q, vol);
  if (lim !== undefined) return lim;
  const v = type === 'call' ? bs2002Call(S, K, T, r, q, vol) : bs2002Call(K, S, T, q, r, vol);
  if (!(v === v)) return binomialPrice(type, S, K, T, r, q, vol, 801, 'bbsr');
  // The flat-boundary policy can be worse than never exercising (very high σ√T): keep the better bound.
  const eu = bsPrice(type, S, K, T, r, q, vol);
  return v > eu ? v : eu;
}
