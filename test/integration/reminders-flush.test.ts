/**
 * Redis is only a cache of the schedule: flushed in the middle of a round (some
 * slots fanned out, some of their deliveries sent, the rest waiting), the next
 * start rebuilds it from Postgres, and every remaining reminder goes out exactly once.
 */
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningJobs } from '../../jobs/runtime.js';
import { createQueues, slotJobId, type SlotJob } from '../../jobs/queues.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import type { Database } from '../../src/db/schema.js';
import type { BotApiEmulator } from '../../src/emulator/botApiEmulator.js';
import { ManualClock } from '../../src/time.js';
import { eventually } from '../support/eventually.js';
import { at, insertCampaign, insertNumberedOrgs } from '../support/fixtures.js';
import { reminderPolicy, startReminderHarness, type ReminderHarness } from '../support/reminderHarness.js';

const policy = reminderPolicy();
const ORGS = 30;
const FIRST_CHAT = 740_001;
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
/** Organizations that submit between the announcement and the first reminder. */
const submitters = new Set([chats[0]!, chats[7]!, chats[19]!]);

function start(outboxMaxPerSecond: number): Promise<RunningJobs> {
  return h.startJobs(outboxMaxPerSecond);
}

const flushPrefix = () => h.flushRedis();

const sends = () => emulator.calls.filter((c) => c.method === 'sendMessage');
const announcementsTo = (chat: number) => emulator.messagesTo(chat).filter((m) => m.plainText.includes('Thông báo đợt báo cáo'));
const remindersTo = (chat: number) => emulator.messagesTo(chat).filter((m) => m.plainText.includes('Nhắc báo cáo'));

async function ledger() {
  return db
    .selectFrom('deliveries as d')
    .innerJoin('identities as i', (j) => j.onRef('i.person_id', '=', 'd.person_id').on('i.channel', '=', 'telegram'))
    .select(['d.slot_key', 'd.status', 'i.external_id as telegram_user_id'])
    .where('d.campaign_id', '=', round)
    .execute();
}

function settled() {
  return eventually(async () => {
    const rows = await ledger();
    return rows.every((r) => r.status !== 'queued' && r.status !== 'sending') && rows;
  }, 'every delivery to be settled', WAIT);
}

beforeAll(async () => {
  // No scheduler client: each start() brings its own, as the bot process does.
  h = await startReminderHarness('reminders_flush', { clock, policy, scheduler: false });
  ({ db, emulator, redis, prefix } = h);
  await insertNumberedOrgs(db, { letter: 'F', digits: 2, count: ORGS, firstChat: FIRST_CHAT });
  round = await insertCampaign(db, { opens: '2026-12-01T08:00' });
});

afterAll(async () => {
  await jobs?.stop();
  await h?.stop();
});

describe('Redis flushed mid-round, then a restart', () => {
  let sentBeforeFlush = 0;

  it('flushes while the announcement is half sent', async () => {
    // 08:00 on the opening day: the announcement is due; 10 a second takes 3 s for 30.
    jobs = await start(10);
    await emulator.waitFor(() => sends().length >= 8, WAIT);
    expect(await flushPrefix()).toBeGreaterThan(0);
    // Stopping lets the jobs in hand finish and record their outcome.
    await jobs.stop();
    jobs = undefined;
    const rows = await ledger();
    sentBeforeFlush = rows.filter((r) => r.status === 'sent').length;
    expect(rows).toHaveLength(ORGS);
    expect(rows.every((r) => r.slot_key === 'announce')).toBe(true);
    expect(sentBeforeFlush).toBeGreaterThanOrEqual(8);
    expect(sentBeforeFlush).toBeLessThan(ORGS);
    expect(rows.filter((r) => r.status === 'queued').length).toBe(ORGS - sentBeforeFlush);
    expect(sends()).toHaveLength(sentBeforeFlush);
  });

  it('after the restart a week later, the rest of the announcement and the due reminder are each sent once', async () => {
    for (const chat of submitters) {
      await sql`insert into submissions (campaign_id, organization_id, status, cursor) select ${round}, m.organization_id, 'submitted', '{}'::jsonb from memberships m join identities i on i.person_id = m.person_id where i.channel = 'telegram' and i.external_id = ${String(chat)}`.execute(db);
    }
    clock.set(at('2026-12-08T08:00'));
    jobs = await start(50);
    const rows = await settled();
    // Every pending future slot has its delayed job again.
    const pending = await db.selectFrom('reminder_slots').select(['slot_key', 'send_at']).where('campaign_id', '=', round).where('fanned_out_at', 'is', null).execute();
    expect(pending.map((s) => s.slot_key).sort()).toEqual(['escalate', 'r+1d', 'r+3d', 'r-1d', 'r-3d', 'r0d']);
    const delayed = await jobs.queues.slots.getJobs(['delayed']);
    expect(delayed.filter((j) => j.name === 'slot').map((j) => j.id).sort()).toEqual(
      pending.map((s) => slotJobId({ campaignId: round, slotKey: s.slot_key, sendAtMs: s.send_at.getTime() } satisfies SlotJob)).sort(),
    );

    expect(rows.filter((r) => r.slot_key === 'announce' && r.status === 'sent')).toHaveLength(ORGS);
    const reminders = rows.filter((r) => r.slot_key === 'r-7d');
    expect(reminders).toHaveLength(ORGS - submitters.size);
    expect(reminders.every((r) => r.status === 'sent')).toBe(true);
    for (const chat of chats) {
      expect(announcementsTo(chat), `announcements to ${chat}`).toHaveLength(1);
      expect(remindersTo(chat), `reminders to ${chat}`).toHaveLength(submitters.has(chat) ? 0 : 1);
    }
    expect(sends()).toHaveLength(ORGS + ORGS - submitters.size);
  });

  it('a second flush and restart sends nothing again', async () => {
    const before = sends().length;
    await jobs!.stop();
    jobs = undefined;
    await flushPrefix();
    jobs = await start(50);
    const again = await jobs.scheduler.reconcileAll();
    expect(again.deliveries).toBe(0);
    expect(again.slotJobs).toBe(6);
    await eventually(async () => {
      const counts = await jobs!.queues.outbox.telegram.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      const slotCounts = await jobs!.queues.slots.getJobCounts('waiting', 'active');
      return Object.values(counts).every((n) => n === 0) && Object.values(slotCounts).every((n) => n === 0);
    }, 'the queues to be idle', WAIT);
    expect(sends()).toHaveLength(before);
    expect((await ledger()).length).toBe(ORGS + ORGS - submitters.size);
  });

  it('a slot job that ran out of attempts while Postgres was away is run again at the next start', async () => {
    await jobs!.stop();
    jobs = undefined;
    const r3 = await db.selectFrom('reminder_slots').select('send_at').where('campaign_id', '=', round).where('slot_key', '=', 'r-3d').executeTakeFirstOrThrow();
    clock.set(r3.send_at);
    const data: SlotJob = { campaignId: round, slotKey: 'r-3d', sendAtMs: r3.send_at.getTime() };
    const id = slotJobId(data);
    // Its time has come while Postgres is unreachable; one attempt stands for all five.
    const queues = createQueues(redis, prefix);
    await (await queues.slots.getJob(id))?.remove();
    const job = await queues.slots.add('slot', data, { jobId: id, attempts: 1 });
    try {
      await h.withSlotWorkerOnUnreachablePostgres({} as Scheduler, () => eventually(async () => (await job.getState()) === 'failed', 'the slot job to fail for good', WAIT));
    } finally {
      await queues.close();
    }
    expect((await db.selectFrom('reminder_slots').select('fanned_out_at').where('campaign_id', '=', round).where('slot_key', '=', 'r-3d').executeTakeFirstOrThrow()).fanned_out_at).toBeNull();

    const before = sends().length;
    jobs = await start(50);
    const rows = await eventually(async () => {
      const all = (await ledger()).filter((r) => r.slot_key === 'r-3d');
      return all.length === ORGS - submitters.size && all.every((r) => r.status === 'sent') && all;
    }, 'the r-3d reminders to be sent', WAIT);
    expect(rows).toHaveLength(ORGS - submitters.size);
    expect(sends().length - before).toBe(ORGS - submitters.size);
    for (const chat of chats) expect(remindersTo(chat), `reminders to ${chat}`).toHaveLength(submitters.has(chat) ? 0 : 2);
  }, 2 * WAIT + 10_000);
});
