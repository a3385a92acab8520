/**
 * A local stand-in for Tradier's market-data API, answering from the recorded fixtures and the full
 * PLTR snapshot (each expiration's array served in the chains envelope, as Tradier sends it). Every
 * 200 carries X-Ratelimit-* headers from a 1-minute window the server keeps; a wrong bearer token
 * gets the recorded 401 (`Invalid Access Token`, `Content-Type: plain/text`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Handler } from '../../http/localServer.js';
import { fixture, pltrSnapshot } from '../fixtureFiles.js';

export const TRADIER_TEST_KEY = 'tradier-test-token-0123456789';

export interface TradierServerOptions {
  /** `snapshot`: PLTR quote built from the snapshot's underlying (spot 200.47, 2025-10-31); `recording`: the 2024 recorded quote. */
  pltrQuote?: 'snapshot' | 'recording';
  allowed?: number;
}

/** Server-side quota window, like Tradier's (1 minute, epoch-ms expiry). */
class Quota {
  used = 0;
  expiry = 0;
  constructor(readonly allowed: number) {}
  headers(): Record<string, string> {
    const now = Date.now();
    if (now >= this.expiry) {
      this.expiry = now - (now % 60_000) + 60_000;
      this.used = 0;
    }
    this.used++;
    return {
      'X-Ratelimit-Allowed': String(this.allowed),
      'X-Ratelimit-Used': String(this.used),
      'X-Ratelimit-Available': String(Math.max(0, this.allowed - this.used)),
      'X-Ratelimit-Expiry': String(this.expiry),
    };
  }
}

function json(res: ServerResponse, body: string, headers: Record<string, string>) {
  res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
  res.end(body);
}

/** The snapshot's underlying as a Tradier `/markets/quotes` record (constructed envelope, real values). */
function snapshotQuote() {
  const u = pltrSnapshot().underlying;
  return {
    symbol: 'PLTR',
    description: 'Palantir Technologies Inc',
    exch: 'Q',
    type: 'stock',
    last: u.last,
    change: null,
    volume: u.volume,
    open: null,
    high: null,
    low: null,
    close: u.last,
    bid: u.bid,
    ask: u.ask,
    prevclose: null,
    trade_date: u.updated_at,
    bid_date: u.updated_at,
    ask_date: u.updated_at,
  };
}

function quotes(symbols: string[], opts: TradierServerOptions): string {
  if (symbols.join(',') === 'SPY,SPY251219P00450000')
    return fixture('tradier', 'markets_quotes_SPY_SPY251219P00450000_greeks.json');
  if (symbols.join(',') === 'PLTR' && opts.pltrQuote === 'recording')
    return fixture('tradier', 'markets_quotes_PLTR_single-object.json');
  const found: unknown[] = [];
  const unmatched: string[] = [];
  for (const s of symbols) {
    if (s === 'PLTR') found.push(snapshotQuote());
    else unmatched.push(s);
  }
  // Tradier's collapse rule applies to both lists.
  const one = <T>(xs: T[]): T | T[] => (xs.length === 1 ? xs[0] : xs);
  const body: Record<string, unknown> = {};
  if (found.length > 0) body.quote = one(found);
  if (unmatched.length > 0) body.unmatched_symbols = { symbol: one(unmatched) };
  return JSON.stringify({ quotes: body });
}

function chain(symbol: string, expiration: string): string {
  if (symbol === 'PLTR') {
    if (['2025-11-07', '2025-11-21', '2026-01-16'].includes(expiration)) {
      return fixture('tradier', `markets_options_chains_PLTR_${expiration}_greeks.json`);
    }
    const rows = pltrSnapshot().chains.PLTR[expiration];
    return rows
      ? JSON.stringify({ options: { option: rows } })
      : fixture('tradier', 'markets_options_chains_empty_CONSTRUCTED.json');
  }
  if (symbol === 'ONE') return fixture('tradier', 'markets_options_chains_single-contract_CONSTRUCTED.json');
  if (symbol === 'VXX')
    return fixture('tradier', 'docs-examples/markets_options_chains_VXX_2019-05-17_greeks.json');
  // Tradier answers an unknown symbol or expiration with an empty chain.
  return fixture('tradier', 'markets_options_chains_empty_CONSTRUCTED.json');
}

function expirations(symbol: string): string | null {
  switch (symbol) {
    case 'PLTR':
      return fixture('tradier', 'markets_options_expirations_PLTR_2025-10-31_derived.json');
    case 'VXX':
      return fixture(
        'tradier',
        'docs-examples/markets_options_expirations_VXX_includeAllRoots_strikes_contractSize_expirationType.json',
      );
    case 'AAPL':
      return fixture('tradier', 'legacy_markets_options_expirations_AAPL.json');
    case 'EMPTY':
      return '{"expirations":null}';
    default:
      return null;
  }
}

export function tradierHandler(opts: TradierServerOptions = {}): Handler {
  const quota = new Quota(opts.allowed ?? 120);
  return (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.headers.authorization !== `Bearer ${TRADIER_TEST_KEY}`) {
      res.writeHead(401, { 'Content-Type': 'plain/text' });
      res.end(fixture('tradier', 'error_401_invalid_access_token.txt'));
      return;
    }
    const q = url.searchParams;
    const symbol = (q.get('symbol') ?? '').toUpperCase();
    let body: string | null = null;
    switch (url.pathname.replace(/^\/v1\//, '')) {
      case 'markets/quotes':
        body = quotes((q.get('symbols') ?? '').split(','), opts);
        break;
      case 'markets/options/chains':
        body = chain(symbol, q.get('expiration') ?? '');
        break;
      case 'markets/options/expirations':
        body = expirations(symbol);
        break;
      case 'markets/history':
        body =
          symbol === 'AAPL'
            ? fixture('tradier', 'legacy_markets_history_AAPL_daily_2012-2013.json')
            : symbol === 'MSFT'
              ? fixture('tradier', 'docs-examples/markets_history_AAPL_daily.json')
              : '{"history":null}';
        break;
      case 'markets/clock':
        body = fixture('tradier', 'docs-examples/markets_clock_open.json');
        break;
      case 'markets/calendar':
        body = fixture('tradier', 'legacy_markets_calendar_2013-06.json');
        break;
    }
    if (body === null) {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end('{"fault":{"faultstring":"unknown request"}}');
      return;
    }
    json(res, body, quota.headers());
  };
}
