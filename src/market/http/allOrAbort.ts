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
  const onAbort = () => ac.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.all(
      tasks.map((task) =>
        task(ac.signal).catch((e: unknown) => {
          if (!ac.signal.aborted) ac.abort();
          throw e;
        }),
      ),
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
