/**
 * What every reminders-*.test.ts stands on: its own database (bundled forms
 * seeded), a Bot API emulator, a Redis prefix of its own, the scheduler's client,
 * one worker connection, and in the end all of them closed, the prefix's keys
 * deleted and the database dropped. Each file still states its own rows, clock,
 * policy and workers.
 */
import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { Api } from 'grammy';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { clearRedisPrefix, createRedis } from '../../jobs/connection.js';
import { startOutboxWorker, type OutboxDeps } from '../../jobs/outbox.js';
import { connectScheduler, startJobs, type RunningJobs } from '../../jobs/runtime.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import { startSlotWorker, type SlotDeps } from '../../jobs/slots.js';
import { createTelegramSender } from '../../src/channels/telegram/sender.js';
import { createDb } from '../../src/db/connect.js';
import type { Database } from '../../src/db/schema.js';
import { startBotApiEmulator, type BotApiEmulator } from '../../src/emulator/botApiEmulator.js';
import { silentLogger } from '../../src/logger.js';
import type { ReminderPolicy } from '../../src/reminders/policy.js';
import { FormCache } from '../../src/services/forms.js';
import type { Clock, ManualClock } from '../../src/time.js';
import { createTestDb, type TestDb } from './db.js';
import { seedForms } from './fixtures.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** No admins by configuration; every message goes through Telegram. */
export const TELEGRAM_AUDIENCE = { adminIds: [], channels: ['telegram'] } as const;

/** Quiet hours 21:00–07:00, and the given days (YYYY-MM-DD) off. */
export function reminderPolicy(holidays: string[] = []): ReminderPolicy {
  return { quietHours: { start: '21:00', end: '07:00' }, holidays: new Set(holidays) };
}

export type SchedulerClient = Awaited<ReturnType<typeof connectScheduler>>;

/** A scheduler without workers for a chat under test: no quiet hours, its own Redis prefix. */
export function connectTestScheduler(db: Kysely<Database>, clock: Clock, redisPrefix: string): Promise<SchedulerClient> {
  return connectScheduler({ db, clock, logger: silentLogger, policy: { quietHours: null, holidays: new Set() }, config: { redisUrl: REDIS_URL, redisPrefix } });
}

export interface ReminderHarnessOptions {
  clock: ManualClock;
  policy: ReminderPolicy;
  /** Start a Bot API emulator (default true). */
  emulator?: boolean;
  /** Connect the scheduler's client (default true). */
  scheduler?: boolean;
}

export interface ReminderHarness {
  t: TestDb;
  db: Kysely<Database>;
  clock: ManualClock;
  policy: ReminderPolicy;
  /** `test-<uuid>`: this file's Redis keys, deleted by stop(). */
  prefix: string;
  /** A plain connection for the test's own Redis calls (and the final cleanup). */
  redis: Redis;
  emulator: BotApiEmulator;
  /** close() may be called by the test too; it runs once. */
  client: SchedulerClient;
  /** Workers started through the harness; stop() closes those still here. */
  workers: Worker[];
  /** The one worker connection, made on first use, disconnected by stop(). */
  workerRedis(): Redis;
  outboxDeps(overrides?: Partial<OutboxDeps>): OutboxDeps;
  slotDeps(overrides?: Partial<SlotDeps>): SlotDeps;
  startOutboxWorker(deps: OutboxDeps, maxPerSecond: number): Worker;
  startSlotWorker(deps: SlotDeps): Worker;
  /** The whole job runtime, as the bot process starts it, against the emulator. */
  /** The bot's jobs as the process starts them; `watchdogEveryMs` shortens the watchdog's minute. */
  /** The real worker runtime; `digestCron` defaults to a time the tests' dates never pass (no catch-up digest at start). */
  startJobs(outboxMaxPerSecond: number, options?: { watchdogEveryMs?: number; digestCron?: string }): Promise<RunningJobs>;
  /** Deletes every Redis key of this installation, as FLUSHALL would (other test files keep theirs); how many there were. */
  flushRedis(): Promise<number>;
  /** Runs `during` while a slot worker runs against a Postgres that cannot be reached. */
  withSlotWorkerOnUnreachablePostgres<T>(scheduler: Scheduler, during: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

export async function startReminderHarness(label: string, options: ReminderHarnessOptions): Promise<ReminderHarness> {
  const { clock, policy } = options;
  const prefix = `test-${randomUUID()}`;
  const t = await createTestDb(label);
  const db = t.db;
  let emulator: BotApiEmulator | undefined;
  let client: SchedulerClient | undefined;
  let workerRedis: Redis | undefined;
  const redis = createRedis(REDIS_URL, 'worker');
  const workers: Worker[] = [];

  async function stop(): Promise<void> {
    await Promise.all(workers.splice(0).map((w) => w.close()));
    await client?.close();
    workerRedis?.disconnect();
    await emulator?.close();
    await clearRedisPrefix(redis, prefix);
    await redis.quit();
    await t.drop();
  }

  try {
    await seedForms(db);
    if (options.emulator !== false) emulator = await startBotApiEmulator();
    if (options.scheduler !== false) {
      const connected = await connectScheduler({ db, clock, logger: silentLogger, policy, config: { redisUrl: REDIS_URL, redisPrefix: prefix } });
      let closing: Promise<void> | undefined;
      client = { scheduler: connected.scheduler, queues: connected.queues, redis: connected.redis, close: () => (closing ??= connected.close()) };
    }
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the reminder harness of ${label} was started without ${what}`);
    return value;
  };

  const harness: ReminderHarness = {
    t,
    db,
    clock,
    policy,
    prefix,
    redis,
    get emulator() {
      return need(emulator, 'an emulator');
    },
    get client() {
      return need(client, 'a scheduler');
    },
    workers,
    workerRedis() {
      workerRedis ??= createRedis(REDIS_URL, 'worker');
      return workerRedis;
    },
    outboxDeps(overrides = {}) {
      const sender = createTelegramSender(new Api(harness.emulator.token, { apiRoot: harness.emulator.apiRoot }));
      return { db, forms: new FormCache(db), clock, logger: silentLogger, sender, queue: harness.client.queues.outbox.telegram, adminIds: [], ...overrides };
    },
    slotDeps(overrides = {}) {
      return { db, clock, logger: silentLogger, scheduler: harness.client.scheduler, audience: TELEGRAM_AUDIENCE, ...overrides };
    },
    startOutboxWorker(deps, maxPerSecond) {
      const worker = startOutboxWorker(deps, { connection: harness.workerRedis(), prefix, maxPerSecond });
      workers.push(worker);
      return worker;
    },
    startSlotWorker(deps) {
      const worker = startSlotWorker(deps, { connection: harness.workerRedis(), prefix });
      workers.push(worker);
      return worker;
    },
    flushRedis: () => clearRedisPrefix(redis, prefix),
    startJobs(outboxMaxPerSecond, { digestCron = '0 7 29 2 *', ...options } = {}) {
      const { token, apiRoot } = harness.emulator;
      return startJobs({
        db,
        forms: new FormCache(db),
        clock,
        logger: silentLogger,
        policy,
        config: { redisUrl: REDIS_URL, redisPrefix: prefix, adminIds: [], digestCron },
        channels: [{ sender: createTelegramSender(new Api(token, { apiRoot })), maxPerSecond: outboxMaxPerSecond }],
        ...options,
      });
    },
    async withSlotWorkerOnUnreachablePostgres(scheduler, during) {
      const away = createDb('postgres://postgres@127.0.0.1:1/unreachable', { max: 1 });
      const connection = createRedis(REDIS_URL, 'worker');
      const worker = startSlotWorker({ db: away, clock, logger: silentLogger, scheduler, audience: TELEGRAM_AUDIENCE }, { connection, prefix });
      try {
        return await during();
      } finally {
        await worker.close();
        connection.disconnect();
        await away.destroy();
      }
    },
    stop,
  };
  return harness;
}
