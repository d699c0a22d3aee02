/**
 * Who a reminder goes to and what it says, against the real Postgres, Redis and
 * the Bot API emulator: only organizations that have not submitted, checked again
 * right before sending; progress of a started report; the admins' morning digest
 * (once a day); and "Nhắc ngay" through the same outbox.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, type OutboxDeps } from '../../jobs/outbox.js';
import { deliveryJobId } from '../../jobs/queues.js';
import { runDigest, runSlot, type SlotDeps } from '../../jobs/slots.js';
import type { Database } from '../../src/db/schema.js';
import type { BotApiEmulator } from '../../src/emulator/botApiEmulator.js';
import { createCampaign } from '../../src/services/campaigns.js';
import { ensureAdminPeople } from '../../src/services/people.js';
import { ManualClock } from '../../src/time.js';
import { MANUAL_REMINDER_WINDOW_MS } from '../../src/reminders/policy.js';
import { eventually } from '../support/eventually.js';
import { at, insertOrg, insertPerson } from '../support/fixtures.js';
import { reminderPolicy, startReminderHarness, TELEGRAM_AUDIENCE, type ReminderHarness, type SchedulerClient } from '../support/reminderHarness.js';

const policy = reminderPolicy();
const WAIT = 15_000;

let h: ReminderHarness;
let db: Kysely<Database>;
let emulator: BotApiEmulator;
let client: SchedulerClient;
let outboxDeps: OutboxDeps;
let slotDeps: SlotDeps;
const clock = new ManualClock(at('2026-11-25T09:00'));

/** Reporters of O1…O5, by organization code. */
const reporter = { O1: 720_001, O2: 720_002, O3: 720_003, O4: 720_004, O5: 720_005 } as const;
const orgIds: Record<string, string> = {};
const adminRole = 729_001;
const adminConfigured = 729_002;
let round: string;

const sendsTo = (chatId: number) => emulator.calls.filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === chatId);

async function submit(code: keyof typeof reporter, status: 'draft' | 'submitted' = 'submitted', campaignId = round): Promise<string> {
  const row = await db
    .insertInto('submissions')
    .values({ campaign_id: campaignId, organization_id: orgIds[code]!, status, cursor: JSON.stringify({}), ...(status === 'submitted' ? { first_submitted_at: clock.now(), last_submitted_at: clock.now() } : {}) })
    .onConflict((oc) => oc.columns(['campaign_id', 'organization_id']).doUpdateSet({ status }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function answer(submissionId: string, answers: Record<string, unknown>): Promise<void> {
  await db
    .insertInto('answers')
    .values(Object.entries(answers).map(([key, value]) => ({ submission_id: submissionId, question_key: key, value: JSON.stringify(value) })))
    .execute();
}

async function slotSendAt(campaignId: string, slotKey: string): Promise<Date> {
  const row = await db.selectFrom('reminder_slots').select('send_at').where('campaign_id', '=', campaignId).where('slot_key', '=', slotKey).executeTakeFirstOrThrow();
  return row.send_at;
}

async function deliveriesOf(campaignId: string, slotKey: string) {
  return db
    .selectFrom('deliveries as d')
    .innerJoin('identities as i', (j) => j.onRef('i.person_id', '=', 'd.person_id').on('i.channel', '=', 'telegram'))
    .leftJoin('organizations as o', 'o.id', 'd.organization_id')
    .select(['d.id', 'o.code', 'i.external_id as telegram_user_id', 'd.kind', 'd.channel', 'd.status', 'd.reason', 'd.message_id'])
    .where('d.campaign_id', '=', campaignId)
    .where('d.slot_key', '=', slotKey)
    .orderBy('o.code')
    .orderBy('i.external_id')
    .execute();
}

beforeAll(async () => {
  h = await startReminderHarness('reminders_fanout', { clock, policy });
  ({ db, emulator, client } = h);
  for (const [code, tg] of Object.entries(reporter)) {
    orgIds[code] = await insertOrg(db, { code, name: `Chi bộ ${code}` });
    await insertPerson(db, { telegramUserId: tg, name: `Bí thư ${code}`, orgIds: [orgIds[code]!] });
  }
  await insertPerson(db, { telegramUserId: adminRole, name: 'Văn phòng', admin: true });
  const configured = { channel: 'telegram', externalId: String(adminConfigured) } as const;
  await ensureAdminPeople(db, [configured]);
  outboxDeps = h.outboxDeps({ adminIds: [configured] });
  slotDeps = h.slotDeps({ audience: { ...TELEGRAM_AUDIENCE, adminIds: [configured] } });
  ({ id: round } = await createCampaign(
    db,
    { formId: 'dan_van_qcdc', periodLabel: 'Năm 2026', opensAt: at('2026-12-01T08:00'), dueAt: at('2026-12-15T17:00'), organizationCodes: 'all' },
    clock,
    client.scheduler,
  ));
});

afterAll(async () => {
  await h?.stop();
});

describe('only organizations that have not submitted are reminded', () => {
  let reminders: Awaited<ReturnType<typeof deliveriesOf>>;

  it('fans a reminder slot out to the 3 of 5 organizations that have not submitted, and queues exactly those', async () => {
    await submit('O1');
    await submit('O2');
    const o3 = await submit('O3', 'draft');
    // Started: 3 answered; dang_ky_mo_hinh not yet, so ten_mo_hinh still counts as ahead → 11 of 14 left.
    await answer(o3, { ban_chi_dao: true, bcd_quy_che: true, so_mo_hinh_dvk: 3 });
    const o5 = await submit('O5', 'draft');
    // "No steering committee" rules out bcd_quy_che: 1 answered, 12 of 14 left.
    await answer(o5, { ban_chi_dao: false });

    const sendAt = await slotSendAt(round, 'r-1d');
    clock.set(sendAt);
    const result = await runSlot(slotDeps, { campaignId: round, slotKey: 'r-1d', sendAtMs: sendAt.getTime() });
    expect(result).toEqual({ kind: 'done', created: 3 });

    reminders = await deliveriesOf(round, 'r-1d');
    expect(reminders.map((d) => [d.code, d.kind, d.channel, d.status])).toEqual([
      ['O3', 'reminder', 'telegram', 'queued'],
      ['O4', 'reminder', 'telegram', 'queued'],
      ['O5', 'reminder', 'telegram', 'queued'],
    ]);
    const jobs = await client.queues.outbox.telegram.getJobs(['waiting', 'prioritized', 'delayed']);
    expect(jobs.map((j) => j.id).sort()).toEqual(reminders.map((d) => deliveryJobId(d.id)).sort());
    expect(await client.queues.outbox.zalo.count()).toBe(0);

    // The same slot job run again writes nothing more.
    expect(await runSlot(slotDeps, { campaignId: round, slotKey: 'r-1d', sendAtMs: sendAt.getTime() })).toEqual({ kind: 'gone' });
    expect(await deliveriesOf(round, 'r-1d')).toHaveLength(3);
  });

  it('skips the send when the organization submitted between fan-out and send: nothing reaches Telegram', async () => {
    await submit('O4');
    const o4 = reminders.find((d) => d.code === 'O4')!;
    expect(await deliver(outboxDeps, { data: { deliveryId: o4.id }, attemptsMade: 0 })).toBe('skipped');
    const row = (await deliveriesOf(round, 'r-1d')).find((d) => d.code === 'O4')!;
    expect([row.status, row.reason, row.message_id]).toEqual(['skipped', 'submitted', null]);
    expect(sendsTo(reporter.O4)).toHaveLength(0);
    expect(emulator.messagesTo(reporter.O4)).toHaveLength(0);
  });

  it('tells a started report how far it got: "còn N/14 câu"', async () => {
    for (const code of ['O3', 'O5'] as const) {
      const d = reminders.find((r) => r.code === code)!;
      expect(await deliver(outboxDeps, { data: { deliveryId: d.id }, attemptsMade: 0 })).toBe('sent');
    }
    const [o3] = emulator.messagesTo(reporter.O3);
    expect(emulator.messagesTo(reporter.O3)).toHaveLength(1);
    expect(o3!.plainText).toContain('Chi bộ O3 chưa nộp báo cáo');
    expect(o3!.plainText).toContain('đã trả lời 3 câu, còn 11/14 câu');
    expect(o3!.reply_markup.inline_keyboard.flat().map((b: { text: string }) => b.text)).toEqual(['Tiếp tục báo cáo']);
    const [o5] = emulator.messagesTo(reporter.O5);
    expect(emulator.messagesTo(reporter.O5)).toHaveLength(1);
    expect(o5!.plainText).toContain('đã trả lời 1 câu, còn 12/14 câu');

    const rows = await deliveriesOf(round, 'r-1d');
    expect(rows.map((d) => [d.code, d.status])).toEqual([
      ['O3', 'sent'],
      ['O4', 'skipped'],
      ['O5', 'sent'],
    ]);
    expect(rows.find((d) => d.code === 'O3')!.message_id).toBe(String(o3!.message_id));
    // A second delivery attempt of a sent row does nothing.
    expect(await deliver(outboxDeps, { data: { deliveryId: rows[0]!.id }, attemptsMade: 1 })).toBe('already handled');
    expect(emulator.messagesTo(reporter.O3)).toHaveLength(1);
    for (const code of ['O1', 'O2'] as const) expect(sendsTo(reporter[code])).toHaveLength(0);
  });
});

describe('digest and "Nhắc ngay" through the workers', () => {
  let second: string;

  beforeAll(async () => {
    // A second live round (2 targets, none submitted), one closed, one not yet open, one long past.
    ({ id: second } = await createCampaign(
      db,
      { formId: 'xep_loai_to_chuc_dang', periodLabel: 'Năm 2026', opensAt: at('2026-12-02T08:00'), dueAt: at('2026-12-20T17:00'), organizationCodes: ['O1', 'O2'] },
      clock,
    ));
    await createCampaign(db, { formId: 'dan_van_qcdc', periodLabel: 'Quý III/2026', opensAt: at('2026-12-01T08:00'), dueAt: at('2026-12-05T17:00'), closesAt: at('2026-12-06T17:00'), organizationCodes: 'all' }, clock);
    await createCampaign(db, { formId: 'dan_van_qcdc', periodLabel: 'Quý I/2027', opensAt: at('2026-12-20T08:00'), dueAt: at('2026-12-30T17:00'), organizationCodes: 'all' }, clock);
    await createCampaign(db, { formId: 'dan_van_qcdc', periodLabel: 'Quý II/2026', opensAt: at('2026-10-01T08:00'), dueAt: at('2026-10-15T17:00'), organizationCodes: 'all' }, clock);

    h.startSlotWorker(slotDeps);
    h.startOutboxWorker(outboxDeps, 50);
  });

  async function outboxIdle(): Promise<boolean> {
    const counts = await client.queues.outbox.telegram.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).every((n) => n === 0);
  }

  it('sends one digest per admin per live round at 07:00, with the round\'s figures', async () => {
    clock.set(at('2026-12-14T07:00'));
    expect(await runDigest(slotDeps)).toBe(2);
    const digests = (chat: number) => emulator.messagesTo(chat).filter((m) => m.plainText.includes('Tình hình báo cáo sáng 14/12/2026'));
    for (const admin of [adminRole, adminConfigured]) await emulator.waitFor(() => digests(admin).length === 2, WAIT);

    for (const admin of [adminRole, adminConfigured]) {
      const texts = digests(admin).map((m) => m.plainText);
      const first = texts.find((x) => x.includes(`#${round} `));
      const other = texts.find((x) => x.includes(`#${second} `));
      // O1, O2, O4 have submitted; O3 and O5 have not.
      expect(first).toContain('đã nộp 3/5 (60%). Hạn chót 17:00 thứ Ba, 15/12/2026 (còn 1 ngày).');
      expect(first).toContain('Chưa nộp: 2 tổ chức');
      expect(other).toContain('đã nộp 0/2 (0%). Hạn chót');
      expect(other).toContain('(còn 6 ngày)');
    }
    for (const chat of Object.values(reporter)) expect(emulator.messagesTo(chat).some((m) => m.plainText.includes('Tình hình'))).toBe(false);
    // The emulator has the messages a moment before the worker records them.
    const rows = await eventually(async () => {
      const all = await db.selectFrom('deliveries').select(['campaign_id', 'status']).where('slot_key', '=', 'digest-2026-12-14').execute();
      return all.every((r) => r.status !== 'queued' && r.status !== 'sending') && all;
    }, 'the digest deliveries to be recorded', WAIT);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
  });

  it('a repeated digest job the same day sends nothing new', async () => {
    const before = emulator.calls.filter((c) => c.method === 'sendMessage').length;
    clock.set(at('2026-12-14T07:05'));
    // As the job scheduler would run it again (a retry, or a restart that re-created it).
    const job = await client.queues.slots.add('digest', {});
    await eventually(async () => (await job.getState()) === 'completed', 'the repeated digest job to complete', WAIT);
    await eventually(outboxIdle, 'the outbox to be idle', WAIT);
    expect(await db.selectFrom('deliveries').select('id').where('slot_key', '=', 'digest-2026-12-14').execute()).toHaveLength(4);
    expect(emulator.calls.filter((c) => c.method === 'sendMessage').length).toBe(before);
  });

  it('remindNow returns how many organizations are missing and reminds each once through the outbox', async () => {
    clock.set(at('2026-12-14T10:00'));
    const before = new Map(Object.values(reporter).map((chat) => [chat, emulator.messagesTo(chat).length]));
    expect(await client.scheduler.remindNow(round, 'telegram:729001')).toEqual({ kind: 'queued', organizations: 2 });
    // A second tap minutes later is refused: one reminder per window, whoever asks.
    const firstAt = clock.now();
    clock.advance(2 * 60_000);
    expect(await client.scheduler.remindNow(round, 'telegram:729002')).toEqual({ kind: 'too_soon', lastAt: firstAt });
    const slotKey = `manual-${Math.floor(firstAt.getTime() / MANUAL_REMINDER_WINDOW_MS) * MANUAL_REMINDER_WINDOW_MS}`;
    await eventually(async () => {
      const rows = await deliveriesOf(round, slotKey);
      return rows.length === 2 && rows.every((d) => d.status === 'sent') && rows;
    }, 'both manual reminders to be sent', WAIT);
    await eventually(outboxIdle, 'the outbox to be idle', WAIT);
    expect((await deliveriesOf(round, slotKey)).map((d) => d.code)).toEqual(['O3', 'O5']);
    for (const [code, chat] of Object.entries(reporter)) {
      const fresh = emulator.messagesTo(chat).slice(before.get(chat));
      expect(fresh.length, code).toBe(code === 'O3' || code === 'O5' ? 1 : 0);
    }
    expect(emulator.messagesTo(reporter.O3).at(-1)!.plainText).toContain('còn 11/14 câu');
    const audit = await db.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'campaign.remind_now').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe('telegram:729001');
  });
});
