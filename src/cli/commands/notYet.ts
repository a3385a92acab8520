/** Commands whose implementation lands with a later issue: they parse their flags and say so. */
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { UsageError } from '../io.js';

export class NotImplementedError extends Error {
  override name = 'NotImplementedError';
}

export function notYet(what: string, issue: number): never {
  throw new NotImplementedError(`${what} is not implemented yet (issue #${issue})`);
}

/** A group command with no subcommand given: show its help and exit 2. */
export function requireSubcommand(cmd: Command, io: CliIo): void {
  cmd.action(() => {
    io.stderr(cmd.helpInformation());
    throw new UsageError(`${cmd.name()}: missing subcommand`);
  });
}
