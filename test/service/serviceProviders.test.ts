import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { buildServiceProviders } from '../../src/service/serviceProviders.js';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

function providersWith(env: Record<string, string>) {
  const circuits: string[] = [];
  const events = { apiCall() {}, providerCall() {}, circuit: (p: string) => void circuits.push(p) };
  const { settings } = loadConfig({ env });
  return { p: buildServiceProviders(settings, events, quiet), circuits };
}

describe('the service scan providers', () => {
  it('hand the scan FRED and QuiverQuant when their keys are set, each with a circuit', async () => {
    const { p, circuits } = providersWith({
      TRADIER_API_KEY: 'tradier-key-0123456789',
      FRED_API_KEY: 'abcdef0123456789abcdef0123456789',
      QUIVER_API_KEY: 'quiver-key-0123456789',
    });
    expect(p.macro?.name).toBe('fred');
    expect(p.flow?.name).toBe('quiver');
    expect(p.httpProviders).toEqual(expect.arrayContaining(['tradier', 'fred', 'quiver']));
    expect(circuits).toEqual(expect.arrayContaining(['fred', 'quiver']));
    await p.close();
  });

  it('hand a simulated market neither (it is not mixed with real data), nor QuiverQuant without its key', async () => {
    const sim = providersWith({ FRED_API_KEY: 'abcdef0123456789abcdef0123456789' }).p;
    expect([sim.macro, sim.flow, sim.httpProviders]).toEqual([null, null, []]);
    await sim.close();
    const noQuiver = providersWith({ TRADIER_API_KEY: 'tradier-key-0123456789' }).p;
    expect([noQuiver.macro, noQuiver.flow]).toEqual([null, null]);
    await noQuiver.close();
  });
});
