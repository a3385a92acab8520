import { chownSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrate.js';
import { pgliteDir } from '../../src/store/openDatabase.js';
import { PgliteDatabase } from '../../src/store/pgliteDatabase.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('oe-owner-');
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const SERVICE_USER = 65534; // nobody: stands for the unit's User=options_engine

function owners(dir: string, out = new Set<string>()): Set<string> {
  for (const name of readdirSync(dir)) {
    const s = lstatSync(join(dir, name));
    out.add(`${s.uid}:${s.gid}`);
    if (s.isDirectory()) owners(join(dir, name), out);
  }
  return out;
}

// Only root can re-own files; as another user PGlite's files are that user's anyway and nothing is to do.
describe.skipIf(!asRoot)('an embedded data dir written by root', () => {
  it("is handed back to the data dir's owner when the database closes (after a root VACUUM FULL the service could not start)", async () => {
    const dataDir = join(tmp.dir, 'data');
    mkdirSync(dataDir);
    chownSync(dataDir, SERVICE_USER, SERVICE_USER);
    const db = await PgliteDatabase.open({ dir: pgliteDir(dataDir) });
    await migrate(db);
    expect(owners(dataDir).has('0:0')).toBe(true); // root's files while open
    await db.close();
    expect([...owners(dataDir)]).toEqual([`${SERVICE_USER}:${SERVICE_USER}`]);
  });
});
