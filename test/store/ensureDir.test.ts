import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDir } from '../../src/store/ensureDir.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('oe-ensuredir-');

describe('ensureDir', () => {
  it('creates missing parents, with the mode asked for, and accepts an existing directory', () => {
    const dir = join(tmp.dir, 'a', 'b', 'c');
    ensureDir(dir, 0o700);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(tmp.dir, 'a')).mode & 0o777).toBe(0o700);
    expect(() => ensureDir(dir)).not.toThrow();
  });

  it('refuses a path through a regular file (ENOTDIR) or onto one (EEXIST)', () => {
    const file = join(tmp.dir, 'plain');
    writeFileSync(file, '');
    expect(() => ensureDir(join(file, 'sub'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(() => ensureDir(file)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
  });

  it.runIf(existsSync('/proc/self'))(
    "ends with ENOENT where the parent exists but cannot hold it (procfs: Node's recursive mkdir spins forever there)",
    () => {
      expect(() => ensureDir('/proc/options-engine-no-such-dir/data')).toThrow(
        expect.objectContaining({ code: 'ENOENT' }),
      );
    },
  );
});
