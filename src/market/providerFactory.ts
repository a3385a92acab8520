/**
 * Builds the market data providers from settings values passed down by cli/ or service/ (nothing
 * here reads env or files). `auto` picks Tradier when a key is set, else the simulated market, so a
 * fresh machine with no key and no network runs the whole engine.
 */
import type { Settings } from '../config/schema.js';
import type { ProviderHttpOptions } from './http/providerHttp.js';
import { MarketInputError } from './inputError.js';
import type { MarketDataProvider } from './provider.js';
import { FredProvider } from './providers/fred/fredProvider.js';
import { QuiverProvider } from './providers/quiver/quiverProvider.js';
import { SimulatedProvider } from './providers/simulated/simulatedProvider.js';
import { TradierProvider } from './providers/tradier/tradierProvider.js';
import { YahooProvider } from './providers/yahoo/yahooProvider.js';

export type ProvidersSettings = Settings['providers'];
export type ApiSettings = Settings['api'];
export type ProviderName = 'tradier' | 'yahoo' | 'simulated';

/** Which provider plays which part, decided from settings alone (pure). */
export interface ProviderChoice {
  primary: ProviderName;
  fallback: ProviderName | null;
  /** FRED serves macro when its key is set; otherwise the caller uses the primary's (or a default rate). */
  macro: 'fred' | null;
  /** Quiver answers flow; without a key its answers are neutral. */
  flowNeutral: boolean;
  /** Why, one line each, without keys. */
  notes: string[];
}

const hasKey = (k: string | null): k is string => k !== null && k.trim() !== '';

export function chooseProviders(p: ProvidersSettings): ProviderChoice {
  const notes: string[] = [];
  let primary: ProviderName;
  if (p.primary === 'auto') {
    primary = hasKey(p.tradier.api_key) ? 'tradier' : 'simulated';
    notes.push(
      primary === 'tradier'
        ? `primary: tradier (auto: TRADIER_API_KEY is set${p.tradier.sandbox ? ', sandbox' : ''})`
        : 'primary: simulated (auto: no TRADIER_API_KEY)',
    );
  } else {
    primary = p.primary;
    if (primary === 'tradier' && !hasKey(p.tradier.api_key)) {
      throw new MarketInputError(
        'providers.tradier.api_key',
        'is required when providers.primary is tradier (set TRADIER_API_KEY)',
      );
    }
    if (primary === 'yahoo' && !p.yahoo.enabled) {
      throw new MarketInputError('providers.yahoo.enabled', 'must be true when providers.primary is yahoo');
    }
    notes.push(`primary: ${primary}`);
  }

  let fallback: ProviderName | null = null;
  if (p.fallback === 'none') notes.push('fallback: none');
  else if (p.fallback === primary) notes.push(`fallback: none (${primary} is already the primary)`);
  else if (primary === 'simulated')
    notes.push('fallback: none (a simulated market is not mixed with real data)');
  else if (p.fallback === 'yahoo' && !p.yahoo.enabled)
    notes.push('fallback: none (providers.yahoo.enabled is false)');
  else {
    fallback = p.fallback;
    notes.push(`fallback: ${fallback}`);
  }

  const macro = hasKey(p.fred.api_key) ? 'fred' : null;
  const flowNeutral = !hasKey(p.quiver.api_key);
  // what a scan asks (ProviderSet.dedicated): a simulated market keeps its own rate and flow whatever keys are set
  const sim = primary === 'simulated';
  notes.push(
    !macro
      ? 'macro: no FRED_API_KEY, the primary provider or a default rate'
      : sim
        ? 'macro: the simulated market (FRED_API_KEY is set: FRED serves real markets only)'
        : 'macro: FRED',
  );
  notes.push(
    flowNeutral
      ? 'flow: neutral (no QUIVER_API_KEY)'
      : sim
        ? 'flow: the simulated market (QUIVER_API_KEY is set: QuiverQuant serves real markets only)'
        : 'flow: QuiverQuant',
  );
  return { primary, fallback, macro, flowNeutral, notes };
}

export interface ProviderSet {
  primary: MarketDataProvider;
  fallback: MarketDataProvider | null;
  macro: FredProvider | null;
  flow: QuiverProvider;
  /**
   * What a scan asks first for macro and flow: FRED with a FRED key, QuiverQuant with a Quiver key; none on a
   * simulated market (it is not mixed with real data, and serves its own). `ScanDeps.macro` / `.flow`.
   */
  dedicated: { macro: FredProvider | null; flow: QuiverProvider | null };
  choice: ProviderChoice;
  /** Closes every provider built. */
  close(): Promise<void>;
}

/** The HTTP knobs of settings `api` (timeout seconds → ms, retry count). */
export function httpFromApi(api: ApiSettings, extra: ProviderHttpOptions = {}): ProviderHttpOptions {
  return { timeoutMs: api.timeout * 1000, retries: api.retry_count, ...extra };
}

/** Tradier base URL: the sandbox's when `sandbox` is set. */
export function tradierBaseUrl(p: ProvidersSettings): string {
  return p.tradier.sandbox ? p.tradier.sandbox_url : p.tradier.base_url;
}

/** One provider by name (unused parts of the settings are ignored). */
export function buildProvider(
  name: ProviderName,
  p: ProvidersSettings,
  api: ApiSettings,
  http: ProviderHttpOptions = {},
): MarketDataProvider {
  switch (name) {
    case 'tradier':
      return new TradierProvider({
        apiKey: p.tradier.api_key ?? '',
        baseUrl: tradierBaseUrl(p),
        rateLimitPerMinute: p.tradier.rate_limit_per_minute,
        batchSize: api.batch_size,
        http: httpFromApi(api, http),
      });
    case 'yahoo':
      return new YahooProvider({
        rateLimitPerHour: p.yahoo.rate_limit_per_hour,
        batchSize: api.batch_size,
        http: httpFromApi(api, http),
      });
    case 'simulated':
      return new SimulatedProvider({ seed: p.simulated.seed });
  }
}

/**
 * Builds primary, fallback, macro and flow providers. `http` adds observers (`onCall` for
 * telemetry's api_calls, `onCircuitChange`) or a transport to every HTTP provider.
 */
export function buildProviders(
  p: ProvidersSettings,
  api: ApiSettings,
  http: ProviderHttpOptions = {},
): ProviderSet {
  const choice = chooseProviders(p);
  const primary = buildProvider(choice.primary, p, api, http);
  const fallback = choice.fallback ? buildProvider(choice.fallback, p, api, http) : null;
  const macro = choice.macro
    ? new FredProvider({
        apiKey: p.fred.api_key ?? '',
        baseUrl: p.fred.base_url,
        rateLimitPerMinute: p.fred.rate_limit_per_minute,
        http: httpFromApi(api, http),
      })
    : null;
  const flow = new QuiverProvider({
    apiKey: p.quiver.api_key,
    baseUrl: p.quiver.base_url,
    rateLimitPerMinute: p.quiver.rate_limit_per_minute,
    http: httpFromApi(api, http),
  });
  const all = [primary, fallback, macro, flow];
  const real = choice.primary !== 'simulated';
  return {
    primary,
    fallback,
    macro,
    flow,
    dedicated: { macro: real ? macro : null, flow: real && !choice.flowNeutral ? flow : null },
    choice,
    close: async () => {
      await Promise.all(all.map((x) => x?.close?.()));
    },
  };
}
