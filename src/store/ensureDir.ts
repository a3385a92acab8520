/**
 * `mkdir -p` that always ends. Node's own recursive mkdir (`mkdirSync(dir, { recursive: true })`, sync and
 * async, Node 18–22) spins forever when a parent exists but cannot hold the child — procfs answers ENOENT for
 * `/proc/x`, which Node reads as "create the parent first", and the parent exists (seen: nodejs/node behaviour
 * reported in Kewton/CommandMate#1774; here `scan --data-dir /proc/x` froze at 100 % CPU). This walk creates one
 * component at a time with plain mkdir, so an ENOENT whose parent exists is thrown, not retried.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Creates `dir` and any missing parents (each with `mode`); a no-op when it is a directory already. */
export function ensureDir(dir: string, mode?: number): void {
  const abs = resolve(dir);
  try {
    mkdirSync(abs, { mode });
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && isDirectory(abs)) return;
    const parent = dirname(abs);
    if (code !== 'ENOENT' || parent === abs) throw e;
    ensureDir(parent, mode);
  }
  // the parent exists now: any error of this second, plain mkdir is final (EEXIST from a racing creator aside)
  try {
    mkdirSync(abs, { mode });
  } catch (e) {
    if (!((e as NodeJS.ErrnoException).code === 'EEXIST' && isDirectory(abs))) throw e;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
