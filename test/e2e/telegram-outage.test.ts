/**
 * Telegram away while the bot runs: the poller says so in the log (each failed
 * getUpdates, with its backoff) instead of retrying in silence, and a stop asked for
 * then still ends the process promptly, the updates it handled confirmed or received
 * again later (they change nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator, type TgUser } from '../../src/emulator/botApiEmulator.js';
import { startBotFor, type BotProcess } from '../support/botProcess.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { stopAll, telegramChat } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { insertOrg, insertPerson, seedForms } from '../support/fixtures.js';

const secretary: TgUser = { id: 7801, first_name: 'Bí thư' };
let testDb: TestDb;
let emulator: BotApiEmulator;
let bot: BotProcess;

const chat = telegramChat(() => emulator, () => bot);

beforeAll(async () => {
  testDb = await createTestDb('e2e_tg_down');
  await seedForms(testDb.db);
  const org = await insertOrg(testDb.db, { code: 'CB01', name: 'Chi bộ Sở Tài chính' });
  await insertPerson(testDb.db, { telegramUserId: secretary.id, name: 'Bí thư', orgIds: [org] });
  emulator = await startBotApiEmulator();
  bot = await startBotFor(emulator, testDb, { adminIds: [], env: { LOG_LEVEL: 'warn' } });
}, 60_000);

afterAll(() => stopAll(bot, [emulator], testDb));

describe('Telegram unreachable while the bot polls', () => {
  it('is logged at each failed poll, and a stop ends the process within seconds', async () => {
    await chat.replyTo(secretary, 'trogiup', () => emulator.sendUserText(secretary, '/trogiup'));
    await emulator.close();
    await eventually(async () => bot.output().includes('telegram getUpdates failed'), 'the failed poll to be logged', 20_000);
    const asked = Date.now();
    expect(await bot.stop()).toBe(0);
    expect(Date.now() - asked).toBeLessThan(15_000);
  }, 60_000);
});

describe('a stop while a call to Telegram hangs', () => {
  it('ends the process at STOP_TIMEOUT_SECONDS, saying so, instead of waiting out the call', async () => {
    const hanging = await startBotApiEmulator();
    // A Telegram of its own starts its update ids again: a database of its own, so none is taken for a duplicate.
    const ownDb = await createTestDb('e2e_tg_hang');
    await seedForms(ownDb.db);
    await insertPerson(ownDb.db, { telegramUserId: secretary.id, name: 'Bí thư', orgIds: [await insertOrg(ownDb.db, { code: 'CB01', name: 'Chi bộ Sở Tài chính' })] });
    const stuck = await startBotFor(hanging, ownDb, { adminIds: [], env: { LOG_LEVEL: 'warn', STOP_TIMEOUT_SECONDS: '2' } });
    try {
      // The reply to /trogiup never gets an answer from Telegram: its update stays in hand.
      const arrived = hanging.hangNext('sendMessage');
      hanging.sendUserText(secretary, '/trogiup');
      await arrived;
      const asked = Date.now();
      expect(await stuck.stop()).toBe(1);
      // The call alone would hold the stop for 60 s (TELEGRAM_CALL_TIMEOUT_SECONDS).
      expect(Date.now() - asked).toBeLessThan(15_000);
      expect(stuck.output()).toContain('stop took too long; exiting');
    } finally {
      await stuck.kill().catch(() => undefined);
      await hanging.close();
      await ownDb.drop();
    }
  }, 60_000);
});
