/**
 * End to end: the real bot process sends a round's announcement and reminders
 * through its outbox to the local Bot API emulator — honouring a 429's
 * retry_after, marking a person who blocked the bot unreachable — and escalates
 * to the office the organizations still missing after the last reminder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator, type BotMessage, type TgUser } from '../../src/emulator/botApiEmulator.js';
import { createCampaign } from '../../src/services/campaigns.js';
import { systemClock } from '../../src/time.js';
import { startBotFor, type BotProcess } from '../support/botProcess.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { DAY, insertOverdueRound, reportRows, stopAll, telegramChat } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { insertOrg, insertPerson, seedForms } from '../support/fixtures.js';

const WAIT = 20_000;

const secretary: TgUser = { id: 2001, first_name: 'Nguyễn', last_name: 'Hoà' };
const blocker: TgUser = { id: 2002, first_name: 'Trần', last_name: 'Chặn' };
const admin: TgUser = { id: 9101, first_name: 'Văn phòng' };

let testDb: TestDb;
let emulator: BotApiEmulator;
let bot: BotProcess;
let openRound: string;
let overdueRound: string;

const isAnnouncement = (round: string) => (m: BotMessage) => m.plainText.includes('Thông báo đợt báo cáo') && m.plainText.includes(round);

beforeAll(async () => {
  testDb = await createTestDb('e2e_reminders');
  await seedForms(testDb.db);
  const cb01 = await insertOrg(testDb.db, { code: 'CB01', name: 'Chi bộ Sở Nội vụ' });
  const cb02 = await insertOrg(testDb.db, { code: 'CB02', name: 'Chi bộ Sở Công Thương' });
  await insertOrg(testDb.db, { code: 'CB03', name: 'Chi bộ Sở Du lịch' });
  await insertPerson(testDb.db, { telegramUserId: secretary.id, name: 'Nguyễn Hoà', orgIds: [cb01] });
  await insertPerson(testDb.db, { telegramUserId: blocker.id, name: 'Trần Chặn', orgIds: [cb02] });
  const now = Date.now();
  // Opened a minute ago: its announcement is due now; its reminders are days away.
  ({ id: openRound } = await createCampaign(
    testDb.db,
    { formId: 'dan_van_qcdc', periodLabel: 'Năm 2026', opensAt: new Date(now - 60_000), dueAt: new Date(now + 10 * DAY), organizationCodes: 'all' },
    systemClock,
  ));
  // Four days past its deadline, announced when it opened; the bot was then down until now.
  overdueRound = await insertOverdueRound(testDb.db, 'all', now);
  emulator = await startBotApiEmulator();
  emulator.blockUser(blocker.id);
  // The first message Telegram is asked for is refused with "retry after 1 second".
  emulator.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 });
  bot = await startBotFor(emulator, testDb, {
    adminIds: [admin.id],
    // Whatever the hour CI runs at, the slots due now are sent now.
    env: { QUIET_HOURS: 'off' },
  });
}, 60_000);

afterAll(() => stopAll(bot, [emulator], testDb));

const chat = telegramChat(() => emulator, () => bot, WAIT);
const { messageTo } = chat;
const reports = reportRows(() => testDb.db);
const deliveriesOf = (telegramUserId: number) => reports.deliveriesTo('telegram', String(telegramUserId));

describe('announcements, reminders and escalation through the outbox', () => {
  it('announces the open round with its deadline and buttons, after waiting out a 429', async () => {
    const announcement = await messageTo(secretary, isAnnouncement('Công tác dân vận'));
    expect(announcement.plainText).toContain('Chi bộ Sở Nội vụ');
    expect(announcement.plainText).toContain('Hạn chót');
    const labels = announcement.reply_markup.inline_keyboard.flat().map((b: { text: string }) => b.text);
    expect(labels).toEqual(['Bắt đầu báo cáo', 'Đã nhận']);

    // The refused message is sent again once retry_after has passed, and meanwhile the whole
    // outbox waits (sends already in flight when the 429 came back may land a few ms after it).
    const sendCalls = () => emulator.calls.filter((c) => c.method === 'sendMessage');
    const refused = sendCalls()[0]!;
    const retried = await emulator.waitFor(
      () => sendCalls().slice(1).find((c) => c.params.chat_id === refused.params.chat_id && c.params.text === refused.params.text),
      WAIT,
    );
    expect(retried.at - refused.at).toBeGreaterThanOrEqual(950);
    const sends = sendCalls();
    expect(sends.filter((c) => c.at > refused.at + 200 && c.at < refused.at + 950)).toEqual([]);
  });

  it('records "Đã nhận" and starts the dialogue from the announcement', async () => {
    const announcement = await messageTo(secretary, isAnnouncement('Công tác dân vận'));
    emulator.pressButtonLabelled(secretary, announcement, 'Đã nhận');
    await emulator.waitFor(() => emulator.callbackAnswers.some((a) => a.text === 'Đã ghi nhận. Cảm ơn đồng chí!'), WAIT);
    const acknowledged = (await deliveriesOf(secretary.id)).find((d) => d.campaign_id === openRound && d.kind === 'announcement');
    expect(acknowledged?.acknowledged_at).not.toBeNull();

    const question = chat.reply(secretary, 'Câu 1/14');
    emulator.pressButtonLabelled(secretary, emulator.messagesTo(secretary.id).find((m) => m.message_id === announcement.message_id)!, 'Bắt đầu báo cáo');
    await question;
  });

  it('reminds an overdue organization once, with its progress', async () => {
    const overdue = await messageTo(secretary, (m) => m.plainText.includes('Quá hạn báo cáo'));
    expect(overdue.plainText).toContain('Đánh giá, xếp loại chất lượng tổ chức đảng');
    expect(overdue.plainText).toContain('chưa bắt đầu');
    const reminders = await eventually(async () => {
      const rows = (await deliveriesOf(secretary.id)).filter((d) => d.campaign_id === overdueRound && d.kind === 'reminder');
      return rows.every((d) => d.status === 'sent') && rows;
    }, 'the overdue reminder to be recorded as sent');
    expect(reminders.map((d) => [d.slot_key, d.status])).toEqual([['r+3d', 'sent']]);
    const slots = await testDb.db.selectFrom('reminder_slots').select(['slot_key', 'fanned_out_at']).where('campaign_id', '=', overdueRound).execute();
    expect(slots.every((s) => s.fanned_out_at !== null)).toBe(true);
  });

  it('marks a person who blocked the bot unreachable and tells the office who is missing', async () => {
    const escalation = await messageTo(admin, (m) => m.plainText.includes('chưa nộp'));
    expect(escalation.plainText).toContain('Còn 3 tổ chức chưa nộp');
    // Whether it already says "không liên lạc được" depends on which the outbox sent first.
    expect(escalation.plainText).toContain('CB02 — Chi bộ Sở Công Thương: Trần Chặn');
    expect(escalation.plainText).toContain('CB03 — Chi bộ Sở Du lịch: chưa có người báo cáo đăng ký');

    await eventually(
      async () => (await testDb.db.selectFrom('identities').select('unreachable_at').where('channel', '=', 'telegram').where('external_id', '=', String(blocker.id)).executeTakeFirstOrThrow()).unreachable_at,
      'the blocked account to be marked unreachable',
    );
    const theirs = await eventually(async () => {
      const rows = await deliveriesOf(blocker.id);
      return rows.every((d) => d.status === 'failed' || d.status === 'skipped') && rows;
    }, 'every delivery to the blocked person to be settled');
    // Sends already in flight get the same 403; once marked, the rest are not even tried.
    expect(theirs.length).toBeGreaterThan(0);
    for (const d of theirs) expect(d.reason).toMatch(/^unreachable/);

    // The office sees, per round, who acknowledged the announcement and who cannot be reached.
    const details = emulator.waitForMessage(admin.id, (m) => m.plainText.includes(`Đợt báo cáo #${openRound}`), WAIT);
    emulator.sendText(admin, `/dot ${openRound}`);
    const text = (await details).plainText;
    expect(text).toContain('đã xác nhận «Đã nhận» 1');
    expect(text).toContain('Chưa xác nhận đã nhận thông báo (1 tổ chức): CB02');
    expect(text).toContain('Không liên lạc được (đã chặn bot) 1 người: Trần Chặn (CB02)');
    expect(emulator.messagesTo(blocker.id)).toHaveLength(0);
  });
});
