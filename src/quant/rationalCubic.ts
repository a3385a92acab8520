/**
 * Shape-preserving rational cubic Hermite interpolation on one interval (R. Delbourgo, J. A. Gregory,
 * "Shape preserving piecewise rational interpolation", SIAM J. Sci. Stat. Comput. 6 (1985) 967–976),
 * as used by Jäckel's "Let's Be Rational" (Wilmott 2015) for its initial guesses.
 *
 * On [xl, xr] with h = xr − xl, u = (x − xl)/h, end values yl, yr, end slopes dl, dr and control r > −1:
 *
 *   y(x) = [yr·u³ + (r·yr − h·dr)·u²(1−u) + (r·yl + h·dl)·u(1−u)² + yl·(1−u)³] / [1 + (r−3)·u(1−u)].
 *
 * r = 3 gives the cubic Hermite polynomial; r → ∞ tends to the straight line. Second derivatives at the ends:
 * y''(xl) = 2(r(Δ−dl) − (dr−dl))/h and y''(xr) = 2(r(dr−Δ) − (dr−dl))/h with Δ = (yr−yl)/h, which is what
 * the "fit" functions solve for r. Convexity holds for r ≥ max((dr−dl)/(dr−Δ), (dr−dl)/(Δ−dl)) and
 * monotonicity for r ≥ (dl+dr)/Δ (Delbourgo-Gregory §3), which the convex variants enforce as a floor.
 */

const SQRT_EPS = Math.sqrt(Number.EPSILON);
/** Smallest admissible control parameter: the denominator stays positive for r > −1. */
const R_MIN = -(1 - SQRT_EPS);
/** Beyond this the interpolant is the straight line to working precision. */
const R_MAX = 2 / (Number.EPSILON * Number.EPSILON);

/** Value at x of the rational cubic through (xl, yl, slope dl) and (xr, yr, slope dr) with control r. */
export function rationalCubic(
  x: number,
  xl: number,
  xr: number,
  yl: number,
  yr: number,
  dl: number,
  dr: number,
  r: number,
): number {
  const h = xr - xl;
  if (h === 0) return 0.5 * (yl + yr);
  const u = (x - xl) / h;
  const v = 1 - u;
  if (!(r < R_MAX)) return yr * u + yl * v; // linear limit (also taken for r = +∞)
  const u2 = u * u;
  const v2 = v * v;
  return (
    (yr * u2 * u + (r * yr - h * dr) * u2 * v + (r * yl + h * dl) * u * v2 + yl * v2 * v) /
    (1 + (r - 3) * u * v)
  );
}

/**
 * Smallest r keeping the interpolant monotone and convex/concave when the data are (Delbourgo-Gregory §3).
 * `preferShape`: when a condition can only be met in the linear limit, return R_MAX rather than ignore it.
 */
function minimumControl(dl: number, dr: number, slope: number, preferShape: boolean): number {
  const monotonic = dl * slope >= 0 && dr * slope >= 0;
  const convex = dl <= slope && slope <= dr;
  const concave = dl >= slope && slope >= dr;
  if (!monotonic && !convex && !concave) return R_MIN;
  let r = R_MIN;
  if (monotonic) {
    if (slope !== 0) r = Math.max(r, (dl + dr) / slope);
    else if (preferShape) r = R_MAX;
  }
  if (convex || concave) {
    const left = slope - dl;
    const right = dr - slope;
    if (left !== 0 && right !== 0) {
      const spread = dr - dl;
      r = Math.max(r, Math.abs(spread / right), Math.abs(spread / left));
    } else if (preferShape) r = R_MAX;
  } else if (monotonic && preferShape) r = R_MAX;
  return r;
}

/** Control r matching the second derivative `d2l` at the left end, floored to keep the data's shape. */
export function convexControlFitLeft(
  xl: number,
  xr: number,
  yl: number,
  yr: number,
  dl: number,
  dr: number,
  d2l: number,
  preferShape: boolean,
): number {
  return convexControlFit(xl, xr, yl, yr, dl, dr, d2l, false, preferShape);
}

/** Control r matching the second derivative `d2r` at the right end, floored to keep the data's shape. */
export function convexControlFitRight(
  xl: number,
  xr: number,
  yl: number,
  yr: number,
  dl: number,
  dr: number,
  d2r: number,
  preferShape: boolean,
): number {
  return convexControlFit(xl, xr, yl, yr, dl, dr, d2r, true, preferShape);
}

/**
 * Control r matching the second derivative `d2` at the right end (`atRight`) or the left end, floored to keep
 * the data's shape: y''(xl) = d2 gives r = (h·d2/2 + dr − dl)/(Δ − dl), y''(xr) = d2 gives
 * r = (h·d2/2 + dr − dl)/(dr − Δ).
 */
export function convexControlFit(
  xl: number,
  xr: number,
  yl: number,
  yr: number,
  dl: number,
  dr: number,
  d2: number,
  atRight: boolean,
  preferShape: boolean,
): number {
  const h = xr - xl;
  const slope = (yr - yl) / h;
  const num = 0.5 * h * d2 + (dr - dl);
  const den = atRight ? dr - slope : slope - dl;
  const fit = num === 0 ? 0 : den === 0 ? (num > 0 ? R_MAX : R_MIN) : num / den;
  return Math.max(fit, minimumControl(dl, dr, slope, preferShape));
}
