/**
 * «Nhắc ngay» asks before it sends, and /chuanop pages, against the real Postgres and the
 * real scheduler (Redis; no workers, so what is queued stays queued): the services that
 * read what the confirmation says (manualReminderPreview, waitingRoundMessages) and the
 * refusal while the round's messages are still waiting, then both commands as the office
 * uses them in chat, typed and pressed.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotJobId, type SlotJob } from '../../jobs/queues.js';
import { renderForText } from '../../src/channels/text/render.js';
import { NOT_SUBMITTED_PAGE_SIZE } from '../../src/chat/admin.js';
import type { Action, InboundEvent, Reply } from '../../src/chat/port.js';
import { createChat } from '../../src/chat/router.js';
import type { Database, SlotKind } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { waitingRoundMessages } from '../../src/services/deliveries.js';
import { FormCache } from '../../src/services/forms.js';
import { manualReminderPreview, requestManualReminder } from '../../src/services/reminderSlots.js';
import { ManualClock } from '../../src/time.js';
import { at, insertCampaign, insertNumberedOrgs, insertOrg, insertPerson } from '../support/fixtures.js';
import { reminderPolicy, startReminderHarness, type ReminderHarness } from '../support/reminderHarness.js';

const ADMIN = 7_300_001;
const clock = new ManualClock(at('2026-12-10T10:00'));

let h: ReminderHarness;
let db: Kysely<Database>;
let chat: ReturnType<typeof createChat>;
let nextEvent = 1;

function event(content: InboundEvent['content']): InboundEvent {
  return {
    channel: 'telegram',
    dedupeKey: `remind-${nextEvent++}`,
    from: { externalId: String(ADMIN), displayName: 'Văn phòng', username: null },
    at: clock.now(),
    content,
  };
}
const tell = (text: string): Promise<Reply> => chat.handle(event({ kind: 'text', text }));
const press = (action: Action): Promise<Reply> => chat.handle(event({ kind: 'action', action }));
const textOf = (reply: Reply) => reply.messages.map((m) => m.text).join('\n');
const optionsOf = (reply: Reply) => reply.messages.flatMap((m) => m.options.flat());

/** Organizations `${prefix}1`… with a reporter each, and a round open since 01/12 to them; `submitted` of them have submitted. */
async function roundOf(prefix: string, count: number, options: { submitted?: number; periodLabel?: string } = {}): Promise<string> {
  const codes = Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
  const ids: string[] = [];
  for (const code of codes) {
    const id = await insertOrg(db, { code, name: `Chi bộ ${code}` });
    await insertPerson(db, { telegramUserId: 7_400_000 + nextEvent++, orgIds: [id] });
    ids.push(id);
  }
  const campaignId = await insertCampaign(db, { orgCodes: codes, periodLabel: options.periodLabel ?? `Năm 2026 (${prefix})` });
  for (const orgId of ids.slice(0, options.submitted ?? 0)) {
    await db.insertInto('submissions').values({ campaign_id: campaignId, organization_id: orgId, status: 'submitted', cursor: '{}', first_submitted_at: clock.now(), last_submitted_at: clock.now() }).execute();
  }
  return campaignId;
}

async function slot(campaignId: string, slotKey: string, kind: SlotKind, sendAt: Date, fannedOut?: Date): Promise<void> {
  await db
    .insertInto('reminder_slots')
    .values({ campaign_id: campaignId, slot_key: slotKey, kind, send_at: sendAt, ...(fannedOut ? { fanned_out_at: fannedOut, outcome: 'sent' as const } : {}) })
    .execute();
}

/** One delivery of `slotKey` to each reporter of the round, in `status`. */
async function deliveries(campaignId: string, slotKey: string, kind: SlotKind, status: 'queued' | 'sent'): Promise<void> {
  const targets = await db
    .selectFrom('campaign_targets as t')
    .innerJoin('memberships as m', 'm.organization_id', 't.organization_id')
    .select(['t.organization_id', 'm.person_id'])
    .where('t.campaign_id', '=', campaignId)
    .execute();
  await db
    .insertInto('deliveries')
    .values(targets.map((t) => ({ campaign_id: campaignId, slot_key: slotKey, kind, organization_id: t.organization_id, person_id: t.person_id, channel: 'telegram' as const, status })))
    .execute();
}

const manualSlots = (campaignId: string) =>
  db.selectFrom('reminder_slots').select(['slot_key', 'send_at']).where('campaign_id', '=', campaignId).where('slot_key', 'like', 'manual-%').execute();

async function slotJobIds(campaignId: string): Promise<string[]> {
  const jobs = await h.client.queues.slots.getJobs(['delayed', 'waiting', 'prioritized']);
  return jobs.filter((j) => (j.data as SlotJob).campaignId === campaignId).map((j) => j.id!);
}

beforeAll(async () => {
  h = await startReminderHarness('remind_now', { clock, policy: reminderPolicy(), emulator: false });
  db = h.db;
  chat = createChat({
    db,
    clock,
    forms: new FormCache(db),
    adminIds: [{ channel: 'telegram', externalId: String(ADMIN) }],
    logger: silentLogger,
    scheduler: h.client.scheduler,
  });
});

afterAll(async () => {
  await chat?.close();
  await h?.stop();
});

describe('what «Nhắc ngay» is asked to confirm (services)', () => {
  it('counts the organizations missing, and names the messages of the last 12 hours and the next 12', async () => {
    clock.set(at('2026-12-10T10:00'));
    const c = await roundOf('PV', 3, { submitted: 1 });
    await slot(c, 'announce', 'announcement', at('2026-12-01T08:00'), at('2026-12-01T08:00'));
    await slot(c, 'r-7d', 'reminder', at('2026-12-08T08:00'), at('2026-12-08T08:00'));
    await slot(c, 'r-5d', 'reminder', at('2026-12-10T08:00'), at('2026-12-10T08:00'));
    await slot(c, 'r-3d', 'reminder', at('2026-12-12T08:00'));
    // Admins' messages neither warn nor wait: only those to the organizations.
    await slot(c, 'digest-2026-12-10', 'digest', at('2026-12-10T09:30'), at('2026-12-10T09:30'));
    expect(await manualReminderPreview(db, c, clock.now())).toEqual({
      periodLabel: 'Năm 2026 (PV)',
      formTitle: expect.stringContaining('Công tác dân vận'),
      decision: 'go',
      missing: 2,
      lastManualAt: undefined,
      waiting: 0,
      recent: { slotKey: 'r-5d', kind: 'reminder', at: at('2026-12-10T08:00') },
      // Two days off: not within 12 hours.
      upcoming: undefined,
    });

    clock.set(at('2026-12-12T00:00'));
    expect(await manualReminderPreview(db, c, clock.now())).toMatchObject({
      recent: undefined,
      upcoming: { slotKey: 'r-3d', kind: 'reminder', at: at('2026-12-12T08:00') },
    });
    expect(await manualReminderPreview(db, '999999', clock.now())).toBeUndefined();
    expect(await manualReminderPreview(db, 'abc', clock.now())).toBeUndefined();
  });

  it("waitingRoundMessages counts the round's announcement and reminder deliveries still queued, nothing else", async () => {
    clock.set(at('2026-12-10T10:00'));
    const c = await roundOf('WQ', 3);
    const other = await roundOf('WO', 2);
    expect(await waitingRoundMessages(db, c)).toBe(0);
    await deliveries(c, 'announce', 'announcement', 'sent');
    await deliveries(c, 'r-5d', 'reminder', 'queued');
    await deliveries(other, 'announce', 'announcement', 'queued');
    expect(await waitingRoundMessages(db, c)).toBe(3);
    expect(await waitingRoundMessages(db, other)).toBe(2);
  });

  it('requestManualReminder refuses while they wait (busy, with how many), and adds no slot', async () => {
    clock.set(at('2026-12-10T10:00'));
    const c = await roundOf('WB', 2);
    await deliveries(c, 'announce', 'announcement', 'queued');
    expect(await requestManualReminder(db, c, clock.now())).toEqual({ kind: 'busy', waiting: 2 });
    expect(await manualReminderPreview(db, c, clock.now())).toMatchObject({ decision: 'busy', waiting: 2 });
    expect(await manualSlots(c)).toEqual([]);
  });
});

describe('«Nhắc ngay» in chat', () => {
  it('/nhacnho N asks first: the round (#id and period), how many organizations, the last reminder today; nothing is queued', async () => {
    clock.set(at('2026-12-10T10:00'));
    const c = await roundOf('NA', 3, { submitted: 1, periodLabel: '6 tháng cuối năm 2026' });
    await slot(c, 'r-5d', 'reminder', at('2026-12-10T08:00'), at('2026-12-10T08:00'));
    const reply = await tell(`/nhacnho ${c}`);
    const text = textOf(reply);
    expect(text).toContain(`Nhắc ngay đợt <b>#${c}</b> — 6 tháng cuối năm 2026`);
    expect(text).toContain('Bot sẽ gửi lời nhắc tới 2 tổ chức chưa nộp.');
    expect(text).toContain('Lần nhắc gần nhất lúc 08:00 hôm nay (nhắc 5 ngày trước hạn)');
    expect(optionsOf(reply).map((o) => [o.label, o.say, o.action, o.unlisted ?? false])).toEqual([
      ['🔔 Nhắc ngay', 'nhắc ngay', { kind: 'round', campaignId: c, action: 'remind_ok' }, false],
      ['Không nhắc', 'không nhắc', { kind: 'round', campaignId: c, action: 'remind_no' }, false],
    ]);
    // On Zalo: both answers, as they are typed.
    const zalo = renderForText(reply.messages[0]!).join('\n');
    expect(zalo).toContain('• 🔔 Nhắc ngay: gõ «nhắc ngay»');
    expect(zalo).toContain('• Gõ «không nhắc»');
    expect(await manualSlots(c)).toEqual([]);
    expect(await slotJobIds(c)).toEqual([]);
  });

  it('confirming queues it (pressed or typed), and the reply names the round', async () => {
    clock.set(at('2026-12-10T10:00'));
    const c = await roundOf('NB', 2, { periodLabel: 'Quý IV/2026' });
    await tell(`/dot ${c}`);
    expect(textOf(await press({ kind: 'round', campaignId: c, action: 'remind' }))).toContain(`Nhắc ngay đợt <b>#${c}</b> — Quý IV/2026`);
    expect(await manualSlots(c)).toEqual([]);

    const done = await press({ kind: 'round', campaignId: c, action: 'remind_ok' });
    expect(textOf(done)).toContain(`Đã xếp lịch nhắc ngay 2 tổ chức chưa nộp của đợt <b>#${c}</b> — Quý IV/2026.`);
    expect(done.pressed).toBe('retire');
    const [manual] = await manualSlots(c);
    expect(manual?.send_at).toEqual(clock.now());
    expect(await slotJobIds(c)).toEqual([slotJobId({ campaignId: c, slotKey: manual!.slot_key, sendAtMs: manual!.send_at.getTime() })]);

    // The 10-minute guard stays: a second confirmation at once is refused, naming the round.
    clock.advance(2 * 60_000);
    expect(textOf(await tell(`/nhacnho ${c} ngay`))).toBe(`Đợt #${c} — Quý IV/2026 vừa được nhắc lúc 10/12/2026 10:00. Để tránh nhắc trùng, đồng chí chờ ít phút rồi thử lại.`);
    expect(await manualSlots(c)).toHaveLength(1);

    // Typed, as on Zalo, without the slash.
    const typed = await roundOf('NC', 3, { periodLabel: 'Năm 2026 (gõ)' });
    expect(textOf(await tell(`nhacnho ${typed} ngay`))).toContain(`Đã xếp lịch nhắc ngay 3 tổ chức chưa nộp của đợt <b>#${typed}</b> — Năm 2026 (gõ).`);
    expect(await manualSlots(typed)).toHaveLength(1);
  });

  it('a confirmation pressed more than 30 minutes after it was shown asks again, with what is true now; a fresh one sends', async () => {
    clock.set(at('2026-12-11T09:00'));
    const c = await roundOf('NS', 2, { periodLabel: 'Quý IV/2026 (cũ)' });
    const shownAt = new Date(clock.now().getTime() - 2 * 3600_000);
    const old = await chat.handle(event({ kind: 'action', action: { kind: 'round', campaignId: c, action: 'remind_ok' }, shownAt }));
    expect(textOf(old)).toMatch(/^Xác nhận vừa rồi đã cũ \(quá 30 phút\)/);
    expect(textOf(old)).toContain(`Nhắc ngay đợt <b>#${c}</b> — Quý IV/2026 (cũ)`);
    expect(await manualSlots(c)).toEqual([]);

    const fresh = await chat.handle(event({ kind: 'action', action: { kind: 'round', campaignId: c, action: 'remind_ok' }, shownAt: new Date(clock.now().getTime() - 60_000) }));
    expect(textOf(fresh)).toContain('Đã xếp lịch nhắc ngay 2 tổ chức chưa nộp');
    expect(await manualSlots(c)).toHaveLength(1);
  });

  it('«Không nhắc» queues nothing', async () => {
    clock.set(at('2026-12-10T10:00'));
    const c = await roundOf('ND', 2, { periodLabel: 'Năm 2026 (không)' });
    await tell(`/nhacnho ${c}`);
    const reply = await press({ kind: 'round', campaignId: c, action: 'remind_no' });
    expect(textOf(reply)).toBe(`Không nhắc đợt #${c} — Năm 2026 (không); không có tin nào được gửi.`);
    expect(reply.pressed).toBe('retire');
    expect(await manualSlots(c)).toEqual([]);
    expect(await slotJobIds(c)).toEqual([]);
  });

  it("is refused, saying why, while the round's announcement or reminders are still queued", async () => {
    clock.set(at('2026-12-10T10:00'));
    const c = await roundOf('NE', 3, { periodLabel: 'Năm 2026 (chờ)' });
    await deliveries(c, 'announce', 'announcement', 'queued');
    const refusal = `Chưa nhắc đợt #${c} — Năm 2026 (chờ): đợt này còn 3 tin (thông báo, lời nhắc) đang chờ gửi.`;
    const asked = await tell(`/nhacnho ${c}`);
    expect(textOf(asked)).toContain(refusal);
    expect(optionsOf(asked)).toEqual([]);
    // Nor by confirming at once, nor by an old confirmation's button.
    expect(textOf(await tell(`/nhacnho ${c} ngay`))).toContain(refusal);
    expect(textOf(await press({ kind: 'round', campaignId: c, action: 'remind_ok' }))).toContain(refusal);
    expect(await manualSlots(c)).toEqual([]);
    expect(await slotJobIds(c)).toEqual([]);
  });

  it('without a number asks about the latest round opened, naming it; «ngay» alone sends nothing', async () => {
    clock.set(at('2026-12-10T10:00'));
    const c = await insertCampaign(db, { orgCodes: ['NA1', 'NA2'], periodLabel: 'Đợt mới nhất', opens: '2026-12-09T08:00' });
    expect(textOf(await tell('/nhacnho'))).toContain(`Nhắc ngay đợt <b>#${c}</b> — Đợt mới nhất`);
    expect(textOf(await tell('nhacnho ngay'))).toContain(`Nhắc ngay đợt <b>#${c}</b> — Đợt mới nhất`);
    expect(await manualSlots(c)).toEqual([]);
  });
});

describe('a confirmation answered by typing its option, as on Zalo', () => {
  const isClosed = async (campaignId: string) => (await db.selectFrom('campaigns').select('closed_at').where('id', '=', campaignId).executeTakeFirstOrThrow()).closed_at !== null;

  it('«không nhắc» (any case, no diacritics) sends nothing and is forgotten; «Nhắc ngay.» then sends only after asking again', async () => {
    clock.set(at('2026-12-10T10:00'));
    const c = await roundOf('TA', 2, { periodLabel: 'Năm 2026 (gõ không)' });
    await tell(`/nhacnho ${c}`);
    expect(textOf(await tell('KHONG NHAC'))).toBe(`Không nhắc đợt #${c} — Năm 2026 (gõ không); không có tin nào được gửi.`);
    // Answered: «nhắc ngay» now answers nothing and sends nothing.
    expect(textOf(await tell('nhắc ngay'))).not.toContain('Đã xếp lịch');
    expect(await manualSlots(c)).toEqual([]);

    await tell(`/nhacnho ${c}`);
    expect(textOf(await tell('Nhắc ngay.'))).toContain(`Đã xếp lịch nhắc ngay 2 tổ chức chưa nộp của đợt <b>#${c}</b> — Năm 2026 (gõ không).`);
    expect(await manualSlots(c)).toHaveLength(1);
  });

  it('answers the confirmation shown last, naming its round; one pressed is forgotten too', async () => {
    clock.set(at('2026-12-10T10:00'));
    const first = await roundOf('TB', 2, { periodLabel: 'Đợt TB' });
    const second = await roundOf('TC', 3, { periodLabel: 'Đợt TC' });
    await tell(`/nhacnho ${first}`);
    await tell(`nhacnho ${second}`);
    expect(textOf(await tell('nhac ngay'))).toContain(`Đã xếp lịch nhắc ngay 3 tổ chức chưa nộp của đợt <b>#${second}</b> — Đợt TC.`);
    expect(await manualSlots(first)).toEqual([]);
    expect(await manualSlots(second)).toHaveLength(1);

    const third = await roundOf('TD', 2, { periodLabel: 'Đợt TD' });
    await tell(`/nhacnho ${third}`);
    await press({ kind: 'round', campaignId: third, action: 'remind_no' });
    expect(textOf(await tell('nhắc ngay'))).not.toContain('Đã xếp lịch');
    expect(await manualSlots(third)).toEqual([]);
  });

  it('typed twice, or with nothing waiting: the second is told so, acts on nothing and goes to no report', async () => {
    clock.set(at('2026-12-10T10:00'));
    const c = await roundOf('TQ', 2, { periodLabel: 'Đợt TQ' });
    await tell(`/nhacnho ${c}`);
    expect(textOf(await tell('nhắc ngay'))).toContain('Đã xếp lịch nhắc ngay 2 tổ chức chưa nộp');
    expect(textOf(await tell('nhắc ngay'))).toMatch(/^Không có xác nhận nào đang chờ/);
    expect(textOf(await tell('không nhắc'))).toMatch(/^Không có xác nhận nào đang chờ/);
    expect(await manualSlots(c)).toHaveLength(1);
    // With a round being created, the words are the wizard's to read (its reminder step takes «không»).
    expect(textOf(await tell('/dotmoi'))).toContain('(bước 1/7)');
    const toWizard = textOf(await tell('không nhắc'));
    expect(toWizard).not.toMatch(/^Không có xác nhận nào đang chờ/);
    expect(toWizard).toContain('bước 1/7');
    expect(textOf(await tell('/huy'))).toBe('Đã huỷ. Không có gì được tạo hay thay đổi.');
  });

  it('«nhắc ngay» typed after the admin went on answering their own report shows the confirmation again instead of sending', async () => {
    clock.set(at('2026-12-10T10:00'));
    const c = await roundOf('TR', 2, { periodLabel: 'Đợt TR' });
    await tell(`/nhacnho ${c}`);
    // The admin also reports for an organization, and answers a question of it a minute later.
    clock.advance(60_000);
    const admin = await db.selectFrom('identities').select('person_id').where('channel', '=', 'telegram').where('external_id', '=', String(ADMIN)).executeTakeFirstOrThrow();
    const org = await insertOrg(db, { code: 'TRX', name: 'Chi bộ của văn phòng' });
    await db.insertInto('memberships').values({ person_id: admin.person_id, organization_id: org }).execute();
    const own = await insertCampaign(db, { orgCodes: ['TRX'], periodLabel: 'Báo cáo của văn phòng' });
    const submission = await db
      .insertInto('submissions')
      .values({ campaign_id: own, organization_id: org, status: 'draft', cursor: '{}', updated_by: admin.person_id, updated_at: clock.now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.updateTable('people').set({ active_submission_id: submission.id }).where('id', '=', admin.person_id).execute();
    try {
      const again = textOf(await tell('nhắc ngay'));
      expect(again).toContain(`Nhắc ngay đợt <b>#${c}</b> — Đợt TR`);
      expect(again).not.toContain('Đã xếp lịch');
      expect(await manualSlots(c)).toEqual([]);
      // Asked again, and answered at once: now it is meant.
      expect(textOf(await tell('nhắc ngay'))).toContain(`Đã xếp lịch nhắc ngay 2 tổ chức chưa nộp của đợt <b>#${c}</b> — Đợt TR.`);
      expect(await manualSlots(c)).toHaveLength(1);
    } finally {
      await db.updateTable('people').set({ active_submission_id: null }).where('id', '=', admin.person_id).execute();
    }
  });

  it('typed more than 30 minutes after it was shown, asks again with what is true now', async () => {
    clock.set(at('2026-12-10T10:00'));
    const c = await roundOf('TE', 2, { periodLabel: 'Đợt TE' });
    await tell(`/nhacnho ${c}`);
    clock.advance(31 * 60_000);
    const again = textOf(await tell('nhắc ngay'));
    expect(again).toMatch(/^Xác nhận vừa rồi đã cũ \(quá 30 phút\)/);
    expect(again).toContain(`Nhắc ngay đợt <b>#${c}</b> — Đợt TE`);
    expect(await manualSlots(c)).toEqual([]);
    expect(textOf(await tell('nhắc ngay'))).toContain('Đã xếp lịch nhắc ngay 2 tổ chức chưa nộp');
    expect(await manualSlots(c)).toHaveLength(1);
  });

  it('«Kết thúc đợt»: «không, để đợt tiếp tục» (with or without the comma) keeps it open, «kết thúc ngay» closes it', async () => {
    clock.set(at('2026-12-10T10:00'));
    const c = await roundOf('TF', 2, { periodLabel: 'Đợt TF' });
    const asked = await tell(`/ketthuc ${c}`);
    expect(optionsOf(asked).map((o) => [o.say, o.action, o.unlisted ?? false])).toEqual([
      ['kết thúc ngay', { kind: 'round', campaignId: c, action: 'close_ok' }, false],
      ['không, để đợt tiếp tục', { kind: 'round', campaignId: c, action: 'close_no' }, false],
    ]);
    const zalo = renderForText(asked.messages[0]!).join('\n');
    expect(zalo).toContain('• Gõ «kết thúc ngay»');
    expect(zalo).toContain('• Gõ «không, để đợt tiếp tục»');
    // «nhắc ngay» does not answer a question about closing.
    expect(textOf(await tell('nhắc ngay'))).not.toContain('Đã xếp lịch');
    expect(textOf(await tell('Khong de dot tiep tuc'))).toBe(`Đợt #${c} vẫn tiếp tục.`);
    expect(await isClosed(c)).toBe(false);
    expect(textOf(await tell('kết thúc ngay'))).not.toContain('Đã kết thúc');
    expect(await isClosed(c)).toBe(false);

    await tell(`/ketthuc ${c}`);
    expect(textOf(await tell('Kết thúc ngay!'))).toMatch(new RegExp(`^Đã kết thúc đợt #${c} lúc `));
    expect(await isClosed(c)).toBe(true);
  });

  it('shown in the middle of /dotmoi: answered by typing, and the wizard goes on where it was', async () => {
    clock.set(at('2026-12-10T10:00'));
    const c = await roundOf('TG', 2, { periodLabel: 'Đợt TG' });
    expect(textOf(await tell('/dotmoi'))).toContain('(bước 1/7)');
    await tell(`/nhacnho ${c}`);
    expect(textOf(await tell('không nhắc'))).toContain(`Không nhắc đợt #${c}`);
    expect(textOf(await tell('1'))).toContain('(bước 2/7)');
    expect(textOf(await tell('/huy'))).toBe('Đã huỷ. Không có gì được tạo hay thay đổi.');
    expect(await manualSlots(c)).toEqual([]);
  });
});

describe('/chuanop pages', () => {
  let c: string;
  const code = (i: number) => `P${String(i).padStart(4, '0')}`;

  beforeAll(async () => {
    await insertNumberedOrgs(db, { letter: 'P', digits: 4, count: 120, firstChat: 7_500_001 });
    c = await insertCampaign(db, { orgCodes: Array.from({ length: 120 }, (_, i) => code(i + 1)), periodLabel: 'Năm 2026 (trang)' });
  });

  it('shows page 2 of 120: its header, lines 51–100, the next page and where the whole list is', async () => {
    expect(NOT_SUBMITTED_PAGE_SIZE).toBe(50);
    const reply = await tell(`/chuanop ${c} trang 2`);
    const lines = textOf(reply).split('\n');
    expect(lines).toContain('<b>Trang 2/3 — 120 tổ chức chưa nộp</b>');
    const items = lines.filter((l) => /^\d+\. /.test(l));
    expect(items).toHaveLength(50);
    expect(items[0]).toBe(`51. ${code(51)} — Chi bộ ${code(51)}`);
    expect(items.at(-1)).toBe(`100. ${code(100)} — Chi bộ ${code(100)}`);
    expect(lines.at(-1)).toBe(`Danh sách đầy đủ: trang «Chưa nộp» của tệp Excel (gõ /tonghop ${c} để tải).`);
    expect(lines.at(-2)).toBe(`Xem trang khác: /chuanop ${c} trang SỐ_TRANG`);
    expect(optionsOf(reply)).toEqual([
      { label: 'Trang sau ▶', say: `/chuanop ${c} trang 3`, action: { kind: 'notSubmitted', campaignId: c, page: 3, afterCode: code(100) } },
    ]);
    expect(renderForText(reply.messages[0]!).join('\n')).toContain(`• Trang sau ▶: gõ «/chuanop ${c} trang 3»`);

    // The same typed without the slash, as on Zalo.
    expect(textOf(await tell(`chuanop ${c} trang 2`))).toBe(textOf(reply));
  });

  it('«Trang sau ▶» shows the last page, without a next one; page 1 is the default; past the end says how many pages', async () => {
    const last = await press({ kind: 'notSubmitted', campaignId: c, page: 3 });
    const items = textOf(last).split('\n').filter((l) => /^\d+\. /.test(l));
    expect(items.map((l) => l.split(' ')[0])).toEqual(Array.from({ length: 20 }, (_, i) => `${101 + i}.`));
    expect(textOf(last)).toContain('<b>Trang 3/3 — 120 tổ chức chưa nộp</b>');
    expect(optionsOf(last)).toEqual([]);
    expect(last.pressed).toBe('retire');

    const first = await tell(`/chuanop ${c}`);
    expect(textOf(first)).toContain('<b>Trang 1/3 — 120 tổ chức chưa nộp</b>');
    expect(textOf(first)).toContain(`1. ${code(1)} — Chi bộ ${code(1)}`);
    expect(optionsOf(first).map((o) => o.say)).toEqual([`/chuanop ${c} trang 2`]);

    expect(textOf(await tell(`/chuanop ${c} trang 4`))).toBe('Không có trang 4: danh sách chỉ có 3 trang.');
    expect(textOf(await tell(`/chuanop ${c} trang hai`))).toContain('Cách dùng: /chuanop');
  });

  it('«Trang sau ▶» after reports came in meanwhile starts after the last organization shown: nobody is skipped', async () => {
    const round = await insertCampaign(db, { orgCodes: Array.from({ length: 120 }, (_, i) => code(i + 1)), periodLabel: 'Năm 2026 (đang nộp)' });
    const first = await tell(`/chuanop ${round}`);
    const [next] = optionsOf(first);
    // Two organizations of page 1 submit before the button is pressed.
    for (const i of [10, 20]) {
      const org = await db.selectFrom('organizations').select('id').where('code', '=', code(i)).executeTakeFirstOrThrow();
      await db.insertInto('submissions').values({ campaign_id: round, organization_id: org.id, status: 'submitted', cursor: '{}', first_submitted_at: new Date(), last_submitted_at: new Date() }).execute();
    }
    const second = textOf(await press(next!.action!));
    const items = second.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(items[0]).toBe(`51. ${code(51)} — Chi bộ ${code(51)}`);
    expect(items.at(-1)).toBe(`100. ${code(100)} — Chi bộ ${code(100)}`);
    expect(second).toContain('118 tổ chức chưa nộp');
  });

  it('a list of one page reads as before: the count, every organization, no page', async () => {
    const small = await roundOf('PS', 3, { submitted: 1 });
    const reply = await tell(`/chuanop ${small}`);
    expect(textOf(reply)).toContain('Còn 2 tổ chức chưa nộp báo cáo:');
    expect(textOf(reply)).not.toContain('Trang');
    expect(optionsOf(reply)).toEqual([]);
  });

  it('/chuanop N DB01: a đảng bộ cơ sở and its chi bộ trực thuộc only, paged on with its code', async () => {
    await insertOrg(db, { code: 'PDB01', name: 'Đảng bộ Công ty P', type: 'dang_bo_co_so' });
    const children = Array.from({ length: 55 }, (_, i) => `PDB01-${String(i + 1).padStart(2, '0')}`);
    for (const child of children) await insertOrg(db, { code: child, parentCode: 'PDB01' });
    await insertOrg(db, { code: 'PDB02', name: 'Đảng bộ khác', type: 'dang_bo_co_so' });
    const round = await insertCampaign(db, { orgCodes: ['PDB01', 'PDB02', ...children], periodLabel: 'Năm 2026 (đảng bộ)' });
    const org = await db.selectFrom('organizations').select('id').where('code', '=', 'PDB01').executeTakeFirstOrThrow();

    const reply = await tell(`/chuanop ${round} pdb01`);
    const text = textOf(reply);
    expect(text).toContain('Thuộc PDB01 — Đảng bộ Công ty P (cả đảng bộ và các chi bộ trực thuộc)');
    expect(text).toContain('<b>Trang 1/2 — 56 tổ chức chưa nộp</b>');
    expect(text).toContain('1. PDB01 — Đảng bộ Công ty P');
    expect(text).not.toContain('PDB02');
    expect(text).toContain(`Xem trang khác: /chuanop ${round} PDB01 trang SỐ_TRANG`);
    expect(optionsOf(reply)).toEqual([
      { label: 'Trang sau ▶', say: `/chuanop ${round} PDB01 trang 2`, action: { kind: 'notSubmitted', campaignId: round, page: 2, parentId: org.id, afterCode: children[48] } },
    ]);
    const second = textOf(await tell(`chuanop ${round} PDB01 trang 2`));
    expect(second.split('\n').filter((l) => /^\d+\. /.test(l))).toEqual(children.slice(49).map((child, i) => `${51 + i}. ${child} — Chi bộ ${child}`));
    expect(textOf(await press({ kind: 'notSubmitted', campaignId: round, page: 2, parentId: org.id, afterCode: children[48]! }))).toBe(second);

    expect(textOf(await tell(`/chuanop ${round} KHONGCO`))).toBe('Không có tổ chức mang mã «KHONGCO».');
    expect(textOf(await tell(`/chuanop ${round} ${children[0]}`))).toMatch(/^PDB01-01 không phải đảng bộ cơ sở: \/chuanop chỉ lọc theo mã một đảng bộ/);
  });
});
