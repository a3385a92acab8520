/**
 * Child-process entry of the service tests: `node --import tsx serveEntry.ts [flags]` runs
 * `options-engine serve` exactly as the CLI does, configured by the environment the test sets.
 */

import { serveAction } from '../../../src/cli/commands/serveCommand.js';
import { processIo } from '../../../src/cli/io.js';

const flags: Record<string, unknown> = {};
for (let i = 2; i < process.argv.length; i += 2) {
  const name = process.argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  flags[name] = process.argv[i + 1];
}
try {
  await serveAction(flags, processIo);
  process.exitCode = 0;
} catch (e) {
  process.stderr.write(`options-engine: error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
