/**
 * Benchmark of a round's fan-out at national scale: 50,000 organizations with one
 * reporter each, the announcement sent through the real pipeline (slot worker →
 * ledger → outbox worker → HTTP) to the local Bot API emulator with its rate limit
 * off, so our code, not Telegram's 30 messages/s, is what is measured. Then the same
 * through the Zalo outbox to the Zalo emulator (BENCH_ZALO_ORGS reporters on Zalo).
 *
 * Prints: how long creating and scheduling the round takes, the fan-out time,
 * sends per second sustained by the outbox, peak memory of the process (which
 * also hosts the emulator and its 50,000 stored messages) and Redis memory at the peak.
 *
 *   npm run bench -- reminders      (BENCH_ORGS=5000 BENCH_ZALO_ORGS=5000 for a quick run)
 */
import { Api } from 'grammy';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { clearRedisPrefix } from '../jobs/connection.js';
import { createQueues } from '../jobs/queues.js';
import { createScheduler } from '../jobs/scheduler.js';
import { startOutboxWorker } from '../jobs/outbox.js';
import { startSlotWorker } from '../jobs/slots.js';
import { createTelegramSender } from '../src/channels/telegram/sender.js';
import { createZaloSender } from '../src/channels/zalo/adapter.js';
import { createZaloClient } from '../src/channels/zalo/client.js';
import type { ChannelName, ChannelSender } from '../src/chat/port.js';
import { startBotApiEmulator } from '../src/emulator/botApiEmulator.js';
import { startZaloEmulator } from '../src/emulator/zaloEmulator.js';
import { silentLogger } from '../src/logger.js';
import { createCampaign } from '../src/services/campaigns.js';
import { FormCache } from '../src/services/forms.js';
import { systemClock } from '../src/time.js';
import { freshDatabase, seedReporters } from './support.js';

const ORGS = Number(process.env.BENCH_ORGS ?? 50_000);
const ZALO_ORGS = Number(process.env.BENCH_ZALO_ORGS ?? ORGS);
const CONCURRENCY = Number(process.env.BENCH_OUTBOX_CONCURRENCY ?? 32);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = 'baocao-bench-reminders';
const FIRST_USER_ID = 7_000_000;
const DAY = 24 * 60 * 60 * 1000;

async function redisUsedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** A channel's emulator and the outbox's sender to it. */
interface BenchChannel {
  sender: ChannelSender;
  /** sendMessage calls the emulator received. */
  received(): number;
  close(): Promise<void>;
}

async function telegramChannel(): Promise<BenchChannel> {
  const emulator = await startBotApiEmulator();
  emulator.setRateLimit(null);
  return {
    sender: createTelegramSender(new Api(emulator.token, { apiRoot: emulator.apiRoot })),
    received: () => emulator.calls.filter((c) => c.method === 'sendMessage').length,
    close: () => emulator.close(),
  };
}

async function zaloChannel(count: number): Promise<BenchChannel> {
  const emulator = await startZaloEmulator();
  emulator.setRateLimit(null);
  // Zalo refuses messages to users who never wrote to the bot.
  for (let i = 0; i < count; i++) emulator.addUser({ id: String(FIRST_USER_ID + i), display_name: `Bí thư ${i}` });
  return {
    sender: createZaloSender(createZaloClient({ token: emulator.token, apiRoot: emulator.apiRoot })),
    received: () => emulator.calls.filter((c) => c.method === 'sendMessage').length,
    close: () => emulator.close(),
  };
}

export async function runReminderBench(): Promise<boolean> {
  const telegram = await runChannel('telegram', ORGS, await telegramChannel());
  const zalo = await runChannel('zalo', ZALO_ORGS, await zaloChannel(ZALO_ORGS));
  return telegram && zalo;
}

async function runChannel(channel: ChannelName, ORGS: number, bench: BenchChannel): Promise<boolean> {
  const db = await freshDatabase('baocao_bench_reminders', CONCURRENCY + 4);
  console.log(`\n[${channel}] seeding ${ORGS} organizations, one reporter each…`);
  await seedReporters(db, ORGS, FIRST_USER_ID, { channel });

  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  await clearRedisPrefix(redis, PREFIX);
  const redisBefore = await redisUsedMemory(redis);
  const queues = createQueues(redis, PREFIX);
  const policy = { quietHours: null, holidays: new Set<string>() };
  const scheduler = createScheduler({ db, queues, clock: systemClock, policy, logger: silentLogger });

  // Scheduling: the round and its targets, then its slots planned and queued.
  const t0 = performance.now();
  const now = Date.now();
  const { id: campaignId, targetCount } = await createCampaign(
    db,
    { formId: 'dan_van_qcdc', periodLabel: 'Năm 2026', opensAt: new Date(now + 2_000), dueAt: new Date(now + 14 * DAY), organizationCodes: 'all' },
    systemClock,
  );
  const t1 = performance.now();
  await scheduler.campaignChanged(campaignId);
  const t2 = performance.now();
  const slotJobs = await queues.slots.getDelayedCount();

  // Sampling memory while the fan-out runs.
  let peakRss = process.memoryUsage().rss;
  let peakRedis = await redisUsedMemory(redis);
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    void redisUsedMemory(redis).then((used) => (peakRedis = Math.max(peakRedis, used)));
  }, 200);

  const forms = new FormCache(db);
  const sender = bench.sender;
  const audience = { adminIds: [], channels: [channel] };
  const slotWorker = startSlotWorker({ db, clock: systemClock, logger: silentLogger, scheduler, audience }, { connection: redis, prefix: PREFIX });
  // The fan-out: from the slot job starting to every delivery written and queued to the outbox.
  let fanOutMs: number | undefined;
  slotWorker.on('completed', (job) => {
    if (job.processedOn) fanOutMs = Date.now() - job.processedOn;
  });
  const outboxWorker = startOutboxWorker(
    { db, forms, clock: systemClock, logger: silentLogger, sender, queue: queues.outbox[channel], adminIds: [] },
    { connection: redis, prefix: PREFIX, maxPerSecond: 100_000, concurrency: CONCURRENCY },
  );

  const count = async (status: string) =>
    Number(
      (
        await db
          .selectFrom('deliveries')
          .select(sql<string>`count(*)`.as('n'))
          .where('campaign_id', '=', campaignId)
          .where('status', '=', status as never)
          .executeTakeFirstOrThrow()
      ).n,
    );
  let firstSentAt: number | undefined;
  let sent = 0;
  for (;;) {
    sent = await count('sent');
    if (sent > 0 && firstSentAt === undefined) firstSentAt = performance.now();
    if (sent + (await count('failed')) >= targetCount) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const done = performance.now();
  clearInterval(sampler);

  const received = bench.received();
  const sendSeconds = (done - (firstSentAt ?? done)) / 1000;

  console.log('');
  console.log(`round for ${ORGS} organizations (one reporter each) through the ${channel} outbox`);
  console.log(`  create round + targets:  ${(t1 - t0).toFixed(0)} ms`);
  console.log(`  plan + queue its slots:  ${(t2 - t1).toFixed(0)} ms (${slotJobs} delayed jobs)`);
  console.log(`  announcement fan-out:    ${fanOutMs ?? '?'} ms to write ${targetCount} ledger rows and queue them to the outbox`);
  console.log(`  outbox:                  ${sent} sent in ${sendSeconds.toFixed(1)} s = ${(sent / sendSeconds).toFixed(0)} sends/s (concurrency ${CONCURRENCY}, limiter off)`);
  console.log(`  emulator received:       ${received} sendMessage calls (duplicates: ${received - sent})`);
  console.log(`  peak memory (rss):       ${mib(peakRss)} (includes the emulator holding every message)`);
  console.log(`  Redis memory at peak:    ${mib(peakRedis)} (${mib(peakRedis - redisBefore)} above the start)`);

  await slotWorker.close();
  await outboxWorker.close();
  await queues.close();
  await clearRedisPrefix(redis, PREFIX);
  await redis.quit();
  await bench.close();
  await db.destroy();
  return sent === targetCount && received === sent;
}
