/**
 * Waits for a condition that only a query can observe (a row written by another
 * process), checking it every `intervalMs` until `timeoutMs`. The wait ends as soon
 * as the condition holds; the interval only bounds how often the database is asked.
 */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
