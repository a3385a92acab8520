/**
 * The market-data providers as the service uses them: built from the current settings with the
 * telemetry observers attached (HTTP calls and circuit changes), wrapped so that each scan can
 * collect the chains it was served. Rebuilt on a configuration reload when `providers` or `api`
 * change.
 */
import type { Settings } from '../config/schema.js';
import { type ApiCall, apiCallFailed, type CircuitStateName } from '../market/http/apiCall.js';
import type { MarketDataProvider } from '../market/provider.js';
import { buildProviders, type ProviderChoice } from '../market/providerFactory.js';
import type { StoreLogger } from '../store/db.js';
import { type ChainSink, type InstrumentedProvider, instrumentProvider } from './instrumentedProvider.js';

/** Where the providers' telemetry goes (the Telemetry itself, or messages to the main thread). */
export interface ProviderEvents {
  /** One HTTP provider request (after retries). */
  apiCall(call: ApiCall): void;
  /** One call of a provider without HTTP telemetry of its own (the simulated market). */
  providerCall(provider: string, endpoint: string, ms: number, outcome: string): void;
  circuit(provider: string, state: CircuitStateName): void;
}

export interface ServiceProviders {
  primary: MarketDataProvider;
  fallback: MarketDataProvider | null;
  /** The scan's dedicated macro and flow sources (`ProviderSet.dedicated`); their HTTP calls report themselves. */
  macro: MarketDataProvider | null;
  flow: MarketDataProvider | null;
  choice: ProviderChoice;
  /** Names of the scan's providers that make HTTP calls (each has a circuit breaker). */
  httpProviders: string[];
  setChainSink(sink: ChainSink | null): void;
  close(): Promise<void>;
}

export function buildServiceProviders(
  settings: Settings,
  events: ProviderEvents,
  logger: StoreLogger,
): ServiceProviders {
  const onCall = (call: ApiCall) => {
    events.apiCall(call);
    if (apiCallFailed(call.outcome)) {
      logger.error(
        {
          provider: call.provider,
          endpoint: call.endpoint,
          outcome: call.outcome,
          status: call.status,
          retries: call.retries,
          ms: Math.round(call.latencyMs),
        },
        'API request failed',
      );
    }
  };
  const onCircuitChange = (provider: string, state: CircuitStateName) => {
    events.circuit(provider, state);
    if (state === 'open')
      logger.error({ provider }, 'API circuit opened: provider failed repeatedly, calls refused for a while');
    else logger.info({ provider, state }, 'API circuit state changed');
  };
  const set = buildProviders(settings.providers, settings.api, { onCall, onCircuitChange });
  const { choice } = set;
  const http: string[] = [];
  if (choice.primary !== 'simulated') http.push(choice.primary);
  if (choice.fallback && choice.fallback !== 'simulated') http.push(choice.fallback);
  for (const p of [set.dedicated.macro, set.dedicated.flow]) if (p) http.push(p.name);
  for (const name of http) events.circuit(name, 'closed');
  const wrap = (p: MarketDataProvider) =>
    instrumentProvider(p, {
      timeCalls: p.name === 'simulated',
      recordCall: (provider, endpoint, ms, outcome) => events.providerCall(provider, endpoint, ms, outcome),
    });
  const primary: InstrumentedProvider = wrap(set.primary);
  const fallback: InstrumentedProvider | null = set.fallback ? wrap(set.fallback) : null;
  return {
    primary,
    fallback,
    macro: set.dedicated.macro,
    flow: set.dedicated.flow,
    choice,
    httpProviders: http,
    setChainSink(sink) {
      primary.setChainSink(sink);
      fallback?.setChainSink(sink);
    },
    close: () => set.close(),
  };
}
