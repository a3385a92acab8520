import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiCall } from '../../../src/market/http/apiCall.js';
import { MarketInputError } from '../../../src/market/inputError.js';
import { buildProviders, chooseProviders } from '../../../src/market/providerFactory.js';
import { FredProvider } from '../../../src/market/providers/fred/fredProvider.js';
import { SimulatedProvider } from '../../../src/market/providers/simulated/simulatedProvider.js';
import { TradierProvider } from '../../../src/market/providers/tradier/tradierProvider.js';
import { YahooProvider } from '../../../src/market/providers/yahoo/yahooProvider.js';
import { type LocalServer, startServer } from '../http/localServer.js';
import { allProvidersHandler } from './allProvidersServer.js';
import { defaultApi, defaultProviders } from './settingsFixture.js';
import { TRADIER_TEST_KEY } from './tradier/tradierServer.js';

describe('chooseProviders', () => {
  it('runs on the simulated market with no key: no fallback mixed in, macro and flow said to be defaulted', () => {
    const c = chooseProviders(defaultProviders());
    expect(c).toMatchObject({ primary: 'simulated', fallback: null, macro: null, flowNeutral: true });
    expect(c.notes).toEqual([
      'primary: simulated (auto: no TRADIER_API_KEY)',
      'fallback: none (a simulated market is not mixed with real data)',
      'macro: no FRED_API_KEY, the primary provider or a default rate',
      'flow: neutral (no QUIVER_API_KEY)',
    ]);
  });

  it('says a simulated market keeps its own rate and flow when FRED and Quiver keys are set (it said "macro: FRED")', () => {
    const keys = (p: ReturnType<typeof defaultProviders>) => {
      p.fred.api_key = 'abcdef0123456789abcdef0123456789';
      p.quiver.api_key = 'quiver-key-0123456789';
    };
    const sim = chooseProviders(defaultProviders(keys));
    expect(sim.notes.slice(2)).toEqual([
      'macro: the simulated market (FRED_API_KEY is set: FRED serves real markets only)',
      'flow: the simulated market (QUIVER_API_KEY is set: QuiverQuant serves real markets only)',
    ]);
    const real = chooseProviders(
      defaultProviders((p) => {
        keys(p);
        p.tradier.api_key = 'k-123456';
      }),
    );
    expect(real.notes.slice(2)).toEqual(['macro: FRED', 'flow: QuiverQuant']);
  });

  it('picks Tradier with Yahoo as fallback once a Tradier key is set', () => {
    const c = chooseProviders(defaultProviders((p) => (p.tradier.api_key = 'k-123456')));
    expect(c).toMatchObject({ primary: 'tradier', fallback: 'yahoo' });
    expect(JSON.stringify(c)).not.toContain('k-123456');
  });

  it('names the missing key when tradier is asked for explicitly', () => {
    const err = (() => {
      try {
        chooseProviders(defaultProviders((p) => (p.primary = 'tradier')));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MarketInputError);
    expect((err as MarketInputError).field).toBe('providers.tradier.api_key');
  });

  it('refuses yahoo as primary when Yahoo is disabled, and drops it as fallback', () => {
    expect(() =>
      chooseProviders(
        defaultProviders((p) => {
          p.primary = 'yahoo';
          p.yahoo.enabled = false;
        }),
      ),
    ).toThrow(/providers.yahoo.enabled/);
    const c = chooseProviders(
      defaultProviders((p) => {
        p.tradier.api_key = 'k-123456';
        p.yahoo.enabled = false;
      }),
    );
    expect(c.fallback).toBeNull();
  });

  it('does not fall back to the primary itself', () => {
    expect(chooseProviders(defaultProviders((p) => (p.primary = 'yahoo'))).fallback).toBeNull();
  });
});

describe('buildProviders', () => {
  it('builds the offline default: the simulated provider, neutral Quiver, no FRED', async () => {
    const set = buildProviders(defaultProviders(), defaultApi);
    expect(set.primary).toBeInstanceOf(SimulatedProvider);
    expect((set.primary as SimulatedProvider).seed).toBe(42);
    expect(set.fallback).toBeNull();
    expect(set.macro).toBeNull();
    expect(set.flow.configured).toBe(false);
    await set.close();
  });

  it('builds Tradier + Yahoo fallback + FRED + a simulated fallback when asked', () => {
    const set = buildProviders(
      defaultProviders((p) => {
        p.tradier.api_key = 'k-123456';
        p.fred.api_key = 'f-123456';
      }),
      defaultApi,
    );
    expect(set.primary).toBeInstanceOf(TradierProvider);
    expect(set.fallback).toBeInstanceOf(YahooProvider);
    expect(set.macro).toBeInstanceOf(FredProvider);
    const sim = buildProviders(
      defaultProviders((p) => {
        p.tradier.api_key = 'k-123456';
        p.fallback = 'simulated';
      }),
      defaultApi,
    );
    expect(sim.fallback).toBeInstanceOf(SimulatedProvider);
  });
});

describe('buildProviders wiring, checked on the local stand-ins', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startServer(allProvidersHandler());
  });
  afterAll(() => server.close());

  it('uses the base URL (sandbox when set), the key, the batch size and the observer it is given', async () => {
    const calls: ApiCall[] = [];
    const set = buildProviders(
      defaultProviders((p) => {
        p.tradier.api_key = TRADIER_TEST_KEY;
        p.tradier.sandbox = true;
        p.tradier.sandbox_url = `${server.origin}/v1/`;
        p.fallback = 'none';
      }),
      { ...defaultApi, batch_size: 1 },
      { onCall: (c) => calls.push(c) },
    );
    const t = set.primary as TradierProvider;
    await expect(t.getExpirations('PLTR', { asOf: Date.now() })).resolves.toHaveLength(21);
    await t.getQuotes(['PLTR', 'ZZZZ'], { asOf: Date.now() });
    expect(server.hits.filter((h) => h.path === '/v1/markets/quotes')).toHaveLength(2);
    expect(calls.map((c) => c.endpoint)).toEqual([
      'markets/options/expirations',
      'markets/quotes',
      'markets/quotes',
    ]);
  });
});
