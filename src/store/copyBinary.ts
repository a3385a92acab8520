/**
 * Writer for PostgreSQL's binary COPY format: no number → text → number round trip, so it is both
 * cheaper to produce here and cheaper to load (PGlite spends ~3× less CPU than on text format).
 *
 * Layout: 11-byte signature, int32 flags, int32 extension length; then per row an int16 field
 * count and per field an int32 byte length (−1 = NULL) followed by the value in network order;
 * finally an int16 −1. The stream may be cut anywhere between chunks.
 */
import { StoreInputError } from './errors.js';

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];
/** 2000-01-01T00:00:00Z, the PostgreSQL epoch, in Unix ms. */
const PG_EPOCH_MS = 946_684_800_000;
const PG_EPOCH_DAYS = 10_957;
const TWO_32 = 4_294_967_296;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i;

export class BinaryCopyWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;
  private readonly chunks: Uint8Array[] = [];
  private readonly encoder = new TextEncoder();
  private readonly dayCache = new Map<string, number>();
  private lastUuid: [string, Uint8Array] | null = null;
  rows = 0;

  /** `chunkBytes`: size of the buffers handed to COPY. */
  constructor(private readonly chunkBytes = 1 << 20) {
    this.buf = new Uint8Array(chunkBytes);
    this.view = new DataView(this.buf.buffer);
    this.buf.set(SIGNATURE, 0);
    this.view.setInt32(11, 0);
    this.view.setInt32(15, 0);
    this.pos = 19;
  }

  /** Makes room for `n` more bytes, starting a new chunk when needed. */
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos > 0) this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = new Uint8Array(Math.max(this.chunkBytes, n));
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
  }

  private int64(v: number): void {
    const hi = Math.floor(v / TWO_32);
    this.view.setInt32(this.pos, hi);
    this.view.setUint32(this.pos + 4, v - hi * TWO_32);
    this.pos += 8;
  }

  beginRow(fields: number): void {
    this.ensure(2);
    this.view.setInt16(this.pos, fields);
    this.pos += 2;
    this.rows++;
  }

  null(): void {
    this.ensure(4);
    this.view.setInt32(this.pos, -1);
    this.pos += 4;
  }

  /** UTF-8 text; null → NULL. */
  text(s: string | null): void {
    if (s === null) {
      this.null();
      return;
    }
    const n = s.length;
    this.ensure(4 + 3 * n);
    const start = this.pos + 4;
    let p = start;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      this.buf[p++] = c;
    }
    if (!ascii) p = start + this.encoder.encodeInto(s, this.buf.subarray(start)).written;
    this.view.setInt32(this.pos, p - start);
    this.pos = p;
  }

  /** float8; NaN and ±Infinity → NULL (the market types' "missing"). */
  float8(x: number): void {
    if (!Number.isFinite(x)) {
      this.null();
      return;
    }
    this.ensure(12);
    this.view.setInt32(this.pos, 8);
    this.view.setFloat64(this.pos + 4, x);
    this.pos += 12;
  }

  /** int8 from a count, rounded; non-finite → NULL. */
  int8(x: number): void {
    if (!Number.isFinite(x)) {
      this.null();
      return;
    }
    this.ensure(12);
    this.view.setInt32(this.pos, 8);
    this.pos += 4;
    this.int64(Math.round(x));
  }

  /** timestamptz from epoch ms (µs precision); non-finite → NULL. */
  timestamptz(ms: number): void {
    if (!Number.isFinite(ms)) {
      this.null();
      return;
    }
    this.ensure(12);
    this.view.setInt32(this.pos, 8);
    this.pos += 4;
    this.int64(Math.round((ms - PG_EPOCH_MS) * 1000));
  }

  /** date from `YYYY-MM-DD`. `field` names the value in the error when it is malformed. */
  date(day: string, field: string): void {
    let days = this.dayCache.get(day);
    if (days === undefined) {
      const m = DAY.exec(day);
      const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
      if (!m || new Date(ms).toISOString().slice(0, 10) !== day) {
        throw new StoreInputError(field, `must be a YYYY-MM-DD date (got ${JSON.stringify(day)})`);
      }
      days = ms / 86_400_000 - PG_EPOCH_DAYS;
      this.dayCache.set(day, days);
    }
    this.ensure(8);
    this.view.setInt32(this.pos, 4);
    this.view.setInt32(this.pos + 4, days);
    this.pos += 8;
  }

  /** uuid from its canonical text; null → NULL. */
  uuid(id: string | null): void {
    if (id === null) {
      this.null();
      return;
    }
    if (this.lastUuid?.[0] !== id) {
      const m = UUID.exec(id);
      if (!m) throw new StoreInputError('uuid', `must be a UUID (got ${JSON.stringify(id)})`);
      const hex = m.slice(1).join('');
      this.lastUuid = [
        id,
        Uint8Array.from({ length: 16 }, (_, i) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)),
      ];
    }
    this.ensure(20);
    this.view.setInt32(this.pos, 16);
    this.buf.set(this.lastUuid[1], this.pos + 4);
    this.pos += 20;
  }

  /** Ends the stream (trailer) and returns its chunks. The writer is spent afterwards. */
  finish(): Uint8Array[] {
    this.ensure(2);
    this.view.setInt16(this.pos, -1);
    this.pos += 2;
    this.chunks.push(this.buf.subarray(0, this.pos));
    return this.chunks;
  }
}
