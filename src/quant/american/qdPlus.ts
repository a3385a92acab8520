/**
 * QD+ approximation of the American put exercise boundary (M. Li, "Analytical approximations for the critical
 * stock prices of American options: a performance comparison", Rev. Deriv. Res. 13 (2010); the starting
 * boundary of Andersen, Lake & Offengenden 2016, §5.1). With h = 1 − e^{−rτ}, α = 2r/σ², β = 2(r − q)/σ²,
 * λ = (−(β − 1) − √((β − 1)² + 4α/h))/2 and the correction
 *   c₀ = −(1 − h)α/(2λ + β − 1)·[1/h − e^{rτ}Θ/(r(K − S* − p)) + λ'/(2λ + β − 1)],  λ' = α/(h²√((β − 1)² + 4α/h)),
 * (p, Θ the European put value and calendar-time theta at S*), the boundary S* solves
 *   (1 − e^{−qτ}N(−d₊(S*)))·S* + (λ + c₀)(K − S* − p(S*)) = 0,
 * written with c₀·(K − S* − p) expanded so that it has no pole, and solved by Newton's method with the exact
 * derivative inside a bisection bracket (0, X], X = K·min(1, r/q). Needs r > 0.
 */
import { exp, normCdf, normPdf } from '../normal.js';

/**
 * QD+ put exercise boundary S*(τ) (price units) at time to maturity tau (years) for strike K, rate r > 0,
 * dividend yield q, volatility vol; `guess` is a starting point in (0, X], e.g. the value at a nearby τ;
 * iteration stops at a relative step ≤ relTol. Returns a value in (0, X].
 */
export function qdPlusPutBoundary(
  K: number,
  tau: number,
  r: number,
  q: number,
  vol: number,
  guess: number,
  relTol = 1e-13,
): number {
  const xMax = q > r ? (K * r) / q : K;
  if (!(tau > 0)) return xMax;
  const v2 = vol * vol;
  const sqTau = Math.sqrt(tau);
  const sT = vol * sqTau;
  const dfR = exp(-r * tau);
  const dfQ = exp(-q * tau);
  const h = -Math.expm1(-r * tau);
  const alpha = (2 * r) / v2;
  const beta = (2 * (r - q)) / v2;
  const root = Math.sqrt((beta - 1) * (beta - 1) + (4 * alpha) / h);
  const lambda = 0.5 * (-(beta - 1) - root);
  const dLambda = alpha / (h * h * root);
  const den = -root; // 2λ + β − 1
  const cA = ((1 - h) * alpha) / den;
  const gapCoef = 1 / h + dLambda / den;
  const thetaCoef = 1 / (dfR * r);
  // F(x) = a·x + λ·gap − cA·(gap·gapCoef − Θ·thetaCoef), a = 1 − e^{−qτ}N(−d₊), gap = K − x − p(x)
  let lo = 0;
  let hi = xMax;
  let x = guess > 0 && guess < xMax ? guess : 0.9 * xMax;
  for (let it = 0; it < 100; it++) {
    const dp = (Math.log(x / K) + (r - q) * tau) / sT + 0.5 * sT;
    const dm = dp - sT;
    const nmdp = normCdf(-dp);
    const npdp = normPdf(dp);
    const kdm = K * dfR * normCdf(-dm);
    const p = kdm - x * dfQ * nmdp;
    const theta = -(x * dfQ * npdp * vol) / (2 * sqTau) + r * kdm - q * x * dfQ * nmdp;
    const a = 1 - dfQ * nmdp;
    const gap = K - x - p;
    const f = a * x + lambda * gap - cA * (gap * gapCoef - theta * thetaCoef);
    const dTheta =
      -((dfQ * vol * npdp) / (2 * sqTau)) * (1 - dp / sT) - ((r - q) * dfQ * npdp) / sT - q * dfQ * nmdp;
    const df = a + (dfQ * npdp) / sT - lambda * a - cA * (-a * gapCoef - dTheta * thetaCoef);
    if (f < 0) lo = x;
    else hi = x;
    let nx = x - f / df;
    if (!(nx > lo && nx < hi)) nx = 0.5 * (lo + hi);
    if (Math.abs(nx - x) <= relTol * x || hi - lo <= relTol * x) return nx;
    x = nx;
  }
  return x;
}
