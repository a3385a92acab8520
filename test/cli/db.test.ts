import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('options-engine db on the embedded database', () => {
  const tmp = tempDir('oe-db-');
  it('reports pending migrations (exit 1), applies them, then reports none (exit 0)', async () => {
    const before = await cli(['db', 'status', '--data-dir', tmp.dir]);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/current: none {2}latest: \d+/);
    expect(before.stdout).toMatch(/pending +scans_and_trades/);
    const migrated = await cli(['db', 'migrate', '--data-dir', tmp.dir]);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/applied 1 scans_and_trades/);
    const after = await cli(['db', 'status', '--data-dir', tmp.dir, '--json']);
    expect(after.code).toBe(0);
    const doc = JSON.parse(after.stdout) as {
      engine: string;
      pending: number;
      current: number;
      latest: number;
    };
    expect(doc).toMatchObject({ engine: 'pglite', pending: 0 });
    expect(doc.current).toBe(doc.latest);
    const again = await cli(['db', 'migrate', '--data-dir', tmp.dir]);
    expect(again.stdout).toMatch(/up to date at version/);
  });
});
