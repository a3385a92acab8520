import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COPY_NULL,
  chunkLines,
  copyCount,
  copyFloat,
  copyText,
  copyTimestamp,
} from '../../src/store/copyText.js';

/** The server's decoding of one text-format field, for the round-trip property. */
function decode(field: string): string | null {
  if (field === COPY_NULL) return null;
  return field.replace(/\\(.)/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c] ?? c);
}

describe('COPY text encoding', () => {
  it('escapes backslash, tab, newline and carriage return so a field never splits', () => {
    expect(copyText('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyText('\\N')).toBe('\\\\N'); // the literal text, not NULL
    expect(copyText(null)).toBe(COPY_NULL);
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'N', '\\', '\t', '\n', '\r', 'é', '😀', ' '), maxLength: 30 }),
        (s) => {
          const enc = copyText(s);
          expect(enc).not.toMatch(/[\t\n\r]/);
          expect(decode(enc)).toBe(s);
        },
      ),
    );
  });

  it('writes missing numbers as NULL, counts as integers, instants as ISO UTC', () => {
    expect([copyFloat(1.5), copyFloat(Number.NaN), copyFloat(Number.POSITIVE_INFINITY)]).toEqual([
      '1.5',
      COPY_NULL,
      COPY_NULL,
    ]);
    expect([copyCount(12.4), copyCount(Number.NaN)]).toEqual(['12', COPY_NULL]);
    expect(copyTimestamp(Date.UTC(2026, 10, 25, 14, 30))).toBe('2026-11-25T14:30:00.000Z');
    expect(copyTimestamp(Number.NaN)).toBe(COPY_NULL);
  });

  it('groups lines into chunks without losing or reordering any', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `${i}\n`);
    const chunks = [...chunkLines(lines, 100)];
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.join('')).toBe(lines.join(''));
    expect([...chunkLines([])]).toEqual([]);
  });
});
