/**
 * The service's signals under systemd and in a terminal: SIGTERM / SIGINT stop it gracefully,
 * SIGHUP reloads the configuration (and reopens the logs), SIGUSR2 reopens the logs.
 *
 * A stop signal repeated within a second is the same request delivered twice (Ctrl-C under
 * `npm start` reaches node from the terminal and again from npm) and is ignored; a later one
 * means "now" and exits at once with code 1.
 */
import type { Logger } from 'pino';

export interface SignalActions {
  stop(signal: NodeJS.Signals): void;
  /** Whether a stop is already under way. */
  stopping(): boolean;
  reload(): void;
  reopen(): void;
  log: Logger;
}

/** Installs the handlers; returns the function that removes them. */
export function installSignals(a: SignalActions): () => void {
  let firstStopAt = 0;
  const onStop = (sig: NodeJS.Signals) => () => {
    if (a.stopping()) {
      if (Date.now() - firstStopAt < 1000) return;
      a.log.warn({ signal: sig }, 'second stop signal: exiting now');
      process.exit(1);
    }
    firstStopAt = Date.now();
    a.stop(sig);
  };
  const handlers: [NodeJS.Signals, () => void][] = [
    ['SIGTERM', onStop('SIGTERM')],
    ['SIGINT', onStop('SIGINT')],
    ['SIGHUP', () => a.reload()],
    ['SIGUSR2', () => a.reopen()],
  ];
  for (const [sig, fn] of handlers) process.on(sig, fn);
  return () => {
    for (const [sig, fn] of handlers) process.off(sig, fn);
  };
}
