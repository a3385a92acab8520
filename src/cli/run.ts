/** Runs the CLI in-process and returns its exit code (the binary only sets process.exitCode). */
import { CommanderError } from 'commander';
import { ConfigError, ConfigErrors } from '../config/ConfigError.js';
import { type CliIo, EXIT, processIo, UsageError } from './io.js';
import { buildProgram } from './program.js';

export async function run(argv: string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exitCode = Math.max(exitCode, code);
  });
  const route = (cmd: typeof program): void => {
    cmd.exitOverride();
    cmd.configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    for (const sub of cmd.commands) route(sub);
  };
  route(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    return report(err, io);
  }
}

function report(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // help asked for (--help, `help`) and --version exit 0; anything else commander rejects is bad usage,
    // including no command at all (commander prints the help then, with exit code 1: `commander.help`)
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) {
      return EXIT.ok;
    }
    return EXIT.usage;
  }
  if (err instanceof ConfigError || err instanceof ConfigErrors) {
    const lines = err.message.split('\n');
    io.stderr(lines.map((l) => `options-engine: config error: ${l}\n`).join(''));
    return EXIT.usage;
  }
  if (err instanceof UsageError) {
    io.stderr(`options-engine: ${err.message}\n`);
    return EXIT.usage;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  io.stderr(`options-engine: error: ${e.message}\n`);
  if (io.env.LOG_LEVEL === 'debug' || io.env.LOG_LEVEL === 'trace') io.stderr(`${e.stack ?? ''}\n`);
  return EXIT.failure;
}
