/**
 * The reminder ladder of one round, in Postgres and in BullMQ: exact local send
 * times (quiet hours, a holiday), delayed jobs with deterministic ids whose delays
 * match, and a deadline moved after some slots were already fanned out.
 */
import dayjs from 'dayjs';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotJobId, type SlotJob } from '../../jobs/queues.js';
import { runSlot } from '../../jobs/slots.js';
import type { Database } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { createCampaign } from '../../src/services/campaigns.js';
import { ManualClock, TIME_ZONE } from '../../src/time.js';
import { at, insertOrg, insertPerson } from '../support/fixtures.js';
import { reminderPolicy, startReminderHarness, TELEGRAM_AUDIENCE, type ReminderHarness, type SchedulerClient } from '../support/reminderHarness.js';

const policy = reminderPolicy(['2026-12-13']);

let h: ReminderHarness;
let db: Kysely<Database>;
let client: SchedulerClient;
const clock = new ManualClock(at('2026-11-25T09:00'));
let campaignId: string;

const localTime = (d: Date) => dayjs(d).tz(TIME_ZONE).format('YYYY-MM-DD HH:mm');

async function slotRows() {
  const rows = await db
    .selectFrom('reminder_slots')
    .select(['slot_key', 'kind', 'send_at', 'fanned_out_at'])
    .where('campaign_id', '=', campaignId)
    .orderBy('send_at')
    .orderBy('slot_key')
    .execute();
  return rows.map((r) => ({ key: r.slot_key, kind: r.kind, at: localTime(r.send_at), sendAt: r.send_at, fannedOut: r.fanned_out_at !== null }));
}

/** Slot jobs of this round waiting in Redis, by id. */
async function slotJobs() {
  const jobs = await client.queues.slots.getJobs(['delayed', 'waiting', 'prioritized']);
  return new Map(jobs.filter((j) => j.name === 'slot' && (j.data as SlotJob).campaignId === campaignId).map((j) => [j.id!, j]));
}

beforeAll(async () => {
  // No emulator: nothing is delivered here, only planned.
  h = await startReminderHarness('reminders_schedule', { clock, policy, emulator: false });
  ({ db, client } = h);
  const org = await insertOrg(db, { code: 'CB01' });
  await insertPerson(db, { telegramUserId: 710_001, orgIds: [org] });
  // Opens at midnight (quiet hours), due 17:00 Tuesday 15/12/2026, reminders at 22:00 (quiet hours), 13/12 a holiday.
  ({ id: campaignId } = await createCampaign(
    db,
    { formId: 'dan_van_qcdc', periodLabel: 'Năm 2026', opensAt: at('2026-12-01T00:00'), dueAt: at('2026-12-15T17:00'), organizationCodes: 'all', reminderTime: '22:00' },
    clock,
  ));
});

afterAll(async () => {
  await h?.stop();
});

describe('a round\'s ladder in Postgres and BullMQ', () => {
  it('plans every slot at its exact local time, moved out of quiet hours and the holiday', async () => {
    await client.scheduler.campaignChanged(campaignId);
    const rows = await slotRows();
    expect(rows.map((r) => [r.key, r.kind, r.at])).toEqual([
      // 00:00 is inside 21:00–07:00: the announcement waits for 07:00.
      ['announce', 'announcement', '2026-12-01 07:00'],
      // 22:00 on 08/12 → 07:00 the next morning.
      ['r-7d', 'reminder', '2026-12-09 07:00'],
      // 22:00 on 12/12 → 07:00 on 13/12, a holiday → 07:00 on 14/12.
      ['r-3d', 'reminder', '2026-12-14 07:00'],
      ['r-1d', 'reminder', '2026-12-15 07:00'],
      // 0d would be 07:00 on 16/12, after the deadline: dropped.
      ['r+1d', 'reminder', '2026-12-17 07:00'],
      ['r+3d', 'reminder', '2026-12-19 07:00'],
      ['escalate', 'escalation', '2026-12-19 09:00'],
    ]);
    expect(rows.every((r) => !r.fannedOut)).toBe(true);
  });

  it('has one delayed job per slot, with the deterministic id and a delay of send_at − now', async () => {
    const rows = await slotRows();
    const jobs = await slotJobs();
    expect(jobs.size).toBe(rows.length);
    for (const row of rows) {
      const id = slotJobId({ campaignId, slotKey: row.key, sendAtMs: row.sendAt.getTime() });
      expect(id).toBe(`slot-${campaignId}-${row.key}-${row.sendAt.getTime()}`);
      const job = jobs.get(id);
      expect(job, `job ${id}`).toBeDefined();
      expect(job!.data).toEqual({ campaignId, slotKey: row.key, sendAtMs: row.sendAt.getTime() });
      expect(job!.delay).toBe(row.sendAt.getTime() - clock.now().getTime());
      expect(await job!.getState()).toBe('delayed');
    }
  });

  it('a repeated campaignChanged neither duplicates slots nor jobs', async () => {
    const before = await slotRows();
    await client.scheduler.campaignChanged(campaignId);
    expect(await slotRows()).toEqual(before);
    expect((await slotJobs()).size).toBe(before.length);
  });

  it('a later deadline moves the unsent slots and their jobs; slots already fanned out stay, and a sent offset comes back for the new deadline', async () => {
    const slotDeps = { db, clock, logger: silentLogger, scheduler: client.scheduler, audience: TELEGRAM_AUDIENCE };
    const before = await slotRows();
    // The announcement and the first reminder go out at their times.
    for (const key of ['announce', 'r-7d']) {
      const row = before.find((r) => r.key === key)!;
      clock.set(row.sendAt);
      const result = await runSlot(slotDeps, { campaignId, slotKey: key, sendAtMs: row.sendAt.getTime() });
      expect(result).toEqual({ kind: 'done', created: 1 });
    }
    const fannedOut = (await slotRows()).filter((r) => r.fannedOut);
    expect(fannedOut.map((r) => r.key)).toEqual(['announce', 'r-7d']);

    clock.set(at('2026-12-10T09:00'));
    await db.updateTable('campaigns').set({ due_at: at('2026-12-22T17:00') }).where('id', '=', campaignId).execute();
    await client.scheduler.campaignChanged(campaignId);

    const after = await slotRows();
    expect(after.map((r) => [r.key, r.at, r.fannedOut])).toEqual([
      ['announce', '2026-12-01 07:00', true],
      ['r-7d', '2026-12-09 07:00', true],
      // -7d of the new deadline (22:00 15/12 → 07:00 16/12) is a week after the sent r-7d: a new reminder.
      ['r-7d@2026-12-22', '2026-12-16 07:00', false],
      ['r-3d', '2026-12-20 07:00', false],
      ['r-1d', '2026-12-22 07:00', false],
      ['r+1d', '2026-12-24 07:00', false],
      ['r+3d', '2026-12-26 07:00', false],
      ['escalate', '2026-12-26 09:00', false],
    ]);
    // The fanned-out rows were not rewritten.
    for (const key of ['announce', 'r-7d']) {
      expect(after.find((r) => r.key === key)!.sendAt.getTime()).toBe(before.find((r) => r.key === key)!.sendAt.getTime());
    }

    const jobs = await slotJobs();
    const pending = after.filter((r) => !r.fannedOut);
    expect([...jobs.keys()].sort()).toEqual(pending.map((r) => slotJobId({ campaignId, slotKey: r.key, sendAtMs: r.sendAt.getTime() })).sort());
    for (const row of pending) {
      const job = jobs.get(slotJobId({ campaignId, slotKey: row.key, sendAtMs: row.sendAt.getTime() }))!;
      expect(job.delay).toBe(row.sendAt.getTime() - clock.now().getTime());
    }
    // Every old job id is gone from Redis, the fanned-out slots' included.
    for (const row of before) {
      const oldId = slotJobId({ campaignId, slotKey: row.key, sendAtMs: row.sendAt.getTime() });
      if (pending.some((p) => p.key === row.key && p.sendAt.getTime() === row.sendAt.getTime())) continue;
      expect(await client.queues.slots.getJob(oldId), `old job ${oldId}`).toBeUndefined();
    }
    // And the one delivery of each sent slot is all there is.
    const deliveries = await db.selectFrom('deliveries').select(['slot_key']).where('campaign_id', '=', campaignId).orderBy('slot_key').execute();
    expect(deliveries.map((d) => d.slot_key)).toEqual(['announce', 'r-7d']);
  });

  it('after an outage two reminders are due: whichever job runs first, only the later reminder is sent', async () => {
    const slotDeps = { db, clock, logger: silentLogger, scheduler: client.scheduler, audience: TELEGRAM_AUDIENCE };
    const rows = await slotRows();
    const r3 = rows.find((r) => r.key === 'r-3d')!;
    const r1 = rows.find((r) => r.key === 'r-1d')!;
    clock.set(at('2026-12-22T08:00'));
    // The later slot's job happens to run first (another worker, a retry): the earlier one must not follow it.
    expect(await runSlot(slotDeps, { campaignId, slotKey: 'r-1d', sendAtMs: r1.sendAt.getTime() })).toEqual({ kind: 'done', created: 1 });
    expect(await runSlot(slotDeps, { campaignId, slotKey: 'r-3d', sendAtMs: r3.sendAt.getTime() })).toEqual({ kind: 'superseded' });
    const deliveries = await db.selectFrom('deliveries').select(['slot_key']).where('campaign_id', '=', campaignId).where('kind', '=', 'reminder').orderBy('slot_key').execute();
    expect(deliveries.map((d) => d.slot_key)).toEqual(['r-1d', 'r-7d']);
  });
});
