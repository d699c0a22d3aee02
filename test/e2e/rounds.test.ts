/**
 * End to end: the real bot process talking to the Bot API emulator. An admin
 * opens a round with /dotmoi step by step (including wrong inputs), then moves
 * its deadline and closes it from /dot; a secretary is refused every command and
 * button of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator, type TgUser } from '../../src/emulator/botApiEmulator.js';
import { local } from '../../src/time.js';
import { startBotFor, type BotProcess } from '../support/botProcess.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { DAY, stopAll, telegramChat, WAIT } from '../support/e2e.js';
import { insertOrg, insertPerson, seedForms } from '../support/fixtures.js';

const admin: TgUser = { id: 9101, first_name: 'Văn phòng', last_name: 'Đảng ủy' };
const secretary: TgUser = { id: 1101, first_name: 'Nguyễn Văn', last_name: 'An' };

let testDb: TestDb;
let emulator: BotApiEmulator;
let bot: BotProcess;
let campaignId: string;

// Local times a few days ahead, whatever day the test runs.
const opens = local(new Date(Date.now() + 2 * DAY)).format('DD/MM/YYYY') + ' 08:00';
const due = local(new Date(Date.now() + 20 * DAY)).format('DD/MM/YYYY') + ' 17:00';
const newDue = local(new Date(Date.now() + 25 * DAY)).format('DD/MM/YYYY') + ' 17:00';
const instant = (text: string) => {
  const [d, t] = text.split(' ');
  const [dd, mm, yyyy] = d!.split('/');
  return new Date(`${yyyy}-${mm}-${dd}T${t}:00+07:00`);
};

const { say, press } = telegramChat(() => emulator, () => bot);

async function targetCodes(id: string): Promise<string[]> {
  const rows = await testDb.db
    .selectFrom('campaign_targets as t')
    .innerJoin('organizations as o', 'o.id', 't.organization_id')
    .select('o.code')
    .where('t.campaign_id', '=', id)
    .orderBy('o.code')
    .execute();
  return rows.map((r) => r.code);
}

beforeAll(async () => {
  testDb = await createTestDb('e2e_rounds');
  await seedForms(testDb.db);
  await insertOrg(testDb.db, { code: 'DB1', name: 'Đảng bộ <Sở> Y tế', type: 'dang_bo_co_so' });
  await insertOrg(testDb.db, { code: 'T11', name: 'Chi bộ Bệnh viện', parentCode: 'DB1' });
  await insertOrg(testDb.db, { code: 'T12', name: 'Chi bộ Văn phòng Sở', parentCode: 'DB1' });
  const cb2 = await insertOrg(testDb.db, { code: 'CB2', name: 'Chi bộ Sở Tài chính', type: 'chi_bo_co_so' });
  await insertPerson(testDb.db, { telegramUserId: secretary.id, name: 'Nguyễn Văn An', orgIds: [cb2] });
  emulator = await startBotApiEmulator();
  bot = await startBotFor(emulator, testDb, { adminIds: [admin.id] });
}, 60_000);

afterAll(() => stopAll(bot, [emulator], testDb));

describe('/dotmoi and /dot in Telegram', () => {
  it('refuses /dotmoi and /dot to a secretary', async () => {
    await say(secretary, '/dotmoi', 'chỉ dành cho');
    await say(secretary, '/dot', 'chỉ dành cho');
    expect(await testDb.db.selectFrom('admin_wizards').selectAll().execute()).toEqual([]);
  });

  it('walks an admin through opening a round, re-asking on wrong input', async () => {
    const first = await say(admin, '/dotmoi', 'Chọn biểu mẫu');
    expect(first.plainText).toContain('bước 1/7');
    await press(admin, /^Công tác dân vận/, 'Gõ kỳ báo cáo');
    await say(admin, 'Quý IV/2026', 'Kỳ «Quý IV/2026»: từ 01/10/2026 đến 31/12/2026.');
    await say(admin, 'hôm nào đó', 'Chưa hiểu thời điểm này');
    await say(admin, opens, 'Hạn chót nộp báo cáo?');
    await say(admin, opens.replace('08:00', '07:00'), 'Hạn chót phải sau thời điểm mở đợt.');
    await say(admin, due, 'Giao cho những tổ chức nào?');
    await press(admin, 'Theo đảng bộ cấp trên', 'Gõ mã của đảng bộ cơ sở');
    await say(admin, 'CB2', 'không phải đảng bộ cơ sở');
    // Typed as it comes: the code in small letters, a comma after it.
    const chosen = await say(admin, ' db1, ', 'Lịch nhắc mặc định');
    expect(chosen.plainText).toContain('Giao cho: Đảng bộ <Sở> Y tế (DB1) và các chi bộ trực thuộc (3 tổ chức).');
    expect(chosen.text).toContain('Đảng bộ &lt;Sở&gt; Y tế');
    await say(admin, '3d 0d', 'thiếu dấu');
    const summary = await say(admin, '-3d, 0d, +1d lúc 09:00', 'Kiểm tra lại đợt báo cáo');
    expect(summary.plainText).toContain('Nhắc: 3 ngày trước hạn, sáng ngày hết hạn, 1 ngày sau hạn, lúc 09:00');
    const created = await press(admin, '✅ Tạo đợt', 'Đã tạo đợt báo cáo');
    campaignId = /#(\d+)/.exec(created.plainText)![1]!;
    expect(created.plainText).toContain('Giao cho 3 tổ chức');

    const campaign = await testDb.db.selectFrom('campaigns').selectAll().where('id', '=', campaignId).executeTakeFirstOrThrow();
    expect(campaign).toMatchObject({
      form_id: 'dan_van_qcdc',
      period_label: 'Quý IV/2026',
      period_start: '2026-10-01',
      period_end: '2026-12-31',
      reminder_offsets: ['-3d', '0d', '+1d'],
      reminder_time: '09:00',
      closed_at: null,
    });
    expect(campaign.opens_at.toISOString()).toBe(instant(opens).toISOString());
    expect(campaign.due_at.toISOString()).toBe(instant(due).toISOString());
    expect(await targetCodes(campaignId)).toEqual(['DB1', 'T11', 'T12']);
    expect(await testDb.db.selectFrom('admin_wizards').selectAll().execute()).toEqual([]);
    // The scheduler was told: the round's slots follow its plan.
    const slots = await testDb.db.selectFrom('reminder_slots').select('slot_key').where('campaign_id', '=', campaignId).execute();
    expect(slots.map((s) => s.slot_key)).toEqual(expect.arrayContaining(['announce', 'r-3d', 'r0d', 'r+1d']));
  }, 90_000);

  it('cancels a wizard with /huy', async () => {
    await say(admin, '/dotmoi', 'Chọn biểu mẫu');
    await say(admin, '/huy', 'Đã huỷ');
    expect(await testDb.db.selectFrom('admin_wizards').selectAll().execute()).toEqual([]);
    // With no wizard, typed text is not taken for one.
    await say(admin, 'Năm 2026', /./);
  });

  it('lists rounds, moves a deadline and closes a round from /dot; a secretary cannot press its buttons', async () => {
    const list = await say(admin, '/dot', 'Các đợt báo cáo');
    expect(list.plainText).toContain(`#${campaignId}`);
    expect(list.plainText).toContain('Đã nộp 0/3.');
    expect(list.plainText).toContain('Chưa mở');

    const details = await say(admin, `/dot ${campaignId}`, `Đợt báo cáo #${campaignId}`);
    expect(details.plainText).toContain('Đã nộp 0/3; đang làm dở 0; chưa bắt đầu 3.');

    // A secretary replaying the admin's button payload is refused on the server.
    const refusal = await say(secretary, '/dot', 'chỉ dành cho');
    emulator.pressButton(secretary, refusal, `dt:${campaignId}:cy`);
    await emulator.waitFor(() => emulator.callbackAnswers.some((a) => a.text?.includes('chỉ dành cho')), WAIT);
    expect((await testDb.db.selectFrom('campaigns').select('closed_at').where('id', '=', campaignId).executeTakeFirstOrThrow()).closed_at).toBeNull();

    await press(admin, '🕔 Đổi hạn chót', 'Gõ hạn chót mới');
    await say(admin, 'không rõ', 'Chưa hiểu thời điểm này');
    await say(admin, newDue, 'Đã đổi hạn chót');
    const moved = await testDb.db.selectFrom('campaigns').select('due_at').where('id', '=', campaignId).executeTakeFirstOrThrow();
    expect(moved.due_at.toISOString()).toBe(instant(newDue).toISOString());

    await say(admin, `/dot ${campaignId}`, `Đợt báo cáo #${campaignId}`);
    await press(admin, '⏹ Kết thúc đợt', 'ngay bây giờ?');
    await press(admin, 'Kết thúc ngay', `Đã kết thúc đợt #${campaignId}`);
    const closed = await testDb.db.selectFrom('campaigns').select('closed_at').where('id', '=', campaignId).executeTakeFirstOrThrow();
    expect(closed.closed_at).not.toBeNull();
    const after = await say(admin, `/dot ${campaignId}`, `Đợt báo cáo #${campaignId}`);
    expect(after.plainText).toContain('Đã kết thúc');
    expect(after.reply_markup).toBeUndefined();
  }, 90_000);
});
