/**
 * The service's handle on the scan engine process (engineProcess.ts): starts it, runs scans on it
 * (one request per scan; the scheduler guarantees one at a time), forwards a stop as an abort,
 * and relays the engine's telemetry and log lines to handlers. An engine that dies unexpectedly is
 * reported through `crash` (the service then stops with exit code 1 for systemd to restart it).
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
  dbQuery(operation: string, ms: number, ok: boolean): void;
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

interface Pending {
  run: ScanRun;
  resolve: (r: ScanJobResult) => void;
  reject: (e: Error) => void;
}

export class ScanEngine {
  private readonly pending = new Map<string, Pending>();
  private closing = false;
  private closed: Promise<void> | null = null;

  private constructor(
    private readonly child: ChildProcess,
    /** Updated when a reload rebuilds the providers. */
    readonly info: EngineInfo,
    private readonly handlers: EngineHandlers,
  ) {}

  /** Starts the engine process and waits until its database, cache and providers are up. */
  static start(settings: Settings, handlers: EngineHandlers, timeoutMs = 180_000): Promise<ScanEngine> {
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
    switch (m.type) {
      case 'stage':
        this.pending.get(m.id)?.run.onStage?.(m.stage);
        break;
      case 'scanDone': {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.resolve({ outcome: m.outcome, timing: m.timing });
        break;
      }
      case 'telemetry':
        for (const call of m.batch.apiCalls) h.apiCall(call);
        for (const [provider, endpoint, ms, outcome] of m.batch.providerCalls)
          h.providerCall(provider, endpoint, ms, outcome);
        for (const [operation, ms, ok] of m.batch.dbQueries) h.dbQuery(operation, ms, ok);
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
      case 'closed':
        break;
    }
  }

  private onCrash(e: Error): void {
    if (this.closing) return;
    this.closing = true;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    this.handlers.crash(e);
  }

  /** Runs one scan in the engine; its stop signal aborts it there. */
  run(run: ScanRun): Promise<ScanJobResult> {
    if (this.closing) return Promise.reject(new Error('the scan engine is stopping'));
    return new Promise((resolve, reject) => {
      this.pending.set(run.id, { run, resolve, reject });
      const onAbort = () => this.post({ type: 'abort', id: run.id });
      if (run.signal.aborted) onAbort();
      else run.signal.addEventListener('abort', onAbort, { once: true });
      this.post({ type: 'scan', run: { id: run.id, trigger: run.trigger, params: run.params } });
    });
  }

  reconfigure(settings: Settings): void {
    this.post({ type: 'reconfigure', settings });
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
