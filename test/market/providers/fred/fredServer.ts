/**
 * A local stand-in for FRED's `series/observations`, answering from the recorded fixtures and
 * honouring the query the way FRED does (observation_start/end, sort_order, limit). An unknown
 * series gets FRED's 400 "The series does not exist."; a wrong key the documented 400.
 */
import type { Handler } from '../../http/localServer.js';
import { fixture } from '../fixtureFiles.js';

export const FRED_TEST_KEY = 'abcdef0123456789abcdef0123456789';

const FILES: Record<string, string> = {
  DGS10: 'series_observations_DGS10_from-2000-01-01.json',
  CPIAUCSL: 'series_observations_CPIAUCSL_from-2000-01-01.json',
  UNRATE: 'series_observations_UNRATE_from-2000-01-01.json',
  GDP: 'series_observations_GDP_from-2000-01-01.json',
  FEDFUNDS: 'series_observations_FEDFUNDS_from-2000-01-01.json',
};

interface Envelope {
  observations: { date: string; value: string }[];
  [k: string]: unknown;
}

/** `extra` adds series built by a test (CONSTRUCTED), e.g. a DGS3MO, which no fixture has. */
export function fredHandler(extra: Record<string, Envelope> = {}): Handler {
  return (_req, res, url) => {
    const q = url.searchParams;
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(body);
    };
    if (!url.pathname.endsWith('/series/observations'))
      return send(404, '{"error_code":404,"error_message":"Not Found"}');
    if (q.get('api_key') !== FRED_TEST_KEY)
      return send(400, fixture('fred', 'error_400_api_key_not_registered.docs-example.json'));
    const id = q.get('series_id') ?? '';
    const file = FILES[id];
    const env: Envelope | undefined =
      extra[id] ?? (file ? (JSON.parse(fixture('fred', file)) as Envelope) : undefined);
    if (!env) return send(400, fixture('fred', 'error_400_series_does_not_exist.json'));
    let obs = env.observations;
    const start = q.get('observation_start');
    const end = q.get('observation_end');
    if (start) obs = obs.filter((o) => o.date >= start);
    if (end) obs = obs.filter((o) => o.date <= end);
    if (q.get('sort_order') === 'desc') obs = [...obs].reverse();
    const limit = Number(q.get('limit') ?? 100000);
    obs = obs.slice(0, limit);
    send(200, JSON.stringify({ ...env, count: obs.length, observations: obs }));
  };
}
