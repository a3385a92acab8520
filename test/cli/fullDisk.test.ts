/**
 * A full file system under the log or data directory (a tmpfs filled to the last block; the tests run as root,
 * as CI does). access(W_OK) passed there: scan ran, printed, then hung on its log or died on ENOSPC naming no path.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock } from '../../src/store/dataDirLock.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('oe-full-disk-');
const mnt = join(tmp.dir, 'full');

beforeAll(() => {
  mkdirSync(mnt);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]);
  for (const d of ['logs', 'data']) mkdirSync(join(mnt, d));
  try {
    writeFileSync(join(mnt, 'filler'), Buffer.alloc(1 << 20));
  } catch (e) {
    expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
  }
});

afterAll(() => {
  execFileSync('umount', ['-l', mnt]); // lazy: a file still open in it (a failed run's log) must not keep it mounted
});

describe('a full file system', () => {
  it('under --log-dir: scan exits 2 naming --log-dir and ENOSPC, before any work', async () => {
    const r = await cli(['scan', '--no-store', '--watchlist', 'SPY', '--log-dir', join(mnt, 'logs')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--log-dir: cannot write to .*full\/logs .*ENOSPC/);
    expect(r.stdout).toBe('');
    expect(readdirSync(join(mnt, 'logs'))).toEqual([]); // the probe is gone
  });

  it('under --data-dir: scan exits 2 naming --data-dir; the data-dir lock leaves no temporary file behind', async () => {
    const r = await cli([
      'scan',
      '--watchlist',
      'SPY',
      '--data-dir',
      join(mnt, 'data'),
      '--log-dir',
      join(tmp.dir, 'logs'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--data-dir: cannot write to .*full\/data .*ENOSPC/);
    expect(r.stdout).toBe('');
    expect(() => acquireDataDirLock(join(mnt, 'data'))).toThrow(/ENOSPC/);
    expect(readdirSync(join(mnt, 'data'))).toEqual([]); // pglite.lock.<pid>.tmp stayed
  });
});
