/** Waits `ms`, or less: resolves at once when `signal` aborts (a stopping poller does not wait out its backoff). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return new Promise((resolve) => setTimeout(resolve, ms));
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The wait before try `attempt` (from 1) of a step that keeps failing: `startMs`, doubling each time, at most `maxMs`. */
export function backoffMs(attempt: number, startMs: number, maxMs: number): number {
  return Math.min(maxMs, startMs * 2 ** (attempt - 1));
}
