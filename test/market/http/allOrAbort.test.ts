import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { allOrAbort } from '../../../src/market/http/allOrAbort.js';

/** A task that resolves with `value` after `ms`, or rejects with its signal's reason when aborted first. */
const settleAfter =
  <T>(ms: number, value: T, seen?: AbortSignal[]) =>
  (signal: AbortSignal) =>
    new Promise<T>((resolve, reject) => {
      seen?.push(signal);
      const t = setTimeout(() => resolve(value), ms);
      signal.addEventListener('abort', () => {
        clearTimeout(t);
        reject(signal.reason);
      });
    });

describe('allOrAbort', () => {
  it('resolves every result in order', async () => {
    await expect(allOrAbort(undefined, [settleAfter(20, 'a'), settleAfter(5, 'b')])).resolves.toEqual([
      'a',
      'b',
    ]);
  });

  it('aborts the others at the first failure and rejects with it', async () => {
    const seen: AbortSignal[] = [];
    const failing = async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('expiry failed');
    };
    await expect(
      allOrAbort(undefined, [settleAfter(500, 1, seen), failing, settleAfter(500, 2, seen)]),
    ).rejects.toThrow('expiry failed');
    expect(seen.every((s) => s.aborted)).toBe(true);
  });

  it("follows the caller's signal without adding a listener to it, however many groups run under it", async () => {
    const scan = new AbortController();
    const seen: AbortSignal[] = [];
    const groups = Array.from({ length: 20 }, () => allOrAbort(scan.signal, [settleAfter(1000, 1, seen)]));
    expect(getEventListeners(scan.signal, 'abort')).toHaveLength(0);
    scan.abort(new Error('scan cancelled'));
    const settled = await Promise.allSettled(groups);
    expect(settled.map((r) => (r.status === 'rejected' ? String(r.reason) : 'resolved'))).toEqual(
      Array(20).fill('Error: scan cancelled'),
    );
    expect(seen.every((s) => s.aborted)).toBe(true);
  });

  it('rejects at once when the caller has already aborted', async () => {
    const scan = new AbortController();
    scan.abort(new Error('stopped'));
    await expect(allOrAbort(scan.signal, [settleAfter(10, 1)])).rejects.toThrow('stopped');
  });
});
