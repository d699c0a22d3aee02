/**
 * A call to Telegram that fails on the network (a reset connection, a DNS hiccup) is tried
 * again a few times, then fails: grammY's auto-retry plugin would retry it for ever, in
 * silence, so an outage would hang the reply, the start and the stop without a word in
 * the log. After these attempts the caller sees the error: a reply is then undelivered
 * (the boundary's path for that), a start says Telegram cannot be reached. getUpdates is
 * left alone: the poller has its own backoff and logs each failure.
 */
import { HttpError, type Transformer } from 'grammy';
import { sleep } from '../sleep.js';

const RETRY_DELAYS_MS = [500, 1_500, 3_000];

export function retryNetworkErrors(delaysMs: readonly number[] = RETRY_DELAYS_MS): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (error) {
        const delay = delaysMs[attempt];
        if (!(error instanceof HttpError) || method === 'getUpdates' || delay === undefined || signal?.aborted) throw error;
        await sleep(delay, signal as AbortSignal | undefined);
      }
    }
  };
}
