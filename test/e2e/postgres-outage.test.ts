/**
 * Postgres goes away for 30 seconds under the running bot (a proxy in front of it drops
 * every connection and refuses new ones, as a stopped server does). Each person is told
 * what was not done — not "your answer was not stored" to someone registering — nothing
 * is stored, and once Postgres is back the same messages work, without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator, type TgUser } from '../../src/emulator/botApiEmulator.js';
import { botMessages } from '../../src/chat/messages.js';
import { createInvites } from '../../src/services/invites.js';
import { systemClock } from '../../src/time.js';
import { startBotFor, type BotProcess } from '../support/botProcess.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { insertOpenRound, reportRows, stopAll, telegramChat } from '../support/e2e.js';
import { insertOrg, insertPerson, seedForms } from '../support/fixtures.js';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';

const OUTAGE_MS = 30_000;
const secretary: TgUser = { id: 6601, first_name: 'Bí thư' };
const newcomer: TgUser = { id: 6602, first_name: 'Người mới' };
const admin: TgUser = { id: 9601, first_name: 'Văn phòng' };

let testDb: TestDb;
let emulator: BotApiEmulator;
let bot: BotProcess;
let proxy: TcpProxy;
let inviteCode: string;
let campaignId: string;

const chat = telegramChat(() => emulator, () => bot);
const { answersOf } = reportRows(() => testDb.db, () => campaignId);

beforeAll(async () => {
  testDb = await createTestDb('e2e_pg_outage');
  await seedForms(testDb.db);
  const org = await insertOrg(testDb.db, { code: 'CB01', name: 'Chi bộ Sở Tài chính' });
  await insertOrg(testDb.db, { code: 'CB02', name: 'Chi bộ Sở Xây dựng' });
  await insertPerson(testDb.db, { telegramUserId: secretary.id, name: 'Bí thư', orgIds: [org] });
  const now = Date.now();
  campaignId = await insertOpenRound(testDb.db, now, { reminderOffsets: [] });
  inviteCode = (await createInvites(testDb.db, { orgCodes: ['CB02'] }, { ttlDays: 30 }, systemClock))[0]!.code;
  const target = new URL(testDb.url);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  emulator = await startBotApiEmulator();
  target.host = `127.0.0.1:${proxy.port}`;
  bot = await startBotFor(emulator, testDb, { adminIds: [admin.id], env: { DATABASE_URL: target.toString() } });
}, 60_000);

afterAll(async () => {
  await stopAll(bot, [emulator], testDb);
  await proxy?.close();
});

describe('Postgres away for 30 seconds', () => {
  it('tells each person what was not done, stores nothing, and works again without a restart', async () => {
    await chat.say(secretary, '/baocao', 'Câu 1/14');
    await proxy.cut();
    const cutAt = Date.now();

    await chat.say(newcomer, `/start ${inviteCode}`, botMessages.failedTo.register);
    await chat.say(secretary, 'có', botMessages.internalError);
    await chat.say(secretary, '/baocao', botMessages.failedTo.openReport);
    await chat.say(admin, `/tonghop ${campaignId}`, botMessages.failedTo.command('tonghop'));

    // The outage lasts its 30 seconds whatever the bot does meanwhile.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, cutAt + OUTAGE_MS - Date.now())));
    await proxy.restore();

    expect((await answersOf('CB01')).size).toBe(0);
    expect(await testDb.db.selectFrom('memberships').select('person_id').execute()).toHaveLength(1);

    // The pool reconnects by itself: the same messages now do what they asked.
    await chat.say(newcomer, `/start ${inviteCode}`, 'Chi bộ Sở Xây dựng');
    await chat.say(secretary, 'có', 'Câu 2/14');
    expect((await answersOf('CB01')).get('ban_chi_dao')?.bool_value).toBe(true);
    await chat.say(admin, `/tonghop ${campaignId}`, 'TỔNG HỢP BÁO CÁO');
  }, 90_000);
});
