import { describe, expect, it } from 'vitest';
import type { MarketDataProvider } from '../../src/market/provider.js';
import { createSimulatedProvider } from '../../src/market/providers/simulated/simulatedProvider.js';
import type { OptionChain } from '../../src/market/types.js';
import { renderApiData, validateApiData } from '../../src/ops/validateApiData.js';

const AS_OF = Date.parse('2026-11-18T15:30:00Z');

describe('validate-api-data on the simulated market', () => {
  it('passes: fresh quotes, parity within spreads, deltas consistent with IVs; crossed quotes stay under tolerance', async () => {
    const r = await validateApiData([createSimulatedProvider({ seed: 42 })], {
      symbols: ['SPY', 'AAPL'],
      asOf: AS_OF,
      maxQuoteAgeSeconds: 600,
    });
    const by = (check: string) => r.checks.filter((c) => c.check === check);
    expect(by('fetch').every((c) => c.ok)).toBe(true);
    expect(by('greeks').every((c) => c.checked > 50 && c.ok)).toBe(true);
    expect(by('put_call_parity').every((c) => c.checked > 20 && c.ok)).toBe(true);
    // The simulated market crosses a few quotes on purpose: found, but within the tolerance.
    expect(by('bid_le_ask').every((c) => c.checked > 50 && c.ok)).toBe(true);
    expect(r.ok).toBe(true);
    expect(renderApiData(r)).toContain('API data: OK');
  });

  it('fails a provider whose greeks and parity are broken, and one that cannot answer', async () => {
    const sim = createSimulatedProvider({ seed: 42 });
    const broken: MarketDataProvider = {
      name: 'broken',
      capabilities: sim.capabilities,
      getQuotes: (s, c) => sim.getQuotes(s, c),
      getExpirations: (s, c) => sim.getExpirations(s, c),
      getChain: async (s, e, c): Promise<OptionChain> => {
        const chain = await sim.getChain(s, e, c);
        for (const x of chain.expirations) {
          x.calls.delta.fill(0.5);
          x.calls.bid.forEach((b, i) => {
            x.calls.bid[i] = b + 20;
            x.calls.ask[i] += 20;
          });
        }
        return chain;
      },
    };
    const down: MarketDataProvider = {
      name: 'down',
      capabilities: sim.capabilities,
      getQuotes: async () => {
        throw new Error('tradier: HTTP 503 from /markets/quotes');
      },
      getExpirations: async () => [],
      getChain: async () => ({ underlying: 'SPY', spot: 1, asOf: AS_OF, expirations: [] }),
    };
    const r = await validateApiData([broken, down], {
      symbols: ['SPY'],
      asOf: AS_OF,
      maxQuoteAgeSeconds: 600,
    });
    const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.provider}:${c.check}`);
    expect(failed).toEqual(['broken:put_call_parity', 'broken:greeks', 'down:fetch']);
    expect(r.ok).toBe(false);
  });
});
