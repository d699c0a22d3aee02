/**
 * Deliveries caught in flight by a crash are sent again, and admins see in /dot N what
 * did not arrive or may have arrived twice, with «Gửi lại».
 *
 * A worker sends a round's announcement to 30 organizations and dies (its Redis
 * connection dropped, its sends left hanging forever, as in a kill -9) while some
 * deliveries are in 'sending': four had reached Telegram, four had not, one had not and
 * had been resent the maximum number of times already. One reporter had blocked the bot
 * (403). After the restart and the grace period, the sweep queues the interrupted ones
 * again: per chat, 0 missing, duplicates exactly for the four that Telegram had, each
 * recorded maybe_duplicate. Then, through the chat layer, /dot N lists the problems by
 * organization and person, a secretary cannot press «Gửi lại», and the admin's press
 * requeues what may go out again (the one given up, and the blocked reporter once they
 * wrote to the bot again): each gets its message once.
 */
import type { Worker } from 'bullmq';
import { GrammyError } from 'grammy';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../jobs/connection.js';
import { deliveryJobId } from '../../jobs/queues.js';
import type { RunningJobs } from '../../jobs/runtime.js';
import { startOutboxWorker } from '../../jobs/outbox.js';
import { encodeAction } from '../../src/channels/telegram/callbackData.js';
import { roundMessages } from '../../src/chat/messages.js';
import type { Action, ChannelSender, InboundContent, InboundEvent, Option, Reply } from '../../src/chat/port.js';
import { createChat } from '../../src/chat/router.js';
import type { Database } from '../../src/db/schema.js';
import type { BotApiEmulator } from '../../src/emulator/botApiEmulator.js';
import { silentLogger } from '../../src/logger.js';
import { createCampaign } from '../../src/services/campaigns.js';
import { MAX_RESENDS } from '../../src/reminders/policy.js';
import { fanOutSlot } from '../../src/services/deliveries.js';
import { FormCache } from '../../src/services/forms.js';
import { ManualClock } from '../../src/time.js';
import { eventually } from '../support/eventually.js';
import { at, insertNumberedOrgs, insertPerson } from '../support/fixtures.js';
import { REDIS_URL, reminderPolicy, startReminderHarness, TELEGRAM_AUDIENCE, type ReminderHarness } from '../support/reminderHarness.js';

const ORGS = 30;
const FIRST_CHAT = 760_001;
const WAIT = 40_000;
const OPENS = at('2026-12-01T08:00');
/** The chat of organization K0nn's reporter («Bí thư nn»). */
const chatOf = (n: number) => FIRST_CHAT + n - 1;
/** Telegram had the message; the process died before recording it. */
const SENT_THEN_DIED = [1, 2, 3, 4].map(chatOf);
/** Claimed; the process died before calling Telegram. */
const DIED_BEFORE = [5, 6, 7, 8].map(chatOf);
/** As DIED_BEFORE, but already resent MAX_RESENDS times before: given up. */
const POISON = chatOf(9);
/** Had blocked the bot: 403. */
const BLOCKED = chatOf(10);
const SECRETARY = chatOf(11);
const ADMIN = 9_001;

let h: ReminderHarness;
let db: Kysely<Database>;
let emulator: BotApiEmulator;
let round: string;
const clock = new ManualClock(OPENS);
let dead: { worker: Worker; connection: Redis } | undefined;
let jobs: RunningJobs | undefined;
let chat: ReturnType<typeof createChat>;
let updateId = 0;
let secondRound: string;

const sendsTo = (chatId: number) => emulator.calls.filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === chatId).length;

async function ledger() {
  return db
    .selectFrom('deliveries as d')
    .innerJoin('identities as i', (j) => j.onRef('i.person_id', '=', 'd.person_id').on('i.channel', '=', 'telegram'))
    .select(['d.id', 'd.status', 'd.reason', 'd.failure', 'd.maybe_duplicate', 'd.resend_count', 'i.external_id'])
    .where('d.campaign_id', '=', round)
    .orderBy('d.id')
    .execute();
}
const rowOf = async (chatId: number) => (await ledger()).find((r) => Number(r.external_id) === chatId)!;

/** The channel as a crashing process sees it: some sends never come back. */
function crashingSender(real: ChannelSender): ChannelSender {
  const never = new Promise<never>(() => undefined);
  return {
    ...real,
    async sendPart(externalId, part) {
      const chatId = Number(externalId);
      if (DIED_BEFORE.includes(chatId) || chatId === POISON) return never;
      if (chatId === BLOCKED) {
        throw new GrammyError('Call to sendMessage failed', { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' }, 'sendMessage', {});
      }
      const sent = await real.sendPart(externalId, part);
      return SENT_THEN_DIED.includes(chatId) ? never : sent;
    },
  };
}

function event(from: number, content: InboundContent): InboundEvent {
  return { channel: 'telegram', dedupeKey: `resend-${++updateId}`, from: { externalId: String(from), displayName: `Người ${from}`, username: null }, at: clock.now(), content };
}
const say = (from: number, text: string) => chat.handle(event(from, { kind: 'text', text }));
const press = (from: number, action: Action) => chat.handle(event(from, { kind: 'action', action }));
const textOf = (reply: Reply) => reply.messages.map((m) => m.text).join('\n');
const optionsOf = (reply: Reply): Option[] => reply.messages.flatMap((m) => m.options.flat());
const resendAction = (): Action => ({ kind: 'round', campaignId: round, action: 'resend' });

beforeAll(async () => {
  h = await startReminderHarness('reminders_resend', { clock, policy: reminderPolicy() });
  ({ db, emulator } = h);
  await insertNumberedOrgs(db, { letter: 'K', digits: 3, count: ORGS, firstChat: FIRST_CHAT });
  await insertPerson(db, { telegramUserId: ADMIN, name: 'Văn phòng Đảng ủy', admin: true });
  ({ id: round } = await createCampaign(db, { formId: 'dan_van_qcdc', periodLabel: 'Năm 2026', opensAt: OPENS, dueAt: at('2026-12-15T17:00'), organizationCodes: 'all' }, clock));
  await h.client.scheduler.campaignChanged(round);
});

afterAll(async () => {
  await jobs?.stop();
  await dead?.worker.close(true).catch(() => undefined);
  dead?.connection.disconnect();
  await h?.stop();
});

describe('deliveries interrupted by a crash are sent again; /dot N shows what failed, «Gửi lại» sends it', () => {
  it('a worker dies with nine deliveries in sending, four of which Telegram had received', async () => {
    const slot = await db.selectFrom('reminder_slots').select('send_at').where('campaign_id', '=', round).where('slot_key', '=', 'announce').executeTakeFirstOrThrow();
    expect(await fanOutSlot(db, { campaignId: round, slotKey: 'announce', sendAt: slot.send_at, ...TELEGRAM_AUDIENCE }, clock.now())).toEqual({ kind: 'done', created: ORGS });
    await h.client.scheduler.enqueueDeliveries({ campaignId: round, slotKey: 'announce' });

    const connection = createRedis(REDIS_URL, 'worker');
    const real = h.outboxDeps().sender;
    const worker = startOutboxWorker(h.outboxDeps({ sender: crashingSender(real) }), { connection, prefix: h.prefix, maxPerSecond: 100 });
    dead = { worker, connection };
    const rows = await eventually(async () => {
      const all = await ledger();
      const settled = all.filter((r) => r.status === 'sent' || r.status === 'failed').length;
      return settled === ORGS - 9 && all.filter((r) => r.status === 'sending').length === 9 && all;
    }, 'every send but the nine hanging to be recorded', WAIT);
    // The kill: nothing of this worker runs any more, its sends never return.
    await worker.close(true);
    connection.disconnect();

    expect(rows.filter((r) => r.status === 'sending').map((r) => Number(r.external_id))).toEqual([...SENT_THEN_DIED, ...DIED_BEFORE, POISON]);
    const blocked = rows.find((r) => Number(r.external_id) === BLOCKED)!;
    expect([blocked.status, blocked.reason, blocked.failure]).toEqual(['failed', 'unreachable: Forbidden: bot was blocked by the user', 'unreachable']);
    for (const c of SENT_THEN_DIED) expect(sendsTo(c)).toBe(1);
    for (const c of [...DIED_BEFORE, POISON, BLOCKED]) expect(sendsTo(c)).toBe(0);
    // As if this one had been interrupted and resent MAX_RESENDS times before.
    await db.updateTable('deliveries').set({ resend_count: MAX_RESENDS }).where('id', '=', (await rowOf(POISON)).id).execute();
  });

  it('a restart within the grace period leaves them alone; after it, the sweep queues them again and each is sent once more (0 missing, duplicates only where Telegram had it, each recorded)', async () => {
    clock.advance(60 * 1000);
    jobs = await h.startJobs(100);
    await jobs.scheduler.sweep();
    expect((await ledger()).filter((r) => r.status === 'sending')).toHaveLength(9);

    clock.advance(10 * 60 * 1000);
    await jobs.queues.slots.add('sweep', {});
    const rows = await eventually(async () => {
      const all = await ledger();
      return all.every((r) => r.status === 'sent' || r.status === 'failed') && all;
    }, 'every delivery to be settled', WAIT);

    const interrupted = new Set([...SENT_THEN_DIED, ...DIED_BEFORE]);
    for (const row of rows) {
      const chatId = Number(row.external_id);
      if (interrupted.has(chatId)) {
        expect([row.status, row.maybe_duplicate, row.resend_count], `delivery to ${chatId}`).toEqual(['sent', true, 1]);
        expect(await jobs.queues.outbox.telegram.getJob(deliveryJobId(row.id, 1))).toBeDefined();
      } else if (chatId === POISON) {
        expect([row.status, row.reason, row.failure, row.maybe_duplicate]).toEqual(['failed', `interrupted while sending, gave up after ${MAX_RESENDS} resends`, 'interrupted', true]);
      } else if (chatId === BLOCKED) {
        expect([row.status, row.maybe_duplicate]).toEqual(['failed', false]);
      } else {
        expect([row.status, row.maybe_duplicate, row.resend_count], `delivery to ${chatId}`).toEqual(['sent', false, 0]);
      }
    }
    for (let n = 1; n <= ORGS; n++) {
      const c = chatOf(n);
      const expected = SENT_THEN_DIED.includes(c) ? 2 : c === POISON || c === BLOCKED ? 0 : 1;
      expect(sendsTo(c), `messages to ${c}`).toBe(expected);
      expect(emulator.messagesTo(c)).toHaveLength(expected);
    }
  });

  it('/dot N lists every delivery that failed or may have been doubled, by organization and person, with «Gửi lại» for what may go out again', async () => {
    chat = createChat({ db, clock, forms: new FormCache(db), adminIds: [], logger: silentLogger, scheduler: jobs!.scheduler });
    const reply = await say(ADMIN, `/dot ${round}`);
    const text = textOf(reply);
    expect(text).toContain(`Đợt báo cáo #${round}`);
    expect(text).toContain('<b>Tin nhắn chưa đến hoặc có thể bị trùng</b> (10):');
    // After the acknowledgements.
    expect(text.indexOf('Tin nhắn chưa đến')).toBeGreaterThan(text.indexOf('Thông báo mở đợt: đã gửi'));
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const code = `K${String(n).padStart(3, '0')}`;
      expect(text).toContain(`<b>${code}</b> Chi bộ ${code}\n  • Bí thư ${n}: thông báo mở đợt — đã gửi lại sau sự cố, có thể đã nhận hai lần`);
    }
    expect(text).toContain(`<b>K009</b> Chi bộ K009\n  • Bí thư 9: thông báo mở đợt — chưa đến: bị gián đoạn khi đang gửi, đã gửi lại ${MAX_RESENDS} lần vẫn không xong`);
    expect(text).toContain('<b>K010</b> Chi bộ K010\n  • Bí thư 10: thông báo mở đợt — chưa đến: người nhận đã chặn bot');
    expect(text).not.toContain('K011');
    expect(text).not.toContain('trường hợp khác');
    // The blocked reporter has not written since: only the given-up one can go again.
    expect(text).toContain(roundMessages.resendHint(1));
    const button = optionsOf(reply).find((o) => o.label === roundMessages.resendButton);
    expect(button?.action).toEqual(resendAction());
    expect(encodeAction(button!.action)).toBe(`dt:${round}:g`);
  });

  it('a secretary cannot press «Gửi lại»; the admin can, once the blocked reporter wrote again, and each gets the message once', async () => {
    const refused = await press(SECRETARY, resendAction());
    expect(refused.toast?.text).toContain('chỉ dành cho');
    expect((await rowOf(POISON)).status).toBe('failed');

    // The blocked reporter writes to the bot again: reachable.
    await say(BLOCKED, 'Xin chào');
    expect(textOf(await say(ADMIN, `/dot ${round}`))).toContain(roundMessages.resendHint(2));

    const reply = await press(ADMIN, resendAction());
    expect(textOf(reply)).toContain(`Đã xếp lại 2 tin của đợt #${round}`);
    expect(reply.pressed).toBe('retire');
    await eventually(async () => (await rowOf(POISON)).status === 'sent' && (await rowOf(BLOCKED)).status === 'sent', 'the two to be sent again', WAIT);
    expect(sendsTo(POISON)).toBe(1);
    expect(sendsTo(BLOCKED)).toBe(1);
    expect((await rowOf(POISON)).resend_count).toBe(MAX_RESENDS + 1);
    expect(await jobs!.queues.outbox.telegram.getJob(deliveryJobId((await rowOf(BLOCKED)).id, 1))).toBeDefined();
    const audit = await db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'campaign.resend').execute();
    expect(audit).toHaveLength(1);

    // Nothing more to send: the list keeps what may have been doubled, without the button.
    const after = await say(ADMIN, `/dot ${round}`);
    expect(textOf(after)).toContain('(9):');
    expect(textOf(after)).not.toContain('chưa đến:');
    expect(optionsOf(after).some((o) => o.label === roundMessages.resendButton)).toBe(false);
    expect(textOf(await press(ADMIN, resendAction()))).toContain(`Đợt #${round} hiện không có tin nào gửi lại được`);

    // 0 missing; the only duplicates are the four Telegram had received before the crash.
    for (let n = 1; n <= ORGS; n++) expect(sendsTo(chatOf(n)), `messages to ${chatOf(n)}`).toBe(SENT_THEN_DIED.includes(chatOf(n)) ? 2 : 1);
  });

  it('caps the list to fit one message, counting the rest', async () => {
    const { id: second } = await createCampaign(db, { formId: 'dan_van_qcdc', periodLabel: 'Quý IV/2026', opensAt: OPENS, dueAt: at('2026-12-20T17:00'), organizationCodes: 'all' }, clock);
    const targets = await db.selectFrom('memberships as m').innerJoin('organizations as o', 'o.id', 'm.organization_id').select(['m.person_id', 'o.id']).execute();
    const now = clock.now();
    const rows = targets.flatMap((t) => [
      { campaign_id: second, organization_id: t.id, person_id: t.person_id, slot_key: 'announce', kind: 'announcement' as const, channel: 'telegram' as const, status: 'failed' as const, reason: 'Bad Request: message is too long', failure: 'rejected' as const, created_at: now, updated_at: now },
      { campaign_id: second, organization_id: t.id, person_id: t.person_id, slot_key: 'r-3d', kind: 'reminder' as const, channel: 'telegram' as const, status: 'failed' as const, reason: 'Gateway Timeout', failure: 'transient' as const, created_at: now, updated_at: now },
    ]);
    await db.insertInto('deliveries').values(rows).execute();
    const reply = await say(ADMIN, `/dot ${second}`);
    const text = textOf(reply);
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text).toContain(`(${rows.length}):`);
    expect(text).toContain('  • Bí thư 1: thông báo mở đợt — chưa đến: kênh nhắn tin từ chối (Bad Request: message is too long); nhắc 3 ngày trước hạn — chưa đến: lỗi mạng hoặc lỗi máy chủ của kênh nhắn tin, đã thử nhiều lần');
    expect(text).toMatch(/… và \d+ trường hợp khác\./);
    expect(text).toContain(roundMessages.resendHint(ORGS));
    secondRound = second;
  });

  it('an interrupted delivery found during quiet hours is not dropped: its resend waits for the morning, then goes', async () => {
    const person = await db.selectFrom('identities').select('person_id').where('channel', '=', 'telegram').where('external_id', '=', String(chatOf(12))).executeTakeFirstOrThrow();
    const org = await db.selectFrom('organizations').select('id').where('code', '=', 'K012').executeTakeFirstOrThrow();
    clock.set(at('2026-12-01T21:30'));
    const claimedAt = new Date(clock.now().getTime() - 11 * 60 * 1000);
    const { id } = await db
      .insertInto('deliveries')
      .values({ campaign_id: secondRound, organization_id: org.id, person_id: person.person_id, slot_key: 'r-1d', kind: 'reminder', channel: 'telegram', status: 'sending', reason: null, attempts: 1, created_at: claimedAt, updated_at: claimedAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    const before = sendsTo(chatOf(12));
    expect(await jobs!.scheduler.recoverDeliveries()).toEqual({ interrupted: 1, requeued: 0 });
    const job = await eventually(async () => {
      const found = await jobs!.queues.outbox.telegram.getJob(deliveryJobId(id, 1));
      return found && (await found.getState()) === 'delayed' && found;
    }, 'the resend to wait for the end of quiet hours', WAIT);
    expect(await db.selectFrom('deliveries').select(['status', 'maybe_duplicate']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ status: 'queued', maybe_duplicate: true });
    expect(sendsTo(chatOf(12))).toBe(before);

    clock.set(at('2026-12-02T07:00'));
    await job.promote();
    await eventually(async () => (await db.selectFrom('deliveries').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status === 'sent', 'the resend to go out in the morning', WAIT);
    expect(sendsTo(chatOf(12))).toBe(before + 1);
  });
});
