/**
 * Our Black-Scholes-Merton greeks, from each contract's own `mid_iv`, against the vendor's (ORATS via
 * Tradier) over the full PLTR snapshot served by the local server.
 *
 * Inputs: S = 200.47 (the snapshot's last), T = (16:00 New York on expiry − 2025-10-31 20:00:02 UTC,
 * ORATS' `updated_at`) / 365 d, r = 4 % (the 3-month T-bill was ≈ 3.9–4.0 % then), q = 0 (PLTR pays
 * no dividend). Compared: contracts with mid_iv > 0 and 0.10 ≤ |vendor delta| ≤ 0.90 (deep ITM/OTM
 * greeks are ≈ 0 or ±1 on both sides and relative errors there mean nothing).
 *
 * What explains the gap: ORATS does not price each contract off its own mid IV. It fits a smoothed
 * vol per strike (`smv_vol`) and computes ONE set of greeks per strike that the call and the put share
 * (same gamma/vega/theta; put delta = call delta − 1). Where a contract's mid_iv is far from that
 * smoothed vol (deep ITM puts, wide quotes) deltas differ by up to a few points. Its rate and time
 * conventions are its own too (a small, maturity-dependent bias). Theta: the shared value is the
 * call's, so a put's vendor theta lacks the put's carry term (r·K·e^(−rT)) — we compare it with our
 * call theta. Re-pricing from `smv_vol` instead of mid_iv halves the worst delta gap (0.038 → 0.020):
 * the outliers are the vol input, not our formulas; the ~0.002 median left is rates/time conventions.
 *
 * Measured here (1,324 contracts): |Δdelta| median 0.0019, p99 0.019, max 0.038; gamma rel. median
 * 1.0 %, max 9.8 %; vega rel. median 1.1 %, p99 10 %, max 29 %; call-theta rel. median 1.5 %, p99 14 %.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expiryTime, yearsToExpiry } from '../../../../src/market/expiry.js';
import { TradierProvider } from '../../../../src/market/providers/tradier/tradierProvider.js';
import { assessChain } from '../../../../src/market/quality.js';
import type { OptionChain } from '../../../../src/market/types.js';
import { bsGreeks } from '../../../../src/quant/bsGreeks.js';
import { type LocalServer, startServer } from '../../http/localServer.js';
import { pltrSnapshot } from '../fixtureFiles.js';
import { TRADIER_TEST_KEY, tradierHandler } from './tradierServer.js';

const AS_OF = Date.parse('2025-10-31T20:00:02Z');
const R = 0.04;
const Q = 0;

interface Gap {
  delta: number;
  gammaRel: number;
  vegaRel: number;
  thetaRel: number;
}

function quantile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

/** Our market-unit greeks vs vendor's for one contract priced at `vol`. */
function gap(
  type: 'call' | 'put',
  S: number,
  K: number,
  T: number,
  vol: number,
  vendor: { delta: number; gamma: number; theta: number; vega: number },
): Gap {
  const g = bsGreeks(type, S, K, T, R, Q, vol);
  const call = type === 'call' ? g : bsGreeks('call', S, K, T, R, Q, vol);
  return {
    delta: Math.abs(g.delta - vendor.delta),
    gammaRel: Math.abs(g.gamma - vendor.gamma) / Math.abs(vendor.gamma),
    vegaRel: Math.abs(g.vega / 100 - vendor.vega) / Math.abs(vendor.vega),
    thetaRel: Math.abs(call.theta / 365 - vendor.theta) / Math.abs(vendor.theta),
  };
}

describe('Tradier PLTR snapshot: our BSM greeks vs the vendor (ORATS)', () => {
  let server: LocalServer;
  let chain: OptionChain;
  beforeAll(async () => {
    server = await startServer(tradierHandler());
    const p = new TradierProvider({
      apiKey: TRADIER_TEST_KEY,
      baseUrl: `${server.origin}/v1/`,
      rateLimitPerMinute: 6000,
    });
    const ctx = { asOf: AS_OF };
    chain = await p.getChain('PLTR', await p.getExpirations('PLTR', ctx), ctx);
  });
  afterAll(() => server.close());

  it('agrees from each contract mid_iv within the stated tolerances', () => {
    const gaps: Gap[] = [];
    for (const e of chain.expirations) {
      const T = yearsToExpiry(expiryTime(e.expiration), AS_OF);
      for (const [type, side] of [
        ['call', e.calls],
        ['put', e.puts],
      ] as const) {
        for (let i = 0; i < e.strikes.length; i++) {
          const vendorDelta = side.delta[i];
          if (!(side.iv[i] > 0) || !(Math.abs(vendorDelta) >= 0.1 && Math.abs(vendorDelta) <= 0.9)) continue;
          gaps.push(
            gap(type, chain.spot, e.strikes[i], T, side.iv[i], {
              delta: vendorDelta,
              gamma: side.gamma[i],
              theta: side.theta[i],
              vega: side.vega[i],
            }),
          );
        }
      }
    }
    expect(gaps.length).toBeGreaterThan(1200);
    const stat = (k: keyof Gap) => ({
      median: quantile(
        gaps.map((g) => g[k]),
        0.5,
      ),
      p99: quantile(
        gaps.map((g) => g[k]),
        0.99,
      ),
      max: Math.max(...gaps.map((g) => g[k])),
    });
    const d = stat('delta');
    const gm = stat('gammaRel');
    const v = stat('vegaRel');
    const th = stat('thetaRel');
    // Tolerances: delta absolute (per share), the others relative to the vendor's value.
    expect(d.median).toBeLessThan(0.005);
    expect(d.p99).toBeLessThan(0.025);
    expect(d.max).toBeLessThan(0.05);
    expect(gm.median).toBeLessThan(0.02);
    expect(gm.max).toBeLessThan(0.15);
    expect(v.median).toBeLessThan(0.02);
    expect(v.p99).toBeLessThan(0.15);
    expect(v.max).toBeLessThan(0.35);
    expect(th.median).toBeLessThan(0.04);
    expect(th.p99).toBeLessThan(0.2);
  });

  it('halves the worst delta gap when priced from the vendor smoothed vol (smv_vol): the outliers are the vol input', () => {
    const snap = pltrSnapshot();
    const fromMid: number[] = [];
    const fromSmv: number[] = [];
    for (const [expiration, rows] of Object.entries(snap.chains.PLTR)) {
      const T = yearsToExpiry(expiryTime(expiration), AS_OF);
      for (const o of rows) {
        const g = o.greeks;
        if (!g || !(g.mid_iv > 0) || !(Math.abs(g.delta) >= 0.1 && Math.abs(g.delta) <= 0.9)) continue;
        fromMid.push(gap(o.option_type, chain.spot, o.strike, T, g.mid_iv, g).delta);
        fromSmv.push(gap(o.option_type, chain.spot, o.strike, T, g.smv_vol, g).delta);
      }
    }
    expect(quantile(fromSmv, 0.99)).toBeLessThan(quantile(fromMid, 0.99));
    expect(Math.max(...fromSmv)).toBeLessThan(Math.max(...fromMid) / 1.5);
    expect(Math.max(...fromSmv)).toBeLessThan(0.025);
  });

  it('passes the adapter chain through the data-quality filters: every slot accounted for, vendor greeks consistent', () => {
    const q = assessChain(chain, {
      asOf: AS_OF,
      maxQuoteAgeSeconds: 86_400,
      maxSpreadPct: 0.5,
      riskFreeRate: R,
      dividendYield: Q,
    });
    const slots = chain.expirations.reduce((n, e) => n + 2 * e.strikes.length, 0);
    expect(q.checked).toBe(slots);
    expect(q.accepted + q.rejected).toBe(slots);
    expect(Object.values(q.counts).reduce((a, b) => a + b, 0)).toBe(q.rejected);
    // 73 contracts have a zero bid in this snapshot; most of the rest is usable.
    expect(q.counts.zeroBid).toBeGreaterThan(0);
    expect(q.accepted).toBeGreaterThan(0.75 * 2494);
  });
});
