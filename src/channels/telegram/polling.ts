/**
 * Long polling that confirms an update only once it is handled. Telegram forgets every
 * update below the `offset` of the next getUpdates, so a poller that moves the offset
 * as soon as it receives (as grammY's runner does) loses the updates in hand when the
 * process is killed: the person gets silence. Here the offset never passes an update
 * still being handled: the next poll gets it again and skips it while it is in hand, so
 * a kill leaves it with Telegram, delivered again after the restart (and an update
 * handled but not yet confirmed is recognised by its processed-update record).
 *
 * Updates of different chats are handled concurrently (one chat's stay in order through
 * the bot's sequentialize middleware); at most `limit` are in hand at once, so a burst
 * waits with Telegram rather than in memory.
 */
import type { Bot, Context } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../../logger.js';
import { lastReceived, receiveErrors } from '../../metrics.js';
import { sleep } from '../sleep.js';

export interface PollingOptions {
  allowedUpdates: readonly string[];
  logger: Logger;
  /** Seconds a poll waits for updates (Telegram's long poll). */
  timeoutSeconds?: number;
  /** Updates in hand at most (and getUpdates' limit). */
  limit?: number;
}

export interface Polling {
  stop(): Promise<void>;
}

const RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
/** How long stop() tries to confirm the updates handled. */
const CONFIRM_ON_STOP_MS = 5_000;

export function startConfirmedPolling<C extends Context>(bot: Bot<C>, options: PollingOptions): Polling {
  const limit = options.limit ?? 100;
  const inHand = new Map<number, Promise<void>>();
  /** Handled but not yet confirmed (above an update still in hand). */
  const handled = new Set<number>();
  let lastSeen = -1;
  let stopped = false;
  const abort = new AbortController();
  let wakeUp: (() => void) | undefined;

  /** The lowest update not yet handled: everything below it is done and may be confirmed. */
  function offset(): number | undefined {
    if (lastSeen < 0) return undefined;
    let lowest = lastSeen + 1;
    for (const id of inHand.keys()) lowest = Math.min(lowest, id);
    for (const id of handled) if (id < lowest) handled.delete(id);
    return lowest;
  }

  function handle(update: Update): void {
    const id = update.update_id;
    const done = bot
      .handleUpdate(update)
      .catch((err: unknown) => options.logger.error({ err, updateId: id }, 'update failed'))
      .finally(() => {
        inHand.delete(id);
        handled.add(id);
        wakeUp?.();
      });
    inHand.set(id, done);
  }

  /** Waits while `limit` updates are in hand: the rest stay with Telegram. */
  async function room(): Promise<void> {
    while (inHand.size >= limit && !stopped) await new Promise<void>((resolve) => (wakeUp = resolve));
    wakeUp = undefined;
  }

  async function loop(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      await room();
      if (stopped) break;
      let updates: Update[];
      try {
        const next = offset();
        updates = await bot.api.getUpdates(
          {
            ...(next !== undefined ? { offset: next } : {}),
            limit,
            timeout: options.timeoutSeconds ?? 30,
            allowed_updates: [...options.allowedUpdates] as never,
          },
          // grammY types its signal as the abort-controller polyfill's; Node's is the same at run time.
          abort.signal as unknown as Parameters<typeof bot.api.getUpdates>[1],
        );
        failures = 0;
        lastReceived.set({ channel: 'telegram' }, Date.now() / 1000);
      } catch (err) {
        if (stopped) break;
        receiveErrors.inc({ channel: 'telegram' });
        const delay = RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]!;
        options.logger.warn({ err, retryInMs: delay }, 'telegram getUpdates failed');
        // Cut short by stop(): it need not wait out the backoff (up to 30 s).
        await sleep(delay, abort.signal);
        continue;
      }
      for (const update of updates) {
        const id = update.update_id;
        lastSeen = Math.max(lastSeen, id);
        // Still in hand, or handled and waiting for a slower one below it to be confirmed.
        if (inHand.has(id) || handled.has(id)) continue;
        handle(update);
      }
      // Only updates in hand came back: wait for one to finish instead of polling them again at once.
      if (updates.length > 0 && updates.every((u) => inHand.has(u.update_id) || handled.has(u.update_id)) && inHand.size > 0) {
        await Promise.race(inHand.values());
      }
    }
  }

  const running = loop();
  return {
    async stop() {
      stopped = true;
      abort.abort();
      wakeUp?.();
      await running.catch(() => undefined);
      // The updates in hand finish (their transactions commit) before the process goes.
      await Promise.all(inHand.values());
      // Confirm what was handled, so a clean restart does not receive it again.
      // Bounded: with Telegram away the process must still stop (the updates are received again, and change nothing).
      const next = offset();
      if (next !== undefined) {
        const signal = AbortSignal.timeout(CONFIRM_ON_STOP_MS) as unknown as Parameters<typeof bot.api.getUpdates>[1];
        await bot.api.getUpdates({ offset: next, limit: 1, timeout: 0 }, signal).catch(() => undefined);
      }
    },
  };
}
