/**
 * Redis loses the schedule while the bot runs (FLUSHALL, a restart without persistence):
 * with no restart of the bot, the watchdog rebuilds it from Postgres — the job schedulers,
 * every pending slot's delayed job, every queued delivery's job — and every message that
 * was due still goes out exactly once.
 */
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningJobs } from '../../jobs/runtime.js';
import { sentinelKey } from '../../jobs/watchdog.js';
import { SWEEP_SCHEDULER } from '../../jobs/queues.js';
import type { Database } from '../../src/db/schema.js';
import type { BotApiEmulator } from '../../src/emulator/botApiEmulator.js';
import { ManualClock } from '../../src/time.js';
import { eventually } from '../support/eventually.js';
import { at, insertCampaign, insertNumberedOrgs } from '../support/fixtures.js';
import { reminderPolicy, startReminderHarness, type ReminderHarness } from '../support/reminderHarness.js';

const ORGS = 40;
const FIRST_CHAT = 760_001;
const WAIT = 30_000;

let h: ReminderHarness;
let db: Kysely<Database>;
let emulator: BotApiEmulator;
let redis: Redis;
let prefix: string;
let jobs: RunningJobs | undefined;
let round: string;
const clock = new ManualClock(at('2026-12-01T08:00'));
const chats = Array.from({ length: ORGS }, (_, i) => FIRST_CHAT + i);

const sends = () => emulator.calls.filter((c) => c.method === 'sendMessage');
const announcementsTo = (chat: number) => emulator.messagesTo(chat).filter((m) => m.plainText.includes('Thông báo đợt báo cáo'));

const flushPrefix = () => h.flushRedis();

beforeAll(async () => {
  h = await startReminderHarness('reminders_watchdog', { clock, policy: reminderPolicy(), scheduler: false });
  ({ db, emulator, redis, prefix } = h);
  await insertNumberedOrgs(db, { letter: 'W', digits: 2, count: ORGS, firstChat: FIRST_CHAT });
  round = await insertCampaign(db, { opens: '2026-12-01T08:00' });
});

afterAll(async () => {
  await jobs?.stop();
  await h?.stop();
});

describe('Redis flushed while the bot runs', () => {
  it('rebuilds the schedule from Postgres without a restart; every announcement goes out once', async () => {
    jobs = await start();
    await emulator.waitFor(() => sends().length >= 8, WAIT);
    expect(await flushPrefix()).toBeGreaterThan(0);
    expect(await redis.exists(sentinelKey(prefix))).toBe(0);

    const rows = await eventually(async () => {
      const all = await db.selectFrom('deliveries').select(['status']).where('campaign_id', '=', round).where('slot_key', '=', 'announce').execute();
      return all.length === ORGS && all.every((r) => r.status === 'sent') && all;
    }, 'every announcement to be sent after the flush', WAIT);
    expect(rows).toHaveLength(ORGS);
    for (const chat of chats) expect(announcementsTo(chat), `announcements to ${chat}`).toHaveLength(1);
    expect(sends()).toHaveLength(ORGS);

    // The repeatable jobs and the future reminders are back in Redis.
    const schedulers = await jobs.queues.slots.getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(['daily-digest', SWEEP_SCHEDULER].sort());
    const pending = await db.selectFrom('reminder_slots').select('slot_key').where('campaign_id', '=', round).where('fanned_out_at', 'is', null).execute();
    const delayed = (await jobs.queues.slots.getJobs(['delayed'])).filter((j) => j.name === 'slot');
    expect(delayed).toHaveLength(pending.length);
    expect(await redis.exists(sentinelKey(prefix))).toBe(1);
  });

  it('a watchdog tick on a Redis that kept its data sends nothing again', async () => {
    const before = sends().length;
    const delayedBefore = (await jobs!.queues.slots.getJobs(['delayed'])).length;
    await new Promise((resolve) => setTimeout(resolve, 4 * WATCHDOG_MS));
    expect(sends()).toHaveLength(before);
    expect((await jobs!.queues.slots.getJobs(['delayed'])).length).toBe(delayedBefore);
  });
});

const WATCHDOG_MS = 250;
function start(): Promise<RunningJobs> {
  return h.startJobs(10, { watchdogEveryMs: WATCHDOG_MS });
}
