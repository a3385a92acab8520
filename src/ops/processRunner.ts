/**
 * Runs external tools (pg_dump, pg_restore, tar) without a shell: arguments are passed as an
 * array, a database password travels in PGPASSWORD (never on the command line), and anything the
 * tool prints is scrubbed of that password before it reaches an error message.
 */
import { execFile } from 'node:child_process';

export interface RunResult {
  stdout: string;
  stderr: string;
}

export class ToolError extends Error {
  override name = 'ToolError';
  constructor(
    readonly tool: string,
    message: string,
    readonly exitCode: number | null,
  ) {
    super(message);
  }
}

/** Runs `tool args…`; rejects with ToolError (stderr, secrets scrubbed) on a non-zero exit. */
export function runTool(
  tool: string,
  args: readonly string[],
  opts: { env?: Record<string, string>; secrets?: readonly string[]; timeoutMs?: number } = {},
): Promise<RunResult> {
  const scrub = (s: string) =>
    (opts.secrets ?? []).reduce((acc, x) => (x ? acc.split(x).join('****') : acc), s);
  return new Promise((resolve, reject) => {
    execFile(
      tool,
      [...args],
      {
        env: { ...process.env, ...opts.env },
        maxBuffer: 64 * 1024 * 1024,
        timeout: opts.timeoutMs ?? 30 * 60_000,
      },
      (err, stdout, stderr) => {
        if (err) {
          const e = err as NodeJS.ErrnoException & { code?: string | number };
          const missing = e.code === 'ENOENT';
          const detail = missing
            ? `${tool} is not installed (not found on PATH)`
            : scrub(String(stderr).trim() || e.message);
          reject(
            new ToolError(tool, `${tool} failed: ${detail}`, typeof e.code === 'number' ? e.code : null),
          );
          return;
        }
        resolve({ stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/**
 * A libpq connection for the PostgreSQL tools: the URL without its password, and the password in
 * PGPASSWORD. `secrets` lists what to scrub from their output.
 */
export function pgConnection(url: string): { url: string; env: Record<string, string>; secrets: string[] } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return {
    url: u.toString(),
    env: password ? { PGPASSWORD: password } : {},
    secrets: password ? [password, encodeURIComponent(password)] : [],
  };
}
