#!/usr/bin/env node
/** Entry point of the `options-engine` binary. */
import { run } from './run.js';

// A reader that went away (`options-engine db status | head -1`) is not a failure of ours: stop writing and leave
// with the run's code. Unhandled, the EPIPE crashed the command with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`options-engine: cannot write to stdout: ${e.message}\n`);
  process.exit(1);
});

process.exitCode = await run(process.argv.slice(2));
