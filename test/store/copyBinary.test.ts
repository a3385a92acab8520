import { describe, expect, it } from 'vitest';
import { BinaryCopyWriter } from '../../src/store/copyBinary.js';
import { StoreInputError } from '../../src/store/errors.js';

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

function sample(w: BinaryCopyWriter): Uint8Array[] {
  for (let i = 0; i < 50; i++) {
    w.beginRow(6);
    w.timestamptz(Date.UTC(1999, 11, 31, 23, 59, 59, 999) + i); // before the PostgreSQL epoch: negative
    w.text(`sym-${i}-é😀`);
    w.float8(i === 3 ? Number.NaN : i / 3);
    w.int8(2 ** 40 + i);
    w.date('2026-12-18', 'expiration');
    w.uuid(i % 2 ? null : '00000000-0000-4000-8000-00000000000a');
  }
  return w.finish();
}

describe('binary COPY writer', () => {
  it('starts with the PGCOPY header and ends with the -1 trailer', () => {
    const bytes = concat(sample(new BinaryCopyWriter()));
    expect(Buffer.from(bytes.subarray(0, 11)).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
    expect([...bytes.subarray(-2)]).toEqual([0xff, 0xff]);
  });

  it('writes the same stream whatever the chunk size', () => {
    const big = concat(sample(new BinaryCopyWriter()));
    const smallChunks = sample(new BinaryCopyWriter(64));
    expect(smallChunks.length).toBeGreaterThan(10);
    expect(concat(smallChunks)).toEqual(big);
  });

  it('encodes values in network order: NULL as -1, int8 beyond 32 bits, days since 2000-01-01', () => {
    const w = new BinaryCopyWriter();
    w.beginRow(4);
    w.float8(Number.POSITIVE_INFINITY);
    w.int8(2 ** 33 + 5);
    w.date('2000-01-02', 'd');
    w.timestamptz(Date.UTC(2000, 0, 1) - 1); // −1000 µs
    const v = new DataView(concat(w.finish()).buffer);
    // Header 19 bytes; row: int16 count @19; fields @21 (NULL), @25 (int8), @37 (date), @45 (timestamptz).
    expect(v.getInt16(19)).toBe(4);
    expect(v.getInt32(21)).toBe(-1);
    expect([v.getInt32(25), Number(v.getBigInt64(29))]).toEqual([8, 2 ** 33 + 5]);
    expect([v.getInt32(37), v.getInt32(41)]).toEqual([4, 1]);
    expect([v.getInt32(45), Number(v.getBigInt64(49))]).toEqual([8, -1000]);
  });

  it('rejects a malformed date or uuid, naming the field', () => {
    const w = new BinaryCopyWriter();
    w.beginRow(1);
    expect(() => w.date('2026-02-30', 'quotes[4].expiration')).toThrow(StoreInputError);
    expect(() => w.date('2026-02-30', 'quotes[4].expiration')).toThrow(
      /quotes\[4\]\.expiration: must be a YYYY-MM-DD/,
    );
    expect(() => w.uuid('scan-1')).toThrow(/must be a UUID/);
  });
});
