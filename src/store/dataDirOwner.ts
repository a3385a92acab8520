/**
 * Gives the files of an embedded data directory back to the directory's owner after root wrote to it. Why: the
 * service runs as an unprivileged user (`User=options_engine`), and a runbook run as root (`sudo …
 * scheduled_maintenance.sh`: VACUUM FULL, REINDEX; `ops restore`; a root `scan`) rewrote hundreds of PGlite
 * files as root, after which the service could not start (PGlite aborted) until someone ran `chown -R`.
 * Does nothing unless the process runs as root and the directory belongs to someone else.
 */
import { existsSync, lchownSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Re-owns every entry under `dir` (recursively) to `dir`'s owner and group; returns how many it changed. */
export function giveBackToOwner(dir: string): number {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0 || !existsSync(dir)) return 0;
  const { uid, gid } = lstatSync(dir);
  if (uid === 0) return 0;
  let changed = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = lstatSync(p);
      if (s.uid !== uid || s.gid !== gid) {
        lchownSync(p, uid, gid);
        changed++;
      }
      if (s.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return changed;
}
