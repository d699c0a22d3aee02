/**
 * End to end: the real bot process (src/main.ts) talks HTTP to the local Bot API
 * emulator; a secretary registers with an invite and reports, the process is
 * killed mid-report and resumes, an admin reads the summary.
 */
import { eventually } from '../support/eventually.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator, type TgUser } from '../../src/emulator/botApiEmulator.js';
import { createCampaign } from '../../src/services/campaigns.js';
import { createInvites } from '../../src/services/invites.js';
import { systemClock } from '../../src/time.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startBotFor, type BotProcess } from '../support/botProcess.js';
import { DAY, reportRows, stopAll, telegramChat } from '../support/e2e.js';
import { insertOrg, seedForms } from '../support/fixtures.js';

const secretary: TgUser = { id: 1001, first_name: 'Nguyễn Văn', last_name: 'An' };
const secondSecretary: TgUser = { id: 1003, first_name: 'Trần Thị', last_name: 'Bình' };
const stranger: TgUser = { id: 1002, first_name: 'Lê', last_name: 'Khách' };
const admin: TgUser = { id: 9001, first_name: 'Văn phòng' };
const thirdSecretary: TgUser = { id: 1004, first_name: 'Phạm', last_name: 'Cường' };

let testDb: TestDb;
let emulator: BotApiEmulator;
let bot: BotProcess;
let campaignId: string;
let inviteCodes: Map<string, string>;

const chat = telegramChat(() => emulator, () => bot);
const { say, press } = chat;
const { submissionOf, answersOf } = reportRows(() => testDb.db);

/** Starts the bot process and waits until it polls for updates. The same installation across the restart: same database, same Redis keys. */
async function startBot(): Promise<void> {
  bot = await startBotFor(emulator, testDb, { adminIds: [admin.id] });
}

beforeAll(async () => {
  testDb = await createTestDb('e2e');
  await seedForms(testDb.db);
  await insertOrg(testDb.db, { code: 'CB01', name: 'Chi bộ Sở Tài chính', type: 'chi_bo_co_so' });
  await insertOrg(testDb.db, { code: 'CB02', name: 'Chi bộ Sở Xây dựng', type: 'chi_bo_co_so' });
  await insertOrg(testDb.db, { code: 'DB03', name: '<b>A & B</b>', type: 'dang_bo_co_so' });
  await insertOrg(testDb.db, { code: 'CB04', name: 'Chi bộ Sở Y tế', type: 'chi_bo_co_so' });
  const now = Date.now();
  ({ id: campaignId } = await createCampaign(
    testDb.db,
    { formId: 'dan_van_qcdc', periodLabel: 'Năm 2026', opensAt: new Date(now - DAY), dueAt: new Date(now + 10 * DAY), organizationCodes: 'all' },
    systemClock,
  ));
  const invites = await createInvites(testDb.db, { orgCodes: ['CB01', 'CB02', 'CB04'] }, { ttlDays: 30 }, systemClock);
  inviteCodes = new Map(invites.map((i) => [i.orgCode, i.code]));
  emulator = await startBotApiEmulator();
  await startBot();
}, 60_000);

afterAll(() => stopAll(bot, [emulator], testDb));

describe('a secretary and an admin in Telegram', () => {
  it('refuses an unknown invite and explains how to register', async () => {
    await say(stranger, '/start khongphaima', 'Mã mời không đúng');
    await say(stranger, '/start', 'Văn phòng Đảng ủy');
    await say(stranger, '/baocao', 'chưa được đăng ký');
    const people = await testDb.db.selectFrom('memberships').selectAll().execute();
    expect(people).toHaveLength(0);
  });

  it('binds a secretary with the invite link and greets with the organization', async () => {
    const greeting = await say(secretary, `/start ${inviteCodes.get('CB01')}`, 'Chi bộ Sở Tài chính');
    expect(greeting.plainText).toContain('Nguyễn Văn An');
    expect(greeting.plainText).toContain('Năm 2026');
    // The same link again: still the organization's reporter, nothing doubled.
    await say(secretary, `/start ${inviteCodes.get('CB01')}`, 'từ trước');
    // Someone else cannot reuse it.
    await say(stranger, `/start ${inviteCodes.get('CB01')}`, 'đã được người khác sử dụng');
    const memberships = await testDb.db.selectFrom('memberships').selectAll().execute();
    expect(memberships).toHaveLength(1);
  });

  it('takes the whole QCDC form: a wrong answer, a back, a skip, a review edit, then submit', async () => {
    await say(secretary, '/baocao', 'Câu 1/14');
    await press(secretary, 'Có', 'Câu 2/14');
    await say(secretary, 'co', 'Câu 3/14');
    const wrong = await say(secretary, '-3', 'Câu 3/14');
    expect(wrong.plainText).toMatch(/âm|không được nhỏ hơn|lớn hơn hoặc bằng/);
    await say(secretary, '3', 'Câu 4/14');
    await press(secretary, 'Không', 'Câu 6/14');
    // Back from question 6 lands on question 4 (5 does not apply), and changing 4 brings 5 in.
    await press(secretary, '« Quay lại', 'Câu 4/14');
    await press(secretary, 'Có', 'Câu 5/14');
    await say(secretary, '<b>Mô hình A & B</b>', 'Câu 6/14');
    await say(secretary, 'khong', 'Câu 7/14');
    await say(secretary, 'da ky', 'Câu 8/14');
    await say(secretary, '2', 'Câu 9/14');
    await say(secretary, '1.234', 'Câu 10/14');
    await say(secretary, '05', 'Câu 11/14');
    await say(secretary, '6', 'Câu 12/14');
    await press(secretary, /Tốt/, 'Câu 13/14');
    await press(secretary, 'Bỏ qua »', 'Câu 14/14');
    const review = await say(secretary, 'Không có kiến nghị', 'Xem lại báo cáo');
    expect(review.plainText).toContain('<b>Mô hình A & B</b>');
    expect(review.text).toContain('&lt;b&gt;Mô hình A &amp; B&lt;/b&gt;');

    await press(secretary, 'Sửa câu 8', 'Câu 8/14');
    await say(secretary, '3', 'Xem lại báo cáo');
    const done = await press(secretary, '✅ Gửi báo cáo', 'Đã gửi báo cáo');
    expect(done.plainText).toContain('Cảm ơn');

    const submission = await submissionOf('CB01');
    expect(submission.status).toBe('submitted');
    expect(submission.late).toBe(false);
    const answers = await answersOf('CB01');
    expect(answers.get('so_tap_huan')?.num_value).toBe('1234');
    expect(answers.get('so_doi_thoai')?.value).toBe(3);
    expect(answers.get('ban_chi_dao')?.bool_value).toBe(true);
    expect(answers.get('thoa_uoc')?.text_value).toBe('da_ky');
    expect(answers.get('ten_mo_hinh')?.text_value).toBe('<b>Mô hình A & B</b>');
    expect(answers.get('han_che')?.skipped).toBe(true);
    expect(answers.get('so_mo_hinh_dvk')?.value).toBe(3);
    const history = await testDb.db.selectFrom('answer_history').selectAll().where('question_key', '=', 'so_doi_thoai').execute();
    expect(history.map((h) => [h.old_value, h.new_value])).toEqual([
      [null, 2],
      [2, 3],
    ]);
  });

  it('resumes a report exactly where it stopped after the bot process is killed', async () => {
    await say(secondSecretary, `/start ${inviteCodes.get('CB02')}`, 'Chi bộ Sở Xây dựng');
    await say(secondSecretary, '/baocao', 'Câu 1/14');
    await say(secondSecretary, 'có', 'Câu 2/14');
    await say(secondSecretary, 'có', 'Câu 3/14');
    await say(secondSecretary, '4', 'Câu 4/14');
    // The replies shown are recorded (in batches, a moment after): the update Telegram delivers
    // again after the restart (it was not yet confirmed) then says nothing.
    await eventually(
      async () => (await testDb.db.selectFrom('processed_updates').select('dedupe_key').where('replied_at', 'is', null).execute()).length === 0,
      'the replies to be recorded as shown',
    );

    await bot.kill();
    // While the bot is down, the secretary answers question 4; Telegram keeps the update.
    emulator.sendText(secondSecretary, 'không');
    const resumed = chat.reply(secondSecretary, 'Câu 6/14', 30_000);
    await startBot();
    await resumed;
    expect(emulator.messagesTo(secondSecretary.id).filter((m) => m.plainText.includes('Tin nhắn vừa rồi của đồng chí đã được ghi nhận')).map((m) => m.plainText)).toEqual([]);
    await say(secondSecretary, '/baocao', 'Câu 6/14');

    for (const [text, next] of [
      ['có', 'Câu 7/14'],
      ['đã ký', 'Câu 8/14'],
      ['1', 'Câu 9/14'],
      ['10', 'Câu 10/14'],
      ['0', 'Câu 11/14'],
      ['1', 'Câu 12/14'],
      ['kha', 'Câu 13/14'],
      ['Thiếu kinh phí', 'Câu 14/14'],
      ['Không', 'Xem lại báo cáo'],
    ] as const) {
      await say(secondSecretary, text, next);
    }
    await press(secondSecretary, '✅ Gửi báo cáo', 'Đã gửi báo cáo');
    const answers = await answersOf('CB02');
    expect(answers.size).toBe(13); // ten_mo_hinh does not apply
    expect(answers.get('dang_ky_mo_hinh')?.bool_value).toBe(false);
    expect(answers.get('so_mo_hinh_dvk')?.value).toBe(4);
  }, 90_000);

  it('does not take an answer typed before the next question arrived as the answer to it', async () => {
    await say(thirdSecretary, `/start ${inviteCodes.get('CB04')}`, 'Chi bộ Sở Y tế');
    await say(thirdSecretary, '/baocao', 'Câu 1/14');
    await say(thirdSecretary, 'không', 'Câu 3/14');
    // Telegram refuses the next two messages: the prompt for question 4 and the apology.
    emulator.failNext('sendMessage', { error_code: 400, description: 'Bad Request: injected failure' }, 2);
    const sent = emulator.calls.length;
    emulator.sendText(thirdSecretary, '2');
    await emulator.waitFor(() => emulator.calls.slice(sent).filter((c) => c.method === 'sendMessage').length >= 2);
    // The secretary never saw question 4 and types an answer meant for question 3 again.
    const notice = await say(thirdSecretary, '2', 'chưa được ghi');
    expect(notice.plainText).toContain('Câu 4/14');
    const answers = await answersOf('CB04');
    expect(answers.get('so_mo_hinh_dvk')?.value).toBe(2);
    expect(answers.has('dang_ky_mo_hinh')).toBe(false);
  });

  it('gives the admin /tonghop with the figures, and refuses it to a secretary', async () => {
    const summary = await say(admin, '/tonghop', /Đã nộp/);
    const text = summary.plainText;
    expect(text).toContain('Đã nộp 2/4 (50%)');
    expect(text).toMatch(/(?<![\d.])7 mô hình/); // 3 + 4 models
    expect(text).toContain('1.244'); // 1.234 + 10 trained
    expect(text).toMatch(/(?<![\d.])5 tập thể/);
    expect(text).toMatch(/(?<![\d.])7 cá nhân/);
    expect(text).toContain('<b>A & B</b>');
    expect(summary.text).toContain('&lt;b&gt;A &amp; B&lt;/b&gt;');

    const notSubmitted = await say(admin, `/chuanop ${campaignId}`, 'DB03');
    expect(notSubmitted.plainText).not.toContain('CB01');

    const refused = await say(secretary, '/tonghop', 'chỉ dành cho');
    expect(refused.plainText).not.toContain('2/4');
    await say(secretary, '/chuanop', 'chỉ dành cho');
  });

  it('shows status and help by role', async () => {
    const status = await say(secretary, '/trangthai', 'Tình hình báo cáo');
    expect(status.plainText).toContain('Đã nộp lúc');
    const help = await say(secretary, '/trogiup', '/baocao');
    expect(help.plainText).not.toContain('/tonghop');
    const adminHelp = await say(admin, '/trogiup', '/tonghop');
    expect(adminHelp.plainText).toContain('/chuanop');
  });
});
