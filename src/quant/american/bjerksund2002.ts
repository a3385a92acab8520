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
 * One departure from the paper as printed: where I₁ > I₂ (b < 0 and long-dated, where bτ + 2σ√τ falls with τ)
 * I₁ is set to I₂. The reflection formula behind φ(S,t|γ,H,I) holds for H ≤ I only (for H > I the event is
 * {no hit of I}, φ at H = I), so the printed formula read literally there prices no policy and is no bound; with
 * I₁ = I₂ it prices the one-boundary policy, a lower bound again. It differs from the literal reading on ~2 % of
 * random realistic inputs (low vol or long-dated), by up to 13 % relative; both are then far below the exact
 * price (a 10-year put: 0.748 and 0.758 where ALO gives 1.132) — use 'alo' there.
 * Puts by the put-call transformation P(S, K, T, r, q, σ) = C(K, S, T, q, r, σ). The result is floored at the
 * European price (the flat policy can lose to never exercising when σ√T is very large) and at the intrinsic
 * value (just below I₂ the policy can lose to exercising at once).
 * ρ is the same constant for every input, so the bivariate normals use the Drezner-Wesolowsky/Genz integral
 * M(a, b; ±ρ) = Φ(a)Φ(b) ± (1/2π)∫₀^{asin ρ} exp(−(a² + b² ∓ 2ab·sinθ)/(2cos²θ)) dθ with fixed
 * 8-point Gauss-Legendre nodes (absolute error < 5e-11, a smooth function of the inputs; fewer do not pay: with
 * 7 nodes the error times the term's coefficient exceeds 1e-11·K on ~30% of the benchmark's terms).
 * Cost per price (the benchmark's inputs): 38 Φ (of the formula's 52, see CDF_X), ≈ 150 quadrature
 * exponentials (8 per bivariate normal not in a tail, ≈ 18.7 of 20), 12 other exponentials, 4 logarithms. The
 * exponentials inside the Φ and quadrature loops are local table-driven kernels without a libm branch (their
 * arguments are in range by construction), which TurboFan keeps in registers; the European floor reuses
 * Φ(−d₁), Φ(−d₂), which are arguments of Ψ(…|K…). Same values as the straightforward evaluation to ~1e-14·K.
 */
import { bsNumbers } from '../arguments.js';
import { bsPriceDiscounted } from '../bsPrice.js';
import { erf, erfcx, exp, log } from '../normal.js';
import { priceScale } from '../priceScale.js';
import type { OptionType } from '../types.js';
import { gaussLegendre } from './gaussLegendre.js';
import { americanLimitPrice, latticePrice } from './limits.js';

/**
 * Exponentials for the Φ and quadrature loops, arguments in [−708, 0] by construction. Tang's table method as
 * `exp` in ../normal.js (x = (64m + j)·ln2/64 + r, |r| ≤ ln2/128) but with a degree-5 polynomial (truncation
 * 4e-17) and no table correction: ≤ 4e-16 relative. Without the general version's libm branch for
 * out-of-range arguments the engine keeps the surrounding loop in registers (measured: the quadrature loop
 * runs about twice as fast).
 */
const QX_T = new Float64Array(64); // 2^(j/64)
const QX_P = new Float64Array(1024); // 2^(m − 1023), m = 0 … 1023
for (let j = 0; j < 64; j++) QX_T[j] = exp((j * Math.LN2) / 64);
for (let m = 0; m < 1024; m++) QX_P[m] = 2 ** (m - 1023);
const QX_ROUND = 6755399441055744; // 1.5·2^52: adding it rounds to an integer
const QX_INV = 92.33248261689366; // 64/ln 2
const QX_HI = 0.6931471803691238 / 64; // ln 2 / 64 with trailing zero bits (k·QX_HI exact), and the rest
const QX_LO = 1.9082149292705877e-10 / 64;
const QX_LN2_64 = Math.LN2 / 64;
const QX_6 = 1 / 6;
const QX_24 = 1 / 24;
const QX_120 = 1 / 120;

/**
 * 2^(y/64) = e^{y·ln2/64} for y·ln2/64 ∈ [−708, 0], no range check: the quadrature exponents are ≥ −400
 * (|a|, |b| < 8.5 outside the tail shortcuts), and the caller passes them already scaled by 64/ln 2.
 */
function qexp2(y: number): number {
  const k = y + QX_ROUND - QX_ROUND;
  const r = (y - k) * QX_LN2_64;
  const ki = k | 0;
  const t = QX_T[ki & 63];
  return (t + t * (r + r * r * (0.5 + r * (QX_6 + r * (QX_24 + r * QX_120))))) * QX_P[(ki >> 6) + 1023];
}

/** e^x for x ∈ [−708, 0]; 0 below and for NaN. */
function qexp(x: number): number {
  if (!(x > -708)) return 0;
  const k = x * QX_INV + QX_ROUND - QX_ROUND;
  const r = x - k * QX_HI - k * QX_LO;
  const ki = k | 0;
  const t = QX_T[ki & 63];
  return (t + t * (r + r * r * (0.5 + r * (QX_6 + r * (QX_24 + r * QX_120))))) * QX_P[(ki >> 6) + 1023];
}

const T1_RATIO = 0.5 * (Math.sqrt(5) - 1);
const RHO = Math.sqrt(T1_RATIO);
const NQ = 8;
const Q_SIN = new Float64Array(NQ); // sin θ_i·c_i and c_i = 1/(2cos²θ_i), both times 64/ln 2 (see qexp2)
const Q_C = new Float64Array(NQ);
const Q_W = new Float64Array(NQ);
{
  const th0 = Math.asin(RHO);
  const { nodes, weights } = gaussLegendre(NQ);
  for (let i = 0; i < NQ; i++) {
    const s = Math.sin(0.5 * th0 * (nodes[i] + 1));
    const c = 1 / (2 * (1 - s * s));
    Q_SIN[i] = s * c * QX_INV;
    Q_C[i] = c * QX_INV;
    Q_W[i] = (weights[i] * th0) / (4 * Math.PI);
  }
}

/**
 * Per-price scratch, filled by flat passes rather than per-term calls: a loop with one call site each of the
 * Φ and exp kernels lets the engine inline them, and nothing is allocated (a double passed to or returned from
 * a call the engine does not inline is a heap object). γ number g ∈ 0…2 is γ = β, 1, 0; Ψ number p ∈ 0…4 is
 * (γ, H) = (β, I₁), (1, I₁), (1, K), (0, I₁), (0, K) and owns bivariate slots 4p … 4p+3, M(−e_j, −f_j; ±ρ) for
 * j = 1…4, +ρ in the first two. The e_j depend on γ only (Ψ 1, 2 share them, as do Ψ 3, 4), and φ(S,t₁|γ,I₁,I₂)
 * needs only Φ(−e₁), Φ(−e₂) of its γ (its −d is −e₁, and −d − 2 ln(I₂/S)/s₁ is −e₂), so the 52 Φ arguments of
 * the formula hold 38 distinct ones:
 *   CDF_X[4g + j − 1]  −e_j of γ number g (12),
 *   CDF_X[12 + k]      −f_j of bivariate slot k = 4p + j − 1 (20),
 *   CDF_X[32 + 2g], CDF_X[33 + 2g]  the two arguments of φ(S,t₁|γ,I₂,I₂) (6).
 */
const NB = 20;
const NC = 38;
const CDF_X = new Float64Array(NC);
const CDF = new Float64Array(NC); // Φ of CDF_X
const BV = new Float64Array(NB); // M of slot k
const PSI_E = new Float64Array(NB); // 1, (I₂/S)^κ, (I₁/S)^κ, (I₁/I₂)^κ of Ψ number p at 4p … 4p+3

const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp split)

/**
 * Φ of CDF_X[0 … n−1] into CDF, as `normCdf` of ../normal.js (Cody's erf near 0, else ½·erfcx(|x|/√2)·e^{−x²/2}
 * with x² split exactly) but with `qexp` for the Gaussian factor (0 beyond |x| = 37.6 instead of a subnormal).
 */
function cdfPass(n: number): void {
  for (let k = 0; k < n; k++) {
    const x = CDF_X[k];
    const y = Math.abs(x) * Math.SQRT1_2;
    if (y <= 0.46875) CDF[k] = 0.5 + 0.5 * erf(x * Math.SQRT1_2);
    else {
      const c = SPLITTER * x;
      const xh = c - (c - x);
      const xl = x - xh;
      const hi = x * x;
      const lo = xh * xh - hi + 2 * xh * xl + xl * xl;
      const t = hi > 1416 ? 0 : 0.5 * erfcx(y) * ((1 - 0.5 * lo) * qexp(-0.5 * hi)); // ±∞ too; NaN stays
      CDF[k] = x < 0 ? t : 1 - t;
    }
  }
}

/**
 * BV[k] = M(a, b; ±ρ) of every slot k given Φ of both arguments in CDF (Drezner-Wesolowsky with the fixed nodes
 * above). Exact to 1e-16 without quadrature when a tail is negligible: M ≤ min(Φ(a), Φ(b)) and
 * M ≥ Φ(a) + Φ(b) − 1.
 */
function bvnPass(): void {
  for (let k = 0; k < NB; k++) {
    const ia = 4 * (((k >> 2) + 1) >> 1) + (k & 3); // γ number of Ψ number k >> 2 is ((k >> 2) + 1) >> 1
    const pa = CDF[ia];
    const pb = CDF[12 + k];
    let m: number;
    if (pa < 1e-17 || pb < 1e-17) m = 0;
    else if (pa > 1 - 1e-16) m = pb;
    else if (pb > 1 - 1e-16) m = pa;
    else {
      const a = CDF_X[ia];
      const b = CDF_X[12 + k];
      const plus = (k & 2) === 0;
      const ss = a * a + b * b;
      const ab2 = plus ? 2 * a * b : -(2 * a * b);
      let acc = 0;
      for (let i = 0; i < NQ; i++) acc += Q_W[i] * qexp2(ab2 * Q_SIN[i] - ss * Q_C[i]);
      const v = plus ? pa * pb + acc : pa * pb - acc;
      m = v > 0 ? v : 0;
    }
    BV[k] = m;
  }
}

/**
 * Ψ(S,T|γ,H,I₂,I₁,t₁) number p without its factor e^{λT}S^γ: M(−e₁,−f₁;ρ) − (I₂/S)^κ·M(−e₂,−f₂;ρ)
 * − (I₁/S)^κ·M(−e₃,−f₃;−ρ) + (I₁/I₂)^κ·M(−e₄,−f₄;−ρ).
 */
function psiHat(p: number): number {
  const o = 4 * p;
  return BV[o] - PSI_E[o + 1] * BV[o + 1] - PSI_E[o + 2] * BV[o + 2] + PSI_E[o + 3] * BV[o + 3];
}

/**
 * Loads Ψ number p's second arguments −f₁…₄ (lh = ln H, mT = μT/sT, x = ln S, l1 = ln I₁, l2 = ln I₂) and its
 * reflection factors e2 = (I₂/S)^κ, e1 = (I₁/S)^κ, e12 = (I₁/I₂)^κ.
 */
function loadPsi(
  p: number,
  x: number,
  lh: number,
  l1: number,
  l2: number,
  mT: number,
  sT: number,
  e2: number,
  e1: number,
  e12: number,
): void {
  const o = 4 * p;
  CDF_X[12 + o] = -((x - lh) / sT + mT);
  CDF_X[13 + o] = -((2 * l2 - x - lh) / sT + mT);
  CDF_X[14 + o] = -((2 * l1 - x - lh) / sT + mT);
  CDF_X[15 + o] = -((x + 2 * l1 - lh - 2 * l2) / sT + mT);
  PSI_E[o] = 1;
  PSI_E[o + 1] = e2;
  PSI_E[o + 2] = e1;
  PSI_E[o + 3] = e12;
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
  const b0 = Math.max(K, (r / q) * K); // Bjerksund & Stensland (2002): B₀ = max(K, rK/q)
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
  const eqT = exp(-q * T);
  const erT = exp(-r * T);
  const dqT = S * eqT;
  const drT = K * erT;
  if (S >= i2) {
    const eu = bsPriceDiscounted(true, dqT, drT, sT);
    return S - K > eu ? S - K : eu;
  }
  const x = log(S);
  const lk = log(K);
  const l1 = log(i1);
  const l2 = log(i2);
  const u1 = (x - l1) / s1;
  const u2 = (2 * l2 - x - l1) / s1;
  // γ = β (λ_β = 0): α₂S^β[1 − φ̂(I₂,I₂)] and α₁S^β[φ̂(I₁,I₂) − Ψ̂(I₁)]; γ = 1 (λ = −q) and γ = 0 (λ = −r):
  // [φ̂(I₂,I₂) − φ̂(I₁,I₂)]·e^{λt₁} + [Ψ̂(I₁) − Ψ̂(K)]·e^{λT}. First every argument, then every Φ and M.
  const pB1 = exp(beta * (x - l1));
  const pB2 = exp(beta * (x - l2));
  let e2B = 0;
  let e2One = 0;
  let e2Zero = 0;
  // (I₂/S)^κ, (I₁/S)^κ, (I₁/I₂)^κ: κ_1 = κ_0 + 2, so γ = 1 takes γ = 0's times squared ratios.
  const kap0 = 2 * bv - 1; // κ_γ = 2b/σ² + 2γ − 1
  const e2Z = exp(kap0 * (l2 - x));
  const e1Z = exp(kap0 * (l1 - x));
  const e12Z = exp(kap0 * (l1 - l2));
  const r2 = i2 / S;
  const r1 = i1 / S;
  const r12 = i1 / i2;
  for (let g = 0; g < 3; g++) {
    const gam = g === 0 ? beta : 2 - g;
    const mu = b + (gam - 0.5) * v2;
    const m1 = (mu * t1) / s1;
    const mT = (mu * T) / sT;
    const kap = kap0 + 2 * gam;
    const e2 = g === 0 ? exp(kap * (l2 - x)) : g === 1 ? e2Z * r2 * r2 : e2Z;
    const e1 = g === 0 ? exp(kap * (l1 - x)) : g === 1 ? e1Z * r1 * r1 : e1Z;
    const e12 = g === 0 ? exp(kap * (l1 - l2)) : g === 1 ? e12Z * r12 * r12 : e12Z;
    CDF_X[4 * g] = -(u1 + m1);
    CDF_X[4 * g + 1] = -(u2 + m1);
    CDF_X[4 * g + 2] = -(u1 - m1);
    CDF_X[4 * g + 3] = -(u2 - m1);
    const d = (x - l2) / s1 + m1;
    CDF_X[32 + 2 * g] = -d;
    CDF_X[33 + 2 * g] = -d - (2 * (l2 - x)) / s1;
    if (g === 0) {
      e2B = e2;
      loadPsi(0, x, l1, l1, l2, mT, sT, e2, e1, e12);
    } else {
      if (g === 1) e2One = e2;
      else e2Zero = e2;
      loadPsi(2 * g - 1, x, l1, l1, l2, mT, sT, e2, e1, e12);
      loadPsi(2 * g, x, lk, l1, l2, mT, sT, e2, e1, e12);
    }
  }
  cdfPass(NC);
  bvnPass();
  // φ̂(S,t₁|γ,H,I₂) = Φ(−d) − (I₂/S)^κ·Φ(−d − 2 ln(I₂/S)/s₁) without its factor e^{λt₁}S^γ.
  let v = (i2 - K) * pB2 * (1 - (CDF[32] - e2B * CDF[33]));
  v += (i1 - K) * pB1 * (CDF[0] - e2B * CDF[1] - psiHat(0));
  const phiOne = CDF[34] - e2One * CDF[35] - (CDF[4] - e2One * CDF[5]);
  const phiZero = CDF[36] - e2Zero * CDF[37] - (CDF[8] - e2Zero * CDF[9]);
  v += S * (exp(-q * t1) * phiOne + eqT * (psiHat(1) - psiHat(2)));
  v -= K * (exp(-r * t1) * phiZero + erT * (psiHat(3) - psiHat(4)));
  // The flat-boundary policy can be worse than never exercising (very high σ√T): keep the better bound. The
  // European call S·e^{−qT}Φ(d₁) − K·e^{−rT}Φ(d₂) from the Φ already at hand: −f₁ of Ψ 2 and 4 (H = K) is −d₁, −d₂.
  // Just below I₂ the policy waits where exercising now is worth more (152 of 200,000 realistic inputs fell below
  // their intrinsic value without this floor, by up to 4.5e-4·K): both floors are lower bounds of the American.
  // Out of the money 1 − Φ(−d) loses the tail's digits (and the formula's terms cancel to ~1e-14·K, either sign):
  // there the accurate European (bsPriceDiscounted, each Φ from its small side) is the floor, so the result is
  // never negative and keeps the European's relative accuracy where the early-exercise part is below rounding.
  let eu = dqT * (1 - CDF[20]) - drT * (1 - CDF[28]);
  if (!(eu > 1e-8 * K)) eu = bsPriceDiscounted(true, dqT, drT, sT);
  const floor = S - K > eu ? S - K : eu;
  return v < floor ? floor : v; // NaN (overflow at tiny σ) stays NaN: the caller falls back to the lattice
}

/**
 * American option price by the Bjerksund-Stensland (2002) two-step flat-boundary approximation, price units.
 * S, K price units; T years; r, q continuous per year; vol per √year. A lower bound of the exact price:
 * median 2.5e-4·K below it on realistic inputs, up to 2e-2·K for long-dated high-volatility options (then
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
  bsNumbers('bjerksundStensland2002Price', S, K, T, r, q, vol);
  const scale = priceScale(K);
  if (scale !== 1) return scale * bjerksundStensland2002Price(type, S / scale, K / scale, T, r, q, vol);
  const lim = americanLimitPrice(type, S, K, T, r, q, vol);
  if (lim !== undefined) return lim;
  const v = type === 'call' ? bs2002Call(S, K, T, r, q, vol) : bs2002Call(K, S, T, q, r, vol);
  return v === v ? v : latticePrice(type, S, K, T, r, q, vol, 801);
}
