/**
 * The service's handle on the scan engine process (engineProcess.ts): starts it, runs scans on it
 * (one request per scan; the scheduler guarantees one at a time), forwards a stop as an abort,
 * and relays the engine's telemetry and log lines to handlers. An engine that dies unexpectedly is
 * reported through `crash` (the service then stops with exit code 1 for systemd to restart it).
 *
 * A scan has a deadline here too (runLimit): the engine enforces `execution.scan_timeout_seconds`
 * itself, but an engine that hangs (stopped, wedged) would never answer, and the service would wait
 * for ever — holding, on a shared PostgreSQL database, the scan lock of every instance. Past the
 * deadline the engine is killed (SIGKILL) and reported through `crash` like any engine failure.
 * Between scans a watchdog does the same for an engine that has stopped answering at all (see
 * EngineWatchdog): a hang while idle would otherwise be found only at the next scan's deadline.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Settings } from '../../config/schema.js';
import type { ApiCall, CircuitStateName } from '../../market/http/apiCall.js';
import type { CacheStats } from '../../store/cache.js';
import type { ScanJobResult, ScanRun } from '../scanJob.js';
import type { EngineInfo, EngineProviders, FromEngine, LogLevel, ToEngine } from './protocol.js';

export interface EngineHandlers {
  apiCall(call: ApiCall): void;
  providerCall(provider: string, endpoint: string, ms: number, outcome: string): void;
  circuit(provider: string, state: CircuitStateName): void;
  cacheStats(stats: CacheStats): void;
  /** `connection`: the call failed to reach the database (see isConnectionError). */
  dbQuery(operation: string, ms: number, ok: boolean, connection: boolean): void;
  log(level: LogLevel, component: string, fields: Record<string, unknown>, msg: string): void;
  providers(p: EngineProviders): void;
  crash(error: Error): void;
}

/**
 * The engine module beside this one: `engineProcess.js` once compiled, `engineProcess.ts` under
 * tsx (the child inherits the `--import tsx` of this process's execArgv). It shares stdout and
 * stderr; IPC carries structured-clone messages.
 */
function spawnEngine(): ChildProcess {
  const here = import.meta.url;
  const file = fileURLToPath(
    new URL(here.endsWith('.ts') ? './engineProcess.ts' : './engineProcess.js', here),
  );
  return fork(file, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** How long the service waits for one scan in the engine (see runLimit). */
export interface RunLimit {
  /** From the request, ms. */
  deadlineMs: number;
  /** Once the engine reports the `saving` stage, the scan has at least this long more, ms. */
  savingMs: number;
}

/** The least grace beyond the scan timeout, ms. */
export const RUN_GRACE_MIN_MS = 30_000;

/**
 * The service-side deadline of a scan whose engine-side timeout is `scanTimeoutSeconds`: that
 * timeout plus a grace of half of it, at least 30 s (the scan stopping and its record being saved
 * after the engine's own timeout); a scan that reaches `saving` gets at least the grace again to
 * write itself. 300 s → 450 s.
 */
export function runLimit(scanTimeoutSeconds: number): RunLimit {
  const timeoutMs = scanTimeoutSeconds * 1000;
  const graceMs = Math.max(RUN_GRACE_MIN_MS, timeoutMs / 2);
  return { deadlineMs: timeoutMs + graceMs, savingMs: graceMs };
}

/**
 * The service pings the engine every `intervalMs`; an engine from which nothing at all has come (no
 * answer, no telemetry, no log line) for `unresponsiveMs` is killed and reported through `crash`.
 * Why 5 minutes: with the embedded database the engine also runs PGlite, whose statements block its
 * event loop while they run (a large maintenance or dump statement may take minutes), and a kill
 * there would stop the service for nothing; a scan has its own, tighter deadline (runLimit).
 */
export interface EngineWatchdog {
  intervalMs: number;
  unresponsiveMs: number;
}

export const ENGINE_WATCHDOG: EngineWatchdog = { intervalMs: 15_000, unresponsiveMs: 300_000 };

interface Pending {
  run: ScanRun;
  resolve: (r: ScanJobResult) => void;
  reject: (e: Error) => void;
  limit: RunLimit | null;
  startedAt: number;
  /** Epoch ms of the deadline (Infinity without a limit). */
  deadlineAt: number;
  timer: NodeJS.Timeout | null;
}

/** After this long without an answer to a reload, a warning says the service is still waiting, ms. */
const RECONFIGURE_WARN_MS = 10_000;

export class ScanEngine {
  private readonly pending = new Map<string, Pending>();
  /** Reloads sent to the engine and not answered yet, by id. */
  private readonly reconfigures = new Map<number, (error: string | null) => void>();
  private nextReconfigureId = 1;
  private closing = false;
  private closed: Promise<void> | null = null;
  /** Epoch ms of the engine's last message of any kind. */
  private lastHeardAt = Date.now();
  private watchdogTimer: NodeJS.Timeout | null = null;
  private nextPing = 1;

  private constructor(
    private readonly child: ChildProcess,
    /** Updated when a reload rebuilds the providers. */
    readonly info: EngineInfo,
    private readonly handlers: EngineHandlers,
  ) {}

  /** Starts the engine process and waits until its database, cache and providers are up. */
  static start(
    settings: Settings,
    handlers: EngineHandlers,
    timeoutMs = 180_000,
    watchdog: EngineWatchdog = ENGINE_WATCHDOG,
  ): Promise<ScanEngine> {
    const child = spawnEngine();
    return new Promise((resolve, reject) => {
      let engine: ScanEngine | null = null;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the scan engine did not start within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      child.on('message', (m: FromEngine) => {
        if (engine) {
          engine.onMessage(m);
          return;
        }
        if (m.type === 'ready') {
          clearTimeout(timer);
          engine = new ScanEngine(child, m.info, handlers);
          engine.watch(watchdog);
          resolve(engine);
        } else if (m.type === 'fatal') {
          clearTimeout(timer);
          child.kill('SIGKILL');
          reject(new Error(m.message));
        } else if (m.type === 'log') {
          handlers.log(m.level, m.component, m.fields, m.msg);
        }
      });
      child.on('error', (e) => {
        if (engine) engine.onCrash(e);
        else {
          clearTimeout(timer);
          reject(e);
        }
      });
      child.on('exit', (code, signal) => {
        const e = new Error(`the scan engine exited (${signal ?? `code ${code}`})`);
        if (engine) engine.onCrash(e);
        else {
          clearTimeout(timer);
          reject(e);
        }
      });
      child.send({ type: 'init', settings } satisfies ToEngine);
    });
  }

  private onMessage(m: FromEngine): void {
    const h = this.handlers;
    this.lastHeardAt = Date.now();
    switch (m.type) {
      case 'stage': {
        const p = this.pending.get(m.id);
        if (!p) break;
        if (m.stage === 'saving' && p.limit && p.deadlineAt - Date.now() < p.limit.savingMs)
          this.arm(p, p.limit.savingMs);
        p.run.onStage?.(m.stage);
        break;
      }
      case 'scanDone': {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (p?.timer) clearTimeout(p.timer);
        p?.resolve({ outcome: m.outcome, timing: m.timing });
        break;
      }
      case 'reconfigured':
        this.reconfigures.get(m.id)?.(m.error);
        break;
      case 'telemetry':
        for (const call of m.batch.apiCalls) h.apiCall(call);
        for (const [provider, endpoint, ms, outcome] of m.batch.providerCalls)
          h.providerCall(provider, endpoint, ms, outcome);
        for (const [operation, ms, ok, connection] of m.batch.dbQueries)
          h.dbQuery(operation, ms, ok, connection);
        break;
      case 'circuit':
        h.circuit(m.provider, m.state);
        break;
      case 'providers':
        this.info.providers = m.providers;
        h.providers(m.providers);
        break;
      case 'cacheStats':
        h.cacheStats(m.stats);
        break;
      case 'log':
        h.log(m.level, m.component, m.fields, m.msg);
        break;
      case 'fatal':
        h.log('error', 'engine', {}, `scan engine error: ${m.message}`);
        break;
      case 'ready':
      case 'pong':
      case 'closed':
        break;
    }
  }

  private onCrash(e: Error): void {
    if (this.closing) return;
    this.closing = true;
    this.clearTimers();
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    this.answerReconfigures(`the scan engine failed: ${e.message}`);
    this.handlers.crash(e);
  }

  private clearTimers(): void {
    for (const p of this.pending.values()) if (p.timer) clearTimeout(p.timer);
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    this.watchdogTimer = null;
  }

  /** Pings the engine every `intervalMs`; kills it once it has been silent for `unresponsiveMs`. */
  private watch(w: EngineWatchdog): void {
    this.lastHeardAt = Date.now();
    this.watchdogTimer = setInterval(() => {
      if (this.closing) return;
      const silentMs = Date.now() - this.lastHeardAt;
      if (silentMs < w.unresponsiveMs) {
        this.post({ type: 'ping', id: this.nextPing++ });
        return;
      }
      const seconds = Math.round(silentMs / 100) / 10;
      this.handlers.log(
        'error',
        'engine',
        { silentSeconds: seconds, pid: this.child.pid },
        'the scan engine is not answering: nothing from it, not even to a ping; killing the engine',
      );
      this.child.kill('SIGKILL');
      this.onCrash(new Error(`the scan engine answered nothing for ${seconds} s; it was killed`));
    }, w.intervalMs);
    this.watchdogTimer.unref();
  }

  private answerReconfigures(error: string): void {
    for (const answer of [...this.reconfigures.values()]) answer(error);
  }

  /** (Re)sets the deadline of a scan to `ms` from now. */
  private arm(p: Pending, ms: number): void {
    if (p.timer) clearTimeout(p.timer);
    p.deadlineAt = Date.now() + ms;
    p.timer = setTimeout(() => this.overran(p), ms);
  }

  /** A scan passed its deadline: the engine is hung. Kill it and fail like a crashed engine. */
  private overran(p: Pending): void {
    p.timer = null;
    if (this.closing || !this.pending.has(p.run.id)) return;
    const seconds = Math.round((Date.now() - p.startedAt) / 1000);
    const e = new Error(
      `the scan engine did not finish scan ${p.run.id} within ${seconds} s ` +
        '(execution.scan_timeout_seconds + grace); it was killed',
    );
    this.handlers.log(
      'error',
      'engine',
      { scanId: p.run.id, seconds, pid: this.child.pid },
      'the scan engine is not answering: scan past its deadline; killing the engine',
    );
    this.child.kill('SIGKILL');
    this.onCrash(e);
  }

  /**
   * Runs one scan in the engine; its stop signal aborts it there. With `limit`, a scan the engine
   * has not finished by the deadline kills the engine (see runLimit): the promise rejects and
   * `crash` is called.
   */
  run(run: ScanRun, limit?: RunLimit): Promise<ScanJobResult> {
    if (this.closing) return Promise.reject(new Error('the scan engine is stopping'));
    return new Promise((resolve, reject) => {
      const p: Pending = {
        run,
        resolve,
        reject,
        limit: limit ?? null,
        startedAt: Date.now(),
        deadlineAt: Number.POSITIVE_INFINITY,
        timer: null,
      };
      this.pending.set(run.id, p);
      if (limit) this.arm(p, limit.deadlineMs);
      const onAbort = () => this.post({ type: 'abort', id: run.id });
      if (run.signal.aborted) onAbort();
      else run.signal.addEventListener('abort', onAbort, { once: true });
      this.post({ type: 'scan', run: { id: run.id, trigger: run.trigger, params: run.params } });
    });
  }

  /**
   * Sends new settings (a reload) to the engine. Resolves with null once it applied them, or with
   * the reason it refused them (e.g. providers that cannot be built) — it then keeps its previous
   * settings and providers. A reload is not given up on a slow answer (the engine would apply it
   * later, out of step with the service): after 10 s a warning says it is still awaited; an engine
   * that fails or stops answers it with an error.
   */
  reconfigure(settings: Settings): Promise<string | null> {
    if (this.closing || !this.child.connected) return Promise.resolve('the scan engine is stopping');
    const id = this.nextReconfigureId++;
    return new Promise((resolve) => {
      const warn = setTimeout(
        () =>
          this.handlers.log(
            'warn',
            'engine',
            { waitedMs: RECONFIGURE_WARN_MS },
            'the scan engine has not applied the reload yet; still waiting',
          ),
        RECONFIGURE_WARN_MS,
      );
      warn.unref();
      this.reconfigures.set(id, (error) => {
        clearTimeout(warn);
        this.reconfigures.delete(id);
        resolve(error);
      });
      this.post({ type: 'reconfigure', id, settings });
    });
  }

  private post(m: ToEngine): void {
    if (this.child.connected) this.child.send(m);
  }

  /**
   * Asks the engine to stop its scan and close providers, cache and database, and waits for the
   * process to end; after `timeoutMs` it is killed as it is (an unfinished transaction rolls back).
   */
  close(timeoutMs: number): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.closing = true;
      this.clearTimers();
      this.answerReconfigures('the scan engine is stopping');
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        this.handlers.log('error', 'engine', { timeoutMs }, 'scan engine did not close in time; killing it');
        this.child.kill('SIGKILL');
      }, timeoutMs);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.post({ type: 'close' });
    });
    return this.closed;
  }
}
