/**
 * Wraps a market-data provider for the service: every chain it returns is handed to a sink (the
 * scan job stores them as option snapshots with the scan), and — for providers that make no HTTP
 * calls of their own, i.e. the simulated market — every call is timed into telemetry under the
 * method name, so that `api_response_times` shows where collection time goes. HTTP providers
 * report each request through the HTTP client's `onCall` observer instead (not counted twice).
 *
 * Each call first yields to the event loop: the simulated market answers with promises that are
 * already resolved, and a scan made only of microtasks would keep the HTTP server (and the signal
 * handlers) waiting until it ends.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { type MarketDataProvider, PROVIDER_METHODS } from '../market/provider.js';
import type { OptionChain } from '../market/types.js';

export interface InstrumentOptions {
  /** Time each call (for providers without their own HTTP telemetry). */
  timeCalls: boolean;
  recordCall: (provider: string, endpoint: string, ms: number, outcome: string) => void;
}

/** Receives the chains served while it is set (one scan at a time). */
export interface ChainSink {
  add(chain: OptionChain, provider: string): void;
}

export interface InstrumentedProvider extends MarketDataProvider {
  /** Where chains go; null = nowhere. */
  setChainSink(sink: ChainSink | null): void;
}

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

const outcomeOf = (e: unknown): string => {
  if (e && typeof e === 'object') {
    const o = e as { kind?: unknown; name?: unknown };
    if (typeof o.kind === 'string') return o.kind;
    if (o.name === 'AbortError') return 'aborted';
  }
  return 'error';
};

export function instrumentProvider(inner: MarketDataProvider, opts: InstrumentOptions): InstrumentedProvider {
  let sink: ChainSink | null = null;
  const out: Record<string, unknown> = {
    name: inner.name,
    capabilities: inner.capabilities,
    setChainSink(s: ChainSink | null) {
      sink = s;
    },
  };
  for (const m of PROVIDER_METHODS) {
    const fn = inner[m] as AnyMethod | undefined;
    if (typeof fn !== 'function') continue;
    out[m] = async (...args: unknown[]) => {
      await yieldToLoop();
      const t0 = performance.now();
      try {
        const value = await fn.apply(inner, args);
        if (opts.timeCalls) opts.recordCall(inner.name, m, performance.now() - t0, 'ok');
        if (m === 'getChain' && sink) sink.add(value as OptionChain, inner.name);
        return value;
      } catch (e) {
        if (opts.timeCalls) opts.recordCall(inner.name, m, performance.now() - t0, outcomeOf(e));
        throw e;
      }
    };
  }
  if (inner.close) out.close = () => inner.close!();
  return out as unknown as InstrumentedProvider;
}
