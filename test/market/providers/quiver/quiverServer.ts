/**
 * A local stand-in for QuiverQuant's `/beta/historical/*` endpoints. No recorded Quiver response
 * exists publicly, so it serves the SYNTHETIC schema-conformant fixtures, plus series a test adds.
 * A key without a plan gets the official client's "Upgrade your subscription plan" JSON string; an
 * unknown key a 401 `{"detail":"Invalid token."}` (CONSTRUCTED, Django REST style).
 */
import type { Handler } from '../../http/localServer.js';
import { fixture } from '../fixtureFiles.js';

export const QUIVER_TEST_KEY = 'quiver-test-key-55aa66bb77cc';
export const QUIVER_NO_PLAN_KEY = 'quiver-no-plan-key-000111222';

export function quiverHandler(extra: Record<string, unknown> = {}): Handler {
  return (req, res, url) => {
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    };
    const auth = req.headers.authorization ?? '';
    const key = auth.replace(/^(Token|Bearer) /, '');
    if (key === QUIVER_NO_PLAN_KEY)
      return send(200, fixture('quiverquant', 'error_upgrade_subscription_plan.json'));
    if (key !== QUIVER_TEST_KEY) return send(401, '{"detail":"Invalid token."}');
    const path = url.pathname.replace(/^\/beta\//, '');
    if (path in extra) return send(200, JSON.stringify(extra[path]));
    const [kind, dataset, ticker] = path.split('/');
    if (kind !== 'historical' || !ticker) return send(404, '{"detail":"Not found."}');
    if (dataset === 'offexchange') {
      return send(
        200,
        ticker === 'SPY' ? fixture('quiverquant', 'historical_offexchange_SPY.SYNTHETIC.json') : '[]',
      );
    }
    if (dataset === 'congresstrading') {
      const all = JSON.parse(fixture('quiverquant', 'live_congresstrading.SYNTHETIC.json')) as {
        Ticker: string;
      }[];
      return send(200, JSON.stringify(all.filter((r) => r.Ticker === ticker)));
    }
    return send(404, '{"detail":"Not found."}');
  };
}
