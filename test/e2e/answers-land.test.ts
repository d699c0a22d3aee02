/**
 * End to end (issue 8): every answer lands where the secretary meant it. The real bot
 * process talks to the Bot API emulator, and a secretary uses Telegram the way people
 * do: invisible or broken characters, edits of an answer already sent, replies to an
 * old question, forwards, two quick messages, a redelivered update, numbers that read
 * two ways, a figure far from last year's. Every reply is checked against what the
 * database holds afterwards.
 *
 * One database and one bot process for the file; each test has its own organization
 * (and secretary), so no test depends on what another left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startBotApiEmulator,
  type BotApiEmulator,
  type BotMessage,
  type TgUser,
  type UserMessage,
  type UserMessageOptions,
} from '../../src/emulator/botApiEmulator.js';
import { createCampaign } from '../../src/services/campaigns.js';
import { createInvites } from '../../src/services/invites.js';
import { removeReporter } from '../../src/services/reporters.js';
import { systemClock } from '../../src/time.js';
import { startBotFor, type BotProcess } from '../support/botProcess.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { DAY, reportRows, stopAll, telegramChat } from '../support/e2e.js';
import { insertOrg, insertPerson, seedForms } from '../support/fixtures.js';

const admin: TgUser = { id: 9101, first_name: 'Văn phòng' };

let testDb: TestDb;
let emulator: BotApiEmulator;
let bot: BotProcess;

/** One secretary, their organization and the round they answer. */
interface Scene {
  user: TgUser;
  org: string;
  campaignId: string;
}

const scenes = new Map<string, Scene>();
let nextUserId = 3001;

function scene(org: string): Scene {
  const found = scenes.get(org);
  if (!found) throw new Error(`no scene ${org}`);
  return found;
}

const chat = telegramChat(() => emulator, () => bot);

/** The bot's next new message to the user matching `expected`, once `act` has sent something. */
function replyTo<T>(s: Scene, expected: RegExp | string, act: () => T): Promise<{ sent: T; reply: BotMessage }> {
  return chat.replyTo(s.user, expected, act);
}

/** The secretary types `text` (with Telegram's extras, if any); resolves with what was sent and the reply. */
function say(s: Scene, text: string, expected: RegExp | string, options?: UserMessageOptions) {
  return replyTo(s, expected, () => emulator.sendUserText(s.user, text, options));
}

/** The secretary edits a message they sent. */
function edit(s: Scene, message: UserMessage, text: string, expected: RegExp | string) {
  return replyTo(s, expected, () => emulator.editText(s.user, message, text));
}

/** The secretary presses a button of `on` (by default the bot's last message); `sent` is the update_id. */
function press(s: Scene, label: string | RegExp, expected: RegExp | string, on?: BotMessage) {
  const current = on ?? emulator.lastMessageTo(s.user.id);
  if (!current) throw new Error(`no message to ${s.user.id}`);
  return replyTo(s, expected, () => emulator.pressButtonLabelled(s.user, current, label));
}

/** Answers in order: each text and the reply it must get. */
async function answer(s: Scene, steps: ReadonlyArray<readonly [string, RegExp | string]>): Promise<UserMessage[]> {
  const sent: UserMessage[] = [];
  for (const [text, expected] of steps) sent.push((await say(s, text, expected)).sent);
  return sent;
}

/** The bot's newest message to the user whose text contains `text` (a question's prompt). */
function lastBotMessage(s: Scene, text: string): BotMessage {
  const found = emulator.messagesTo(s.user.id).filter((m) => m.plainText.includes(text)).at(-1);
  if (!found) throw new Error(`no message containing ${JSON.stringify(text)} to ${s.user.id}`);
  return found;
}

const reports = reportRows(() => testDb.db);
const submission = (s: Scene) => reports.submissionOf(s.org, s.campaignId);
const answerRows = (s: Scene) => reports.answersOf(s.org, s.campaignId);

/** The changes of question `key`'s answer, oldest first, as [old, new]. */
async function historyOf(s: Scene, key: string) {
  const history = await reports.historyOf(s.org, s.campaignId);
  return history.filter((r) => r.question_key === key).map((r) => [r.old_value, r.new_value]);
}

/** Everything a message could change in the report, for "nothing changed" assertions. */
async function reportState(s: Scene) {
  const sub = await submission(s);
  const answers = await testDb.db
    .selectFrom('answers')
    .select(['question_key', 'value', 'skipped', 'confirmed_outlier', 'source_message'])
    .where('submission_id', '=', sub.id)
    .orderBy('question_key')
    .execute();
  const history = await testDb.db
    .selectFrom('answer_history')
    .select(['question_key', 'old_value', 'new_value'])
    .where('submission_id', '=', sub.id)
    .orderBy('id')
    .execute();
  return {
    step: sub.step,
    cursor: sub.cursor,
    status: sub.status,
    answeredCount: sub.answered_count,
    updatedAt: sub.updated_at.getTime(),
    answers,
    history,
  };
}

const ref = (m: UserMessage) => `telegram:${m.chat_id}:${m.message_id}`;

/** QCDC up to question 8 in the fewest steps: Q1 no (Q2 gone), Q3 2, Q4 no (Q5 gone), Q6 yes, Q7 «Đã ký». */
const TO_QUESTION_8 = [
  ['/baocao', 'Câu 1/14'],
  ['không', 'Câu 3/14'],
  ['2', 'Câu 4/14'],
  ['không', 'Câu 6/14'],
  ['có', 'Câu 7/14'],
  ['1', 'Câu 8/14'],
] as const;

/** An organization and its secretary (registered, or to register with an invite), for a round set later. */
async function addSecretary(org: string, opts: { register?: 'invite' } = {}): Promise<Scene> {
  const orgId = await insertOrg(testDb.db, { code: org, name: `Chi bộ ${org}` });
  const user: TgUser = { id: nextUserId++, first_name: 'Bí thư', last_name: org };
  if (opts.register !== 'invite') await insertPerson(testDb.db, { telegramUserId: user.id, name: `Bí thư ${org}`, orgIds: [orgId] });
  const s: Scene = { user, org, campaignId: '' };
  scenes.set(org, s);
  return s;
}

/**
 * A round of `formId` for `orgCodes`, by default opened 15 days ago (its announcement
 * is too old to be sent, so the chats hold only replies), due in 20 days, no reminders.
 */
async function round(formId: string, periodLabel: string, orgCodes: string[], opts: { opensAt?: Date; dueAt?: Date; closesAt?: Date } = {}) {
  const now = Date.now();
  const { id } = await createCampaign(
    testDb.db,
    {
      formId,
      periodLabel,
      opensAt: opts.opensAt ?? new Date(now - 15 * DAY),
      dueAt: opts.dueAt ?? new Date(now + 20 * DAY),
      ...(opts.closesAt ? { closesAt: opts.closesAt } : {}),
      organizationCodes: orgCodes,
      reminderOffsets: [],
    },
    systemClock,
  );
  return id;
}

/** The round the secretaries of `orgCodes` answer in their tests. */
async function roundFor(orgCodes: string[], formId = 'dan_van_qcdc'): Promise<void> {
  const id = await round(formId, 'Năm 2026', orgCodes);
  for (const code of orgCodes) scene(code).campaignId = id;
}

/** Last year's round of the same form, closed, in which PLA reported 3 dialogues (so_doi_thoai). */
async function lastYearOfPla(): Promise<void> {
  const now = Date.now();
  const id = await round('dan_van_qcdc', 'Năm 2025', ['PLA'], {
    opensAt: new Date(now - 400 * DAY),
    dueAt: new Date(now - 380 * DAY),
    closesAt: new Date(now - 370 * DAY),
  });
  const org = await testDb.db.selectFrom('organizations').select('id').where('code', '=', 'PLA').executeTakeFirstOrThrow();
  const submitted = new Date(now - 385 * DAY);
  const sub = await testDb.db
    .insertInto('submissions')
    .values({
      campaign_id: id,
      organization_id: org.id,
      status: 'submitted',
      cursor: JSON.stringify({ at: 'done' }),
      answered_count: 1,
      started_at: submitted,
      first_submitted_at: submitted,
      last_submitted_at: submitted,
      updated_at: submitted,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await testDb.db
    .insertInto('answers')
    .values({ submission_id: sub.id, question_key: 'so_doi_thoai', value: JSON.stringify(3), num_value: 3, answered_at: submitted })
    .execute();
}

const MAIN = ['INV', 'NUL', 'EDT', 'RPL', 'DUP', 'TWC', 'PLA', 'REM'];
let inviteCode: string;

beforeAll(async () => {
  testDb = await createTestDb('e2e_answers');
  await seedForms(testDb.db);
  for (const org of [...MAIN.filter((o) => o !== 'REM'), 'DLN', 'CLS', 'DEC']) await addSecretary(org);
  await addSecretary('REM', { register: 'invite' });
  await lastYearOfPla();
  // The round most answer; the ones locked during their test and the rating form have their own.
  await roundFor(MAIN);
  await roundFor(['DLN']);
  await roundFor(['CLS']);
  await roundFor(['DEC'], 'xep_loai_to_chuc_dang');
  const [invite] = await createInvites(testDb.db, { orgCodes: ['REM'] }, { ttlDays: 30 }, systemClock);
  inviteCode = invite!.code;
  emulator = await startBotApiEmulator();
  bot = await startBotFor(emulator, testDb, { adminIds: [admin.id] });
}, 60_000);

afterAll(() => stopAll(bot, [emulator], testDb));

describe('(1) text that shows nothing', () => {
  it('is refused on a required question and counts as skipped on an optional one; nothing else is stored', async () => {
    const s = scene('INV');
    await answer(s, [
      ['/baocao', 'Câu 1/14'],
      ['có', 'Câu 2/14'],
      ['có', 'Câu 3/14'],
      ['2', 'Câu 4/14'],
      ['có', 'Câu 5/14'],
    ]);
    // Question 5 (the model's name) is a required text question.
    const before = await reportState(s);
    for (const invisible of ['\u200b', '\u200b\u200c\u200d\ufeff', '\u0085']) {
      const { reply } = await say(s, invisible, 'Câu 5/14');
      expect(reply.plainText, JSON.stringify(invisible)).toContain('Đây là câu hỏi bắt buộc');
    }
    expect(await reportState(s)).toEqual(before);
    expect((await answerRows(s)).has('ten_mo_hinh')).toBe(false);

    await answer(s, [
      ['Mô hình A', 'Câu 6/14'],
      ['có', 'Câu 7/14'],
      ['1', 'Câu 8/14'],
      ['3', 'Câu 9/14'],
      ['4', 'Câu 10/14'],
      ['0', 'Câu 11/14'],
      ['0', 'Câu 12/14'],
      ['1', 'Câu 13/14'],
    ]);
    // Questions 13 and 14 are optional: what shows nothing is a skip.
    await say(s, '\u200b', 'Câu 14/14');
    const { reply: review } = await say(s, '\u200b\u200c\u200d\ufeff', 'Xem lại báo cáo');
    expect(review.plainText).toMatch(/13\. .*\(không có\)/);
    await say(s, 'sửa 13', 'Câu 13/14');
    await say(s, '\u0085', 'Xem lại báo cáo');

    const rows = await answerRows(s);
    expect(rows.get('ten_mo_hinh')?.value).toBe('Mô hình A');
    for (const key of ['han_che', 'kien_nghi']) {
      expect(rows.get(key), key).toMatchObject({ value: null, skipped: true, text_value: null });
    }
    // A skip given again is not a change.
    expect(await historyOf(s, 'han_che')).toEqual([[null, null]]);
    expect((await submission(s)).answered_count).toBe(rows.size);
  });
});

describe('(2) a NUL or a lone surrogate', () => {
  it('gets a validation message, writes nothing, and the next valid answer is taken', async () => {
    const s = scene('NUL');
    await answer(s, [
      ['/baocao', 'Câu 1/14'],
      ['có', 'Câu 2/14'],
      ['có', 'Câu 3/14'],
    ]);
    const invalid = 'ký tự không hợp lệ';
    let before = await reportState(s);
    expect((await say(s, '1\u0000', 'Câu 3/14')).reply.plainText).toContain(invalid);
    expect((await say(s, '\ud8342', 'Câu 3/14')).reply.plainText).toContain(invalid);
    expect(await reportState(s)).toEqual(before);
    await answer(s, [
      ['2', 'Câu 4/14'],
      ['có', 'Câu 5/14'],
    ]);

    before = await reportState(s);
    for (const broken of ['Mô hình\u0000A', 'Mô hình \ud800', '\udc00 Mô hình', '\u0000']) {
      const { reply } = await say(s, broken, 'Câu 5/14');
      expect(reply.plainText, JSON.stringify(broken)).toContain(invalid);
    }
    expect(await reportState(s)).toEqual(before);

    // Not stuck: the next answer is stored and the dialogue goes on.
    await say(s, 'Mô hình A', 'Câu 6/14');
    const rows = await answerRows(s);
    expect(rows.get('ten_mo_hinh')?.value).toBe('Mô hình A');
    expect(rows.get('so_mo_hinh_dvk')?.value).toBe(2);
    expect(emulator.messagesTo(s.user.id).filter((m) => m.plainText.includes('hệ thống đang gặp sự cố'))).toEqual([]);
  });
});

describe('(3) an edited message', () => {
  it('changes the question it answered, confirms it, and leaves the current question where it was', async () => {
    const s = scene('EDT');
    await answer(s, TO_QUESTION_8);
    const { sent: eight } = await say(s, '3', 'Câu 9/14');
    const before = await submission(s);

    const { reply } = await edit(s, eight, '30', 'Đã sửa câu 8: 30 (trước: 3)');
    // The question on screen is shown again: the edit did not move the report.
    expect(reply.plainText).toContain('Câu 9/14');
    const after = await submission(s);
    expect(after.cursor).toEqual(before.cursor);
    expect(after.step).toBe(before.step + 1);
    expect(after.answered_count).toBe(before.answered_count);
    const rows = await answerRows(s);
    expect(rows.get('so_doi_thoai')).toMatchObject({ value: 30, source_message: ref(eight) });
    expect(Number(rows.get('so_doi_thoai')!.num_value)).toBe(30);
    expect(rows.has('so_tap_huan')).toBe(false);
    expect(await historyOf(s, 'so_doi_thoai')).toEqual([
      [null, 3],
      [3, 30],
    ]);

    // The next message answers the current question as usual.
    await say(s, '4', 'Câu 10/14');
    expect((await answerRows(s)).get('so_tap_huan')?.value).toBe(4);

    // An edit the question refuses is refused with the reason; the same value is no change.
    let unchanged = await reportState(s);
    const refused = await edit(s, eight, '-5', 'Chưa sửa được câu 8');
    expect(refused.reply.plainText).toContain('không được âm');
    expect(refused.reply.plainText).toContain('Câu 10/14');
    await edit(s, eight, '30', 'Câu 8 vẫn là 30, không có gì thay đổi');
    expect(await reportState(s)).toEqual(unchanged);

    // A message that answered nothing (it was refused), edited: the bot says so and changes nothing.
    const { sent: typo } = await say(s, 'abc', 'Câu 10/14');
    unchanged = await reportState(s);
    await edit(s, typo, '5', 'không phải là câu trả lời của câu hỏi nào');
    expect(await reportState(s)).toEqual(unchanged);
  });

  it('on a report past its deadline, or of a closed round, says it can no longer be changed and changes nothing', async () => {
    const late = scene('DLN');
    const sent = await answer(late, [
      ...TO_QUESTION_8,
      ['3', 'Câu 9/14'],
      ['4', 'Câu 10/14'],
      ['0', 'Câu 11/14'],
      ['0', 'Câu 12/14'],
      ['1', 'Câu 13/14'],
      ['bỏ qua', 'Câu 14/14'],
      ['bỏ qua', 'Xem lại báo cáo'],
      ['gửi', 'Đã gửi báo cáo'],
    ]);
    const eight = sent[TO_QUESTION_8.length]!;
    expect((await submission(late)).status).toBe('submitted');
    await testDb.db.updateTable('campaigns').set({ due_at: new Date(Date.now() - 60_000) }).where('id', '=', late.campaignId).execute();
    const lateBefore = await reportState(late);
    const { reply } = await edit(late, eight, '30', 'Câu 8 không còn sửa được');
    expect(reply.plainText).toContain('quá hạn chót');
    // A reply to an old prompt is an edit too, and refused the same way.
    const { reply: replied } = await say(late, '5', 'Câu 3 không còn sửa được', { replyTo: lastBotMessage(late, 'Câu 3/14.') });
    expect(replied.plainText).toContain('quá hạn chót');
    expect(await reportState(late)).toEqual(lateBefore);

    const closed = scene('CLS');
    const [, , three] = await answer(closed, [
      ['/baocao', 'Câu 1/14'],
      ['không', 'Câu 3/14'],
      ['2', 'Câu 4/14'],
    ]);
    await testDb.db.updateTable('campaigns').set({ closed_at: new Date(Date.now() - 1000) }).where('id', '=', closed.campaignId).execute();
    const closedBefore = await reportState(closed);
    const refused = await edit(closed, three!, '5', 'Câu 3 không còn sửa được');
    expect(refused.reply.plainText).toContain('đợt báo cáo này đã kết thúc');
    expect(await reportState(closed)).toEqual(closedBefore);
    expect((await answerRows(closed)).get('so_mo_hinh_dvk')?.value).toBe(2);
  });
});

describe('(4) replies, forwards and messages via a bot', () => {
  it('a reply to an earlier prompt answers that question; an invalid one is refused; forwards are not answers', async () => {
    const s = scene('RPL');
    await answer(s, [...TO_QUESTION_8, ['3', 'Câu 9/14']]);
    const promptOf3 = lastBotMessage(s, 'Câu 3/14.');
    const before = await submission(s);

    const { sent, reply } = await say(s, '5', 'Đã sửa câu 3: 5 (trước: 2)', { replyTo: promptOf3 });
    expect(reply.plainText).toContain('Câu 9/14');
    const after = await submission(s);
    expect(after.cursor).toEqual(before.cursor);
    expect(after.answered_count).toBe(before.answered_count);
    let rows = await answerRows(s);
    expect(rows.get('so_mo_hinh_dvk')).toMatchObject({ value: 5, source_message: ref(sent) });
    expect(rows.has('so_tap_huan')).toBe(false);
    expect(await historyOf(s, 'so_mo_hinh_dvk')).toEqual([
      [null, 2],
      [2, 5],
    ]);

    // A value question 3 does not take: refused with the reason, stored nowhere.
    const unchanged = await reportState(s);
    const negative = await say(s, '-1', 'Chưa sửa được câu 3', { replyTo: promptOf3 });
    expect(negative.reply.plainText).toContain('không được âm');
    const text = await say(s, 'mười', 'Chưa sửa được câu 8', { replyTo: lastBotMessage(s, 'Câu 8/14.') });
    expect(text.reply.plainText).toContain('Không đọc được số');
    expect(await reportState(s)).toEqual(unchanged);

    // Forwarded or sent through another bot: not the secretary's own answer.
    const notAnswer = 'không được tính là câu trả lời';
    await say(s, '7', notAnswer, { forwardOrigin: { type: 'user', sender_user: { id: 4242, first_name: 'Người khác' } } });
    await say(s, '7', notAnswer, { forwardOrigin: { type: 'hidden_user', sender_user_name: 'Ẩn danh' } });
    await say(s, '7', notAnswer, { forwardOrigin: { type: 'channel', chat: { id: -100123, title: 'Kênh tin' }, message_id: 9 } });
    await replyTo(s, notAnswer, () => emulator.sendViaBot(s.user, '7'));
    expect(await reportState(s)).toEqual(unchanged);

    await say(s, '7', 'Câu 10/14');
    rows = await answerRows(s);
    expect(rows.get('so_tap_huan')?.value).toBe(7);
    expect(rows.get('so_mo_hinh_dvk')?.value).toBe(5);
  });
});

describe('(4) replies, for a secretary of two organizations', () => {
  /** A secretary of `codes`, with a round of `formId` for both; a Scene per organization. */
  async function twoOrganizations(codes: [string, string], formId: string): Promise<[Scene, Scene]> {
    const user: TgUser = { id: nextUserId++, first_name: 'Bí thư', last_name: 'hai chi bộ' };
    const orgIds = [];
    for (const code of codes) orgIds.push(await insertOrg(testDb.db, { code, name: `Chi bộ ${code}` }));
    await insertPerson(testDb.db, { telegramUserId: user.id, name: 'Bí thư hai chi bộ', orgIds });
    const campaignId = await round(formId, 'Năm 2026', codes);
    return [{ user, org: codes[0], campaignId }, { user, org: codes[1], campaignId }];
  }

  /** Opens the organization's report from /baocao's list of the two. */
  async function openFromList(s: Scene, expected: string) {
    const { reply: list } = await say(s, '/baocao', 'Có nhiều đợt');
    return press(s, new RegExp(`Chi bộ ${s.org}`), expected, list);
  }

  it("a reply to a prompt whose option was pressed edits that prompt's report, not the one open now", async () => {
    const [x, y] = await twoOrganizations(['HAI1', 'HAI2'], 'dan_van_qcdc');
    const { reply: promptOfX } = await openFromList(x, 'Câu 1/14');
    await press(x, 'Không', 'Câu 3/14', promptOfX);
    // The pressed option stays on the prompt, marked chosen; the others are gone.
    const retired = emulator.messagesTo(x.user.id).find((m) => m.message_id === promptOfX.message_id)!;
    expect(retired.reply_markup.inline_keyboard.flat().map((b: { text: string }) => b.text)).toEqual(['✓ Không']);
    await say(x, '/huy', 'tạm dừng');
    await openFromList(y, 'Câu 1/14');
    await say(y, 'có', 'Câu 2/14');
    const yBefore = await reportState(y);

    await say(x, 'có', 'Đã sửa câu 1: Có (trước: Không)', { replyTo: retired });
    expect((await answerRows(x)).get('ban_chi_dao')?.value).toBe(true);
    expect(await reportState(y)).toEqual(yBefore);
  });

  it('/start names the organization of each open round, so the same round twice reads apart', async () => {
    const [x] = await twoOrganizations(['HAI7', 'HAI8'], 'dan_van_qcdc');
    const { reply } = await say(x, '/start', 'Chi bộ HAI8');
    expect(reply.plainText).toMatch(/— Năm 2026 — Chi bộ HAI7 \(hạn chót/);
    expect(reply.plainText).toMatch(/— Năm 2026 — Chi bộ HAI8 \(hạn chót/);
  });

  it("a number typed after /baocao's list chooses a round, never answers the question of the report in progress", async () => {
    const [x, y] = await twoOrganizations(['HAI5', 'HAI6'], 'dan_van_qcdc');
    await openFromList(x, 'Câu 1/14');
    await say(x, 'có', 'Câu 2/14');
    await say(x, 'có', 'Câu 3/14');
    const xBefore = await reportState(x);
    const { reply: list } = await say(x, '/baocao', 'Có nhiều đợt');
    const labels: string[] = list.reply_markup.inline_keyboard.flat().map((b: { text: string }) => b.text);
    const numberOf = (org: string) => labels.find((l) => l.includes(`Chi bộ ${org}`))!.split('.')[0]!;
    await say(y, numberOf('HAI6'), 'Câu 1/14');
    expect(await reportState(x)).toEqual(xBefore);
    expect((await submission(y)).cursor).toMatchObject({ at: 'question', key: 'ban_chi_dao' });
    await say(y, '/baocao 7', 'Không có đợt số 7: chỉ có 2 đợt đang mở.');
    expect(await reportState(x)).toEqual(xBefore);
    // A number that is no round of the list is any message with no report open.
    await say(y, '9', 'Đồng chí chưa mở báo cáo nào');
  });

  it('an option pressed on a prompt already answered is not marked chosen: it was not taken', async () => {
    const s = await addSecretary('CHO');
    await roundFor(['CHO']);
    const { reply: first } = await say(s, '/baocao', 'Câu 1/14');
    await say(s, 'có', 'Câu 2/14');
    await press(s, 'Không', 'Câu hỏi này đã qua', first);
    const after = emulator.messagesTo(s.user.id).find((m) => m.message_id === first.message_id)!;
    const labels = (after.reply_markup?.inline_keyboard ?? []).flat().map((b: { text: string }) => b.text);
    expect(labels.some((l: string) => l.startsWith('✓'))).toBe(false);
    expect((await answerRows(s)).get('ban_chi_dao')?.value).toBe(true);
  });

  it('a reply to an older prompt without options is refused, nothing stored; one to the prompt shown last answers it', async () => {
    const [x, y] = await twoOrganizations(['HAI3', 'HAI4'], 'xep_loai_to_chuc_dang');
    const { reply: promptOfX } = await openFromList(x, 'Câu 1/');
    expect(promptOfX.reply_markup).toBeUndefined();
    await say(x, '/huy', 'tạm dừng');
    const { reply: promptOfY } = await openFromList(y, 'Câu 1/');
    const [xBefore, yBefore] = [await reportState(x), await reportState(y)];

    await say(x, '25', 'không rõ tin nhắn đồng chí trả lời thuộc báo cáo nào', { replyTo: promptOfX });
    expect([await reportState(x), await reportState(y)]).toEqual([xBefore, yBefore]);

    await say(y, '25', 'Câu 2/', { replyTo: promptOfY });
    expect((await answerRows(y)).get('tong_dang_vien')?.value).toBe(25);
    expect(await reportState(x)).toEqual(xBefore);
  });
});

describe('command words at a question that takes free text', () => {
  it('«huỷ» pauses and «trợ giúp» helps: neither is stored as the answer', async () => {
    const s = await addSecretary('CMW');
    await roundFor(['CMW']);
    await say(s, '/baocao', 'Câu 1/14');
    await answer(s, [['có', 'Câu 2/14'], ['có', 'Câu 3/14'], ['3', 'Câu 4/14'], ['có', 'Câu 5/14']]);
    const before = await reportState(s);
    await say(s, 'trợ giúp', '/baocao');
    await say(s, 'huỷ', 'Đã tạm dừng');
    expect(await reportState(s)).toEqual(before);
    expect((await answerRows(s)).has('ten_mo_hinh')).toBe(false);
  });
});

describe('(5) a duplicated update', () => {
  it('changes nothing and gets no second reply, whatever it was', async () => {
    const s = scene('DUP');
    await say(s, '/baocao', 'Câu 1/14');
    const kinds: Array<{ what: string; deliver: () => Promise<number> }> = [
      { what: 'a typed answer', deliver: async () => (await say(s, 'có', 'Câu 2/14')).sent.update_id },
      { what: 'a button press', deliver: async () => (await press(s, 'Có', 'Câu 3/14', lastBotMessage(s, 'Câu 2/14.'))).sent },
      { what: 'a refused answer', deliver: async () => (await say(s, 'abc', 'Không đọc được số')).sent.update_id },
      {
        what: 'an edit',
        deliver: async () => {
          const { sent } = await say(s, '2', 'Câu 4/14');
          return (await edit(s, sent, '3', 'Đã sửa câu 3: 3 (trước: 2)')).sent.update_id;
        },
      },
      {
        what: 'a reply to an old prompt',
        deliver: async () => (await say(s, '4', 'Đã sửa câu 3: 4 (trước: 3)', { replyTo: lastBotMessage(s, 'Câu 3/14.') })).sent.update_id,
      },
      {
        what: 'a forward',
        deliver: async () => (await replyTo(s, 'không được tính là câu trả lời', () => emulator.forwardText(s.user, '5'))).sent.update_id,
      },
      { what: '/baocao', deliver: async () => (await say(s, '/baocao', 'Câu 4/14')).sent.update_id },
      { what: '/trangthai', deliver: async () => (await say(s, '/trangthai', 'Tình hình báo cáo')).sent.update_id },
    ];
    for (const kind of kinds) {
      const updateId = await kind.deliver();
      const before = await reportState(s);
      const count = emulator.messagesTo(s.user.id).length;
      emulator.redeliver(updateId);
      // One chat's updates are handled in order: once this is answered, the duplicate was handled.
      await say(s, '/trangthai', 'Tình hình báo cáo');
      const replies = emulator.messagesTo(s.user.id).slice(count);
      expect(replies.map((m) => m.plainText.split('\n')[0]), kind.what).toEqual([expect.stringContaining('Tình hình báo cáo')]);
      expect(await reportState(s), kind.what).toEqual(before);
    }
    const rows = await answerRows(s);
    expect(rows.get('so_mo_hinh_dvk')?.value).toBe(4);
    expect(await historyOf(s, 'so_mo_hinh_dvk')).toEqual([
      [null, 2],
      [2, 3],
      [3, 4],
    ]);
  });
});

describe('(6) the same answer typed twice', () => {
  it('is not stored under the next question: the bot says what happened and asks again', async () => {
    const s = scene('TWC');
    await answer(s, TO_QUESTION_8);
    const before = await submission(s);
    const count = emulator.messagesTo(s.user.id).length;
    const twice = 'Câu 9 chưa được trả lời; đồng chí vừa gửi «1.234» hai lần';
    // Both sent before the bot showed question 9, and handed to it in one batch.
    const { sent: [first, second], reply: notice } = await replyTo(s, twice, () =>
      emulator.together(() => [emulator.sendUserText(s.user, '1.234'), emulator.sendUserText(s.user, '1.234')]),
    );
    const replies = emulator.messagesTo(s.user.id).slice(count);
    expect(replies.map((m) => m.plainText.slice(0, 60))).toHaveLength(2);
    const [next] = replies;
    expect(next!.plainText).toContain('Câu 9/14');
    expect(next!.plainText).not.toContain('chưa được trả lời');
    // One id sequence for both sides of the chat: the second message was sent before question 9 was shown.
    expect(first!.message_id).toBeLessThan(second!.message_id);
    expect(second!.message_id).toBeLessThan(next!.message_id);
    expect(notice.message_id).toBe(replies[1]!.message_id);
    expect(notice.plainText).toContain('Câu 9/14');

    let rows = await answerRows(s);
    expect(rows.get('so_doi_thoai')).toMatchObject({ value: 1234, source_message: ref(first!) });
    expect(rows.has('so_tap_huan')).toBe(false);
    expect(await historyOf(s, 'so_doi_thoai')).toEqual([[null, 1234]]);
    expect((await submission(s)).step).toBe(before.step + 1);

    // Question 9 is answered by the next message.
    await say(s, '5', 'Câu 10/14');
    // Two different quick messages: the second is pointed out too, without "twice".
    const { reply: other } = await replyTo(s, 'Câu 11 chưa được trả lời', () =>
      emulator.together(() => [emulator.sendUserText(s.user, '7'), emulator.sendUserText(s.user, '8')]),
    );
    expect(other.plainText).toContain('tin «8» được gửi trước khi câu 11 hiện ra');
    rows = await answerRows(s);
    expect(rows.get('so_tap_huan')?.value).toBe(5);
    expect(rows.get('khen_tap_the')?.value).toBe(7);
    expect(rows.has('khen_ca_nhan')).toBe(false);
    expect(emulator.messagesTo(s.user.id)).toHaveLength(count + 5);
  });
});

describe('(7) misleading wording', () => {
  it('"1,234" in a 0–100 decimal question names both readings; "-0" is zero', async () => {
    const s = scene('DEC');
    await answer(s, [
      ['/baocao', 'Câu 1/9'],
      ['10', 'Câu 2/9'],
      ['5', 'Câu 3/9'],
      ['3', 'Câu 4/9'],
      ['2', 'Câu 5/9'],
      ['-0', 'Câu 6/9'],
    ]);
    expect((await answerRows(s)).get('dv_khong_ht')?.value).toBe(0);

    // Question 6: a score from 0 to 100 with one decimal.
    const before = await reportState(s);
    const { reply } = await say(s, '1,234', 'Câu 6/9');
    expect(reply.plainText).toContain('«1,234»');
    expect(reply.plainText).toContain('hiểu là 1.234 thì lớn hơn 100');
    expect(reply.plainText).toContain('hiểu là 1,234 thì có nhiều hơn 1 chữ số thập phân');
    expect(reply.plainText).not.toContain('phải từ 0 đến 100');
    expect(await reportState(s)).toEqual(before);

    const { reply: next } = await say(s, '-0', 'Câu 7/9');
    expect(next.plainText).toContain('Đề xuất theo câu 6 (0)');
    const score = (await answerRows(s)).get('diem_tu_cham')!;
    expect(score.value).toBe(0);
    expect(Number(score.num_value)).toBe(0);
  });

  it('/baocao after the office removed the secretary says so, not "no open round"', async () => {
    const s = scene('REM');
    await say(s, `/start ${inviteCode}`, 'Chi bộ REM');
    await answer(s, [
      ['/baocao', 'Câu 1/14'],
      ['có', 'Câu 2/14'],
    ]);
    const removed = await removeReporter(testDb.db, { orgCode: 'REM', identity: { channel: 'telegram', externalId: String(s.user.id) } }, systemClock);
    expect(removed.kind).toBe('removed');
    const before = await reportState(s);

    const { reply } = await say(s, '/baocao', 'không còn là người báo cáo');
    expect(reply.plainText).not.toContain('Hiện không có đợt báo cáo nào đang mở');
    // And what they type no longer answers the organization's report.
    const { reply: typed } = await say(s, 'có', /./);
    expect(typed.plainText).not.toMatch(/Câu \d+\/14/);
    expect(await reportState(s)).toEqual(before);
  });
});

describe('plausibility, asked at entry', () => {
  it('a figure ten times last round\'s is stored only once confirmed, marked as a confirmed outlier', async () => {
    const s = scene('PLA');
    await answer(s, TO_QUESTION_8);
    const ask = 'Đồng chí xác nhận 1.234 cuộc đối thoại định kỳ với người lao động? (Năm 2025: 3)';
    const { reply } = await say(s, '1234', ask);
    const labels = (reply.reply_markup?.inline_keyboard ?? []).flat().map((b: { text: string }) => b.text);
    expect(labels).toEqual(expect.arrayContaining(['Đúng', 'Nhập lại']));
    expect((await answerRows(s)).has('so_doi_thoai')).toBe(false);

    // «Nhập lại»: back to question 8, nothing stored.
    const { reply: again } = await press(s, 'Nhập lại', 'Câu 8/14');
    expect(again.plainText).not.toContain('xác nhận');
    expect((await answerRows(s)).has('so_doi_thoai')).toBe(false);
    expect(await historyOf(s, 'so_doi_thoai')).toEqual([]);

    await say(s, '1234', ask);
    await press(s, 'Đúng', 'Câu 9/14');
    const stored = (await answerRows(s)).get('so_doi_thoai')!;
    expect(stored).toMatchObject({ value: 1234, confirmed_outlier: true });
    expect(await historyOf(s, 'so_doi_thoai')).toEqual([[null, 1234]]);
    // A usual figure is taken at once and is no outlier.
    await say(s, '4', 'Câu 10/14');
    expect((await answerRows(s)).get('so_tap_huan')).toMatchObject({ value: 4, confirmed_outlier: false });
  });
});
