/** Settings values as config/settings.yaml ships them (providers + api), for factory/check tests. */
import type { ApiSettings, ProvidersSettings } from '../../../src/market/providerFactory.js';

export function defaultProviders(over: (p: ProvidersSettings) => void = () => {}): ProvidersSettings {
  const p: ProvidersSettings = {
    primary: 'auto',
    fallback: 'yahoo',
    tradier: {
      api_key: null,
      sandbox: false,
      base_url: 'https://api.tradier.com/v1/',
      sandbox_url: 'https://sandbox.tradier.com/v1/',
      rate_limit_per_minute: 120,
    },
    yahoo: { enabled: true, rate_limit_per_hour: 2000 },
    fred: { api_key: null, base_url: 'https://api.stlouisfed.org/fred/', rate_limit_per_minute: 120 },
    quiver: { api_key: null, base_url: 'https://api.quiverquant.com/beta/', rate_limit_per_minute: 300 },
    simulated: { seed: 42 },
  };
  over(p);
  return p;
}

export const defaultApi: ApiSettings = {
  timeout: 30,
  retry_count: 3,
  batch_size: 100,
  token: null,
  require_token_for_reads: false,
};
