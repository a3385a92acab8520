/**
 * A local stand-in for Yahoo Finance, answering yahoo-finance2's requests from the recorded
 * fixtures (gadicc/node-yahoo-finance2 test recordings, Feb 2025). The library cannot be given a
 * base URL, so tests inject `yahooTransport(origin)`, which sends `https://<host>/<path>` to
 * `<origin>/<host>/<path>`. The server plays the whole handshake: `finance.yahoo.com/quote/AAPL`
 * → 307 to the consent page with a set-cookie (the recording's cookie was redacted, so ours is
 * CONSTRUCTED), `guce.yahoo.com/consent` → 200 (no EU consent form), `getcrumb` (needs the cookie)
 * → the recorded crumb; data endpoints need both the cookie and the crumb.
 */
import type { FetchFn } from '../../../../src/market/http/httpClient.js';
import type { Handler } from '../../http/localServer.js';
import { fixture } from '../fixtureFiles.js';

export function yahooTransport(origin: string): FetchFn {
  return (input, init) => {
    const u = new URL(input instanceof Request ? input.url : String(input));
    return fetch(`${origin}/${u.host}${u.pathname}${u.search}`, init);
  };
}

const COOKIE = 'A3=d=AQABBLOCALTESTCOOKIE&S=AQAAAtest';

type Json = Record<string, unknown>;
const SUMMARY_FILES: Record<string, string[]> = {
  AAPL: [
    'assetProfile',
    'financialData',
    'defaultKeyStatistics',
    'summaryDetail',
    'calendarEvents',
    'price',
    'quoteType',
    'summaryProfile',
  ],
  AMZN: ['assetProfile', 'financialData', 'calendarEvents'],
  QQQ: ['assetProfile', 'summaryDetail'],
};

/** quoteSummary for the asked modules, merged from the per-module recordings (AAPL: the all-modules one too). */
function quoteSummary(symbol: string, modules: string[]): { status: number; body: string } {
  const merged: Json = {};
  const all =
    symbol === 'AAPL'
      ? (
          (JSON.parse(fixture('yahoo', 'v10_quoteSummary_AAPL_allModules.json')) as Json).quoteSummary as {
            result: Json[];
          }
        ).result[0]
      : {};
  for (const m of modules) {
    if ((SUMMARY_FILES[symbol] ?? []).includes(m)) {
      const r = (JSON.parse(fixture('yahoo', `v10_quoteSummary_${symbol}_${m}.json`)) as Json)
        .quoteSummary as { result: Json[] };
      merged[m] = r.result[0][m];
    } else if (m in all) merged[m] = all[m];
  }
  if (Object.keys(merged).length === 0) {
    // the recorded 404 (QQQ calendarEvents), for any symbol/modules we have nothing for
    if (symbol === 'QQQ' && modules.join() === 'calendarEvents')
      return { status: 404, body: fixture('yahoo', 'v10_quoteSummary_QQQ_calendarEvents_404.json') };
    return {
      status: 404,
      body: JSON.stringify({
        quoteSummary: {
          result: null,
          error: { code: 'Not Found', description: `Quote not found for symbol: ${symbol}` },
        },
      }),
    };
  }
  return { status: 200, body: JSON.stringify({ quoteSummary: { result: [merged], error: null } }) };
}

/** The options envelope as Yahoo sends it (the parts a test may edit). */
export interface OptionsEnvelope {
  optionChain: {
    result: {
      options: {
        expirationDate: number;
        calls: Record<string, unknown>[];
        puts: Record<string, unknown>[];
      }[];
    }[];
  };
}

function optionsChain(symbol: string, date: string | null, edit?: (env: OptionsEnvelope) => void): string {
  if (symbol === 'AAPL' && date === '1646092800')
    return fixture('yahoo', 'v7_finance_options_AAPL_date-1646092800_expired.json');
  if (symbol !== 'AAPL' && symbol !== 'QQQ') {
    return JSON.stringify({ optionChain: { result: [], error: null } });
  }
  const body = fixture('yahoo', `v7_finance_options_${symbol}.json`);
  if (date === null && !edit) return body;
  const env = JSON.parse(body) as OptionsEnvelope;
  const r = env.optionChain.result[0];
  // Only the nearest expiry was recorded; any other date gets the envelope with no contracts (CONSTRUCTED).
  if (date !== null && String(r.options[0]?.expirationDate) !== date) r.options = [];
  edit?.(env);
  return JSON.stringify(env);
}

function chart(symbol: string, period1: string | null): string | null {
  if (symbol === 'AAPL') {
    return period1 === '1598832000'
      ? fixture('yahoo', 'v8_chart_AAPL_1d_2020-08-31_2020-11-07_events-div-split-earn.json')
      : fixture('yahoo', 'v8_chart_AAPL_1d_2020-01-01_2020-01-03.json');
  }
  if (symbol === 'MSFT') return fixture('yahoo', 'v8_chart_MSFT_1d_2021-02-01_2022-01-31_events-div.json');
  if (symbol === 'NVDA') return fixture('yahoo', 'v8_chart_NVDA_1d_2021-02-01_2022-01-31_events-split.json');
  if (symbol === 'QQQ') return fixture('yahoo', 'v8_chart_QQQ_1d_2020-01-01_2020-01-03.json');
  return null;
}

/** `editOptions` changes every options answer before it is sent (CONSTRUCTED payloads for error tests). */
export function yahooHandler(editOptions?: (env: OptionsEnvelope) => void): Handler {
  const crumb = fixture('yahoo', 'v1_test_getcrumb.txt').trim();
  return (req, res, url) => {
    const [, host, ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    const q = url.searchParams;
    const send = (status: number, body: string, type = 'application/json;charset=utf-8') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const hasCookie = (req.headers.cookie ?? '').includes('A3=');
    if (host === 'finance.yahoo.com' && path.startsWith('/quote/')) {
      res.writeHead(307, {
        location:
          'https://guce.yahoo.com/consent?brandType=nonEu&gcrumb=Xvxf4hA&done=https%3A%2F%2Ffinance.yahoo.com%2Fquote%2FAAPL',
        'set-cookie': `${COOKIE}; Expires=${new Date(Date.now() + 365 * 86_400_000).toUTCString()}; Max-Age=31557600; Domain=.yahoo.com; Path=/; SameSite=None; Secure; HttpOnly`,
        'content-type': 'text/html; charset=utf-8',
      });
      res.end(fixture('yahoo', 'finance_quote_AAPL_cookie_307.txt'));
      return;
    }
    if (host === 'guce.yahoo.com')
      return send(200, '<html><body>consent not required</body></html>', 'text/html');
    if (path === '/v1/test/getcrumb')
      return hasCookie
        ? send(200, crumb, 'text/plain;charset=utf-8')
        : send(401, 'Unauthorized', 'text/plain');
    // chart needs no crumb; options, quoteSummary and quote do.
    const needsCrumb = /^\/v(7\/finance\/options|10\/finance\/quoteSummary|7\/finance\/quote)/.test(path);
    if (needsCrumb && (!hasCookie || q.get('crumb') !== crumb)) {
      return send(
        401,
        JSON.stringify({
          finance: { result: null, error: { code: 'Unauthorized', description: 'Invalid Crumb' } },
        }),
      );
    }
    let m = path.match(/^\/v7\/finance\/options\/([A-Z.^-]+)$/);
    if (m) return send(200, optionsChain(m[1], q.get('date'), editOptions));
    m = path.match(/^\/v10\/finance\/quoteSummary\/([A-Z.^-]+)$/);
    if (m) {
      const r = quoteSummary(m[1], (q.get('modules') ?? '').split(','));
      return send(r.status, r.body);
    }
    m = path.match(/^\/v8\/finance\/chart\/([A-Z.^-]+)$/);
    if (m) {
      const body = chart(m[1], q.get('period1'));
      return body
        ? send(200, body)
        : send(
            404,
            JSON.stringify({
              chart: {
                result: null,
                error: { code: 'Not Found', description: 'No data found, symbol may be delisted' },
              },
            }),
          );
    }
    if (path === '/v7/finance/quote') {
      const symbols = (q.get('symbols') ?? '').split(',');
      if (symbols.includes('AAPL')) return send(200, fixture('yahoo', 'v7_finance_quote_AAPL.json'));
      return send(200, JSON.stringify({ quoteResponse: { result: [], error: null } }));
    }
    send(404, 'Not Found', 'text/plain');
  };
}
