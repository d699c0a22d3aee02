/**
 * Scale-out end to end: two `web` and two `worker` processes against one Postgres and
 * Redis, Telegram in webhook mode behind a round-robin proxy (as a load balancer would
 * be). Twelve secretaries report at once; one web replica is killed mid-round and one
 * worker after the announcement. Every answer lands once, every report is complete,
 * every chat got the announcement and the reminder exactly once. A webhook request
 * without the secret is refused with 401 and handles nothing.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator, type TgUser } from '../../src/emulator/botApiEmulator.js';
import { startReadyRole, type BotProcess } from '../support/botProcess.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { insertOpenRound, telegramChat, WAIT } from '../support/e2e.js';
import { insertNumberedOrgs, seedForms } from '../support/fixtures.js';
import { startRoundRobinProxy } from '../support/roundRobinProxy.js';

const SECRETARIES = 12;
const FIRST_CHAT = 880_001;
const SECRET = 'replica-webhook-secret-0123456789';
/** Fewer than the secretaries typing at once: Telegram queues the rest. */
const WEBHOOK_CONNECTIONS = 4;
const admin: TgUser = { id: 9301, first_name: 'Văn phòng' };
const users: TgUser[] = Array.from({ length: SECRETARIES }, (_, i) => ({ id: FIRST_CHAT + i, first_name: `Bí thư ${i + 1}` }));
const ANSWERS = ['có', 'có', '3', 'không', 'có', '1', '2', '1.234', '05', '6', '1', 'Không có', 'Không có'];

let testDb: TestDb;
let emulator: BotApiEmulator;
let proxy: Server;
let proxyPort: number;
const webPorts: number[] = [];
const workerPorts: number[] = [];
const web: BotProcess[] = [];
const workers: BotProcess[] = [];
let campaignId: string;
let bot: BotProcess;

const chat = telegramChat(() => emulator, () => bot);

function env(port: number): Record<string, string> {
  return {
    BOT_TOKEN: emulator.token,
    TELEGRAM_API_ROOT: emulator.apiRoot,
    DATABASE_URL: testDb.url,
    ADMIN_IDS: String(admin.id),
    REDIS_PREFIX: testDb.name,
    PUBLIC_URL: `http://127.0.0.1:${proxyPort}`,
    WEBHOOK_SECRET: SECRET,
    TELEGRAM_WEBHOOK_CONNECTIONS: String(WEBHOOK_CONNECTIONS),
    HTTP_PORT: String(port),
    // Everything a process logs at info is checked for secrets below.
    LOG_LEVEL: 'info',
  };
}

/** Every process started, killed ones included (and any refused a taken port), for the log check and the stop. */
const everyProcess: BotProcess[] = [];

beforeAll(async () => {
  testDb = await createTestDb('e2e_replicas');
  const { db } = testDb;
  await seedForms(db);
  await insertNumberedOrgs(db, { letter: 'R', digits: 2, count: SECRETARIES, firstChat: FIRST_CHAT });
  emulator = await startBotApiEmulator();
  proxy = await startRoundRobinProxy(() => webPorts.filter((_, i) => web[i] !== undefined));
  proxyPort = (proxy.address() as AddressInfo).port;
  // The round opens now: the workers announce it as soon as they run.
  const now = Date.now();
  campaignId = await insertOpenRound(db, now, { opensAgoMs: 60_000, reminderOffsets: [] });
  const roles = await Promise.all((['web', 'web', 'worker', 'worker'] as const).map((role) => startReadyRole(role, env, everyProcess)));
  webPorts.push(...roles.slice(0, 2).map((r) => r.port));
  web.push(...roles.slice(0, 2).map((r) => r.process));
  workerPorts.push(...roles.slice(2).map((r) => r.port));
  workers.push(...roles.slice(2).map((r) => r.process));
  bot = web[0]!;
}, 120_000);

afterAll(async () => {
  for (const p of everyProcess) await p.stop();
  await new Promise<void>((resolve) => proxy?.close(() => resolve()));
  await emulator?.close();
  await testDb?.drop();
});

const announcementsTo = (id: number) => emulator.messagesTo(id).filter((m) => m.plainText.includes('Thông báo đợt báo cáo'));
const remindersTo = (id: number) => emulator.messagesTo(id).filter((m) => m.plainText.includes('Nhắc báo cáo'));

describe('two web and two worker processes', () => {
  it('refuses a webhook request without the secret, handling nothing', async () => {
    // The workers may announce the round meanwhile: only a reply to the forged update would count.
    const replies = () => emulator.messagesTo(users[0]!.id).filter((m) => !m.plainText.includes('Thông báo đợt báo cáo'));
    const before = replies().length;
    const update = { update_id: 999_999, message: { message_id: 1, date: 0, chat: { id: users[0]!.id, type: 'private' }, from: { id: users[0]!.id, is_bot: false, first_name: 'x' }, text: '/trangthai' } };
    for (const port of webPorts) {
      const refused = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(update) });
      expect(refused.status).toBe(401);
    }
    expect(replies().length).toBe(before);
    expect(emulator.calls.some((c) => c.method === 'getUpdates' && c.at > Date.now() - 5_000)).toBe(false);
  });

  it('announce the round once to every chat', async () => {
    await emulator.waitFor(() => users.every((u) => announcementsTo(u.id).length >= 1), WAIT);
    // The worker that fanned out is killed; the other carries on.
    await workers[0]!.kill();
    for (const u of users) expect(announcementsTo(u.id), `announcements to ${u.id}`).toHaveLength(1);
  });

  it('take every answer once while a web replica is killed mid-round', async () => {
    const answerAll = async (u: TgUser, from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const expected = i === ANSWERS.length - 1 ? 'Xem lại báo cáo' : `Câu ${i + 2 + (i >= 3 ? 1 : 0)}/14`;
        await chat.say(u, ANSWERS[i]!, expected);
      }
    };
    await Promise.all(users.map((u) => chat.say(u, '/baocao', 'Câu 1/14')));
    await Promise.all(users.map((u) => answerAll(u, 0, 5)));
    // A web replica dies with updates possibly in flight; the proxy sends the rest to the other.
    const killed = web[0]!;
    web[0] = undefined as unknown as BotProcess;
    await killed.kill();
    bot = web[1]!;
    await Promise.all(users.map((u) => answerAll(u, 5, ANSWERS.length)));
    await Promise.all(users.map((u) => chat.say(u, 'gửi', 'Đã gửi báo cáo')));

    const rows = await testDb.db
      .selectFrom('submissions')
      .select(['status', 'answered_count', 'id'])
      .where('campaign_id', '=', campaignId)
      .execute();
    expect(rows).toHaveLength(SECRETARIES);
    expect(rows.every((r) => r.status === 'submitted')).toBe(true);
    // Each question of each report was answered once: one history row per stored answer.
    const history = await testDb.db
      .selectFrom('answer_history')
      .select((eb) => ['submission_id', 'question_key', eb.fn.countAll<string>().as('n')])
      .groupBy(['submission_id', 'question_key'])
      .execute();
    expect(history.filter((h) => Number(h.n) !== 1)).toEqual([]);
    const counts = await testDb.db.selectFrom('answers').select((eb) => ['submission_id', eb.fn.countAll<string>().as('n')]).groupBy('submission_id').execute();
    expect(counts).toHaveLength(SECRETARIES);
    expect(new Set(counts.map((c) => Number(c.n)))).toEqual(new Set([ANSWERS.length]));
    expect(history).toHaveLength(SECRETARIES * ANSWERS.length);
    // Telegram kept at most max_connections requests open, as the bot registered it, and used them.
    expect(emulator.webhookPeakConnections).toBe(WEBHOOK_CONNECTIONS);
  }, 120_000);

  it('remind now reaches every chat that has not reported, once, through the surviving worker', async () => {
    const late = users.slice(0, 3);
    await testDb.db
      .updateTable('submissions')
      .set({ status: 'draft' })
      .where('campaign_id', '=', campaignId)
      .where('organization_id', 'in', (eb) =>
        eb
          .selectFrom('memberships as m')
          .innerJoin('identities as i', 'i.person_id', 'm.person_id')
          .select('m.organization_id')
          .where('i.external_id', 'in', late.map((u) => String(u.id))),
      )
      .execute();
    await chat.say(admin, `/nhacnho ${campaignId}`, `Nhắc ngay đợt #${campaignId}`);
    await chat.say(admin, `/nhacnho ${campaignId} ngay`, 'Đã xếp lịch nhắc ngay');
    await emulator.waitFor(() => late.every((u) => remindersTo(u.id).length >= 1), WAIT);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const u of users) expect(remindersTo(u.id), `reminders to ${u.id}`).toHaveLength(late.includes(u) ? 1 : 0);
  });

  it('serve Prometheus metrics: updates by kind and outcome on web, queues and reconciles on the worker', async () => {
    const webMetrics = await (await fetch(`http://127.0.0.1:${webPorts[1]}/metrics`)).text();
    const answered = /baocao_updates_total\{channel="telegram",kind="answer",outcome="handled"\} (\d+)/.exec(webMetrics);
    expect(Number(answered?.[1])).toBeGreaterThan(0);
    expect(webMetrics).toContain('baocao_update_duration_seconds_bucket');
    const workerMetrics = await (await fetch(`http://127.0.0.1:${workerPorts[1]}/metrics`)).text();
    expect(workerMetrics).toMatch(/baocao_queue_jobs\{queue="[\w-]+",state="waiting"\} \d+/);
    expect(workerMetrics).toMatch(/baocao_outbox_messages_total\{channel="telegram",outcome="sent"\} \d+/);
  });

  it('never log a secret', () => {
    const output = everyProcess.map((p) => p.output()).join('\n');
    expect(output.length).toBeGreaterThan(0);
    expect(output).not.toContain(emulator.token);
    expect(output).not.toContain(emulator.token.split(':')[1]!);
    expect(output).not.toContain(SECRET);
  });
});
