/**
 * Runs requests together like Promise.all, but the first failure aborts the others, so a chain
 * whose one expiry failed does not keep spending the provider's rate limit on retries nobody will
 * read. The caller's signal aborts them all too.
 */
export async function allOrAbort<T>(
  signal: AbortSignal | undefined,
  tasks: readonly ((signal: AbortSignal) => Promise<T>)[],
): Promise<T[]> {
  signal?.throwIfAborted();
  const ac = new AbortController();
  // AbortSignal.any follows the caller's signal without adding a listener to it: a scan runs many of these at
  // once under one signal, and Node warns of a "possible EventTarget memory leak" past 10 listeners.
  const group = signal ? AbortSignal.any([signal, ac.signal]) : ac.signal;
  return await Promise.all(
    tasks.map((task) =>
      task(group).catch((e: unknown) => {
        if (!ac.signal.aborted) ac.abort();
        throw e;
      }),
    ),
  );
}
