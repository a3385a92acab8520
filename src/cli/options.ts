/** Flag parsers and the options every command shares. */
import { statSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ConfigOverride } from '../config/loadConfig.js';
import { LOG_LEVELS, settingsSchema } from '../config/schema.js';
import { VERSION } from './version.js';

/** Plain decimal notation: what Number() also reads as hex, binary or octal (`0x10`, `0b11`) is refused. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const INTEGER = /^[+-]?\d+$/;

export function parseNumber(value: string): number {
  const n = Number(value);
  if (!DECIMAL.test(value.trim()) || !Number.isFinite(n))
    throw new InvalidArgumentError('expected a number.');
  return n;
}

export function parseInteger(value: string): number {
  const n = Number(value);
  if (!INTEGER.test(value.trim()) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('expected an integer.');
  return n;
}

/** A comma-separated list; one without any item (`--watchlist ,`) is a mistake, not "the default". */
export function parseList(value: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0)
    throw new InvalidArgumentError('expected a comma-separated list of at least one item.');
  return items;
}

/** The configuration's ticker rule (`trading.watchlist` items): flags and settings take the same symbols. */
const tickerRule = settingsSchema.shape.trading.shape.watchlist.element;

/** One ticker symbol, upper-cased (`spy` → `SPY`); what the watchlist refuses (`SPY;x`) is bad usage. */
export function parseSymbol(value: string): string {
  const symbol = value.trim().toUpperCase();
  if (!tickerRule.safeParse(symbol).success)
    throw new InvalidArgumentError('not a ticker symbol (expected an upper-case ticker like "AAPL").');
  return symbol;
}

/** A comma-separated list of ticker symbols, each as `parseSymbol` takes it. */
export function parseSymbolList(value: string): string[] {
  const symbols = parseList(value).map((s) => s.toUpperCase());
  const bad = symbols.filter((s) => !tickerRule.safeParse(s).success).map((s) => JSON.stringify(s));
  if (bad.length > 0)
    throw new InvalidArgumentError(`not a ticker symbol: ${bad.join(', ')} (expected tickers like "AAPL").`);
  return symbols;
}

/** A path flag: an empty value (`--dir ''`) would silently mean the current directory. */
export function parsePath(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('expected a path, got an empty value.');
  return value;
}

/** A path flag naming a file that must exist (a file given explicitly and missing is a typo, not "none"). */
export function parseExistingFile(value: string): string {
  parsePath(value);
  let isFile: boolean;
  try {
    isFile = statSync(value).isFile();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InvalidArgumentError(code === 'ENOENT' ? 'no such file.' : `cannot read it (${code}).`);
  }
  if (!isFile) throw new InvalidArgumentError('not a regular file.');
  return value;
}

/** Adds --config-dir, --log-level and --version to a command (every leaf command has them). */
export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option(
      '--config-dir <dir>',
      'directory with settings.yaml / monitoring.yaml overriding the shipped defaults',
    )
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS))
    .option('--log-dir <dir>', 'directory for app.log and error.log', parsePath)
    .option('--data-dir <dir>', 'directory for the embedded database', parsePath)
    .version(VERSION, '-V, --version', 'print the version');
}

/** Flag name → settings path, for the flags that override configuration. */
const FLAG_PATHS: Record<string, string> = {
  logLevel: 'logging.level',
  logDir: 'logging.dir',
  dataDir: 'database.data_dir',
  nav: 'trading.nav',
  capital: 'trading.available_capital',
  maxTrades: 'trading.max_trades',
  watchlist: 'trading.watchlist',
  universe: 'trading.universe',
  minDte: 'constraints.min_dte',
  maxDte: 'constraints.max_dte',
  strategies: 'trading.strategies',
  minPop: 'constraints.min_pop',
  seed: 'providers.simulated.seed',
  provider: 'providers.primary',
  port: 'monitoring.port',
  host: 'monitoring.host',
  // `ops backup` / `ops restore --dir`: the backup directory, named `--dir` in errors
  dir: 'backup.dir',
};

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The config overrides carried by parsed flags, each labelled with its flag for error messages. */
export function flagOverrides(opts: Record<string, unknown>): ConfigOverride[] {
  const out: ConfigOverride[] = [];
  for (const [name, path] of Object.entries(FLAG_PATHS)) {
    if (opts[name] === undefined) continue;
    let value = opts[name];
    if (name === 'watchlist' && Array.isArray(value)) value = value.map((t: string) => t.toUpperCase());
    out.push({ path, value, source: `flag --${kebab(name)}` });
    // --universe asks for the universe: a configured watchlist (settings, OPTIONS_ENGINE_WATCHLIST) would win
    if (name === 'universe') out.push({ path: 'trading.watchlist', value: [], source: 'flag --universe' });
  }
  return out;
}
