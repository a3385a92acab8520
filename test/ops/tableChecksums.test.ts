import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumDifferences, tableChecksums } from '../../src/ops/tableChecksums.js';
import { PgliteDatabase } from '../../src/store/pgliteDatabase.js';

let db: PgliteDatabase;
beforeAll(async () => {
  db = await PgliteDatabase.open({ dir: null });
  await db.exec(
    'CREATE TABLE a (id int, note text, at timestamptz); CREATE TABLE b (id int, note text, at timestamptz); CREATE TABLE empty (x int)',
  );
  const rows = [
    [1, 'one', '2026-12-07T10:00:00Z'],
    [2, 'two\ttab', '2026-12-07T11:00:00Z'],
    [3, null, null],
  ] as const;
  for (const r of rows) await db.query('INSERT INTO a VALUES ($1, $2, $3)', [...r]);
  for (const r of [...rows].reverse()) await db.query('INSERT INTO b VALUES ($1, $2, $3)', [...r]);
});
afterAll(() => db.close());

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const signed64 = (hex: string) => BigInt.asIntN(64, BigInt(`0x${hex}`));

describe('table checksums (sum128)', () => {
  it("are the md5 of the sums of each row md5's two signed 64-bit halves (checked in JS), whatever the row order", async () => {
    const text = await db.transaction(async (tx) => {
      await tx.exec(
        "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL extra_float_digits = 1",
      );
      return (await tx.query<{ t: string }>('SELECT t::text AS t FROM a t')).rows.map((r) => r.t);
    });
    let hi = 0n;
    let lo = 0n;
    for (const t of text) {
      const h = md5(t);
      hi += signed64(h.slice(0, 16));
      lo += signed64(h.slice(16));
    }
    const sums = await tableChecksums(db);
    expect(sums.a).toEqual({ rows: 3, md5: md5(`${hi}:${lo}`) });
    expect(sums.b).toEqual(sums.a); // same rows, inserted in the other order
    expect(sums.empty).toEqual({ rows: 0, md5: md5('0:0') });
  });

  it('change when one value changes, and the older sorted-md5 method still reads (to verify older backups)', async () => {
    const before = await tableChecksums(db);
    const old = await tableChecksums(db, 'sorted-md5');
    expect(old.a.rows).toBe(3);
    expect(old.a.md5).not.toBe(before.a.md5);
    expect(old.b).toEqual(old.a);
    await db.exec("UPDATE b SET note = 'Two' WHERE id = 2");
    expect(checksumDifferences(before, await tableChecksums(db))).toEqual([
      'b: same row count, different content',
    ]);
  });
});
