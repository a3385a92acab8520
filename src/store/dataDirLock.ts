/**
 * One owner per embedded data dir. Two processes opening the same PGlite files get no error and
 * silently lose writes (STACK.md), so the owner holds `<data_dir>/pglite.lock`, a small JSON file
 * naming its pid, host, start time and (while it serves one) its loopback wire-protocol port.
 *
 * A lock whose pid no longer runs on this host — or runs but started after the lock was taken,
 * i.e. a recycled pid — is stale and taken over. Creation is atomic (`link` of a complete temp
 * file); a stale takeover renames the old file away first and checks what it moved.
 */
import { linkSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureDir } from './ensureDir.js';
import { DataDirLockedError, type LockHolder, StoreError } from './errors.js';

export const LOCK_FILE = 'pglite.lock';

/** The lock file's content. */
interface LockRecord extends LockHolder {
  /** Start time of the holder process (clock ticks since boot, /proc/<pid>/stat field 22), when known. */
  procStart: string | null;
}

export interface DataDirLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Records (or clears, with null) the wire-protocol endpoint this owner serves. */
  setSocket(socket: { host: string; port: number } | null): void;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void;
}

/** Lock files held by this process (a second open in the same process is refused too). */
const held = new Set<string>();
let exitHookInstalled = false;
const releasers = new Map<string, () => void>();

function procStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name `(…)`, which may itself contain spaces and parentheses.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null; // field 22 overall
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readRecord(path: string): LockRecord | null {
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockRecord>;
    if (typeof r.pid !== 'number' || typeof r.host !== 'string') return null;
    return {
      pid: r.pid,
      host: r.host,
      since: typeof r.since === 'string' ? r.since : 'unknown',
      socket: r.socket ?? null,
      procStart: r.procStart ?? null,
    };
  } catch {
    return null;
  }
}

/** Whether the recorded holder still owns the lock (true when it cannot be told: other host). */
function holderIsLive(r: LockRecord, path: string): boolean {
  if (r.host !== hostname()) return true;
  if (r.pid === process.pid) return held.has(path);
  if (!isAlive(r.pid)) return false;
  if (r.procStart !== null) {
    const now = procStartOf(r.pid);
    if (now !== null && now !== r.procStart) return false; // pid recycled
  }
  return true;
}

function publicHolder(r: LockRecord): LockHolder {
  return { pid: r.pid, host: r.host, since: r.since, socket: r.socket };
}

function writeAtomically(path: string, record: LockRecord): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    // inside the try: a full disk fails the write after creating the file, which stayed behind
    writeFileSync(tmp, `${JSON.stringify(record)}\n`, { mode: 0o644 });
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const release of releasers.values()) release();
  });
}

/**
 * Takes the exclusive lock of `dataDir` (created if missing).
 * @throws DataDirLockedError naming the holder's pid when another live process owns it.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const dir = resolve(dataDir);
  ensureDir(dir);
  const path = join(dir, LOCK_FILE);
  const record: LockRecord = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    socket: null,
    procStart: procStartOf(process.pid),
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (writeAtomically(path, record)) return makeLock(path, record);
    const existing = readRecord(path);
    if (existing === null) {
      // Unreadable: being written right now (never: writes are atomic) or corrupt. Treat a corrupt
      // file as stale only after a second look.
      if (attempt === 0) continue;
    } else if (holderIsLive(existing, path)) {
      throw new DataDirLockedError(dir, publicHolder(existing));
    }
    // Stale: move it aside, then make sure what we moved was indeed the stale lock.
    const aside = `${path}.stale.${process.pid}`;
    try {
      renameSync(path, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // someone else took it over
      throw e;
    }
    const moved = readRecord(aside);
    if (moved !== null && holderIsLive(moved, path)) {
      // We moved a fresh lock taken by a racing process: put it back and report it.
      try {
        linkSync(aside, path);
      } catch {}
      unlinkSync(aside);
      throw new DataDirLockedError(dir, publicHolder(moved));
    }
    unlinkSync(aside);
  }
  throw new StoreError(`could not lock data dir ${dir}: lock file ${path} keeps changing`);
}

function makeLock(path: string, record: LockRecord): DataDirLock {
  held.add(path);
  let current = record;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    held.delete(path);
    releasers.delete(path);
    const onDisk = readRecord(path);
    if (onDisk && onDisk.pid === process.pid && onDisk.since === record.since) {
      try {
        unlinkSync(path);
      } catch {}
    }
  };
  releasers.set(path, release);
  installExitHook();
  return {
    path,
    get holder() {
      return publicHolder(current);
    },
    setSocket(socket) {
      if (released) return;
      current = { ...current, socket };
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(current)}\n`, { mode: 0o644 });
      renameSync(tmp, path); // atomic replace of our own lock
    },
    release,
  };
}

/** Reads who holds the data dir's lock without taking it (null when free or stale). */
export function readDataDirLock(dataDir: string): LockHolder | null {
  const path = join(resolve(dataDir), LOCK_FILE);
  const r = readRecord(path);
  return r && holderIsLive(r, path) ? publicHolder(r) : null;
}
