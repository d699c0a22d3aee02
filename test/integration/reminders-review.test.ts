/**
 * The reminder rules after review, against the real Postgres, Redis and the Bot API
 * emulator: re-planning in place (rows and job ids kept, a moved deadline bringing a
 * sent offset back under a new key), the 12-hour rule, "Nhắc ngay" refusals and its
 * window, the digest on holidays and the day after, the escalation under Telegram's
 * limit, the periodic sweep (failed slot jobs, deliveries that lost their job), and
 * nothing sent to a person removed or demoted after their message was queued.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, type OutboxDeps } from '../../jobs/outbox.js';
import { deliveryJobId, slotJobId, type SlotJob } from '../../jobs/queues.js';
import { runDigest, runSlot, type SlotDeps } from '../../jobs/slots.js';
import type { Database } from '../../src/db/schema.js';
import type { BotApiEmulator } from '../../src/emulator/botApiEmulator.js';
import type { ReminderPolicy } from '../../src/reminders/policy.js';
import { closeCampaign, createCampaign, setDeadline } from '../../src/services/campaigns.js';
import { MANUAL_REMINDER_WINDOW_MS } from '../../src/reminders/policy.js';
import { resendFailedDeliveries } from '../../src/services/deliveries.js';
import { setAdmin } from '../../src/services/people.js';
import { planCampaignSlots } from '../../src/services/reminderSlots.js';
import { removeReporter } from '../../src/services/reporters.js';
import { ManualClock } from '../../src/time.js';
import { eventually } from '../support/eventually.js';
import { at, insertOrg, insertPerson } from '../support/fixtures.js';
import { reminderPolicy, startReminderHarness, type ReminderHarness, type SchedulerClient } from '../support/reminderHarness.js';

const policy = reminderPolicy();
const WAIT = 20_000;
const HOUR = 60 * 60_000;
const MINUTE = 60_000;

let h: ReminderHarness;
let db: Kysely<Database>;
let emulator: BotApiEmulator;
let client: SchedulerClient;
let outboxDeps: OutboxDeps;
let slotDeps: SlotDeps;
const clock = new ManualClock(at('2026-11-25T09:00'));
const adminChat = 769_001;

const sendsTo = (chat: number) => emulator.calls.filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === chat);
const announcementsTo = (chat: number) => emulator.messagesTo(chat).filter((m) => m.plainText.includes('Thông báo đợt báo cáo'));
const remindersTo = (chat: number) => emulator.messagesTo(chat).filter((m) => m.plainText.includes('Nhắc báo cáo'));

/** Organizations `codes`, each with one reporter (chat ids from `firstChat`); the chat ids by code. */
async function orgsWithReporters(codes: string[], firstChat: number): Promise<Record<string, number>> {
  const chats: Record<string, number> = {};
  for (const [i, code] of codes.entries()) {
    const org = await insertOrg(db, { code, name: `Chi bộ ${code}` });
    chats[code] = firstChat + i;
    await insertPerson(db, { telegramUserId: firstChat + i, name: `Bí thư ${code}`, orgIds: [org] });
  }
  return chats;
}

async function round(codes: string[], opts: { opens?: string; due?: string; offsets?: string[]; time?: string; scheduled?: boolean } = {}): Promise<string> {
  const { id } = await createCampaign(
    db,
    {
      formId: 'dan_van_qcdc',
      periodLabel: 'Năm 2026',
      opensAt: at(opts.opens ?? '2026-12-01T08:00'),
      dueAt: at(opts.due ?? '2026-12-15T17:00'),
      organizationCodes: codes,
      ...(opts.offsets ? { reminderOffsets: opts.offsets } : {}),
      ...(opts.time ? { reminderTime: opts.time } : {}),
    },
    clock,
    opts.scheduled === false ? undefined : client.scheduler,
  );
  return id;
}

/** The round's slots, created_at at microsecond precision (a delete and re-insert cannot hide in the same millisecond). */
async function slotsOf(campaignId: string) {
  return db
    .selectFrom('reminder_slots')
    .select(['slot_key', 'kind', 'send_at', 'fanned_out_at', 'outcome', sql<string>`created_at::text`.as('created')])
    .where('campaign_id', '=', campaignId)
    .orderBy('slot_key')
    .execute();
}

async function slot(campaignId: string, slotKey: string) {
  return db
    .selectFrom('reminder_slots')
    .select(['slot_key', 'kind', 'send_at', 'fanned_out_at', 'outcome', sql<string>`created_at::text`.as('created')])
    .where('campaign_id', '=', campaignId)
    .where('slot_key', '=', slotKey)
    .executeTakeFirstOrThrow();
}

/** Runs the slot job as the worker would, at the slot's time as stored. */
async function runStoredSlot(campaignId: string, slotKey: string) {
  const { send_at } = await slot(campaignId, slotKey);
  return runSlot(slotDeps, { campaignId, slotKey, sendAtMs: send_at.getTime() });
}

async function slotJobsOf(campaignId: string) {
  const jobs = await client.queues.slots.getJobs(['delayed', 'waiting', 'prioritized']);
  return jobs
    .filter((j) => j.name === 'slot' && (j.data as SlotJob).campaignId === campaignId)
    .map((j) => ({ id: j.id!, timestamp: j.timestamp }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function deliveriesOf(campaignId: string, slotKey: string) {
  return db
    .selectFrom('deliveries as d')
    .innerJoin('identities as i', (j) => j.onRef('i.person_id', '=', 'd.person_id').on('i.channel', '=', 'telegram'))
    .select(['d.id', 'd.kind', 'd.status', 'd.reason', 'i.external_id as telegram_user_id'])
    .where('d.campaign_id', '=', campaignId)
    .where('d.slot_key', '=', slotKey)
    .orderBy('i.external_id')
    .execute();
}

async function deliverAll(campaignId: string, slotKey: string): Promise<string[]> {
  const outcomes: string[] = [];
  for (const d of await deliveriesOf(campaignId, slotKey)) outcomes.push(await deliver(outboxDeps, { data: { deliveryId: d.id }, attemptsMade: 0 }));
  return outcomes;
}

async function outboxIdle(): Promise<boolean> {
  const counts = await client.queues.outbox.telegram.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  return Object.values(counts).every((n) => n === 0);
}

beforeAll(async () => {
  h = await startReminderHarness('reminders_review', { clock, policy });
  ({ db, emulator, client } = h);
  await insertPerson(db, { telegramUserId: adminChat, name: 'Văn phòng', admin: true });
  outboxDeps = h.outboxDeps();
  slotDeps = h.slotDeps({ policy });
});

afterAll(async () => {
  await h?.stop();
});

// Runs first, while its round is the only one in the database: sweep() looks at every round.
describe('the sweep, without a restart', () => {
  let s: string;
  let chats: Record<string, number>;

  beforeAll(async () => {
    chats = await orgsWithReporters(['S1', 'S2', 'S3'], 761_001);
    // Planned straight in Postgres: no job in Redis yet (the test makes the one it needs).
    s = await round(['S1', 'S2', 'S3'], { offsets: [], scheduled: false });
    await planCampaignSlots(db, s, policy, clock.now());
  });

  afterAll(async () => {
    // The later suites drive the jobs by hand.
    await Promise.all(h.workers.splice(0).map((w) => w.close()));
  });

  it('runs again a slot job that failed all its attempts, and the slot is fanned out once', async () => {
    const announce = await slot(s, 'announce');
    expect(announce.send_at).toEqual(at('2026-12-01T08:00'));
    clock.set(announce.send_at);
    const data: SlotJob = { campaignId: s, slotKey: 'announce', sendAtMs: announce.send_at.getTime() };
    const id = slotJobId(data);
    const job = await client.queues.slots.add('slot', data, { jobId: id, attempts: 1 });

    // Its time has come while Postgres is unreachable: one attempt stands for all of them.
    await h.withSlotWorkerOnUnreachablePostgres(client.scheduler, () => eventually(async () => (await job.getState()) === 'failed', 'the slot job to fail for good', WAIT));
    expect((await slot(s, 'announce')).fanned_out_at).toBeNull();
    expect(await deliveriesOf(s, 'announce')).toHaveLength(0);

    // Postgres is back; the workers run, but nothing moves a failed job by itself.
    h.startSlotWorker(slotDeps);
    h.startOutboxWorker(outboxDeps, 50);
    expect(await (await client.queues.slots.getJob(id))!.getState()).toBe('failed');

    const report = await client.scheduler.sweep();
    // Pending: the announcement and the escalation (no reminders in this round).
    expect(report.slotJobs).toBe(2);
    const rows = await eventually(async () => {
      const all = await deliveriesOf(s, 'announce');
      return all.length === 3 && all.every((d) => d.status === 'sent') && all;
    }, 'the announcement to be sent to S1, S2, S3', WAIT);
    expect(rows.map((d) => Number(d.telegram_user_id))).toEqual([chats.S1, chats.S2, chats.S3]);
    await eventually(async () => (await client.queues.slots.getJob(id))?.getState().then((state) => state === 'completed'), 'the retried slot job to complete', WAIT);
    const after = await slot(s, 'announce');
    expect(after.outcome).toBe('sent');
    expect(after.fanned_out_at).toEqual(at('2026-12-01T08:00'));

    // Another sweep finds nothing to run again.
    const again = await client.scheduler.sweep();
    expect(again.slotJobs).toBe(1);
    await eventually(outboxIdle, 'the outbox to be idle', WAIT);
    expect(await deliveriesOf(s, 'announce')).toHaveLength(3);
    for (const code of ['S1', 'S2', 'S3']) {
      expect(announcementsTo(chats[code]!), code).toHaveLength(1);
      expect(sendsTo(chats[code]!), code).toHaveLength(1);
    }
  });

  it('gives a job to a delivery queued 6 minutes ago that has none (sent once), and leaves one queued 1 minute ago alone', async () => {
    clock.set(at('2026-12-02T09:00'));
    const [p1, p2] = await Promise.all(
      ['S1', 'S2'].map((code) =>
        db
          .selectFrom('memberships as m')
          .innerJoin('organizations as o', 'o.id', 'm.organization_id')
          .select(['m.person_id', 'm.organization_id'])
          .where('o.code', '=', code)
          .executeTakeFirstOrThrow(),
      ),
    );
    const lost = (person: typeof p1, ago: number) =>
      db
        .insertInto('deliveries')
        .values({
          campaign_id: s,
          slot_key: 'manual-lost',
          organization_id: person!.organization_id,
          person_id: person!.person_id,
          kind: 'reminder',
          status: 'queued',
          reason: null,
          created_at: new Date(clock.now().getTime() - ago),
          updated_at: new Date(clock.now().getTime() - ago),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const old = (await lost(p1, 6 * MINUTE)).id;
    const fresh = (await lost(p2, 1 * MINUTE)).id;
    expect(await client.queues.outbox.telegram.getJob(deliveryJobId(old))).toBeUndefined();

    const report = await client.scheduler.sweep();
    expect(report.deliveries).toBe(1);
    const status = (id: string) => db.selectFrom('deliveries').select(['status', 'attempts']).where('id', '=', id).executeTakeFirstOrThrow();
    await eventually(async () => (await status(old)).status === 'sent', 'the 6-minute-old delivery to be sent', WAIT);
    await eventually(outboxIdle, 'the outbox to be idle', WAIT);
    expect(await status(old)).toEqual({ status: 'sent', attempts: 1 });
    expect(remindersTo(chats.S1!)).toHaveLength(1);
    // Queued a minute ago: its job may still be on the way, the sweep does not touch it.
    expect(await status(fresh)).toEqual({ status: 'queued', attempts: 0 });
    expect(await client.queues.outbox.telegram.getJob(deliveryJobId(fresh))).toBeUndefined();
    expect(remindersTo(chats.S2!)).toHaveLength(0);

    // Five minutes on, it is stale too: the next sweep queues it, once.
    clock.advance(5 * MINUTE);
    expect((await client.scheduler.sweep()).deliveries).toBe(1);
    await eventually(async () => (await status(fresh)).status === 'sent', 'the 1-minute-old delivery to be sent at the later sweep', WAIT);
    await eventually(outboxIdle, 'the outbox to be idle', WAIT);
    expect(remindersTo(chats.S2!)).toHaveLength(1);
    expect(remindersTo(chats.S1!)).toHaveLength(1);
    expect(sendsTo(chats.S3!)).toHaveLength(1);
  }, 2 * WAIT);
});

describe('re-planning in place', () => {
  let a: string;
  let b: string;

  beforeAll(async () => {
    clock.set(at('2026-11-25T09:00'));
    await orgsWithReporters(['A1', 'A2'], 762_001);
    a = await round(['A1', 'A2']);
    b = await round(['A1', 'A2'], { due: '2026-12-10T17:00' });
  });

  it('re-planning without a change keeps the rows (same created_at) and the same BullMQ jobs', async () => {
    const rows = await slotsOf(a);
    expect(rows.map((r) => r.slot_key)).toEqual(['announce', 'escalate', 'r+1d', 'r+3d', 'r-1d', 'r-3d', 'r-7d', 'r0d']);
    const jobs = await slotJobsOf(a);
    expect(jobs.map((j) => j.id)).toEqual(
      rows.map((r) => slotJobId({ campaignId: a, slotKey: r.slot_key, sendAtMs: r.send_at.getTime() })).sort(),
    );

    clock.advance(HOUR);
    await client.scheduler.campaignChanged(a);
    expect(await slotsOf(a)).toEqual(rows);
    expect(await slotJobsOf(a)).toEqual(jobs);
  });

  it('a deadline moved a day updates the unsent slots in place: send_at moves, created_at stays, jobs follow', async () => {
    const before = await slotsOf(a);
    await setDeadline(db, a, at('2026-12-16T17:00'), 'cli', clock, client.scheduler);
    const after = await slotsOf(a);
    expect(after.map((r) => r.slot_key)).toEqual(before.map((r) => r.slot_key));
    for (const [i, row] of after.entries()) {
      const old = before[i]!;
      expect(row.created, `${row.slot_key} created_at`).toBe(old.created);
      expect(row.fanned_out_at, row.slot_key).toBeNull();
      const shift = row.slot_key === 'announce' ? 0 : 24 * HOUR;
      expect(row.send_at.getTime() - old.send_at.getTime(), `${row.slot_key} send_at`).toBe(shift);
    }
    expect((await slot(a, 'r-1d')).send_at).toEqual(at('2026-12-15T08:00'));
    expect((await slotJobsOf(a)).map((j) => j.id)).toEqual(
      after.map((r) => slotJobId({ campaignId: a, slotKey: r.slot_key, sendAtMs: r.send_at.getTime() })).sort(),
    );
  });

  it('a deadline moved by less than 12 h does not bring back a sent key; moved by days, the offset comes back as r-1d@<new date>', async () => {
    clock.set(at('2026-12-09T08:00'));
    expect(await runStoredSlot(b, 'r-1d')).toEqual({ kind: 'done', created: 2 });
    const sent = await slot(b, 'r-1d');
    expect([sent.outcome, sent.send_at]).toEqual(['sent', at('2026-12-09T08:00')]);

    // Three hours later the same day.
    await setDeadline(db, b, at('2026-12-10T20:00'), 'cli', clock, client.scheduler);
    let rows = await slotsOf(b);
    expect(rows.filter((r) => r.slot_key.startsWith('r-1d'))).toEqual([sent]);

    // Four days later: 1 day before the new deadline is a new reminder.
    await setDeadline(db, b, at('2026-12-14T17:00'), 'cli', clock, client.scheduler);
    rows = await slotsOf(b);
    expect(rows.filter((r) => r.slot_key.startsWith('r-1d')).map((r) => [r.slot_key, r.send_at, r.fanned_out_at])).toEqual([
      ['r-1d', at('2026-12-09T08:00'), at('2026-12-09T08:00')],
      ['r-1d@2026-12-14', at('2026-12-13T08:00'), null],
    ]);
    expect(rows.find((r) => r.slot_key === 'r-1d')).toEqual(sent);
    expect((await slotJobsOf(b)).map((j) => j.id)).toContain(slotJobId({ campaignId: b, slotKey: 'r-1d@2026-12-14', sendAtMs: at('2026-12-13T08:00').getTime() }));

    // It goes out at its time, to the organizations that have not submitted.
    clock.set(at('2026-12-13T08:00'));
    expect(await runStoredSlot(b, 'r-1d@2026-12-14')).toEqual({ kind: 'done', created: 2 });
  });
});

describe('the 12-hour rule', () => {
  let c: string;
  let d: string;
  let cChats: Record<string, number>;
  let dChats: Record<string, number>;

  beforeAll(async () => {
    clock.set(at('2026-11-25T09:00'));
    cChats = await orgsWithReporters(['C1', 'C2'], 763_001);
    dChats = await orgsWithReporters(['D1', 'D2'], 764_001);
    // A reminder 2 hours after the announcement: 14 days before the deadline, at 10:00.
    c = await round(['C1', 'C2'], { offsets: ['-14d'], time: '10:00' });
    d = await round(['D1', 'D2']);
  });

  it('a planned reminder due 2 h after the announcement was sent is superseded: nothing is sent', async () => {
    expect((await slot(c, 'r-14d')).send_at).toEqual(at('2026-12-01T10:00'));
    clock.set(at('2026-12-01T08:00'));
    expect(await runStoredSlot(c, 'announce')).toEqual({ kind: 'done', created: 2 });
    expect(await deliverAll(c, 'announce')).toEqual(['sent', 'sent']);

    clock.set(at('2026-12-01T10:00'));
    expect(await runStoredSlot(c, 'r-14d')).toEqual({ kind: 'superseded' });
    const r = await slot(c, 'r-14d');
    expect([r.outcome, r.fanned_out_at]).toEqual(['superseded', at('2026-12-01T10:00')]);
    expect(await deliveriesOf(c, 'r-14d')).toHaveLength(0);
    for (const chat of Object.values(cChats)) {
      expect(announcementsTo(chat)).toHaveLength(1);
      expect(sendsTo(chat)).toHaveLength(1);
    }
  });

  it('a manual reminder right after the announcement is sent', async () => {
    clock.set(at('2026-12-01T10:05'));
    expect(await client.scheduler.remindNow(c, 'telegram:769001')).toEqual({ kind: 'queued', organizations: 2 });
    const manual = await db.selectFrom('reminder_slots').select(['slot_key', 'send_at']).where('campaign_id', '=', c).where('slot_key', 'like', 'manual-%').execute();
    expect(manual).toHaveLength(1);
    expect(manual[0]!.send_at).toEqual(clock.now());
    expect(await runStoredSlot(c, manual[0]!.slot_key)).toEqual({ kind: 'done', created: 2 });
    expect((await slot(c, manual[0]!.slot_key)).outcome).toBe('sent');
    expect(await deliverAll(c, manual[0]!.slot_key)).toEqual(['sent', 'sent']);
    for (const chat of Object.values(cChats)) {
      expect(remindersTo(chat)).toHaveLength(1);
      expect(sendsTo(chat)).toHaveLength(2);
    }
  });

  it('after an outage, of two overdue reminders the earlier is superseded and the later is still sent, once', async () => {
    clock.set(at('2026-12-01T08:00'));
    expect(await runStoredSlot(d, 'announce')).toEqual({ kind: 'done', created: 2 });
    expect(await deliverAll(d, 'announce')).toEqual(['sent', 'sent']);

    // Back on 12/12 at 09:00: r-7d (8/12 08:00) and r-3d (12/12 08:00) are both overdue.
    clock.set(at('2026-12-12T09:00'));
    expect(await runStoredSlot(d, 'r-7d')).toEqual({ kind: 'superseded' });
    expect((await slot(d, 'r-7d')).outcome).toBe('superseded');
    // Its predecessor was only superseded, not sent: this one goes out.
    expect(await runStoredSlot(d, 'r-3d')).toEqual({ kind: 'done', created: 2 });
    expect((await slot(d, 'r-3d')).outcome).toBe('sent');
    expect(await runStoredSlot(d, 'r-3d')).toEqual({ kind: 'gone' });
    expect(await deliveriesOf(d, 'r-7d')).toHaveLength(0);
    expect(await deliverAll(d, 'r-3d')).toEqual(['sent', 'sent']);
    for (const chat of Object.values(dChats)) {
      expect(remindersTo(chat)).toHaveLength(1);
      expect(sendsTo(chat)).toHaveLength(2);
    }
  });

  it('a manual reminder does not count: a planned reminder 10 h after one is still sent', async () => {
    clock.set(at('2026-12-13T22:00'));
    expect(await client.scheduler.remindNow(d, 'telegram:769001')).toEqual({ kind: 'queued', organizations: 2 });
    const [manual] = await db.selectFrom('reminder_slots').select('slot_key').where('campaign_id', '=', d).where('slot_key', 'like', 'manual-%').execute();
    expect(await runStoredSlot(d, manual!.slot_key)).toEqual({ kind: 'done', created: 2 });

    clock.set(at('2026-12-14T08:00'));
    expect(await runStoredSlot(d, 'r-1d')).toEqual({ kind: 'done', created: 2 });
    expect((await slot(d, 'r-1d')).outcome).toBe('sent');
  });

  it('a planned reminder 1 h after another planned reminder was sent is superseded', async () => {
    // A holiday on 12/12 moves r-3d to 07:00 on 12/13, an hour before r-2d.
    clock.set(at('2026-11-25T09:00'));
    await orgsWithReporters(['K1'], 767_001);
    const k = await round(['K1'], { offsets: ['-3d', '-2d'], scheduled: false });
    await planCampaignSlots(db, k, { ...policy, holidays: new Set(['2026-12-12']) }, clock.now());
    expect([(await slot(k, 'r-3d')).send_at, (await slot(k, 'r-2d')).send_at]).toEqual([at('2026-12-13T07:00'), at('2026-12-13T08:00')]);
    clock.set(at('2026-12-13T07:00'));
    expect(await runStoredSlot(k, 'r-3d')).toEqual({ kind: 'done', created: 1 });
    clock.set(at('2026-12-13T08:00'));
    expect(await runStoredSlot(k, 'r-2d')).toEqual({ kind: 'superseded' });
    expect(await deliveriesOf(k, 'r-2d')).toHaveLength(0);
  });
});

describe('"Nhắc ngay" refusals and window', () => {
  let e: string;
  let f: string;
  let g: string;

  beforeAll(async () => {
    clock.set(at('2026-11-25T09:00'));
    await orgsWithReporters(['G1', 'G2'], 765_001);
    e = await round(['G1', 'G2'], { opens: '2026-12-20T08:00', due: '2026-12-30T17:00' });
    f = await round(['G1', 'G2']);
    g = await round(['G1', 'G2']);
  });

  const manualSlots = (campaignId: string) =>
    db.selectFrom('reminder_slots').select(['slot_key', 'send_at']).where('campaign_id', '=', campaignId).where('slot_key', 'like', 'manual-%').orderBy('send_at').execute();

  it('a round not yet open: not_open, and no slot row', async () => {
    clock.set(at('2026-12-05T10:00'));
    expect(await client.scheduler.remindNow(e, 'telegram:769001')).toEqual({ kind: 'not_open' });
    expect(await manualSlots(e)).toEqual([]);
  });

  it('a closed round: not_open, and no slot row', async () => {
    clock.set(at('2026-12-05T10:00'));
    // Open now: the refusal below is the closing's doing.
    expect(await client.scheduler.remindNow(f, 'telegram:769001')).toEqual({ kind: 'queued', organizations: 2 });
    // Closing drops the unsent manual slot with the round's other pending slots.
    await closeCampaign(db, f, clock.now(), 'cli', clock, client.scheduler);
    clock.advance(MANUAL_REMINDER_WINDOW_MS + MINUTE);
    expect(await client.scheduler.remindNow(f, 'telegram:769001')).toEqual({ kind: 'not_open' });
    expect(await manualSlots(f)).toEqual([]);
  });

  it('a second call within 10 minutes is too_soon with the first time; after the window it is queued again', async () => {
    clock.set(at('2026-12-05T10:03'));
    const first = clock.now();
    expect(await client.scheduler.remindNow(g, 'telegram:769001')).toEqual({ kind: 'queued', organizations: 2 });
    clock.advance(MANUAL_REMINDER_WINDOW_MS - MINUTE);
    expect(await client.scheduler.remindNow(g, 'telegram:769002')).toEqual({ kind: 'too_soon', lastAt: first });
    expect(await manualSlots(g)).toHaveLength(1);

    clock.set(new Date(first.getTime() + MANUAL_REMINDER_WINDOW_MS + MINUTE));
    const second = clock.now();
    expect(await client.scheduler.remindNow(g, 'telegram:769002')).toEqual({ kind: 'queued', organizations: 2 });
    const rows = await manualSlots(g);
    expect(rows.map((r) => r.send_at)).toEqual([first, second]);
    const jobs = (await slotJobsOf(g)).map((j) => j.id);
    for (const r of rows) expect(jobs).toContain(slotJobId({ campaignId: g, slotKey: r.slot_key, sendAtMs: r.send_at.getTime() }));
  });
});

describe('escalation under Telegram\'s limit', () => {
  let h: string;
  const ORGS = 30;
  const code = (i: number) => `X${String(i).padStart(2, '0')}`;
  const orgName = (i: number) => `Chi bộ Xí nghiệp cơ khí số ${String(i).padStart(2, '0')} `.padEnd(60, 'ư');
  const reporterName = (i: number, k: number) => `Nguyễn Văn ${code(i)} số ${k} `.padEnd(60, 'ơ');

  beforeAll(async () => {
    clock.set(at('2026-11-25T09:00'));
    const orgs = await db
      .insertInto('organizations')
      .values(Array.from({ length: ORGS }, (_, i) => ({ code: code(i + 1), name: orgName(i + 1), type: 'chi_bo_co_so' as const })))
      .returning(['id', 'code'])
      .execute();
    // Reporter n (Telegram id 766000 + n) is the (n mod 8 + 1)-th of organization ⌊n / 8⌋ + 1; each name is unique.
    const names = Array.from({ length: ORGS * 8 }, (_, n) => reporterName(Math.floor(n / 8) + 1, (n % 8) + 1));
    const people = await db
      .insertInto('people')
      .values(names.map((display_name) => ({ display_name })))
      .returning(['id', 'display_name'])
      .execute();
    const numberOf = new Map(names.map((name, n) => [name, n]));
    await db
      .insertInto('identities')
      .values(people.map((p) => ({ channel: 'telegram' as const, external_id: String(766_000 + numberOf.get(p.display_name)!), person_id: p.id })))
      .execute();
    const orgByIndex = new Map(orgs.map((o) => [o.code, o.id]));
    await db
      .insertInto('memberships')
      .values(people.map((p) => ({ person_id: p.id, organization_id: orgByIndex.get(code(Math.floor(numberOf.get(p.display_name)! / 8) + 1))! })))
      .execute();
    h = await round(orgs.map((o) => o.code));
  });

  it('fits one message: 3 reporters then "và 5 người khác" per organization, the rest counted, then /chuanop', async () => {
    expect(orgName(1)).toHaveLength(60);
    expect(reporterName(1, 1)).toHaveLength(60);
    const escalate = await slot(h, 'escalate');
    clock.set(escalate.send_at);
    expect(await runStoredSlot(h, 'escalate')).toEqual({ kind: 'done', created: 1 });
    const [delivery] = await deliveriesOf(h, 'escalate');
    expect(Number(delivery!.telegram_user_id)).toBe(adminChat);
    const before = emulator.messagesTo(adminChat).length;
    expect(await deliver(outboxDeps, { data: { deliveryId: delivery!.id }, attemptsMade: 0 })).toBe('sent');
    const messages = emulator.messagesTo(adminChat);
    expect(messages).toHaveLength(before + 1);
    const message = messages.at(-1)!;
    expect(message.text.length).toBeLessThanOrEqual(4096);
    expect(message.plainText.length).toBeLessThanOrEqual(4096);

    const lines = message.plainText.split('\n');
    expect(lines[0]).toContain(`Còn ${ORGS} tổ chức chưa nộp`);
    const named = lines.filter((l) => l.startsWith('• '));
    expect(named.length).toBeGreaterThan(0);
    expect(named.length).toBeLessThan(25);
    named.forEach((line, i) => {
      expect(line).toBe(`• ${code(i + 1)} — ${orgName(i + 1)}: ${[1, 2, 3].map((k) => reporterName(i + 1, k)).join(', ')}, và 5 người khác`);
    });
    expect(lines.slice(1, 1 + named.length)).toEqual(named);
    expect(lines.slice(-2)).toEqual([`… và ${ORGS - named.length} tổ chức khác.`, `Danh sách đầy đủ: /chuanop ${h}`]);
    expect(lines).toHaveLength(1 + named.length + 2);
  });
});

describe('digest on a holiday and the day after', () => {
  const digestRows = (slotKey: string) => db.selectFrom('deliveries').select(['id', 'status', 'reason']).where('slot_key', '=', slotKey).orderBy('id').execute();

  it('runDigest on a holiday returns 0 and writes nothing; the same day without the holiday has rounds to report', async () => {
    clock.set(at('2026-12-07T07:00'));
    const holiday: ReminderPolicy = { ...policy, holidays: new Set(['2026-12-07']) };
    expect(await runDigest({ ...slotDeps, policy: holiday })).toBe(0);
    expect(await digestRows('digest-2026-12-07')).toEqual([]);
    expect(await db.selectFrom('reminder_slots').select('slot_key').where('slot_key', '=', 'digest-2026-12-07').execute()).toEqual([]);

    const rounds = await runDigest(slotDeps);
    expect(rounds).toBeGreaterThan(0);
    expect(await digestRows('digest-2026-12-07')).toHaveLength(rounds);
  });

  it('yesterday\'s digest delivered today is skipped as stale and nothing reaches Telegram; today\'s is sent', async () => {
    clock.set(at('2026-12-08T07:00'));
    const before = sendsTo(adminChat).length;
    const [stale] = await digestRows('digest-2026-12-07');
    expect(await deliver(outboxDeps, { data: { deliveryId: stale!.id }, attemptsMade: 0 })).toBe('skipped');
    expect((await digestRows('digest-2026-12-07')).find((r) => r.id === stale!.id)).toEqual({ id: stale!.id, status: 'skipped', reason: 'stale digest' });
    expect(sendsTo(adminChat)).toHaveLength(before);

    expect(await runDigest(slotDeps)).toBeGreaterThan(0);
    const [today] = await digestRows('digest-2026-12-08');
    expect(await deliver(outboxDeps, { data: { deliveryId: today!.id }, attemptsMade: 0 })).toBe('sent');
    expect(sendsTo(adminChat)).toHaveLength(before + 1);
    expect(emulator.messagesTo(adminChat).at(-1)!.plainText).toContain('Tình hình báo cáo sáng 08/12/2026');
  });
});

describe('a person removed or demoted after a message to them was queued', () => {
  it('is not sent it, and «Gửi lại» does not queue it again; the others are sent as before', async () => {
    clock.set(at('2026-11-25T09:00'));
    const chats = await orgsWithReporters(['RM1', 'RM2', 'RM3', 'RM4'], 770_001);
    const demoted = 770_100;
    await insertPerson(db, { telegramUserId: demoted, name: 'Văn phòng cũ', admin: true });
    const r = await round(['RM1', 'RM2', 'RM3', 'RM4'], { offsets: [], scheduled: false });
    await planCampaignSlots(db, r, policy, clock.now());
    clock.set((await slot(r, 'announce')).send_at);
    expect(await runStoredSlot(r, 'announce')).toEqual({ kind: 'done', created: 4 });
    clock.set((await slot(r, 'escalate')).send_at);
    expect(await runStoredSlot(r, 'escalate')).toMatchObject({ kind: 'done' });

    const telegram = (chat: number) => ({ channel: 'telegram', externalId: String(chat) }) as const;
    expect((await removeReporter(db, { orgCode: 'RM1', identity: telegram(chats.RM1!) }, clock)).kind).toBe('removed');
    await setAdmin(db, telegram(demoted), false, clock);

    const byChat = async (slotKey: string) => new Map((await deliveriesOf(r, slotKey)).map((d) => [Number(d.telegram_user_id), d]));
    const announcements = await byChat('announce');
    const send = (id: string) => deliver(outboxDeps, { data: { deliveryId: id }, attemptsMade: 0 });
    expect(await send(announcements.get(chats.RM1!)!.id)).toBe('skipped');
    expect(await send(announcements.get(chats.RM2!)!.id)).toBe('sent');
    const escalations = await byChat('escalate');
    expect(await send(escalations.get(demoted)!.id)).toBe('skipped');
    expect(await send(escalations.get(adminChat)!.id)).toBe('sent');
    expect(sendsTo(chats.RM1!)).toHaveLength(0);
    expect(sendsTo(demoted)).toHaveLength(0);
    const after = await byChat('announce');
    expect(after.get(chats.RM1!)).toMatchObject({ status: 'skipped', reason: 'no longer a reporter' });
    expect((await byChat('escalate')).get(demoted)).toMatchObject({ status: 'skipped', reason: 'no longer an admin' });

    // RM3's and RM4's announcements failed on the network; RM3's reporter is removed since.
    const failed = [after.get(chats.RM3!)!.id, after.get(chats.RM4!)!.id];
    await db.updateTable('deliveries').set({ status: 'failed', failure: 'transient', reason: 'network' }).where('id', 'in', failed).execute();
    expect((await removeReporter(db, { orgCode: 'RM3', identity: telegram(chats.RM3!) }, clock)).kind).toBe('removed');
    const resent = await resendFailedDeliveries(db, { campaignId: r, actor: 'test', event: { channel: 'telegram', dedupeKey: 'resend-removed' }, adminIds: [] }, clock.now());
    expect(resent).toEqual({ kind: 'requeued', count: 1 });
    const final = await byChat('announce');
    expect(final.get(chats.RM3!)!.status).toBe('failed');
    expect(final.get(chats.RM4!)!.status).toBe('queued');
  });
});
