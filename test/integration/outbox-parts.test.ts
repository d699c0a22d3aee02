/**
 * A message longer than its channel's limit goes out as several parts, and a retry sends
 * only the parts that did not arrive: the real Zalo outbox worker against the Zalo
 * emulator, Redis and Postgres, with an escalation (25 organizations missing, their
 * reporters named) that Zalo takes in three parts. Part 2 refused with a 503, cut off by
 * the network, refused for the rate: after the retry the admin's chat has each part once,
 * in order, and the retry sent the rest of the text it began with although the round's
 * figures had changed meanwhile. Part 2 delivered but its answer lost: that part, and no
 * other, arrives twice. A worker killed after part 2 reached Zalo and before it
 * recorded so: the delivery is queued again as interrupted (maybe_duplicate) and resumes
 * at part 2, which arrives twice: at most one part twice, none lost. Telegram's parts
 * resume the same way, the keyboard still on the last.
 */
import type { Worker } from 'bullmq';
import { Api } from 'grammy';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../jobs/connection.js';
import { startOutboxWorker, type OutboxDeps } from '../../jobs/outbox.js';
import { createTelegramSender } from '../../src/channels/telegram/sender.js';
import { createZaloSender } from '../../src/channels/zalo/adapter.js';
import { createZaloClient } from '../../src/channels/zalo/client.js';
import type { ChannelSender, Identity, OutboundPart } from '../../src/chat/port.js';
import type { BegunParts, Database } from '../../src/db/schema.js';
import { startZaloEmulator, type ZaloEmulator } from '../../src/emulator/zaloEmulator.js';
import { INTERRUPTED_GRACE_MS } from '../../src/reminders/policy.js';
import { createCampaign } from '../../src/services/campaigns.js';
import { fanOutSlot, recordPartSent } from '../../src/services/deliveries.js';
import { composeQueuedDelivery } from '../../src/services/deliveryContent.js';
import { FormCache } from '../../src/services/forms.js';
import { ManualClock } from '../../src/time.js';
import { eventually } from '../support/eventually.js';
import { at, bundledForm, insertOrg, insertPerson, insertReport } from '../support/fixtures.js';
import { REDIS_URL, reminderPolicy, startReminderHarness, type ReminderHarness } from '../support/reminderHarness.js';

const WAIT = 20_000;
const ORGS = 30;
const clock = new ManualClock(at('2026-12-20T10:00'));

/** One admin (on Zalo only) and one round per scenario, so each fault hits one chat and one delivery. */
const admins = { server: 'z-parts-503', network: 'z-parts-net', lost: 'z-parts-lost', limited: 'z-parts-429', crash: 'z-parts-crash' } as const;
type Scenario = keyof typeof admins;
const adminIds: Identity[] = Object.values(admins).map((externalId) => ({ channel: 'zalo', externalId }));
const rounds = {} as Record<Scenario, string>;

let h: ReminderHarness;
let db: Kysely<Database>;
let zalo: ZaloEmulator;
let zaloSender: ChannelSender;
let worker: Worker;

const sendsTo = (chat: string) => zalo.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === chat).map((c) => String(c.params.text));
const chatOf = (chat: string) => zalo.messagesTo(chat).map((m) => m.text);
const failPart2 = (scenario: Scenario) => ({ when: (p: Record<string, unknown>) => p.chat_id === admins[scenario], after: 1 });

function zaloDeps(sender: ChannelSender = zaloSender): OutboxDeps {
  return { ...h.outboxDeps({ sender, queue: h.client.queues.outbox.zalo }), adminIds };
}

/** The round's escalation, fanned out to the scenario's admin and queued in the Zalo outbox; its delivery id. */
async function escalate(scenario: Scenario): Promise<string> {
  const campaignId = rounds[scenario];
  const slot = await db.selectFrom('reminder_slots').select('send_at').where('campaign_id', '=', campaignId).where('slot_key', '=', 'escalate').executeTakeFirstOrThrow();
  const audience = { adminIds: [{ channel: 'zalo' as const, externalId: admins[scenario] }], channels: ['zalo' as const] };
  expect(await fanOutSlot(db, { campaignId, slotKey: 'escalate', sendAt: slot.send_at, ...audience }, clock.now())).toEqual({ kind: 'done', created: 1 });
  await h.client.scheduler.enqueueDeliveries({ campaignId, slotKey: 'escalate' });
  const row = await db.selectFrom('deliveries').select('id').where('campaign_id', '=', campaignId).where('slot_key', '=', 'escalate').executeTakeFirstOrThrow();
  return row.id;
}

async function delivery(id: string) {
  return db
    .selectFrom('deliveries')
    .select(['status', 'reason', 'attempts', 'message_id', 'parts_sent', 'parts', 'maybe_duplicate', 'resend_count'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

function settled(id: string) {
  return eventually(async () => {
    const row = await delivery(id);
    return row.status !== 'queued' && row.status !== 'sending' && row;
  }, `delivery ${id} to be settled`, WAIT);
}

/** The parts the delivery's message would be sent as if it were composed now. */
async function composedNow(id: string): Promise<string[]> {
  const ref = await db.selectFrom('deliveries').select(['id', 'kind', 'campaign_id', 'organization_id', 'slot_key']).where('id', '=', id).executeTakeFirstOrThrow();
  const composition = await composeQueuedDelivery({ db, forms: new FormCache(db) }, ref, clock.now());
  if (composition.kind !== 'send') throw new Error(`delivery ${id} would be skipped: ${composition.reason}`);
  return zaloSender.parts(composition.message).map((p) => p.text);
}

/** Each part once, in order, and the last one's id recorded. */
async function expectWholeOnce(id: string, chat: string) {
  const row = await settled(id);
  const parts = (row.parts as BegunParts).parts.map((p) => p.text);
  expect([row.status, row.parts_sent, parts.length]).toEqual(['sent', 3, 3]);
  expect(chatOf(chat)).toEqual(parts);
  expect(row.message_id).toBe(zalo.messagesTo(chat)[2]!.message_id);
  return { row, parts };
}

beforeAll(async () => {
  h = await startReminderHarness('outbox_parts', { clock, policy: reminderPolicy() });
  ({ db } = h);
  zalo = await startZaloEmulator();
  for (const id of Object.values(admins)) zalo.addUser({ id, display_name: `Văn phòng ${id}` });
  zaloSender = createZaloSender(createZaloClient({ token: zalo.token, apiRoot: zalo.apiRoot }));
  // Long names and three reporters each: the escalation fills its 4,096 characters, three Zalo messages.
  for (let n = 1; n <= ORGS; n++) {
    const code = `P${String(n).padStart(3, '0')}`;
    const org = await insertOrg(db, { code, name: `Chi bộ Trường Trung học phổ thông chuyên ${code} tỉnh Trà Vinh`.slice(0, 60) });
    for (const k of [1, 2, 3]) await insertPerson(db, { telegramUserId: 0, name: `Nguyễn Thị Phương Thảo Hoàng Lan ${code}-${k}`, orgIds: [org] });
  }
  for (const [scenario, externalId] of Object.entries(admins) as Array<[Scenario, string]>) {
    await insertPerson(db, { telegramUserId: 0, zaloUserId: externalId, name: `Văn phòng ${scenario}` });
    ({ id: rounds[scenario] } = await createCampaign(
      db,
      { formId: 'dan_van_qcdc', periodLabel: `Năm 2026 ${scenario}`, opensAt: at('2026-12-01T08:00'), dueAt: at('2026-12-15T17:00'), organizationCodes: 'all' },
      clock,
    ));
    // Plans its slots (the escalation among them).
    await h.client.scheduler.campaignChanged(rounds[scenario]);
  }
  worker = h.startOutboxWorker(zaloDeps(), 25);
});

afterAll(async () => {
  await zalo?.close();
  await h?.stop();
});

describe('a long message: a retry sends only the parts that did not arrive', () => {
  it('part 2 of 3 refused with a 503 once: after the retry the chat has each part once, in order — the text it began with, though the figures changed meanwhile', async () => {
    zalo.failNext('sendMessage', { error_code: 503, description: 'Service Unavailable' }, failPart2('server'));
    const id = await escalate('server');
    await eventually(async () => {
      const row = await delivery(id);
      return row.status === 'queued' && row.reason === '503 Service Unavailable' && row;
    }, 'the refused part to be recorded', WAIT);
    expect((await delivery(id)).parts_sent).toBe(1);
    // An organization submits before the retry (2 s later): the escalation composed now would say 29, not 30.
    await insertReport(db, rounds.server, await bundledForm('dan_van_qcdc'), 'P001', {});

    const { row, parts } = await expectWholeOnce(id, admins.server);
    expect(row.attempts).toBe(2);
    // Part 1, part 2 refused, part 2 again, part 3: nothing sent twice.
    expect(sendsTo(admins.server)).toEqual([parts[0], parts[1], parts[1], parts[2]]);
    expect(parts[0]).toContain('30');
    const now = await composedNow(id);
    expect(now[0]).not.toBe(parts[0]);
    expect(now.join('\n')).not.toContain('P001');
    expect(parts.join('\n')).toContain('P001');
  });

  it('part 2 cut off by the network (no answer, not delivered): the retry resumes at part 2', async () => {
    zalo.failNext('sendMessage', 'network', failPart2('network'));
    const id = await escalate('network');
    const { row, parts } = await expectWholeOnce(id, admins.network);
    expect([row.attempts, row.maybe_duplicate]).toEqual([2, false]);
    expect(sendsTo(admins.network)).toEqual([parts[0], parts[1], parts[1], parts[2]]);
  });

  it('part 2 delivered and its answer lost to the network: that part arrives twice, no other', async () => {
    zalo.failNext('sendMessage', 'network', { ...failPart2('lost'), delivered: true });
    const id = await escalate('lost');
    const row = await settled(id);
    const parts = (row.parts as BegunParts).parts.map((p) => p.text);
    expect([row.status, row.parts_sent, row.attempts]).toEqual(['sent', 3, 2]);
    expect(chatOf(admins.lost)).toEqual([parts[0], parts[1], parts[1], parts[2]]);
  });

  it('part 2 refused for the rate: the queue pauses and the delivery resumes at part 2', async () => {
    zalo.failNext('sendMessage', { error_code: 429, description: 'Too many requests: rate limit exceeded' }, failPart2('limited'));
    const id = await escalate('limited');
    const { parts } = await expectWholeOnce(id, admins.limited);
    expect(sendsTo(admins.limited)).toEqual([parts[0], parts[1], parts[1], parts[2]]);
  });

  it('a worker killed after part 2 reached Zalo and before it was recorded: queued again as interrupted, part 2 arrives twice, nothing is lost', async () => {
    await worker.close();
    const never = new Promise<never>(() => undefined);
    let partsToCrashChat = 0;
    const crashing: ChannelSender = {
      ...zaloSender,
      async sendPart(to, part) {
        const sent = await zaloSender.sendPart(to, part);
        // The process dies with part 2 delivered: its record is never written.
        return to === admins.crash && ++partsToCrashChat === 2 ? never : sent;
      },
    };
    const connection: Redis = createRedis(REDIS_URL, 'worker');
    const dying = startOutboxWorker(zaloDeps(crashing), { connection, prefix: h.prefix, maxPerSecond: 25 });
    const id = await escalate('crash');
    await eventually(async () => chatOf(admins.crash).length === 2 && (await delivery(id)).parts_sent === 1, 'part 2 to reach Zalo', WAIT);
    await dying.close(true);
    connection.disconnect();
    expect((await delivery(id)).status).toBe('sending');

    // After the grace period, the sweep's recovery queues it again; a new worker resumes it.
    clock.advance(INTERRUPTED_GRACE_MS + 60_000);
    expect((await h.client.scheduler.recoverDeliveries()).interrupted).toBe(1);
    h.startOutboxWorker(zaloDeps(), 25);
    const row = await settled(id);
    const parts = (row.parts as BegunParts).parts.map((p) => p.text);
    expect([row.status, row.parts_sent, row.maybe_duplicate, row.resend_count]).toEqual(['sent', 3, true, 1]);
    expect(chatOf(admins.crash)).toEqual([parts[0], parts[1], parts[1], parts[2]]);
  });

  it('a part recorded by an attempt that lost the row (a worker frozen past the grace period) is refused: only the attempt that claimed it records', async () => {
    // The delivery of the scenario above, settled: taken again by a second attempt.
    const { id } = await db.selectFrom('deliveries').select('id').where('campaign_id', '=', rounds.lost).where('slot_key', '=', 'escalate').executeTakeFirstOrThrow();
    await settled(id);
    await db.updateTable('deliveries').set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1) })).where('id', '=', id).execute();
    const { attempts, parts_sent: before } = await delivery(id);
    const begun: BegunParts = { channel: 'zalo', to: admins.lost, parts: [{ text: 'một' }, { text: 'hai' }] };
    expect(await recordPartSent(db, { id, attempts: attempts - 1 }, begun, 1, clock.now())).toBe(false);
    expect((await delivery(id)).parts_sent).toBe(before);
    expect(await recordPartSent(db, { id, attempts }, begun, 1, clock.now())).toBe(true);
    expect((await delivery(id)).parts_sent).toBe(1);
  });

  it('Telegram: a message of three parts sent from stored parts resumes at part 2, its keyboard on the last', async () => {
    const telegram = createTelegramSender(new Api(h.emulator.token, { apiRoot: h.emulator.apiRoot }));
    const line = 'Một dòng khá dài của một báo cáo, có <b>chữ đậm</b> &amp; ký tự đặc biệt. '.repeat(5);
    const message = { text: Array.from({ length: 30 }, (_, i) => `${i + 1}. ${line}`).join('\n'), options: [[{ label: 'Đã nhận', action: { kind: 'ack', deliveryId: '1' } as const, say: 'đã nhận' }]] };
    const parts = telegram.parts(message);
    expect(parts).toHaveLength(3);
    expect(parts.map((p) => p.options !== undefined)).toEqual([false, false, true]);
    // As Postgres gives them back.
    const stored = JSON.parse(JSON.stringify(parts)) as OutboundPart[];
    const chat = 770_001;
    for (const part of stored.slice(1)) await telegram.sendPart(String(chat), part);
    const shown = h.emulator.messagesTo(chat);
    expect(shown.map((m) => m.text)).toEqual([parts[1]!.text, parts[2]!.text]);
    expect(shown[0]!.reply_markup).toBeUndefined();
    expect(shown[1]!.reply_markup.inline_keyboard.flat().map((b: { text: string }) => b.text)).toEqual(['Đã nhận']);
  });
});
