/**
 * An update the bot has received is handled, or received again after a restart: the
 * process is killed while an answer it fetched is still being written (its write held
 * up by a row lock the test keeps). Postgres drops the dead process's statement rather
 * than commit it later, Telegram still has the update (it was never confirmed), and
 * after the restart the answer is stored once and the person gets the next question.
 * Killed after an answer's or a command's commit but before its reply: the update
 * received again gets an answer (the current question; the command run again).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator, type TgUser } from '../../src/emulator/botApiEmulator.js';
import { startBotFor, type BotProcess } from '../support/botProcess.js';
import { createTestDb, lockWaiters, type TestDb } from '../support/db.js';
import { insertOpenRound, reportRows, stopAll, telegramChat } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { insertOrg, insertPerson, seedForms } from '../support/fixtures.js';

const secretary: TgUser = { id: 7701, first_name: 'Bí thư' };
let testDb: TestDb;
let emulator: BotApiEmulator;
let bot: BotProcess;
let campaignId: string;

const chat = telegramChat(() => emulator, () => bot);
const { submissionOf, answersOf } = reportRows(() => testDb.db, () => campaignId);

beforeAll(async () => {
  testDb = await createTestDb('e2e_polling_kill');
  await seedForms(testDb.db);
  const org = await insertOrg(testDb.db, { code: 'CB01', name: 'Chi bộ Sở Tài chính' });
  await insertPerson(testDb.db, { telegramUserId: secretary.id, name: 'Bí thư', orgIds: [org] });
  const now = Date.now();
  campaignId = await insertOpenRound(testDb.db, now, { reminderOffsets: [] });
  emulator = await startBotApiEmulator();
  bot = await startBotFor(emulator, testDb, { adminIds: [] });
}, 60_000);

afterAll(() => stopAll(bot, [emulator], testDb));

/**
 * Sends `text` and kills the bot while its reply hangs (once `committed` holds, if given):
 * the update was handled, the person saw nothing. Returns the update and the message count before.
 */
async function killedBeforeReply(text: string, committed: () => Promise<unknown> = async () => undefined): Promise<{ updateId: number; before: number }> {
  const hung = emulator.hangNext('sendMessage');
  const before = emulator.messagesTo(secretary.id).length;
  const updateId = emulator.sendText(secretary, text);
  await hung;
  await committed();
  await bot.kill();
  expect(emulator.messagesTo(secretary.id)).toHaveLength(before);
  return { updateId, before };
}

describe('killed with an update in hand', () => {
  it('receives it again after the restart and stores it once', async () => {
    await chat.say(secretary, '/baocao', 'Câu 1/14');
    const submission = await submissionOf('CB01');

    // Hold the report's row: the bot's write of the next answer waits on it.
    const holder = new pg.Client({ connectionString: testDb.url });
    await holder.connect();
    await holder.query('begin');
    await holder.query('select id from submissions where id = $1 for update', [submission.id]);
    try {
      emulator.sendText(secretary, 'có');
      await eventually(async () => (await lockWaiters(holder)) > 0, 'the bot to wait on the report row', 15_000);
      await bot.kill();
      // Its backend notices the process is gone and gives up the statement: nothing is committed for it.
      await eventually(async () => (await lockWaiters(holder)) === 0, 'the killed process\'s statement to be cancelled', 15_000);
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
    expect((await answersOf('CB01')).size).toBe(0);

    bot = await startBotFor(emulator, testDb, { adminIds: [] });
    await chat.reply(secretary, 'Câu 2/14');
    const answers = await answersOf('CB01');
    expect(answers.get('ban_chi_dao')?.bool_value).toBe(true);
    expect(answers.size).toBe(1);
    const history = await testDb.db.selectFrom('answer_history').select('question_key').where('submission_id', '=', submission.id).execute();
    expect(history).toHaveLength(1);
    expect(emulator.messagesTo(secretary.id).filter((m) => m.plainText.includes('Câu 2/14'))).toHaveLength(1);
  }, 90_000);

  it('after an answer stored but not yet replied to, the update received again gets the current question', async () => {
    // The next reply never gets through: the process is killed after the answer's commit, before its reply.
    const { updateId, before } = await killedBeforeReply('có', () =>
      eventually(async () => (await answersOf('CB01')).has('bcd_quy_che'), 'the answer to be committed', 15_000),
    );
    // Met with silence, the secretary types the same answer again while the bot is down.
    emulator.sendText(secretary, 'có');

    // Telegram still has the update (never confirmed): the restarted bot finds it stored and says where the report is.
    bot = await startBotFor(emulator, testDb, { adminIds: [] });
    const reply = await chat.reply(secretary, 'Câu 3/14');
    expect(reply.plainText).toContain('Tin nhắn vừa rồi của đồng chí đã được ghi nhận');
    // The retyped answer was sent before question 3 was shown: it is not taken for question 3.
    const retyped = await chat.reply(secretary, 'hai lần');
    expect(retyped.plainText).toContain('Câu 3 chưa được trả lời');
    const answers = await answersOf('CB01');
    expect(answers.size).toBe(2);
    const history = await testDb.db.selectFrom('answer_history').select('question_key').where('question_key', '=', 'bcd_quy_che').execute();
    expect(history).toHaveLength(1);

    // The same update once more, to the process that has now answered it: nothing more is said.
    emulator.redeliver(updateId);
    // Confirmed by the next poll, which comes only once the update was handled.
    await emulator.waitUntilUpdatesConsumed();
    expect(emulator.messagesTo(secretary.id)).toHaveLength(before + 2);
  }, 90_000);

  it('a command handled but not yet replied to is answered when received again, and only then', async () => {
    // The reply is being sent, so the command was recorded as handled: the kill comes after the record, before the reply.
    const { updateId, before } = await killedBeforeReply('/trangthai');

    bot = await startBotFor(emulator, testDb, { adminIds: [] });
    const reply = await chat.reply(secretary, 'Hạn chót');
    expect(reply.plainText).toContain('Chi bộ Sở Tài chính');
    // Once shown, the reply is recorded; received again by a process that never saw it, the update says nothing.
    const repliedAt = async () =>
      (await testDb.db.selectFrom('processed_updates').select('replied_at').where('channel', '=', 'telegram').where('dedupe_key', '=', String(updateId)).executeTakeFirst())?.replied_at;
    await eventually(repliedAt, 'the reply to be recorded as shown');
    await bot.stop();
    bot = await startBotFor(emulator, testDb, { adminIds: [] });
    emulator.redeliver(updateId);
    await emulator.waitUntilUpdatesConsumed();
    expect(emulator.messagesTo(secretary.id)).toHaveLength(before + 1);
  }, 90_000);
});
