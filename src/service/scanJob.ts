/**
 * One scan as the service runs it: the main job (scan/runScan) with the current settings and
 * providers, under the scan timeout and the service's stop signal, then persisted — scan, trades and
 * the option chains it used — in ONE transaction (store/saveScan), so that a stop or a crash leaves
 * either the whole scan or nothing of it. A scan stopped by shutdown or the timeout is recorded as
 * `cancelled` / `timeout` with no trades; a scan that throws, or that could read not one ticker ("no market
 * data": its "do not execute" would otherwise read as "no trade"), is recorded as `failed`. So is a scan whose
 * save fails: nothing of it is stored, so it is not `completed` (its failure is stored when the database takes
 * that). A scan's duration runs from its start to the end of its save.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Settings } from '../config/schema.js';
import type { OptionChain } from '../market/types.js';
import { insufficientMessage, renderTable } from '../report/renderTable.js';
import { resolveTickers } from '../scan/resolveTickers.js';
import { runScan } from '../scan/runScan.js';
import { noMarketData } from '../scan/skippedTickers.js';
import type { ScanResult, ScanStage } from '../scan/types.js';
import type { EngineCache } from '../store/cache.js';
import type { Database, StoreLogger } from '../store/db.js';
import { saveScan } from '../store/saveScan.js';
import { interruptRunningScans, recordScanStart } from '../store/scanStarts.js';
import type { ScanRecord } from '../store/scansRepo.js';
import type { TradeRecord } from '../store/tradesRepo.js';
import { runLimit } from './engine/scanEngine.js';
import {
  completedScanRecord,
  type ScanMeta,
  type ScanTrigger,
  tradeRecords,
  unfinishedScanRecord,
} from './scanRecords.js';
import type { ServiceProviders } from './serviceProviders.js';
import { ivHistorySources, readStoredIvHistory } from './storedIvHistory.js';
import type { ScanTimingRecord } from './telemetry.js';

/** Parameters of one scan beyond the settings (from `POST /api/scans`). */
export interface ScanParams {
  /** Settings with the request's overrides applied (already validated). */
  settings?: Settings;
  /** Whether the request overrode any setting (then it is not a production scan, see isProductionScan). */
  overridden?: boolean;
  tickers?: string[];
  /** Fixed "now", epoch ms (a reproducible scan; the cache is bypassed). */
  asOf?: number;
}

export interface ScanRun {
  id: string;
  trigger: ScanTrigger;
  params?: ScanParams;
  /** Aborted when the service stops. */
  signal: AbortSignal;
  /** Called as each pipeline stage starts, and with `saving` before the database write. */
  onStage?: (stage: ScanRunStage) => void;
}

export type ScanRunStage = ScanStage | 'saving';

export type ScanOutcomeStatus = 'completed' | 'failed' | 'timeout' | 'cancelled' | 'skipped';

export interface ScanOutcome {
  id: string;
  trigger: ScanTrigger;
  status: ScanOutcomeStatus;
  startedAt: number;
  finishedAt: number;
  durationMs: number;
  tradeCount: number;
  /** `ok` when the basket is full, `insufficient` otherwise; null without a result. */
  result: 'ok' | 'insufficient' | null;
  message: string;
  /** Whether the scan row reached the database. */
  saved: boolean;
  /** The table (or the single "Fewer than …" line) of a completed scan. */
  table: string | null;
  tickers: number;
  /** Option quotes the data-quality filters examined / rejected (all reasons, and as stale); completed scans. */
  contracts?: { checked: number; rejected: number; stale: number };
}

export interface ScanJobDeps {
  db: Database;
  cache: EngineCache | null;
  providers: () => ServiceProviders;
  settings: () => Settings;
  /** The `scan` component's logger (pino, or the engine process's message logger). */
  logger: StoreLogger;
  /** This service instance (`instanceName`): its scans' `running` rows carry it (store/scanStarts.ts). */
  instance: string;
  now?: () => number;
}

export interface ScanJobResult {
  outcome: ScanOutcome;
  /** For telemetry (scan duration by stage, throughput). */
  timing: ScanTimingRecord;
}

/** Collects the chains a scan was served, by its providers (the sink) or from the cache (`onCollected`). */
class ChainCollector {
  readonly chains: OptionChain[] = [];
  readonly sources = new Set<string>();
  add(chain: OptionChain, provider: string): void {
    this.chains.push(chain);
    this.sources.add(provider);
  }
}

/**
 * The chains stored with a scan: those of the traded tickers (default), or every chain collected
 * (`database.snapshot_scope: all` — a universe scan is ~250k rows, so only with a short retention).
 */
export function snapshotChains(chains: OptionChain[], result: ScanResult, settings: Settings): OptionChain[] {
  if (settings.database.snapshot_scope === 'all') return chains;
  const traded = new Set(result.trades.map((t) => t.ticker));
  return chains.filter((c) => traded.has(c.underlying));
}

function tableOf(result: ScanResult, maxTrades: number): string {
  if (result.status === 'insufficient') return `${insufficientMessage(maxTrades)}\n`;
  return renderTable(result.trades.map((t) => ({ ...t, strategy: t.label })));
}

/**
 * Failure records of scans the database refused to take (the connection was down when the scan ended), stored
 * at the start of the next scan: they were logged and dropped, and GET /api/scans/<id> answered 404 for good.
 * Bounded: the oldest go first when the database stays away for long.
 */
const unsavedFailures: ScanRecord[] = [];
const MAX_UNSAVED_FAILURES = 100;

async function storeUnsavedFailures(db: Database, log: StoreLogger): Promise<void> {
  while (unsavedFailures.length > 0) {
    const record = unsavedFailures[0];
    try {
      await saveScan(db, record, []);
    } catch {
      return; // still away: the next scan tries again
    }
    unsavedFailures.shift();
    log.info({ scanId: record.id }, 'stored the failure of an earlier scan, which the database had refused');
  }
}

/**
 * How long after its start a scan's `running` row can only be a dead scan's: the longest the service lets a scan
 * run (its timeout and grace, `runLimit`, after which it kills the engine), plus a minute.
 */
export function scanStaleAfterMs(settings: Pick<Settings, 'execution'>): number {
  return runLimit(settings.execution.scan_timeout_seconds).deadlineMs + 60_000;
}

export async function runScanJob(run: ScanRun, deps: ScanJobDeps): Promise<ScanJobResult> {
  // Let the caller answer first (POST /api/scans replies 202 before the scan takes the CPU).
  await yieldToLoop();
  const now = deps.now ?? Date.now;
  const log = deps.logger;
  await storeUnsavedFailures(deps.db, log);
  const settings = run.params?.settings ?? deps.settings();
  const selection = run.params?.tickers
    ? { tickers: run.params.tickers, universe: 'request' }
    : resolveTickers(settings.trading);
  const providers = deps.providers();
  const startedAt = now();
  const asOf = run.params?.asOf ?? null;
  const meta = (): ScanMeta => ({
    id: run.id,
    trigger: run.trigger,
    startedAt,
    finishedAt: now(),
    asOf,
    tickers: selection.tickers,
  });
  const timeoutMs = settings.execution.scan_timeout_seconds * 1000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([run.signal, timeout]);
  const collector = new ChainCollector();
  let stage: ScanStage = 'universe';
  log.info(
    {
      scanId: run.id,
      trigger: run.trigger,
      tickers: selection.tickers.length,
      provider: providers.choice.primary,
    },
    'scan started',
  );
  // its `running` row: what the next start finds, if this process dies before the outcome replaces it; and the
  // rows of scans no process can still be running (an instance that died and came back under another name)
  try {
    for (const lost of await interruptRunningScans(
      deps.db,
      { startedBefore: new Date(startedAt - scanStaleAfterMs(settings)) },
      new Date(startedAt),
    ))
      log.warn(
        { scanId: lost.id, startedAt: lost.startedAt.toISOString() },
        'scan interrupted by a stop (nothing of it was stored); recorded as failed',
      );
    await recordScanStart(deps.db, {
      id: run.id,
      startedAt: new Date(startedAt),
      source: run.trigger,
      asOf: asOf === null ? null : new Date(asOf),
      tickers: selection.tickers,
      instance: deps.instance,
    });
  } catch (e) {
    log.warn({ scanId: run.id, err: (e as Error).message }, 'scan start not recorded; the scan runs on');
  }

  let result: ScanResult | null = null;
  let failure: unknown = null;
  providers.setChainSink(collector);
  try {
    result = await runScan(
      {
        scanId: run.id,
        asOf: asOf ?? startedAt,
        tickers: selection.tickers,
        settings,
        labels: {
          provider: providers.choice.primary,
          fallback: providers.choice.fallback,
          seed: providers.choice.primary === 'simulated' ? settings.providers.simulated.seed : null,
          universe: selection.universe,
        },
      },
      {
        primary: providers.primary,
        fallback: providers.fallback,
        macro: providers.macro,
        flow: providers.flow,
        cache: asOf === null ? deps.cache : null,
        signal,
        // a live scan judges quote ages when its collection ends; a replay at its as-of
        clock: asOf === null ? now : undefined,
        ivHistory: (symbols, at) =>
          readStoredIvHistory(deps.db, ivHistorySources(providers.choice), symbols, at, log),
        // chains the cache served never pass the providers' sink: without this a scan from the cache stored none
        onCollected: (c) => {
          for (const d of c.tickers)
            if (d.sources.chain?.from === 'cache') collector.add(d.chain, d.sources.chain.provider);
        },
        onProgress: (e) => {
          if (e.phase !== 'start') return;
          stage = e.stage;
          run.onStage?.(e.stage);
        },
      },
    );
  } catch (e) {
    failure = e;
  } finally {
    providers.setChainSink(null);
  }

  let record: ScanRecord;
  let status: ScanOutcomeStatus;
  let message: string;
  if (run.signal.aborted) {
    status = 'cancelled';
    message = 'stopped by service shutdown';
    record = unfinishedScanRecord(meta(), 'cancelled', stage, message);
  } else if (timeout.aborted) {
    status = 'timeout';
    message = `exceeded execution.scan_timeout_seconds (${settings.execution.scan_timeout_seconds} s)`;
    record = unfinishedScanRecord(meta(), 'timeout', stage, message);
  } else if (failure !== null || result === null) {
    status = 'failed';
    message = failure instanceof Error ? failure.message : String(failure);
    record = unfinishedScanRecord(meta(), 'failed', stage, message);
  } else if (noMarketData(result.stats.tickers) !== null) {
    // not one ticker could be read (an expired key, the provider down): "do not execute" would read as
    // "no trade" — a failed scan, as the CLI's exit 1, so that engine.scan_failures pages
    status = 'failed';
    message = noMarketData(result.stats.tickers, result.skipped) as string;
    record = unfinishedScanRecord(meta(), 'failed', stage, message);
    result = null;
  } else {
    status = 'completed';
    message = result.message;
    record = completedScanRecord(meta(), result);
  }
  const computed = status === 'completed' && result !== null;
  let trades: TradeRecord[] = [];

  let saved = false;
  let saveFailed = false;
  run.onStage?.('saving');
  try {
    if (computed) trades = tradeRecords(result!);
    await saveScan(
      deps.db,
      record,
      trades,
      computed && collector.chains.length > 0
        ? {
            source: [...collector.sources].sort().join(','),
            chains: snapshotChains(collector.chains, result!, settings),
          }
        : null,
      computed ? result!.ivObservations : [],
    );
    saved = true;
  } catch (e) {
    const err = e instanceof Error ? e.message : String(e);
    log.error({ scanId: run.id, err }, 'scan could not be saved to the database');
    if (status === 'completed') {
      saveFailed = true;
      // Nothing of it is stored (GET /api/scans/<id> would answer 404): the scan failed — in its status, the
      // scans counters and engine.scan_failures. Its failure is stored instead when the database takes that.
      status = 'failed';
      message = `scan could not be saved to the database: ${err}`;
      const failure = unfinishedScanRecord(meta(), 'failed', 'saving', message);
      try {
        await saveScan(deps.db, failure, []);
        saved = true;
      } catch (e2) {
        log.error(
          { scanId: run.id, err: e2 instanceof Error ? e2.message : String(e2) },
          'scan failure could not be saved to the database either; it is stored when the next scan starts',
        );
        if (unsavedFailures.push(failure) > MAX_UNSAVED_FAILURES) unsavedFailures.shift();
      }
    } else {
      // a failed, timed-out or cancelled scan: its record is stored when the next scan starts (until then its row
      // reads `running`; a stop in between records it interrupted)
      if (unsavedFailures.push(record) > MAX_UNSAVED_FAILURES) unsavedFailures.shift();
    }
  }
  const completed = computed && status === 'completed';

  // The scan's wall time includes its save (trades and chain snapshots can take longer than the pipeline).
  const finishedAt = now();
  const outcome: ScanOutcome = {
    id: run.id,
    trigger: run.trigger,
    status,
    startedAt,
    finishedAt,
    durationMs: finishedAt - startedAt,
    tradeCount: completed ? trades.length : 0,
    result: completed ? result!.status : null,
    message,
    saved,
    table: completed ? tableOf(result!, settings.trading.max_trades) : null,
    tickers: selection.tickers.length,
    ...(completed
      ? {
          contracts: {
            checked: result!.stats.contracts.checked,
            rejected: result!.stats.contracts.rejected,
            stale: result!.stats.contracts.rejections.stale,
          },
        }
      : {}),
  };
  const timing: ScanTimingRecord = {
    status,
    timingsMs: completed ? { ...result!.stats.timingsMs } : { total: outcome.durationMs },
    tickersScanned: completed ? result!.stats.tickers.scanned : 0,
    candidatesEvaluated: completed ? result!.stats.candidates.evaluated : 0,
  };
  const fields = {
    scanId: run.id,
    status,
    trades: outcome.tradeCount,
    ms: Math.round(outcome.durationMs),
    skipped: completed ? result!.stats.tickers.skipped : undefined,
    chains: completed ? collector.chains.length : undefined,
  };
  if (status === 'completed') log.info(fields, 'scan finished');
  else if (status === 'cancelled') log.warn({ ...fields, stage }, `scan cancelled: ${message}`);
  else log.error({ ...fields, stage: saveFailed ? 'saving' : stage }, `scan ${status}: ${message}`);
  if (completed && outcome.durationMs > timeoutMs / 2) {
    log.warn(
      { scanId: run.id, ms: Math.round(outcome.durationMs) },
      'slow scan: more than half the scan timeout',
    );
  }
  return { outcome, timing };
}
