/**
 * Risk-free rate (continuously compounded, per year) a scan uses when no macro source answers; it is said so
 * in the scan's `params.riskFreeSource`. Providers that solve vols from quotes (Yahoo) use it too, so that the
 * vols and the scan's POP rest on the same rate.
 */
export const FALLBACK_RISK_FREE_RATE = 0.042;
