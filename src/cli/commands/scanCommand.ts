/** `options-engine scan`: run the main job once and print the table (or JSON). */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Settings } from '../../config/schema.js';
import { secretValues } from '../../config/secrets.js';
import { buildProviders } from '../../market/providerFactory.js';
import { renderJson } from '../../report/renderJson.js';
import { insufficientMessage, renderTable } from '../../report/renderTable.js';
import { resolveTickers } from '../../scan/resolveTickers.js';
import { runScan } from '../../scan/runScan.js';
import { noMarketData, skippedNames, skipReasons } from '../../scan/skippedTickers.js';
import { AS_OF_FUTURE_SLACK_MS, EARLIEST_AS_OF_MS, type ScanResult } from '../../scan/types.js';
import { createLogging } from '../../service/logging.js';
import {
  completedScanRecord,
  type ScanMeta,
  tradeRecords,
  unfinishedScanRecord,
} from '../../service/scanRecords.js';
import { ivHistorySources, readStoredIvHistory } from '../../service/storedIvHistory.js';
import { migrate } from '../../store/migrate.js';
import { openDatabase } from '../../store/openDatabase.js';
import { saveScan } from '../../store/saveScan.js';
import { loadForCommand, prepareDir } from '../context.js';
import { type CliIo, UsageError } from '../io.js';
import { progressBar } from '../progressBar.js';

/** `--as-of` → epoch ms; bad text is a usage error naming the flag. */
export function parseAsOf(text: unknown, now: number): number {
  if (text === undefined) return now;
  const t = Date.parse(String(text));
  // a zone is required (as the API's as_of): without one Date.parse reads a time in the host's zone and a bare
  // date as UTC midnight — the evening before in New York, every DTE one day longer
  const m = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.exec(String(text));
  // Date.parse rolls a day past the month's end over (2026-02-30 → March 2): the calendar date must exist
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (
    !m ||
    !day ||
    day.getUTCDate() !== Number(m[3]) ||
    day.getUTCMonth() !== Number(m[2]) - 1 ||
    !Number.isFinite(t)
  ) {
    throw new UsageError(
      `--as-of: expected an ISO 8601 time with its zone, like 2026-11-20T15:30:00Z or 2026-11-20T10:30:00-05:00, got ${JSON.stringify(text)}`,
    );
  }
  if (t > now + AS_OF_FUTURE_SLACK_MS)
    throw new UsageError(
      `--as-of: must not be in the future (a replay of a time to come), got ${String(text)}`,
    );
  if (t < EARLIEST_AS_OF_MS)
    throw new UsageError(`--as-of: must be 1970-01-01T00:00:00Z or later, got ${String(text)}`);
  return t;
}

/**
 * Stores the scan and its trades in one transaction (beside a running service, through its socket). A scan that
 * could read no ticker is stored as failed with its "no market data" message, as the service records it: stored
 * as completed it read as a "do not execute" basket, and /api/trades/latest served its 0 trades.
 */
async function storeScan(
  settings: Settings,
  meta: ScanMeta,
  result: ScanResult,
  noData: string | null,
  log: Logger,
): Promise<void> {
  const db = await openDatabase(settings.database, { ifLocked: 'connect' });
  try {
    await migrate(db);
    const saved =
      noData === null
        ? await saveScan(
            db,
            completedScanRecord(meta, result),
            tradeRecords(result),
            null,
            result.ivObservations,
          )
        : await saveScan(db, unfinishedScanRecord(meta, 'failed', 'collect', noData), []);
    log.info(
      {
        scanId: meta.id,
        status: noData === null ? 'completed' : 'failed',
        trades: saved.trades,
        database: db.location,
      },
      'scan stored',
    );
  } finally {
    await db.close();
  }
}

/** The IV history recorded by earlier scans, read through a database opened for it (Tradier and Yahoo have none). */
function storedHistory(settings: Settings, sources: readonly string[], log: Logger) {
  return async (symbols: readonly string[], asOf: number) => {
    let db: Awaited<ReturnType<typeof openDatabase>> | null = null;
    try {
      db = await openDatabase(settings.database, { ifLocked: 'connect' });
      await migrate(db);
      return await readStoredIvHistory(db, sources, symbols, asOf, log);
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'IV history not read: IV rank unknown in this scan');
      return new Map();
    } finally {
      await db?.close();
    }
  };
}

export interface ScanCommandDeps {
  /** Whether stderr is a terminal (progress bar). */
  stderrIsTty?: boolean;
  now?: () => number;
}

export async function scanAction(
  opts: Record<string, unknown>,
  io: CliIo,
  deps: ScanCommandDeps = {},
): Promise<void> {
  const loaded = loadForCommand(opts, io);
  const { settings } = loaded;
  const asOf = parseAsOf(opts.asOf, (deps.now ?? Date.now)());
  prepareDir(loaded, 'logging.dir');
  if (opts.store !== false && settings.database.url === null) prepareDir(loaded, 'database.data_dir');
  const logging = createLogging({
    level: settings.logging.level,
    dir: settings.logging.dir,
    jsonStdout: false,
    secrets: secretValues(settings),
  });
  const log = logging.logger.child({ component: 'scan' });
  const providers = buildProviders(settings.providers, settings.api);
  const sources = ivHistorySources(providers.choice);
  try {
    const { tickers, universe } = resolveTickers(settings.trading);
    const scanId = randomUUID();
    const startedAt = Date.now();
    log.info({ scanId, tickers: tickers.length, provider: providers.choice.primary }, 'scan started');
    const result = await runScan(
      {
        scanId,
        asOf,
        tickers,
        settings,
        labels: {
          provider: providers.choice.primary,
          fallback: providers.choice.fallback,
          seed: providers.choice.primary === 'simulated' ? settings.providers.simulated.seed : null,
          universe,
        },
      },
      {
        primary: providers.primary,
        fallback: providers.fallback,
        macro: providers.dedicated.macro,
        flow: providers.dedicated.flow,
        onProgress: deps.stderrIsTty ? progressBar(io.stderr) : undefined,
        // a live scan judges quote ages when its collection ends; a replay (--as-of) at its as-of
        clock: opts.asOf === undefined ? (deps.now ?? Date.now) : undefined,
        ivHistory:
          opts.store !== false && sources.length > 0 ? storedHistory(settings, sources, log) : undefined,
      },
    );
    log.info(
      {
        scanId,
        status: result.status,
        trades: result.trades.length,
        ms: Math.round(result.stats.timingsMs.total),
        skipped: result.stats.tickers.skipped,
      },
      'scan finished',
    );
    if (opts.format === 'json') io.stdout(renderJson(result));
    else if (result.status === 'insufficient')
      io.stdout(`${insufficientMessage(settings.trading.max_trades)}\n`);
    else io.stdout(renderTable(result.trades.map((t) => ({ ...t, strategy: t.label }))));
    if (opts.store !== false) {
      const meta: ScanMeta = {
        id: scanId,
        trigger: 'cli',
        startedAt,
        finishedAt: Date.now(),
        asOf: opts.asOf ? asOf : null,
        tickers,
      };
      await storeScan(settings, meta, result, noMarketData(result.stats.tickers, result.skipped), log);
    }
    // The table alone would hide that the market could not be read: say which tickers were skipped and why,
    // and fail (exit 1) when not one could be scanned — "do not execute" then means "no data", not "no trade".
    const t = result.stats.tickers;
    const none = noMarketData(t, result.skipped);
    if (none !== null) throw new Error(none);
    for (const s of result.skipped)
      log.warn({ ticker: s.symbol, reason: s.reason, detail: s.detail }, 'ticker skipped');
    if (t.skipped > 0)
      io.stderr(
        `options-engine: warning: ${t.skipped} of ${t.requested} tickers skipped (${skipReasons(t)}): ${skippedNames(result.skipped)}\n`,
      );
  } catch (err) {
    log.error({ err }, 'scan failed');
    throw err;
  } finally {
    await providers.close();
    await logging.close();
  }
}
