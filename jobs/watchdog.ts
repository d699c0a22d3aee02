/**
 * The watchdog of a worker process: a plain timer outside BullMQ (whose own schedulers
 * live in Redis and vanish with it). Redis is only a cache of the schedule, so when it
 * has lost its data — FLUSHALL, a restart without persistence, a failover to an empty
 * replica — Postgres rebuilds it without a restart: the job schedulers (the sweep, the
 * digest) are recreated on every tick, and a full rebuild (every slot's delayed job,
 * every queued delivery's job) runs when a sentinel key this watchdog keeps in Redis is
 * gone. The process rebuilds once at start (`rebuild`, before the watchdog runs); the
 * watchdog then ticks every minute and after every reconnect; ticks never overlap.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../src/logger.js';

/** How often the watchdog looks, at most: a due message waits at most about this long after Redis lost it. */
export const WATCHDOG_EVERY_MS = 60_000;

export interface RebuildDeps {
  /** The connection that carries the sentinel. */
  redis: Redis;
  prefix: string;
  /** Recreates the repeatable jobs (idempotent, cheap). */
  ensureSchedulers(): Promise<void>;
  /** Rebuilds every job from Postgres (idempotent: job ids are deterministic). */
  reconcile(): Promise<unknown>;
}

export interface WatchdogDeps extends RebuildDeps {
  /** The connections whose reconnects ('ready') trigger a tick; the watchdog removes its listeners on stop. */
  reconnects: readonly Redis[];
  logger: Logger;
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

/**
 * The whole schedule from Postgres: the repeatable jobs, a full reconcile, then the
 * sentinel. Errors propagate; the sentinel is set only once the rebuild is complete, so
 * a failed rebuild is tried again at the next tick.
 */
export async function rebuild(deps: RebuildDeps): Promise<void> {
  await deps.ensureSchedulers();
  await deps.reconcile();
  await deps.redis.set(sentinelKey(deps.prefix), new Date().toISOString());
}

export function startWatchdog(deps: WatchdogDeps): Watchdog {
  const key = sentinelKey(deps.prefix);
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  async function once(): Promise<void> {
    const present = (await deps.redis.exists(key)) === 1;
    if (present) {
      await deps.ensureSchedulers();
    } else {
      deps.logger.warn('redis has lost the schedule: rebuilding it from postgres');
      await rebuild(deps);
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
  for (const connection of deps.reconnects) connection.on('ready', onReady);
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      for (const connection of deps.reconnects) connection.off('ready', onReady);
      await running;
    },
  };
}
