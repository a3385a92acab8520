import { run } from '../../src/cli/run.js';

/** Runs `options-engine <args>` in-process with the given environment; returns exit code and output. */
export async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env,
  });
  return { code, stdout, stderr };
}
