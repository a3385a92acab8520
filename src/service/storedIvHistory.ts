/**
 * IV history for providers that serve none (Tradier, Yahoo): the 30-day IVs the engine's own live scans recorded in
 * `iv_history`, read for a scan (`ScanDeps.ivHistory`) by the service and the CLI alike.
 */
import { dateOfDay, newYorkClock } from '../market/exchangeCalendar.js';
import type { ProviderChoice } from '../market/providerFactory.js';
import type { IvPoint } from '../market/types.js';
import type { Queryable } from '../store/db.js';
import { readIvHistory } from '../store/ivHistoryRepo.js';

/** Calendar days of stored history a scan reads: the 52-week window and a margin. */
const HISTORY_DAYS = 400;

/** The sources whose recorded IVs a scan on `choice` reads: its real-market providers (none for the simulator). */
export function ivHistorySources(choice: Pick<ProviderChoice, 'primary' | 'fallback'>): string[] {
  return [choice.primary, choice.fallback].filter(
    (p): p is 'tradier' | 'yahoo' => p !== null && p !== 'simulated',
  );
}

/**
 * The stored history of `symbols` up to `asOf`'s New York day; an empty map, with a WARN line, when the database
 * cannot answer (the scan goes on: IV rank is then unknown, its score component neutral).
 */
export async function readStoredIvHistory(
  db: Queryable,
  sources: readonly string[],
  symbols: readonly string[],
  asOf: number,
  log: { warn: (obj: object, msg: string) => void },
): Promise<Map<string, IvPoint[]>> {
  const day = newYorkClock(asOf).day;
  try {
    return await readIvHistory(db, symbols, sources, dateOfDay(day - HISTORY_DAYS), dateOfDay(day));
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'IV history not read: IV rank unknown in this scan');
    return new Map();
  }
}
