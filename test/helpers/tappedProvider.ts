/** A market-data provider with a hook at the start of every call (to stop a scan mid-collection, count calls…). */
import { type MarketDataProvider, PROVIDER_METHODS } from '../../src/market/provider.js';

/** `inner`, with `onCall` run (and awaited) at the start of every call. */
export function tapped(inner: MarketDataProvider, onCall: () => unknown): MarketDataProvider {
  const p: Record<string, unknown> = { name: inner.name, capabilities: inner.capabilities };
  for (const m of PROVIDER_METHODS) {
    const fn = inner[m] as ((...a: unknown[]) => unknown) | undefined;
    if (typeof fn !== 'function') continue;
    p[m] = async (...args: unknown[]) => {
      await onCall();
      return fn.apply(inner, args);
    };
  }
  return p as unknown as MarketDataProvider;
}
