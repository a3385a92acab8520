/**
 * The scan scheduler: a first scan at start, then one every `execution.interval_minutes`, only
 * during the NYSE regular session when `execution.market_hours_only` is set (marketHours.ts).
 *
 * One scan at a time, in this process: a scan that overruns delays the next one (which then starts
 * as soon as it ends), never overlaps it; `POST /api/scans` while a scan runs is refused
 * (ScanBusyError → 409). Across processes sharing a PostgreSQL server, a scheduled scan runs only
 * where the advisory lock is taken (scanGate.ts), and is skipped when another instance started one
 * less than half an interval ago.
 *
 * The timer re-checks at least once a minute, so a reload, a clock change or a DST switch is
 * picked up without restarting it.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Settings } from '../config/schema.js';
import { lastScanStartOf } from '../store/scansRepo.js';
import { isMarketOpen, nextScanAt } from './marketHours.js';
import type { ScanGate } from './scanGate.js';
import type { ScanOutcome, ScanParams, ScanRun, ScanRunStage } from './scanJob.js';
import type { ScanTrigger } from './scanRecords.js';

/**
 * A scan of the configured universe, now, on the configured settings — what the scheduler runs. The production
 * alerts (scan failures, data rejection, stale data) read these only: an operator's replay of three illiquid
 * tickers fired `engine.data_rejection_rate`, and the next good replay resolved a real one.
 */
export function isProductionScan(params: ScanParams | undefined): boolean {
  return (
    params === undefined || (params.asOf === undefined && params.tickers === undefined && !params.overridden)
  );
}

/** A scan is running (or the service is stopping): a new one cannot start now. */
export class ScanBusyError extends Error {
  constructor(
    readonly runningId: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'ScanBusyError';
  }
}

export interface RunningScan {
  id: string;
  trigger: ScanTrigger;
  startedAt: number;
  /** Pipeline stage in progress (`saving`: the database write). */
  stage: ScanRunStage | 'waiting';
}

export interface SchedulerState {
  running: RunningScan | null;
  /** The last scan that ran here (skipped ticks excluded). */
  last: ScanOutcome | null;
  /** The last tick skipped because another instance scanned. */
  lastSkipped: ScanOutcome | null;
  /** When the next scheduled scan is due, epoch ms; null while one runs or after stop. */
  nextRunAt: number | null;
  /** The last completed live scan of this process (not a replay with a fixed as_of), epoch ms of its end. */
  lastCompletedAt: number | null;
  stopped: boolean;
}

export interface SchedulerOptions {
  /** The current `execution` settings (they change on reload). */
  execution: () => Settings['execution'];
  /** Runs one scan to its end (scanJob.ts); never rejects for a scan's own failure. */
  runScan: (run: ScanRun) => Promise<ScanOutcome>;
  gate: ScanGate;
  /** Every finished scan (printing the table, refreshing health…). */
  /** Each finished scan, with the request's parameters (undefined for a scheduled scan). */
  onOutcome?: (outcome: ScanOutcome, params: ScanParams | undefined) => void;
  logger: Logger;
  now?: () => number;
}

/** Longest single timer wait, ms: the schedule is re-evaluated at least this often. */
const MAX_WAIT_MS = 60_000;

export class Scheduler {
  private readonly now: () => number;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | null = null;
  private running: (RunningScan & { controller: AbortController; done: Promise<void> }) | null = null;
  private last: ScanOutcome | null = null;
  private lastSkipped: ScanOutcome | null = null;
  private lastCompletedAt: number | null = null;
  private lastScheduledStart: number | null = null;
  private nextRunAt: number | null = null;
  private stopped = false;

  constructor(private readonly opts: SchedulerOptions) {
    this.now = opts.now ?? Date.now;
    this.log = opts.logger;
  }

  /** Starts the schedule; with `firstScan`, a scan runs at once (whatever the market hours). */
  start(firstScan: boolean): void {
    if (firstScan) this.launch('service', undefined, true);
    else this.plan();
  }

  /** Starts a scan now for `POST /api/scans`; returns its id. */
  trigger(params?: ScanParams): string {
    if (this.stopped) throw new ScanBusyError(null, 'the service is shutting down');
    if (this.running) {
      throw new ScanBusyError(this.running.id, `scan ${this.running.id} is running; one scan runs at a time`);
    }
    return this.launch('api', params, false);
  }

  /** Re-plans after a configuration reload. */
  reconfigure(): void {
    if (!this.stopped && !this.running) this.plan();
  }

  state(): SchedulerState {
    const r = this.running;
    return {
      running: r ? { id: r.id, trigger: r.trigger, startedAt: r.startedAt, stage: r.stage } : null,
      last: this.last,
      lastSkipped: this.lastSkipped,
      nextRunAt: this.nextRunAt,
      lastCompletedAt: this.lastCompletedAt,
      stopped: this.stopped,
    };
  }

  /**
   * Stops scheduling and asks the running scan to stop (its collection is aborted; a scan already
   * saving finishes). Resolves when it has ended, or after `graceMs` at the latest.
   */
  /**
   * Stops scheduling and aborts the scan in flight, waiting up to `graceMs` for it to end — or, for a scan being
   * saved (the abort does not stop a save), up to `savingGraceMs`: a save longer than the grace was cut off and a
   * completed scan was thrown away. `onSavingWait` is called when the longer wait begins (to move a deadline).
   */
  async stop(
    graceMs: number,
    savingGraceMs = graceMs,
    onSavingWait?: (waitMs: number) => void,
  ): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    this.nextRunAt = null;
    const r = this.running;
    if (!r) return;
    r.controller.abort(new Error('service shutdown'));
    const endsWithin = async (ms: number): Promise<boolean> => {
      let timer: NodeJS.Timeout | undefined;
      const ended = await Promise.race([
        r.done.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), ms);
        }),
      ]);
      clearTimeout(timer);
      return ended;
    };
    if (await endsWithin(graceMs)) return;
    if (r.stage === 'saving' && savingGraceMs > graceMs) {
      const more = savingGraceMs - graceMs;
      this.log.warn({ scanId: r.id, waitMs: more }, 'scan is being saved: waiting for the save to end');
      onSavingWait?.(more);
      if (await endsWithin(more)) return;
    }
    this.log.error(
      { scanId: r.id, graceMs: r.stage === 'saving' ? savingGraceMs : graceMs },
      'scan did not stop in time; nothing of it is saved',
    );
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private plan(): void {
    this.clearTimer();
    if (this.stopped) return;
    const ex = this.opts.execution();
    const now = this.now();
    const due = nextScanAt(now, this.lastScheduledStart, ex.interval_minutes * 60_000, ex.market_hours_only);
    this.nextRunAt = due;
    this.timer = setTimeout(() => this.tick(), Math.min(Math.max(0, due - now), MAX_WAIT_MS));
  }

  private tick(): void {
    this.timer = null;
    if (this.stopped || this.running) return;
    if (this.nextRunAt !== null && this.now() >= this.nextRunAt) {
      // Market hours are checked again at the due time (a holiday or early close is not scanned).
      const ex = this.opts.execution();
      if (!ex.market_hours_only || isMarketOpen(this.now())) {
        this.launch('service', undefined, false);
        return;
      }
    }
    this.plan();
  }

  private launch(trigger: ScanTrigger, params: ScanParams | undefined, first: boolean): string {
    this.clearTimer();
    this.nextRunAt = null;
    const id = randomUUID();
    const startedAt = this.now();
    if (trigger === 'service') this.lastScheduledStart = startedAt;
    const controller = new AbortController();
    const running = {
      id,
      trigger,
      startedAt,
      stage: 'waiting' as RunningScan['stage'],
      controller,
      done: Promise.resolve(),
    };
    this.running = running;
    running.done = this.execute(running, params, first)
      .then((outcome) => {
        if (outcome.status === 'skipped') this.lastSkipped = outcome;
        else this.last = outcome;
        // a replay (a fixed as_of) is not fresh data: it must not keep /health/ready and missed_scans green
        if (outcome.status === 'completed' && params?.asOf === undefined)
          this.lastCompletedAt = outcome.finishedAt;
        try {
          this.opts.onOutcome?.(outcome, params);
        } catch (e) {
          this.log.error({ err: e instanceof Error ? e.message : String(e) }, 'scan outcome handler failed');
        }
      })
      .finally(() => {
        this.running = null;
        this.plan();
      });
    return id;
  }

  private async execute(
    running: RunningScan & { controller: AbortController },
    params: ScanParams | undefined,
    first: boolean,
  ): Promise<ScanOutcome> {
    const run: ScanRun = {
      id: running.id,
      trigger: running.trigger,
      params,
      signal: running.controller.signal,
      onStage: (stage) => {
        running.stage = stage;
      },
    };
    const skipped = (message: string): ScanOutcome => {
      this.log.info({ scanId: running.id }, `scheduled scan skipped: ${message}`);
      return this.notRun(running, 'skipped', message);
    };
    let ran: ScanOutcome | null = null;
    try {
      if (running.trigger === 'api') return await this.opts.runScan(run);
      const { gate } = this.opts;
      const intervalMs = this.opts.execution().interval_minutes * 60_000;
      const r = await gate.exclusive(async (q) => {
        if (gate.shared && !first) {
          const last = await lastScanStartOf(q, 'service');
          if (last && running.startedAt - last.getTime() < intervalMs / 2) {
            return skipped(`another instance started one at ${last.toISOString()}`);
          }
        }
        ran = await this.opts.runScan(run);
        return ran;
      });
      return r.acquired ? r.value : skipped('another instance holds the scan lock');
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (ran !== null) {
        // The scan ran (and stored its own outcome); only the lock's transaction failed to end — its connection
        // broke during the scan. The outcome stands: it was reported as a scan that could not start, 'failed'.
        this.log.warn(
          { scanId: running.id, err: message },
          "the scan lock's connection failed during the scan: another instance may have scanned at the same time",
        );
        return ran;
      }
      // runScan records its own failures; this is the lock or the freshness query failing.
      this.log.error({ scanId: running.id, err: message }, 'scan could not start');
      return this.notRun(running, 'failed', message);
    }
  }

  /** The outcome of a scan that never ran (skipped for another instance's, or failed before it started). */
  private notRun(running: RunningScan, status: 'skipped' | 'failed', message: string): ScanOutcome {
    const t = this.now();
    return {
      id: running.id,
      trigger: running.trigger,
      status,
      startedAt: running.startedAt,
      finishedAt: t,
      durationMs: t - running.startedAt,
      tradeCount: 0,
      result: null,
      message,
      saved: false,
      table: null,
      tickers: 0,
    };
  }
}
