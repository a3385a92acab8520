/**
 * A group command (`db`, `ops`, `config`) run without a subcommand, or with one it does not have: show its help and
 * exit 2. (With an action of its own, Commander read `ops nosuch` as an argument: "too many arguments for 'ops'".)
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { UsageError } from '../io.js';

export function requireSubcommand(cmd: Command, io: CliIo): void {
  cmd.allowExcessArguments(true).action(() => {
    io.stderr(cmd.helpInformation());
    const [unknown] = cmd.args;
    throw new UsageError(
      unknown === undefined
        ? `${cmd.name()}: missing subcommand`
        : `${cmd.name()}: unknown command '${unknown}'`,
    );
  });
}
