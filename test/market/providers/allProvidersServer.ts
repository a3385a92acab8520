/**
 * One local server for every provider stand-in: `/v1/…` Tradier, `/fred/…` FRED, `/beta/…` Quiver,
 * `/<yahoo host>/…` Yahoo (reached through `yahooTransport`). `transport` rewrites only Yahoo's
 * https URLs; the other providers are pointed at the server by their base URL settings.
 */
import type { FetchFn } from '../../../src/market/http/httpClient.js';
import type { Handler } from '../http/localServer.js';
import { fredHandler } from './fred/fredServer.js';
import { quiverHandler } from './quiver/quiverServer.js';
import { tradierHandler } from './tradier/tradierServer.js';
import { yahooHandler } from './yahoo/yahooServer.js';

export function allProvidersHandler(): Handler {
  const tradier = tradierHandler();
  const fred = fredHandler();
  const quiver = quiverHandler();
  const yahoo = yahooHandler();
  return (req, res, url, i) => {
    const first = url.pathname.split('/')[1];
    if (first === 'v1') return tradier(req, res, url, i);
    if (first === 'fred') return fred(req, res, url, i);
    if (first === 'beta') return quiver(req, res, url, i);
    return yahoo(req, res, url, i);
  };
}

export function transportTo(origin: string): FetchFn {
  return (input, init) => {
    const u = new URL(input instanceof Request ? input.url : String(input));
    const target = u.hostname.endsWith('yahoo.com') ? `${origin}/${u.host}${u.pathname}${u.search}` : u.href;
    return fetch(target, init);
  };
}
