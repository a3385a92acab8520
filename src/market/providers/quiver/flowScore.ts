/**
 * The flow score from QuiverQuant data (pure). Two components, each a z-score:
 *  - dark pool: today's DPI (share of off-exchange volume that was short sales — market makers
 *    selling to buyers, read as buying pressure, as in SqueezeMetrics' DIX) against the previous
 *    `DPI_WINDOW` sessions;
 *  - congress: net purchases over the last `CONGRESS_DAYS` days, (buys − sells)/√(buys + sells),
 *    the z of a buy/sell count under "as likely to buy as to sell".
 * flowZ is their mean, clamped to ±3. A component without enough data is left out and said so.
 */
import { zScore } from '../../../quant/stats.js';

export const DPI_WINDOW = 60;
export const DPI_MIN_HISTORY = 10;
export const CONGRESS_DAYS = 90;

export interface DpiPoint {
  date: string;
  dpi: number;
}

export interface CongressTrade {
  date: string;
  /** `Purchase`, `Sale`, `Sale (Partial)`, `Exchange`… */
  transaction: string;
}

export interface Component {
  z: number | null;
  /** Human-readable, for the output. */
  note: string;
}

const fmt = (z: number) => `${z >= 0 ? '+' : ''}${z.toFixed(2)}`;

/** Dark-pool component from DPI points dated on or before `asOfDate` (any order). */
export function darkPoolComponent(points: readonly DpiPoint[], asOfDate: string): Component {
  const usable = points
    .filter((p) => p.date <= asOfDate && Number.isFinite(p.dpi))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  if (usable.length < DPI_MIN_HISTORY + 1) {
    return { z: null, note: `dark pool: ${usable.length} day(s) of DPI, too few for a z-score` };
  }
  const latest = usable[usable.length - 1];
  const history = usable
    .slice(Math.max(0, usable.length - 1 - DPI_WINDOW), usable.length - 1)
    .map((p) => p.dpi);
  const z = zScore(latest.dpi, history);
  if (Number.isNaN(z)) return { z: null, note: 'dark pool: DPI without dispersion' };
  return {
    z,
    note: `dark pool DPI ${latest.dpi.toFixed(3)} on ${latest.date}, z ${fmt(z)} vs ${history.length} days`,
  };
}

/** Congress component from trades dated within `CONGRESS_DAYS` before `asOfDate`. */
export function congressComponent(trades: readonly CongressTrade[], asOfDate: string): Component {
  const from = new Date(Date.parse(`${asOfDate}T00:00:00Z`) - CONGRESS_DAYS * 86_400_000)
    .toISOString()
    .slice(0, 10);
  let buys = 0;
  let sells = 0;
  for (const t of trades) {
    if (t.date > asOfDate || t.date < from) continue;
    if (/^purchase/i.test(t.transaction)) buys++;
    else if (/^sale/i.test(t.transaction)) sells++;
  }
  if (buys + sells === 0) return { z: null, note: `congress: no trades in ${CONGRESS_DAYS} days` };
  const z = (buys - sells) / Math.sqrt(buys + sells);
  return { z, note: `congress ${buys} buy(s) / ${sells} sale(s) in ${CONGRESS_DAYS} days, z ${fmt(z)}` };
}

/** Mean of the available component z's, clamped to ±3 and rounded to 0.01; null when none. */
export function combineFlow(components: readonly Component[]): number | null {
  const zs = components.map((c) => c.z).filter((z): z is number => z !== null);
  if (zs.length === 0) return null;
  const m = zs.reduce((a, b) => a + b, 0) / zs.length;
  return Math.round(Math.max(-3, Math.min(3, m)) * 100) / 100;
}
