/**
 * Redis connections the way BullMQ's production guide asks: workers retry forever
 * (maxRetriesPerRequest: null) so a Redis restart pauses them instead of killing
 * them; producers fail fast (enableOfflineQueue: false) so a user action is not
 * silently held while Redis is away.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../src/logger.js';
import { redactUrl } from '../src/text/redact.js';

export type RedisRole = 'worker' | 'producer';

/** `onError` hears connection errors (ioredis reconnects by itself; unheard, they would crash the process). */
export function createRedis(url: string, role: RedisRole, onError: (error: Error) => void = () => undefined): Redis {
  const redis =
    role === 'worker'
      ? new Redis(url, { maxRetriesPerRequest: null })
      : new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 3 });
  redis.on('error', onError);
  return redis;
}

export class RedisUnavailableError extends Error {}

/** Resolves once the connection is ready; rejects with a clear message after `timeoutMs`. */
export async function waitUntilReady(redis: Redis, url: string, timeoutMs = 5000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new RedisUnavailableError(`Không kết nối được Redis tại ${redactUrl(url)} (REDIS_URL). Kiểm tra Redis đã chạy chưa, ví dụ: redis-server --daemonize yes`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

/**
 * BullMQ keeps jobs as keys: a Redis that evicts keys under memory pressure loses
 * reminders silently. Postgres would rebuild them at the next start, but warn now.
 */
export async function warnUnlessNoEviction(redis: Redis, logger: Logger): Promise<void> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy && policy !== 'noeviction') {
      logger.warn({ policy }, 'Redis maxmemory-policy should be noeviction: queued reminders may be evicted');
    }
  } catch (err) {
    // Managed Redis services often refuse CONFIG; nothing to check then.
    logger.debug({ err }, 'could not read Redis maxmemory-policy');
  }
}

/** Deletes every key under `prefix` (a demo or benchmark starting over), never the whole Redis; returns how many. */
export async function clearRedisPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length) deleted += await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}
