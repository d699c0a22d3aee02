/**
 * Starting and stopping the reminder machinery: Redis connections, queues, the slot
 * worker, one outbox worker per channel, the daily digest scheduler, a reconcile with
 * Postgres, and the watchdog that rebuilds the schedule when Redis loses it.
 */
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { ChannelName, ChannelSender } from '../src/chat/port.js';
import type { Config } from '../src/config.js';
import type { Database } from '../src/db/schema.js';
import type { Logger } from '../src/logger.js';
import { currentDigestKey, digestDueEarlierToday, type ReminderPolicy } from '../src/reminders/policy.js';
import { ensureAdminPeople } from '../src/services/people.js';
import type { FormCache } from '../src/services/forms.js';
import { TIME_ZONE, type Clock } from '../src/time.js';
import { createRedis, waitUntilReady, warnUnlessNoEviction } from './connection.js';
import { startOutboxWorker } from './outbox.js';
import { createQueues, DIGEST_JOB, SWEEP_EVERY_MS, SWEEP_JOB, SWEEP_SCHEDULER, type Queues } from './queues.js';
import { createScheduler, type Scheduler } from './scheduler.js';
import { startSlotWorker } from './slots.js';
import { rebuild, startWatchdog, type Watchdog } from './watchdog.js';
import { reconcileRuns, reportQueueDepths } from '../src/metrics.js';

export type JobsConfig = Pick<Config, 'redisUrl' | 'redisPrefix' | 'adminIds' | 'digestCron'>;

/** A channel the outbox sends through, with its own rate cap. */
export interface OutboxChannel {
  sender: ChannelSender;
  maxPerSecond: number;
}

export interface JobsDeps {
  db: Kysely<Database>;
  forms: FormCache;
  clock: Clock;
  logger: Logger;
  config: JobsConfig;
  policy: ReminderPolicy;
  /** The enabled channels: messages go to each person's most recent one among them. */
  channels: readonly OutboxChannel[];
  /** How often the watchdog checks that Redis still holds the schedule (default: a minute). */
  watchdogEveryMs?: number;
}

/** A scheduler without workers: for the CLI, which changes rounds but sends nothing. */
export async function connectScheduler(deps: {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  policy: ReminderPolicy;
  config: Pick<Config, 'redisUrl' | 'redisPrefix'>;
  /** Set by the process that runs the outbox workers (see SchedulerDeps.channels). */
  channels?: readonly ChannelName[];
}): Promise<{ scheduler: Scheduler; queues: Queues; redis: Redis; close(): Promise<void> }> {
  // One logger for the connection and its queues: a Redis away is one line per distinct error.
  const onRedisError = redisErrorLogger(deps.logger);
  const redis = createRedis(deps.config.redisUrl, 'producer', onRedisError);
  try {
    await waitUntilReady(redis, deps.config.redisUrl);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const queues = createQueues(redis, deps.config.redisPrefix, onRedisError);
  const scheduler = createScheduler({ db: deps.db, queues, clock: deps.clock, policy: deps.policy, logger: deps.logger, ...(deps.channels ? { channels: deps.channels } : {}) });
  return {
    scheduler,
    queues,
    redis,
    async close() {
      await queues.close();
      await redis.quit().catch(() => undefined);
    },
  };
}

/** Jobs per queue and state, for /metrics. */
async function queueDepths(queues: Queues): Promise<Array<{ queue: string; state: string; count: number }>> {
  const all = [queues.slots, ...Object.values(queues.outbox)];
  const rows: Array<{ queue: string; state: string; count: number }> = [];
  for (const queue of all) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
    for (const [state, count] of Object.entries(counts)) rows.push({ queue: queue.name, state, count });
  }
  return rows;
}

/** One line per distinct error while Redis is away, not one per reconnect attempt. */
function redisErrorLogger(logger: Logger): (error: Error) => void {
  let last = '';
  return (error) => {
    if (error.message === last) return;
    last = error.message;
    logger.warn({ err: error }, 'redis connection error');
  };
}

/** Whether this connection answers now (for /readyz): a PING, false on any error. */
export function redisAnswers(redis: Redis): Promise<boolean> {
  return redis.ping().then(
    (pong) => pong === 'PONG',
    () => false,
  );
}

export interface RunningJobs {
  scheduler: Scheduler;
  queues: Queues;
  /** Whether Redis answers now (for /readyz). */
  redisAnswers(): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startJobs(deps: JobsDeps): Promise<RunningJobs> {
  const prefix = deps.config.redisPrefix;
  const client = await connectScheduler({ ...deps, channels: deps.channels.map((c) => c.sender.channel) });
  const workerRedis = createRedis(deps.config.redisUrl, 'worker', redisErrorLogger(deps.logger));
  const workers: Worker[] = [];
  let watchdog: Watchdog | undefined;
  let stopReportingDepths: (() => void) | undefined;
  try {
    await warnUnlessNoEviction(workerRedis, deps.logger);
    await ensureAdminPeople(deps.db, deps.config.adminIds);
    const { scheduler, queues } = client;
    const audience = { adminIds: deps.config.adminIds, channels: deps.channels.map((c) => c.sender.channel) };
    workers.push(startSlotWorker({ db: deps.db, clock: deps.clock, logger: deps.logger, scheduler, audience, policy: deps.policy }, { connection: workerRedis, prefix }));
    // A person's account that refuses messages on one channel: the outbox sends to their account on another.
    const elsewhere = Object.fromEntries(deps.channels.map((c) => [c.sender.channel, queues.outbox[c.sender.channel]]));
    for (const { sender, maxPerSecond } of deps.channels) {
      const outboxDeps = { db: deps.db, forms: deps.forms, clock: deps.clock, logger: deps.logger, sender, queue: queues.outbox[sender.channel], policy: deps.policy, adminIds: deps.config.adminIds, elsewhere };
      workers.push(startOutboxWorker(outboxDeps, { connection: workerRedis, prefix, maxPerSecond }));
    }
    const ensureSchedulers = async () => {
      await queues.slots.upsertJobScheduler('daily-digest', { pattern: deps.config.digestCron, tz: TIME_ZONE }, { name: DIGEST_JOB, data: {} });
      await queues.slots.upsertJobScheduler(SWEEP_SCHEDULER, { every: SWEEP_EVERY_MS }, { name: SWEEP_JOB, data: {} });
    };
    const schedule = { redis: client.redis, prefix, ensureSchedulers, reconcile: () => scheduler.reconcileAll() };
    await rebuild(schedule);
    // Started after today's digest time (a deploy, a reboot across 07:00): today's digest now,
    // one job a day whoever starts (its id), nothing sent twice (the digest's slot key).
    const now = deps.clock.now();
    if (digestDueEarlierToday(deps.config.digestCron, now)) {
      await queues.slots.add(DIGEST_JOB, {}, { jobId: `${DIGEST_JOB}-catch-up-${currentDigestKey(now)}` });
    }
    watchdog = startWatchdog({
      ...schedule,
      // A worker connection that comes back may find an empty Redis too.
      reconnects: [client.redis, workerRedis],
      logger: deps.logger,
      onTick: ({ rebuilt }) => reconcileRuns.inc({ rebuilt: String(rebuilt) }),
      ...(deps.watchdogEveryMs ? { everyMs: deps.watchdogEveryMs } : {}),
    });
    stopReportingDepths = reportQueueDepths(() => queueDepths(queues));
  } catch (error) {
    await watchdog?.stop();
    await Promise.all(workers.map((w) => w.close()));
    workerRedis.disconnect();
    await client.close();
    throw error;
  }
  return {
    scheduler: client.scheduler,
    queues: client.queues,
    // The producer connection fails fast; the workers' own waits for Redis to come back (BullMQ's blocking reads).
    redisAnswers: () => redisAnswers(client.redis),
    async stop() {
      stopReportingDepths?.();
      await watchdog?.stop();
      // Workers finish the job in hand (its ledger row is then final) before the connections close.
      await Promise.all(workers.map((w) => w.close()));
      await client.close();
      await workerRedis.quit().catch(() => undefined);
    },
  };
}
