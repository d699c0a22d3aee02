/**
 * The watchdog of a worker process: a plain timer outside BullMQ (whose own schedulers
 * live in Redis and vanish with it). Redis is only a cache of the schedule, so when it
 * has lost its data — FLUSHALL, a restart without persistence, a failover to an empty
 * replica — Postgres rebuilds it without a restart: the job schedulers (the sweep, the
 * digest) are recreated on every tick, and a full reconcile (every slot's delayed job,
 * every queued delivery's job) runs when a sentinel key this watchdog keeps in Redis is
 * gone. It ticks at start, every minute and after every reconnect; ticks never overlap.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../src/logger.js';

/** How often the watchdog looks, at most: a due message waits at most about this long after Redis lost it. */
export const WATCHDOG_EVERY_MS = 60_000;

export interface WatchdogDeps {
  /** The connections whose reconnects trigger a tick (they also carry the sentinel). */
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** Recreates the repeatable jobs (idempotent, cheap). */
  ensureSchedulers(): Promise<void>;
  /** Rebuilds every job from Postgres (idempotent: job ids are deterministic). */
  reconcile(): Promise<unknown>;
  everyMs?: number;
  /** Told after each tick (tests, metrics). */
  onTick?: (outcome: { rebuilt: boolean }) => void;
}

export interface Watchdog {
  /** One tick now (waits for the one in progress, if any). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function sentinelKey(prefix: string): string {
  return `${prefix}:watchdog:schedule`;
}

export function startWatchdog(deps: WatchdogDeps): Watchdog {
  const key = sentinelKey(deps.prefix);
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  async function once(): Promise<void> {
    await deps.ensureSchedulers();
    const present = (await deps.redis.exists(key)) === 1;
    if (!present) {
      deps.logger.warn('redis has lost the schedule: rebuilding it from postgres');
      await deps.reconcile();
      // Set only once the rebuild is complete: a failed rebuild is tried again next tick.
      await deps.redis.set(key, new Date().toISOString());
    }
    deps.onTick?.({ rebuilt: !present });
  }

  function tick(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = once()
      .catch((err: unknown) => deps.logger.warn({ err }, 'watchdog tick failed; next tick retries'))
      .finally(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          void tick();
        }
      });
    return running;
  }

  const timer = setInterval(() => void tick(), deps.everyMs ?? WATCHDOG_EVERY_MS);
  timer.unref();
  const onReady = () => void tick();
  deps.redis.on('ready', onReady);
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      deps.redis.off('ready', onReady);
      await running;
    },
  };
}
