/** `options-engine config check`: validate and print the effective configuration, secrets masked. */
import { Command } from 'commander';
import { stringify } from 'yaml';
import { maskSecrets } from '../../config/secrets.js';
import { loadForCommand } from '../context.js';
import type { CliIo } from '../io.js';
import { withCommonOptions } from '../options.js';

export function configCommand(io: CliIo): Command {
  const config = new Command('config').description('inspect and validate the configuration');
  config.addCommand(
    withCommonOptions(new Command('check'))
      .description(
        'validate settings.yaml, monitoring.yaml, env and flags; print the effective configuration',
      )
      .option('--json', 'print JSON instead of YAML')
      .option('--sources', 'also show which file, env var or flag set each key')
      .action((opts: Record<string, unknown>) => {
        const loaded = loadForCommand(opts, io);
        const masked = {
          settings: maskSecrets(loaded.settings),
          monitoring: loaded.monitoring,
          ...(opts.sources ? { sources: loaded.sources } : {}),
        };
        if (opts.json) {
          io.stdout(`${JSON.stringify({ ok: true, files: loaded.files, ...masked }, null, 2)}\n`);
          return;
        }
        const overrides = [...new Set(Object.values(loaded.sources).filter((s) => !s.endsWith('.yaml')))];
        io.stdout(`# configuration OK\n# files: ${loaded.files.join(', ')}\n`);
        if (overrides.length > 0) io.stdout(`# overrides: ${overrides.join(', ')}\n`);
        io.stdout(stringify(masked, { lineWidth: 0 }));
      }),
  );
  return config;
}
