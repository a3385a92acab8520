/** A group command (`db`, `ops`, `config`) run without a subcommand: show its help and exit 2. */
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { UsageError } from '../io.js';

export function requireSubcommand(cmd: Command, io: CliIo): void {
  cmd.action(() => {
    io.stderr(cmd.helpInformation());
    throw new UsageError(`${cmd.name()}: missing subcommand`);
  });
}
