/** The `options-engine` command tree. */
import { Command, Option } from 'commander';
import { configCommand } from './commands/configCommand.js';
import { dbCommand } from './commands/dbCommand.js';
import { opsCommand } from './commands/opsCommand.js';
import { requireSubcommand } from './commands/requireSubcommand.js';
import { scanAction } from './commands/scanCommand.js';
import { serveAction } from './commands/serveCommand.js';
import type { CliIo } from './io.js';
import { parseInteger, parseList, parseNumber, withCommonOptions } from './options.js';
import { VERSION } from './version.js';

/** `setExit` lets a command end with a non-zero code without throwing (e.g. findings, pending migrations). */
export function buildProgram(io: CliIo, setExit: (code: number) => void = () => {}): Command {
  const program = new Command('options-engine')
    .description('Options trade discovery: the best executable trades within your capital and risk limits.')
    .version(VERSION, '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)');

  program.addCommand(
    withCommonOptions(new Command('scan'))
      .description('scan the market and print the best trades as a table (or JSON)')
      .option('--watchlist <list>', 'comma-separated tickers to scan instead of the universe', parseList)
      .addOption(
        new Option('--universe <name>', 'built-in universe to scan, even when a watchlist is configured')
          .choices(['default'])
          .conflicts('watchlist'),
      )
      .option('--nav <dollars>', 'net liquidation value', parseNumber)
      .option('--capital <dollars>', 'available capital', parseNumber)
      .option('--max-trades <n>', 'basket size', parseInteger)
      .option('--min-dte <days>', 'shortest days to expiration', parseInteger)
      .option('--max-dte <days>', 'longest days to expiration', parseInteger)
      .option('--min-pop <fraction>', 'minimum probability of profit, e.g. 0.65', parseNumber)
      .option('--strategies <list>', 'comma-separated strategy families', parseList)
      .addOption(
        new Option('--provider <name>', 'market data provider').choices([
          'auto',
          'tradier',
          'yahoo',
          'simulated',
        ]),
      )
      .option('--seed <n>', 'seed of the simulated market', parseInteger)
      .option('--as-of <iso>', 'fix "now" (ISO 8601) for a reproducible scan')
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
      .option('--no-store', 'do not store the scan and its trades in the database')
      .action((opts: Record<string, unknown>) =>
        scanAction(opts, io, { stderrIsTty: process.stderr.isTTY === true }),
      ),
  );

  program.addCommand(
    withCommonOptions(new Command('serve'))
      .description('run the service: scheduler, /health, /status, /metrics, REST API')
      .option('--port <port>', 'HTTP port', parseInteger)
      .option('--host <host>', 'HTTP bind address')
      .action((opts: Record<string, unknown>) => serveAction(opts, io)),
  );

  program.addCommand(opsCommand(io));

  program.addCommand(dbCommand(io, setExit));

  const config = configCommand(io);
  requireSubcommand(config, io);
  program.addCommand(config);

  return program;
}
