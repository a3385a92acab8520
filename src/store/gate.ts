/**
 * Serialises use of PGlite's single connection between this process's own work and the
 * wire-protocol clients served by pgliteSocket.ts.
 *
 * PGlite runs one backend: whatever statement arrives next runs inside whatever transaction is
 * open. Local work therefore waits while a socket client (psql, the CLI) holds an open
 * transaction, and a socket message waits while local work (a query or a whole local
 * transaction) runs. Socket clients among themselves are ordered by pglite-socket's own queue.
 */
export class ConnectionGate {
  private busy = false;
  private waiters: Array<() => void> = [];

  /** `inTransaction`: whether the backend currently has an open transaction. */
  constructor(private readonly inTransaction: () => boolean) {}

  /** Local work: waits until nothing else runs and no socket client holds a transaction open. */
  runLocal<T>(fn: () => Promise<T>): Promise<T> {
    return this.run(fn, () => !this.inTransaction());
  }

  /** One message of a socket client. */
  runRemote<T>(fn: () => Promise<T>): Promise<T> {
    return this.run(fn, () => true);
  }

  private async run<T>(fn: () => Promise<T>, ready: () => boolean): Promise<T> {
    while (this.busy || !ready()) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
      const waiting = this.waiters;
      this.waiters = [];
      for (const wake of waiting) wake();
    }
  }
}
