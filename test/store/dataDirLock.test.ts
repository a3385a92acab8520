import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, LOCK_FILE, readDataDirLock } from '../../src/store/dataDirLock.js';
import { DataDirLockedError } from '../../src/store/errors.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('oe-lock-');
let n = 0;
const freshDir = () => join(tmp.dir, `d${n++}`);
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

function writeRecord(dir: string, record: object): void {
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify(record));
}

/** A process that stays alive until killed. */
function liveProcess(): ChildProcess {
  const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(c);
  return c;
}

async function deadPid(): Promise<number> {
  const c = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((r) => c.on('exit', r));
  return c.pid!;
}

function lockedError(fn: () => unknown): DataDirLockedError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DataDirLockedError) return e;
    throw e;
  }
  throw new Error('expected DataDirLockedError');
}

describe('data dir lock', () => {
  it('records the owner pid and removes the file on release', () => {
    const dir = freshDir();
    const lock = acquireDataDirLock(dir);
    const onDisk = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(onDisk).toMatchObject({ pid: process.pid, host: hostname(), socket: null });
    expect(readDataDirLock(dir)?.pid).toBe(process.pid);
    lock.release();
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(readDataDirLock(dir)).toBeNull();
  });

  it('refuses a second owner in the same process', () => {
    const dir = freshDir();
    const lock = acquireDataDirLock(dir);
    try {
      const e = lockedError(() => acquireDataDirLock(dir));
      expect(e.holder.pid).toBe(process.pid);
    } finally {
      lock.release();
    }
  });

  it('refuses while another live process holds it, naming that pid and its socket', () => {
    const dir = freshDir();
    acquireDataDirLock(dir).release();
    const holder = liveProcess();
    writeRecord(dir, {
      pid: holder.pid,
      host: hostname(),
      since: '2026-11-25T10:00:00Z',
      socket: { host: '127.0.0.1', port: 5433 },
      procStart: null,
    });
    const e = lockedError(() => acquireDataDirLock(dir));
    expect(e.holder.pid).toBe(holder.pid);
    expect(e.message).toContain(`pid ${holder.pid}`);
    expect(e.message).toContain('postgres://postgres@127.0.0.1:5433/postgres');
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dir = freshDir();
    acquireDataDirLock(dir).release();
    writeRecord(dir, {
      pid: await deadPid(),
      host: hostname(),
      since: '2026-11-25T10:00:00Z',
      socket: null,
      procStart: null,
    });
    const lock = acquireDataDirLock(dir);
    expect(lock.holder.pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock whose pid now belongs to a newer process', () => {
    const dir = freshDir();
    acquireDataDirLock(dir).release();
    const other = liveProcess();
    writeRecord(dir, {
      pid: other.pid,
      host: hostname(),
      since: '2026-11-25T10:00:00Z',
      socket: null,
      procStart: '1',
    });
    const lock = acquireDataDirLock(dir);
    expect(lock.holder.pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a corrupt lock file', () => {
    const dir = freshDir();
    acquireDataDirLock(dir).release();
    writeFileSync(join(dir, LOCK_FILE), '{"pi');
    acquireDataDirLock(dir).release();
  });

  it('treats a lock of another host as held (its pid cannot be checked from here)', () => {
    const dir = freshDir();
    acquireDataDirLock(dir).release();
    writeRecord(dir, {
      pid: 1,
      host: 'elsewhere.example',
      since: '2026-11-25T10:00:00Z',
      socket: null,
      procStart: null,
    });
    expect(lockedError(() => acquireDataDirLock(dir)).holder.host).toBe('elsewhere.example');
  });

  it('records and clears the served socket', () => {
    const dir = freshDir();
    const lock = acquireDataDirLock(dir);
    lock.setSocket({ host: '127.0.0.1', port: 6543 });
    expect(readDataDirLock(dir)?.socket).toEqual({ host: '127.0.0.1', port: 6543 });
    lock.setSocket(null);
    expect(readDataDirLock(dir)?.socket).toBeNull();
    lock.release();
  });

  it('is refused to this process while a real second process holds it, and freed when it exits', async () => {
    const dir = freshDir();
    const moduleUrl = new URL('../../src/store/dataDirLock.ts', import.meta.url).href;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { acquireDataDirLock } = await import(${JSON.stringify(moduleUrl)});
         acquireDataDirLock(${JSON.stringify(dir)}); console.log('locked');
         process.stdin.on('data', () => process.exit(0));`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    const e = lockedError(() => acquireDataDirLock(dir));
    expect(e.holder.pid).toBe(child.pid);
    child.stdin!.write('bye\n');
    await new Promise((r) => child.on('exit', r));
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false); // released by its exit hook
    acquireDataDirLock(dir).release();
  });
});
