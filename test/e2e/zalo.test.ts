/**
 * End to end on Zalo: the real bot process (src/main.ts) talks HTTP to the local
 * Zalo Bot API emulator, where everything is typed and every message is plain text.
 * Secretaries register with invites, answer a whole form by typing, survive a
 * kill -9 mid-report; announcements and reminders go out through the outbox; the
 * office reads /tonghop; a duplicated update changes nothing. One person links a
 * Telegram and a Zalo account and is reminded once, on the app they used last; another,
 * who blocked the bot on Zalo, gets the announcement and the reminder on Telegram.
 * Finally the same installation runs in webhook mode and refuses forged POSTs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator, type TgUser } from '../../src/emulator/botApiEmulator.js';
import { startZaloEmulator, type ZaloBotMessage, type ZaloEmulator, type ZaloUser } from '../../src/emulator/zaloEmulator.js';
import { createCampaign } from '../../src/services/campaigns.js';
import { createInvites } from '../../src/services/invites.js';
import { systemClock } from '../../src/time.js';
import { onFreePort, startBotOn, type BotProcess } from '../support/botProcess.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { DAY, insertOverdueRound, reportRows, stopAll, telegramChat, WAIT, zaloChat } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { insertOrg, insertPerson, seedForms } from '../support/fixtures.js';

const ZALO_TEXT_LIMIT = 2000;

// Zalo ids are text: a digit string beyond 2^53 must survive every hop unrounded.
const secretary: ZaloUser = { id: '8493021736254019283', display_name: 'Nguyễn Văn An' };
const secondSecretary: ZaloUser = { id: '5c1e0f2a9b8d7c6e5f40', display_name: 'Trần Thị Bình' };
const thirdSecretary: ZaloUser = { id: '7d2f1a0b9c8e7d6f5a41', display_name: 'Lê Văn Cường' };
const stranger: ZaloUser = { id: '0a9b8c7d6e5f4a3b2c1d', display_name: 'Người Lạ' };
const reader: ZaloUser = { id: '1f2e3d4c5b6a79880716', display_name: 'Hoàng Thị Duyên' };
const blocker: ZaloUser = { id: '2e3d4c5b6a7988071625', display_name: 'Trần Chặn' };
const admin: ZaloUser = { id: 'a1b2c3d4e5f60718293a', display_name: 'Văn phòng' };
// One person, two apps.
const linkedOnTelegram: TgUser = { id: 3006, first_name: 'Phạm', last_name: 'Dũng' };
const linkedOnZalo: ZaloUser = { id: '9e8d7c6b5a4f3e2d1c0b', display_name: 'Phạm Dũng' };
// One person, two apps, the bot blocked on Zalo (the app they last wrote from).
const twoAppsOnTelegram: TgUser = { id: 3007, first_name: 'Võ', last_name: 'Hai Kênh' };
const twoAppsOnZalo: ZaloUser = { id: '3f4e5d6c7b8a9f0e1d2c', display_name: 'Võ Hai Kênh' };

let testDb: TestDb;
let zalo: ZaloEmulator;
let telegram: BotApiEmulator;
let bot: BotProcess;
let round: string;
let overdueRound: string;
let inviteCodes: Map<string, string>;

const chat = zaloChat(() => zalo, () => bot);
const { say, messageTo } = chat;
const { say: tgSay } = telegramChat(() => telegram, () => bot);

/** What Zalo shows is plain text: no tag, no HTML entity, at most 2,000 characters, never empty. */
function expectPlainText(messages: ZaloBotMessage[]): void {
  expect(messages.length).toBeGreaterThan(0);
  for (const m of messages) {
    expect(m.text.trim()).not.toBe('');
    expect(m.text.length).toBeLessThanOrEqual(ZALO_TEXT_LIMIT);
    expect(m.text).not.toMatch(/<\/?[a-z][a-z0-9-]*(\s[^<>]*)?\/?>/i);
    expect(m.text).not.toMatch(/&(amp|lt|gt|quot|apos|nbsp|#\d+|#x[0-9a-f]+);/i);
  }
}

/** The Zalo messages to `user` from index `from` on, as one text. */
function textSince(user: ZaloUser, from: number): string {
  return zalo.messagesTo(user.id).slice(from).map((m) => m.text).join('\n');
}

async function personOf(channel: 'zalo' | 'telegram', externalId: string) {
  return testDb.db
    .selectFrom('people as p')
    .innerJoin('identities as i', 'i.person_id', 'p.id')
    .select(['p.id', 'i.unreachable_at', 'i.unreachable_reason', 'i.external_id'])
    .where('i.channel', '=', channel)
    .where('i.external_id', '=', externalId)
    .executeTakeFirst();
}

/** Rows of the main round. */
const reports = reportRows(() => testDb.db, () => round);
const { submissionOf, answersOf, historyOf } = reports;
const deliveriesOf = (user: ZaloUser) => reports.deliveriesTo('zalo', user.id);

/** The installation on Telegram and Zalo at once, polling both; the office is a Zalo account. */
async function startBot(): Promise<void> {
  bot = await startBotOn({ telegram, zalo }, testDb, { adminIds: [`zalo:${admin.id}`] });
}

beforeAll(async () => {
  testDb = await createTestDb('e2e_zalo');
  await seedForms(testDb.db);
  await insertOrg(testDb.db, { code: 'CB01', name: 'Chi bộ Sở Tài chính' });
  await insertOrg(testDb.db, { code: 'CB02', name: 'Chi bộ Sở Xây dựng' });
  await insertOrg(testDb.db, { code: 'CB03', name: 'Chi bộ Sở Văn hoá & Thể thao' });
  const cb04 = await insertOrg(testDb.db, { code: 'CB04', name: 'Chi bộ Sở Nội vụ' });
  const cb05 = await insertOrg(testDb.db, { code: 'CB05', name: 'Chi bộ Sở Công Thương' });
  await insertOrg(testDb.db, { code: 'CB06', name: 'Chi bộ Sở Y tế' });
  // Reporters known before the bot starts: they get the announcement it sends at start.
  await insertPerson(testDb.db, { telegramUserId: 0, zaloUserId: reader.id, name: reader.display_name, orgIds: [cb04] });
  await insertPerson(testDb.db, { telegramUserId: 0, zaloUserId: blocker.id, name: blocker.display_name, orgIds: [cb05] });
  const twoApps = await insertPerson(testDb.db, { telegramUserId: twoAppsOnTelegram.id, zaloUserId: twoAppsOnZalo.id, name: twoAppsOnZalo.display_name, orgIds: [cb05] });
  await testDb.db.updateTable('identities').set({ last_seen_at: new Date(Date.now() - 2 * DAY) }).where('person_id', '=', twoApps).where('channel', '=', 'telegram').execute();
  await testDb.db.updateTable('identities').set({ last_seen_at: new Date(Date.now() - DAY) }).where('person_id', '=', twoApps).where('channel', '=', 'zalo').execute();
  const now = Date.now();
  // Opened a minute ago: its announcement is due now; its reminders are days away.
  ({ id: round } = await createCampaign(
    testDb.db,
    { formId: 'dan_van_qcdc', periodLabel: 'Năm 2026', opensAt: new Date(now - 60_000), dueAt: new Date(now + 10 * DAY), organizationCodes: 'all' },
    systemClock,
  ));
  // CB04 only, four days past its deadline, announced when it opened: only its latest reminder
  // (and the escalation to the office) goes out now.
  overdueRound = await insertOverdueRound(testDb.db, ['CB04'], now);
  const invites = await createInvites(testDb.db, { orgCodes: ['CB01', 'CB02', 'CB03', 'CB06'] }, { ttlDays: 30 }, systemClock);
  inviteCodes = new Map(invites.map((i) => [i.orgCode, i.code]));

  // Zalo's clock 3 s behind this machine's, as real clocks disagree: the bot must only compare Zalo's dates with Zalo's.
  zalo = await startZaloEmulator({ clockOffsetMs: -3000 });
  telegram = await startBotApiEmulator();
  // Followers of the bot who have not written yet: the outbox can reach them (or not, once blocked).
  zalo.addUser(reader);
  zalo.addUser(admin);
  zalo.addUser(blocker);
  zalo.blockUser(blocker.id);
  zalo.addUser(twoAppsOnZalo);
  zalo.blockUser(twoAppsOnZalo.id);
  await startBot();
}, 60_000);

afterAll(() => stopAll(bot, [zalo, telegram], testDb));

describe('Zalo, polling, beside Telegram', () => {
  it('registers with "/start CODE" and with the bare code; tells a stranger how to get an invite; refuses a used invite', async () => {
    const hello = await say(stranger, 'xin chào', 'chưa được đăng ký');
    expect(hello.text).toContain('Văn phòng Đảng ủy để nhận mã mời');
    expect(hello.text).toContain('«/start MÃ_MỜI»');

    const greeting = await say(secretary, `/start ${inviteCodes.get('CB01')}`, 'Chi bộ Sở Tài chính');
    expect(greeting.text).toContain('Nguyễn Văn An');
    expect(greeting.text).toContain('Năm 2026');
    expect(greeting.text).toContain('/baocao');
    // Typed alone, as a Zalo user pastes it, the code registers too.
    const second = await say(secondSecretary, inviteCodes.get('CB02')!, 'Chi bộ Sở Xây dựng');
    expect(second.text).toContain('Trần Thị Bình');

    await say(stranger, `/start ${inviteCodes.get('CB01')}`, 'đã được người khác sử dụng');
    await say(stranger, inviteCodes.get('CB02')!, 'đã được người khác sử dụng');
    await say(stranger, '/start khongphaimamoi', 'Mã mời không đúng');

    const members = await testDb.db
      .selectFrom('memberships as m')
      .innerJoin('identities as i', 'i.person_id', 'm.person_id')
      .innerJoin('organizations as o', 'o.id', 'm.organization_id')
      .select(['i.external_id', 'o.code'])
      .where('i.channel', '=', 'zalo')
      .orderBy('o.code')
      .execute();
    expect(members).toEqual([
      { external_id: secretary.id, code: 'CB01' },
      { external_id: secondSecretary.id, code: 'CB02' },
      { external_id: reader.id, code: 'CB04' },
      { external_id: blocker.id, code: 'CB05' },
      { external_id: twoAppsOnZalo.id, code: 'CB05' },
    ]);
    expectPlainText([...zalo.messagesTo(stranger.id), ...zalo.messagesTo(secretary.id), ...zalo.messagesTo(secondSecretary.id)]);
  });

  it('sends the announcement through the outbox as plain text, and records «đã nhận» typed', async () => {
    const announcement = await messageTo(reader, (m) => m.text.includes('Thông báo đợt báo cáo') && m.text.includes('Công tác dân vận'));
    expect(announcement.text).toContain('Chi bộ Sở Nội vụ');
    expect(announcement.text).toContain('Hạn chót');
    expect(announcement.text).toContain('• Gõ «đã nhận»');
    expect(announcement.text).toContain('«/baocao»');
    const announced = await eventually(async () => {
      const row = (await deliveriesOf(reader)).find((d) => d.campaign_id === round && d.kind === 'announcement');
      return row?.status === 'sent' && row;
    }, 'the announcement to be recorded as sent');
    expect(announced.channel).toBe('zalo');
    expect(announced.acknowledged_at).toBeNull();

    await say(reader, 'Đã nhận', 'Đã ghi nhận. Cảm ơn đồng chí!');
    const acknowledged = (await deliveriesOf(reader)).find((d) => d.id === announced.id);
    expect(acknowledged?.acknowledged_at).not.toBeNull();
    // Typed again: nothing left to acknowledge, and the first time stays recorded.
    await say(reader, 'đã nhận', 'Không có thông báo nào đang chờ xác nhận');
    expect((await deliveriesOf(reader)).find((d) => d.id === announced.id)?.acknowledged_at).toEqual(acknowledged?.acknowledged_at);
  });

  it('reminds an overdue organization on Zalo and tells the Zalo office who is missing', async () => {
    const overdue = await messageTo(reader, (m) => m.text.includes('Quá hạn báo cáo'));
    expect(overdue.text).toContain('Đánh giá, xếp loại chất lượng tổ chức đảng');
    expect(overdue.text).toContain('chưa bắt đầu');
    expect(overdue.text).toContain('«/baocao»');
    const reminders = await eventually(async () => {
      const rows = (await deliveriesOf(reader)).filter((d) => d.campaign_id === overdueRound);
      return rows.length > 0 && rows.every((d) => d.status === 'sent') && rows;
    }, 'the overdue reminder to be recorded as sent');
    expect(reminders.map((d) => [d.slot_key, d.kind, d.channel, d.status])).toEqual([['r+3d', 'reminder', 'zalo', 'sent']]);

    const escalation = await messageTo(admin, (m) => m.text.includes('chưa nộp'));
    expect(escalation.text).toContain('Còn 1 tổ chức chưa nộp');
    expect(escalation.text).toContain('CB04 — Chi bộ Sở Nội vụ: Hoàng Thị Duyên');
    expectPlainText([...zalo.messagesTo(reader.id), ...zalo.messagesTo(admin.id)]);
  });

  it('marks a Zalo user who blocked the bot unreachable and fails the delivery', async () => {
    const person = await eventually(async () => {
      const p = await personOf('zalo', blocker.id);
      return p?.unreachable_at && p;
    }, 'the blocked person to be marked unreachable');
    expect(person.unreachable_reason).toMatch(/block/i);
    const theirs = await eventually(async () => {
      const rows = await deliveriesOf(blocker);
      return rows.length > 0 && rows.every((d) => d.status === 'failed' || d.status === 'skipped') && rows;
    }, 'every delivery to the blocked person to be settled');
    const announcement = theirs.find((d) => d.campaign_id === round && d.kind === 'announcement');
    expect(announcement).toMatchObject({ status: 'failed', channel: 'zalo' });
    expect(announcement?.reason).toMatch(/^unreachable: 403 /);
    expect(zalo.messagesTo(blocker.id)).toHaveLength(0);
  });

  it('sends the announcement Zalo refused to the person\'s Telegram account, and marks the Zalo account alone', async () => {
    const announcement = await telegram.waitFor(() => telegram.messagesTo(twoAppsOnTelegram.id).find((m) => m.plainText.includes('Thông báo đợt báo cáo')), WAIT);
    expect(announcement.plainText).toContain('Chi bộ Sở Công Thương');
    const row = await eventually(async () => {
      const found = (await deliveriesOf(twoAppsOnZalo)).find((d) => d.campaign_id === round && d.kind === 'announcement');
      return found?.status === 'sent' && found;
    }, 'the announcement to be recorded as sent');
    expect(row.channel).toBe('telegram');
    // Zalo was tried once (it refused); nothing reached Zalo.
    expect(zalo.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === twoAppsOnZalo.id)).toHaveLength(1);
    expect(zalo.messagesTo(twoAppsOnZalo.id)).toHaveLength(0);
    expect((await personOf('zalo', twoAppsOnZalo.id))?.unreachable_reason).toMatch(/block/i);
    expect((await personOf('telegram', String(twoAppsOnTelegram.id)))?.unreachable_at).toBeNull();
  });

  it('takes the whole QCDC form typed only: a wrong answer, a back, a skip, a review edit, then «gửi»', async () => {
    const first = await say(secretary, '/baocao', 'Câu 1/14');
    expect(first.text).toMatch(/^1\. Có$/m);
    expect(first.text).toMatch(/^2\. Không$/m);
    const second = await say(secretary, '1', 'Câu 2/14');
    expect(second.text).toContain('• Gõ «quay lại»');
    await say(secretary, 'có', 'Câu 3/14');

    // Wrong answers: a clear message, the same question again, nothing stored.
    const unreadable = await say(secretary, 'ba mô hình', 'Câu 3/14');
    expect(unreadable.text).toContain('Không đọc được số');
    const negative = await say(secretary, '-3', 'Câu 3/14');
    expect(negative.text).toContain('Số không được âm.');
    // A sticker is not an answer either: said so, and the question asked again.
    const notText = chat.reply(secretary, 'chỉ đọc được tin nhắn chữ');
    const askedAgain = chat.reply(secretary, 'Câu 3/14');
    zalo.sendOther(secretary, 'message.sticker.received');
    await Promise.all([notText, askedAgain]);
    expect((await answersOf('CB01')).has('so_mo_hinh_dvk')).toBe(false);

    await say(secretary, '3', 'Câu 4/14');
    await say(secretary, 'không', 'Câu 6/14');
    // Back from question 6 lands on question 4 (5 does not apply), and changing 4 brings 5 in.
    const back = await say(secretary, 'quay lại', 'Câu 4/14');
    expect(back.text).toContain('Câu trả lời hiện tại: Không');
    await say(secretary, '1', 'Câu 5/14');
    const tooLong = await say(secretary, 'x'.repeat(501), 'Câu 5/14');
    expect(tooLong.text).toContain('Câu trả lời dài 501 ký tự, tối đa 500 ký tự.');
    expect((await answersOf('CB01')).has('ten_mo_hinh')).toBe(false);
    await say(secretary, 'Mô hình A & B < C', 'Câu 6/14');
    await say(secretary, '2', 'Câu 7/14');
    await say(secretary, '1', 'Câu 8/14');
    await say(secretary, '2', 'Câu 9/14');
    await say(secretary, '1.234', 'Câu 10/14');
    await say(secretary, '5', 'Câu 11/14');
    await say(secretary, '6', 'Câu 12/14');
    const optional = await say(secretary, 'tốt', 'Câu 13/14');
    expect(optional.text).toContain('• Gõ «bỏ qua»');
    await say(secretary, 'bỏ qua', 'Câu 14/14');
    const review = await say(secretary, 'Đề nghị hỗ trợ kinh phí tập huấn', 'Xem lại báo cáo');
    expect(review.text).toMatch(/^5\. .*: Mô hình A & B < C$/m);
    expect(review.text).toMatch(/^13\. .*: \(không có\)$/m);
    expect(review.text).toContain('«sửa 3»');
    expect(review.text).toContain('• Gửi báo cáo: gõ «gửi»');

    const edit = await say(secretary, 'sửa 3', 'Câu 3/14');
    expect(edit.text).toContain('Câu trả lời hiện tại: 3');
    const reviewed = await say(secretary, '7', 'Xem lại báo cáo');
    expect(reviewed.text).toMatch(/^3\. .*: 7$/m);
    const done = await say(secretary, 'gửi', 'Đã gửi báo cáo');
    expect(done.text).toContain('Cảm ơn');

    const submission = await submissionOf('CB01');
    expect(submission?.status).toBe('submitted');
    expect(submission?.late).toBe(false);
    const answers = await answersOf('CB01');
    expect(answers.size).toBe(14);
    expect(answers.get('ban_chi_dao')?.bool_value).toBe(true);
    expect(answers.get('bcd_quy_che')?.bool_value).toBe(true);
    expect(answers.get('so_mo_hinh_dvk')?.value).toBe(7);
    expect(answers.get('dang_ky_mo_hinh')?.bool_value).toBe(true);
    expect(answers.get('ten_mo_hinh')?.text_value).toBe('Mô hình A & B < C');
    expect(answers.get('hoi_nghi_nld')?.bool_value).toBe(false);
    expect(answers.get('thoa_uoc')?.text_value).toBe('da_ky');
    expect(answers.get('so_doi_thoai')?.value).toBe(2);
    expect(answers.get('so_tap_huan')?.num_value).toBe('1234');
    expect(answers.get('khen_tap_the')?.value).toBe(5);
    expect(answers.get('khen_ca_nhan')?.value).toBe(6);
    expect(answers.get('tu_danh_gia')?.text_value).toBe('tot');
    expect(answers.get('han_che')?.skipped).toBe(true);
    expect(answers.get('kien_nghi')?.text_value).toBe('Đề nghị hỗ trợ kinh phí tập huấn');
    const edits = (await historyOf('CB01')).filter((h) => h.question_key === 'so_mo_hinh_dvk');
    expect(edits.map((h) => [h.old_value, h.new_value])).toEqual([
      [null, 3],
      [3, 7],
    ]);
    // Every step was a message of its own, in plain text, within Zalo's limit.
    expectPlainText(zalo.messagesTo(secretary.id));
  });

  it('resumes a report exactly where it stopped after the process is killed with -9', async () => {
    await say(secondSecretary, '/baocao', 'Câu 1/14');
    await say(secondSecretary, 'có', 'Câu 2/14');
    await say(secondSecretary, '1', 'Câu 3/14');
    await say(secondSecretary, '4', 'Câu 4/14');

    await bot.kill();
    // Zalo has no offset: an update handed to a dead poll would be lost. Wait until the emulator saw the poll end.
    await zalo.waitFor(() => zalo.openPolls() === 0, WAIT);
    // While the bot is down, the secretary answers question 4; Zalo keeps the update.
    zalo.sendText(secondSecretary, 'không');
    const resumed = chat.reply(secondSecretary, 'Câu 6/14', 30_000);
    await startBot();
    await resumed;

    // Typed without the slash, as on Zalo.
    const again = await say(secondSecretary, 'baocao', 'Câu 6/14');
    expect(again.text).not.toContain('Câu trả lời hiện tại');
    const kept = await answersOf('CB02');
    expect([...kept.keys()].sort()).toEqual(['ban_chi_dao', 'bcd_quy_che', 'dang_ky_mo_hinh', 'so_mo_hinh_dvk']);
    expect(kept.get('ban_chi_dao')?.bool_value).toBe(true);
    expect(kept.get('bcd_quy_che')?.bool_value).toBe(true);
    expect(kept.get('so_mo_hinh_dvk')?.value).toBe(4);
    expect(kept.get('dang_ky_mo_hinh')?.bool_value).toBe(false);

    for (const [text, next] of [
      ['có', 'Câu 7/14'],
      ['đã ký', 'Câu 8/14'],
      ['1', 'Câu 9/14'],
      ['10', 'Câu 10/14'],
      ['0', 'Câu 11/14'],
      ['1', 'Câu 12/14'],
      ['khá', 'Câu 13/14'],
      ['Thiếu kinh phí', 'Câu 14/14'],
      ['bỏ qua', 'Xem lại báo cáo'],
    ] as const) {
      await say(secondSecretary, text, next);
    }
    await say(secondSecretary, 'gửi', 'Đã gửi báo cáo');
    const answers = await answersOf('CB02');
    expect(answers.size).toBe(13); // ten_mo_hinh does not apply
    expect(answers.get('so_tap_huan')?.num_value).toBe('10');
    expect(answers.get('tu_danh_gia')?.text_value).toBe('kha');
    expect(answers.get('kien_nghi')?.skipped).toBe(true);
    expect((await submissionOf('CB02'))?.status).toBe('submitted');
  }, 60_000);

  it('answers a duplicated update once and changes nothing', async () => {
    const start = zalo.sendText(thirdSecretary, `/start ${inviteCodes.get('CB03')}`);
    await messageTo(thirdSecretary, (m) => m.text.includes('Chi bộ Sở Văn hoá & Thể thao'));
    await say(thirdSecretary, '/baocao', 'Câu 1/14');
    const reply = chat.reply(thirdSecretary, 'Câu 2/14');
    const answer = zalo.sendText(thirdSecretary, '1');
    await reply;
    const sentBefore = zalo.messagesTo(thirdSecretary.id).length;

    // Zalo delivers both again. Had the answer been taken twice, it would answer question 2 too.
    zalo.redeliver(answer);
    zalo.redeliver(start);
    // Updates of one chat are handled in order: once this is answered, the duplicates were handled.
    const current = await say(thirdSecretary, '/baocao', 'Câu 2/14');
    const sent = zalo.messagesTo(thirdSecretary.id);
    expect(sent).toHaveLength(sentBefore + 1);
    expect(sent.at(-1)?.message_id).toBe(current.message_id);

    const answers = await answersOf('CB03');
    expect([...answers.keys()]).toEqual(['ban_chi_dao']);
    expect(await historyOf('CB03')).toHaveLength(1);
    const memberships = await testDb.db
      .selectFrom('memberships as m')
      .innerJoin('identities as i', 'i.person_id', 'm.person_id')
      .select('m.organization_id')
      .where('i.channel', '=', 'zalo')
      .where('i.external_id', '=', thirdSecretary.id)
      .execute();
    expect(memberships).toHaveLength(1);
  });

  it('takes no message sent before the question now shown for its answer, even one Zalo delivers late to a restarted bot', async () => {
    // Where the previous test left them: at question 2. Question 3 is shown, dated by Zalo.
    const prompt = await say(thirdSecretary, 'có', 'Câu 3/14');
    const person = await personOf('zalo', thirdSecretary.id);
    await eventually(async () => {
      const row = await testDb.db.selectFrom('people').select(['shown_order', 'shown_channel']).where('id', '=', person!.id).executeTakeFirstOrThrow();
      return row.shown_channel === 'zalo' && Number(row.shown_order) === prompt.date;
    }, 'where question 3 was shown to be recorded');
    await bot.stop();
    await startBot();

    // Sent while question 2 was on screen (Zalo delivering again a message whose first delivery failed).
    const late = {
      event_name: 'message.text.received',
      message: {
        message_id: 'late-delivery-1',
        date: prompt.date - 1,
        chat: { id: thirdSecretary.id, chat_type: 'PRIVATE' },
        from: { id: thirdSecretary.id, display_name: thirdSecretary.display_name, is_bot: false },
        text: '5',
      },
    };
    const notice = chat.reply(thirdSecretary, 'chưa được trả lời');
    zalo.injectUpdate(late);
    const said = await notice;
    expect(said.text).toContain('Câu 3 chưa được trả lời: tin «5» được gửi trước khi câu 3 hiện ra nên chưa được ghi');
    expect(said.text).toContain('Câu 3/14');
    expect([...(await answersOf('CB03')).keys()].sort()).toEqual(['ban_chi_dao', 'bcd_quy_che']);

    // Typed now, it answers question 3.
    await say(thirdSecretary, '5', 'Câu 4/14');
    expect((await answersOf('CB03')).get('so_mo_hinh_dvk')?.value).toBe(5);
  }, 60_000);

  it('gives the Zalo office /tonghop in plain text with the figures, and refuses it to a secretary', async () => {
    const before = zalo.messagesTo(admin.id).length;
    // The whole summary is in once its last section arrived (it may come in several messages).
    await say(admin, `/tonghop ${round}`, 'Đề xuất, kiến nghị');
    const summary = zalo.messagesTo(admin.id).slice(before);
    expectPlainText(summary);
    const text = textSince(admin, before);
    expect(text).toContain('Đã nộp 2/6 (33,3%)');
    expect(text).toMatch(/\b11 mô hình «Dân vận khéo» đang được duy trì/); // 7 + 4
    expect(text).toContain('1.244 đồng chí tham dự tập huấn'); // 1.234 + 10
    expect(text).toMatch(/(?<![\d.])5 tập thể được khen thưởng/); // 5 + 0
    expect(text).toMatch(/(?<![\d.])7 cá nhân được khen thưởng/); // 6 + 1
    // The four not submitted, one a line; CB01 has submitted.
    const lines = text.split('\n');
    const from = lines.indexOf('Chưa nộp (4):');
    expect(from).toBeGreaterThan(-1);
    const notSubmitted = lines.slice(from + 1, from + 5);
    expect(notSubmitted.every((l) => l.startsWith('• '))).toBe(true);
    expect(notSubmitted).toContain('• CB03 — Chi bộ Sở Văn hoá & Thể thao');
    expect(notSubmitted.join('\n')).not.toContain('CB01');
    expect(lines[from + 5]?.startsWith('• ')).toBe(false);

    const refused = await say(secretary, '/tonghop', 'chỉ dành cho Văn phòng');
    expect(refused.text).not.toContain('2/6');
    // Without the slash, as Zalo users type it: refused the same.
    await say(secondSecretary, 'tổng hợp', 'chỉ dành cho Văn phòng');
  });

  it('asks before it closes a round and takes either answer typed as it reads', async () => {
    const asked = await say(admin, `ketthuc ${overdueRound}`, `Kết thúc đợt #${overdueRound}`);
    expect(asked.text).toContain('• Gõ «kết thúc ngay»');
    expect(asked.text).toContain('• Gõ «không, để đợt tiếp tục»');
    await say(admin, 'không để đợt tiếp tục', `Đợt #${overdueRound} vẫn tiếp tục.`);
    const closedAt = async () => (await testDb.db.selectFrom('campaigns').select('closed_at').where('id', '=', overdueRound).executeTakeFirstOrThrow()).closed_at;
    expect(await closedAt()).toBeNull();
    await say(admin, `/ketthuc ${overdueRound}`, `Kết thúc đợt #${overdueRound}`);
    await say(admin, 'KẾT THÚC NGAY', `Đã kết thúc đợt #${overdueRound} lúc`);
    expect(await closedAt()).not.toBeNull();
  });

  it('links a Telegram and a Zalo account into one person: reminded once, on the app used last; one report on both', async () => {
    await tgSay(linkedOnTelegram, `/start ${inviteCodes.get('CB06')}`, 'Chi bộ Sở Y tế');
    await tgSay(linkedOnTelegram, '/baocao', 'Câu 1/14');
    await tgSay(linkedOnTelegram, 'có', 'Câu 2/14');
    const codeMessage = await tgSay(linkedOnTelegram, '/lienket', 'Mã liên kết');
    const code = /\/lienket ([A-Z0-9]{8})\b/.exec(codeMessage.plainText)?.[1];
    expect(code).toBeDefined();

    const linked = await say(linkedOnZalo, `/lienket ${code}`, 'Đã liên kết');
    expect(linked.text).toContain('Phạm Dũng');
    const person = await personOf('telegram', String(linkedOnTelegram.id));
    expect((await personOf('zalo', linkedOnZalo.id))?.id).toBe(person?.id);
    // Telegram, then Zalo again: the person last wrote from Zalo.
    await tgSay(linkedOnTelegram, '/baocao', 'Câu 2/14');
    // The same report from Zalo: question 2, where Telegram left it.
    await say(linkedOnZalo, '/baocao', 'Câu 2/14');
    await say(linkedOnZalo, 'không', 'Câu 3/14');

    const telegramBefore = telegram.messagesTo(linkedOnTelegram.id).length;
    // «Nhắc ngay» asks first, naming the round; on Zalo the confirmation says what to type for either answer.
    const asked = await say(admin, `/nhacnho ${round}`, `Nhắc ngay đợt #${round}`);
    expect(asked.text).toContain('Bot sẽ gửi lời nhắc tới 4 tổ chức chưa nộp.');
    expect(asked.text).toContain('• 🔔 Nhắc ngay: gõ «nhắc ngay»');
    expect(asked.text).toContain('• Gõ «không nhắc»');
    expect(telegram.messagesTo(linkedOnTelegram.id)).toHaveLength(telegramBefore);
    // Typed as a Zalo user types it: the refusal sends nothing.
    await say(admin, 'Khong nhac', `Không nhắc đợt #${round} — Năm 2026; không có tin nào được gửi.`);
    expect(await testDb.db.selectFrom('reminder_slots').select('slot_key').where('campaign_id', '=', round).where('slot_key', 'like', 'manual-%').execute()).toEqual([]);
    await say(admin, `nhacnho ${round}`, `Nhắc ngay đợt #${round}`);
    const queued = await say(admin, 'Nhắc ngay', 'Đã xếp lịch nhắc ngay');
    expect(queued.text).toContain(`nhắc ngay 4 tổ chức chưa nộp của đợt #${round}`);
    const reminder = await messageTo(linkedOnZalo, (m) => m.text.includes('Nhắc báo cáo'));
    expect(reminder.text).toContain('Chi bộ Sở Y tế');
    expect(reminder.text).toContain('Đơn vị đã trả lời 2 câu');
    // Every message of that reminder settled (the other organizations' too: nothing is still on its way).
    const theirs = await testDb.db
      .selectFrom('deliveries')
      .select(['slot_key', 'channel', 'status'])
      .where('person_id', '=', person!.id)
      .where('campaign_id', '=', round)
      .where('kind', '=', 'reminder')
      .execute();
    expect(theirs).toHaveLength(1);
    const slot = await eventually(async () => {
      const all = await testDb.db.selectFrom('deliveries').select(['status']).where('campaign_id', '=', round).where('slot_key', '=', theirs[0]!.slot_key).execute();
      return all.every((d) => d.status !== 'queued' && d.status !== 'sending') && all;
    }, 'every delivery of the reminder to be settled');
    expect(slot.length).toBe(5); // CB03, CB04, CB05 (Trần Chặn, unreachable; Võ Hai Kênh, on Telegram), CB06
    const [row] = await testDb.db
      .selectFrom('deliveries')
      .select(['channel', 'status'])
      .where('person_id', '=', person!.id)
      .where('slot_key', '=', theirs[0]!.slot_key)
      .execute();
    expect(row).toEqual({ channel: 'zalo', status: 'sent' });
    expect(zalo.messagesTo(linkedOnZalo.id).filter((m) => m.text.includes('Nhắc báo cáo'))).toHaveLength(1);
    expect(telegram.messagesTo(linkedOnTelegram.id)).toHaveLength(telegramBefore);
    // Blocked on Zalo: the reminder went to Telegram from the start, Zalo not tried again.
    const twoAppsReminder = await testDb.db
      .selectFrom('deliveries as d')
      .innerJoin('identities as i', 'i.person_id', 'd.person_id')
      .select(['d.channel', 'd.status'])
      .where('i.channel', '=', 'zalo')
      .where('i.external_id', '=', twoAppsOnZalo.id)
      .where('d.slot_key', '=', theirs[0]!.slot_key)
      .execute();
    expect(twoAppsReminder).toEqual([{ channel: 'telegram', status: 'sent' }]);
    expect(telegram.messagesTo(twoAppsOnTelegram.id).filter((m) => m.plainText.includes('Nhắc báo cáo'))).toHaveLength(1);
    expect(zalo.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === twoAppsOnZalo.id)).toHaveLength(1);

    // Back on Telegram, the same report goes on from question 3.
    await tgSay(linkedOnTelegram, '/baocao', 'Câu 3/14');
    const submissions = await testDb.db
      .selectFrom('submissions as s')
      .innerJoin('organizations as o', 'o.id', 's.organization_id')
      .select('s.id')
      .where('o.code', '=', 'CB06')
      .execute();
    expect(submissions).toHaveLength(1);
    const answers = await answersOf('CB06');
    expect(answers.get('ban_chi_dao')?.bool_value).toBe(true);
    expect(answers.get('bcd_quy_che')?.bool_value).toBe(false);
    expect(answers.size).toBe(2);
    expectPlainText(zalo.messagesTo(linkedOnZalo.id));
  });
});

describe('Zalo by webhook', () => {
  const secret = 'webhook-secret-0123456789';
  let port: number;

  beforeAll(async () => {
    // The same installation (database, Redis prefix), restarted on Zalo alone, in webhook mode.
    await bot.stop();
    ({ port, started: bot } = await onFreePort((port) =>
      startBotOn({ zalo }, testDb, {
        adminIds: [`zalo:${admin.id}`],
        env: { ZALO_WEBHOOK_SECRET: secret, PUBLIC_URL: `http://127.0.0.1:${port}`, HTTP_PORT: String(port) },
      }),
    ));
  }, 60_000);

  it('sets the webhook, refuses POSTs without the right secret, and answers what Zalo posts', async () => {
    const setWebhook = zalo.calls.filter((c) => c.method === 'setWebhook').at(-1);
    expect(setWebhook?.params).toEqual({ url: `http://127.0.0.1:${port}/zalo/webhook`, secret_token: secret });
    const webhookSetAt = setWebhook!.at;

    // A forged update: the third secretary answering question 4 with «Không».
    const forged = {
      event_name: 'message.text.received',
      message: {
        message_id: 'f0f1f2f3f4f5f6f7f8f9',
        date: Date.now(),
        chat: { id: thirdSecretary.id, chat_type: 'PRIVATE' },
        from: { id: thirdSecretary.id, display_name: thirdSecretary.display_name, is_bot: false },
        text: '2',
      },
    };
    const post = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${port}/zalo/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(forged),
      });
    const sentBefore = zalo.messagesTo(thirdSecretary.id).length;
    expect((await post({ 'X-Bot-Api-Secret-Token': 'not-the-secret-123' })).status).toBe(401);
    expect((await post({})).status).toBe(401);
    expect(zalo.messagesTo(thirdSecretary.id)).toHaveLength(sentBefore);
    expect((await answersOf('CB03')).has('dang_ky_mo_hinh')).toBe(false);
    const recorded = await testDb.db.selectFrom('processed_updates').select('dedupe_key').where('dedupe_key', '=', forged.message.message_id).execute();
    expect(recorded).toEqual([]);

    // The very same update from Zalo itself (with the secret) is taken: the refused ones left no trace.
    const next = chat.reply(thirdSecretary, 'Câu 6/14');
    zalo.injectUpdate(forged);
    await next;
    expect((await answersOf('CB03')).get('dang_ky_mo_hinh')?.bool_value).toBe(false);

    // A user writes: the emulator POSTs it to the webhook, the bot answers.
    const answered = chat.reply(secretary, 'Tình hình báo cáo');
    const written = zalo.sendText(secretary, '/trangthai');
    const status = await answered;
    expect(status.text).toContain('Đã nộp lúc');
    expectPlainText([status]);
    // The webhook answers 200 once the update was handled (after the reply went out): wait for that answer.
    await zalo.waitUntilUpdatesConsumed(WAIT);
    const delivered = zalo.webhookDeliveries.filter((d) => d.at >= webhookSetAt);
    expect(delivered.map((d) => [d.message_id, d.attempt, d.status])).toEqual([
      [forged.message.message_id, 1, 200],
      [written, 1, 200],
    ]);
    // Nothing was polled meanwhile: the webhook is the only way in.
    expect(zalo.calls.filter((c) => c.method === 'getUpdates' && c.at > webhookSetAt)).toEqual([]);
  });
});
