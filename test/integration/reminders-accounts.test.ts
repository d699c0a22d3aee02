/**
 * One person, two accounts, one of them blocked: the outbox of each channel against its
 * emulator (Telegram's and Zalo's), the real Redis and Postgres. "Unreachable" is the
 * mark of the account the chat app refused a message to, never of the person: a block on
 * Zalo sends the reminder over Telegram (the refused one at once, the next one from the
 * start); a person is skipped as unreachable only when every account is; writing from an
 * account clears that account's mark alone; what the office reads says the same.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, type OutboxDeps } from '../../jobs/outbox.js';
import { runSlot, type SlotDeps } from '../../jobs/slots.js';
import { createZaloSender } from '../../src/channels/zalo/adapter.js';
import { createZaloClient } from '../../src/channels/zalo/client.js';
import type { ChannelName, Identity } from '../../src/chat/port.js';
import type { Database } from '../../src/db/schema.js';
import type { BotApiEmulator } from '../../src/emulator/botApiEmulator.js';
import { startZaloEmulator, type ZaloEmulator, type ZaloUser } from '../../src/emulator/zaloEmulator.js';
import { MANUAL_REMINDER_WINDOW_MS } from '../../src/reminders/policy.js';
import { createCampaign } from '../../src/services/campaigns.js';
import { deliveryProblems, fanOutSlot, markUnreachable, resendFailedDeliveries } from '../../src/services/deliveries.js';
import { composeQueuedDelivery } from '../../src/services/deliveryContent.js';
import { FormCache } from '../../src/services/forms.js';
import { unreachableReporters } from '../../src/services/outreach.js';
import { findPersonByIdentity } from '../../src/services/people.js';
import { requestManualReminder } from '../../src/services/reminderSlots.js';
import { listReporters } from '../../src/services/reporters.js';
import { ManualClock } from '../../src/time.js';
import { eventually } from '../support/eventually.js';
import { at, insertOrg, insertPerson } from '../support/fixtures.js';
import { reminderPolicy, startReminderHarness, type ReminderHarness } from '../support/reminderHarness.js';

const WAIT = 20_000;
const CHANNELS: ChannelName[] = ['telegram', 'zalo'];
/** What each emulator says when the user has blocked the bot (the Zalo client keeps Zalo's error code in front). */
const ZALO_BLOCKED = '403 Forbidden: the user has blocked the bot';

let h: ReminderHarness;
let db: Kysely<Database>;
let telegram: BotApiEmulator;
let zalo: ZaloEmulator;
let slotDeps: SlotDeps;
let zaloOutbox: OutboxDeps;
const clock = new ManualClock(at('2026-12-10T09:00'));

/** Each scenario's person has a Telegram and a Zalo account, Zalo the one they last wrote from. */
const accounts = {
  zaloBlocked: { telegram: 740_001, zalo: { id: 'z740001', display_name: 'Chặn Zalo' } },
  bothBlocked: { telegram: 740_002, zalo: { id: 'z740002', display_name: 'Chặn cả hai' } },
  markedBefore: { telegram: 740_003, zalo: { id: 'z740003', display_name: 'Đã đánh dấu' } },
} as const satisfies Record<string, { telegram: number; zalo: ZaloUser }>;
type Who = keyof typeof accounts;
const rounds = {} as Record<Who, string>;
const people = {} as Record<Who, string>;
let bothRound: string;

const tg = (who: Who): Identity => ({ channel: 'telegram', externalId: String(accounts[who].telegram) });
const zl = (who: Who): Identity => ({ channel: 'zalo', externalId: accounts[who].zalo.id });
const telegramSends = (who: Who) => telegram.calls.filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === accounts[who].telegram).length;
const zaloSends = (who: Who) => zalo.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === accounts[who].zalo.id).length;

/** A «Nhắc ngay» reminder for the scenario's organization, fanned out and queued; its delivery id. */
async function remind(who: Who): Promise<string> {
  clock.advance(MANUAL_REMINDER_WINDOW_MS + 60_000);
  const result = await requestManualReminder(db, rounds[who], clock.now());
  if (result.kind !== 'added') throw new Error(`no manual reminder added: ${result.kind}`);
  const { slot } = result;
  expect(await runSlot(slotDeps, { campaignId: slot.campaignId, slotKey: slot.slotKey, sendAtMs: slot.sendAt.getTime() })).toEqual({ kind: 'done', created: 1 });
  const row = await db.selectFrom('deliveries').select('id').where('campaign_id', '=', rounds[who]).where('slot_key', '=', slot.slotKey).executeTakeFirstOrThrow();
  return row.id;
}

function settled(id: string) {
  return eventually(async () => {
    const row = await db.selectFrom('deliveries').select(['status', 'reason', 'channel', 'resend_count', 'maybe_duplicate']).where('id', '=', id).executeTakeFirstOrThrow();
    return row.status !== 'queued' && row.status !== 'sending' && row;
  }, `delivery ${id} to be settled`, WAIT);
}

/** Each account of the person: whether its app refused messages, and why. */
async function marks(who: Who) {
  const rows = await db.selectFrom('identities').select(['channel', 'unreachable_at', 'unreachable_reason']).where('person_id', '=', people[who]).orderBy('channel').execute();
  return Object.fromEntries(rows.map((r) => [r.channel, r.unreachable_at === null ? null : r.unreachable_reason]));
}

beforeAll(async () => {
  h = await startReminderHarness('reminders_accounts', { clock, policy: reminderPolicy() });
  ({ db, emulator: telegram } = h);
  zalo = await startZaloEmulator();
  const codes: string[] = [];
  for (const [who, account] of Object.entries(accounts) as Array<[Who, (typeof accounts)[Who]]>) {
    const code = who.toUpperCase();
    codes.push(code);
    const org = await insertOrg(db, { code, name: `Chi bộ ${who}` });
    people[who] = await insertPerson(db, { telegramUserId: account.telegram, zaloUserId: account.zalo.id, name: account.zalo.display_name, orgIds: [org] });
    await db.updateTable('identities').set({ last_seen_at: at('2026-12-01T08:00') }).where('person_id', '=', people[who]).where('channel', '=', 'telegram').execute();
    await db.updateTable('identities').set({ last_seen_at: at('2026-12-05T08:00') }).where('person_id', '=', people[who]).where('channel', '=', 'zalo').execute();
    zalo.addUser(account.zalo);
    ({ id: rounds[who] } = await createCampaign(
      db,
      { formId: 'dan_van_qcdc', periodLabel: 'Năm 2026', opensAt: at('2026-12-01T08:00'), dueAt: at('2026-12-15T17:00'), organizationCodes: [code] },
      clock,
    ));
  }
  // A round of every organization, for what the office reads about all of them at once.
  ({ id: bothRound } = await createCampaign(
    db,
    { formId: 'dan_van_qcdc', periodLabel: 'Quý 4 năm 2026', opensAt: at('2026-12-01T08:00'), dueAt: at('2026-12-09T17:00'), organizationCodes: codes },
    clock,
  ));
  zalo.blockUser(accounts.zaloBlocked.zalo.id);
  zalo.blockUser(accounts.bothBlocked.zalo.id);
  telegram.blockUser(accounts.bothBlocked.telegram);

  const queues = h.client.queues.outbox;
  // As the worker runtime wires them: each channel's outbox may hand a message to the other's queue.
  const elsewhere = { telegram: queues.telegram, zalo: queues.zalo };
  slotDeps = h.slotDeps({ audience: { adminIds: [], channels: CHANNELS } });
  zaloOutbox = h.outboxDeps({ sender: createZaloSender(createZaloClient({ token: zalo.token, apiRoot: zalo.apiRoot })), queue: queues.zalo, elsewhere });
  h.startOutboxWorker(h.outboxDeps({ elsewhere }), 25);
  h.startOutboxWorker(zaloOutbox, 10);
});

afterAll(async () => {
  await h?.stop();
  await zalo?.close();
});

describe('an account blocked on one app', () => {
  it('blocked on Zalo: the refused reminder goes over Telegram at once, only the Zalo account is marked', async () => {
    const row = await settled(await remind('zaloBlocked'));
    // Queued again on Telegram as a new generation: Zalo never had it, so it is no duplicate.
    expect(row).toMatchObject({ status: 'sent', reason: null, channel: 'telegram', resend_count: 1, maybe_duplicate: false });
    expect([zaloSends('zaloBlocked'), telegramSends('zaloBlocked')]).toEqual([1, 1]);
    expect(zalo.messagesTo(accounts.zaloBlocked.zalo.id)).toHaveLength(0);
    expect(telegram.messagesTo(accounts.zaloBlocked.telegram)[0]?.plainText).toContain('Nhắc báo cáo');
    expect(await marks('zaloBlocked')).toEqual({ telegram: null, zalo: ZALO_BLOCKED });
  });

  it('the next reminder of the round goes over Telegram from the start, Zalo not even tried', async () => {
    const row = await settled(await remind('zaloBlocked'));
    expect(row).toMatchObject({ status: 'sent', channel: 'telegram', resend_count: 0 });
    expect([zaloSends('zaloBlocked'), telegramSends('zaloBlocked')]).toEqual([1, 2]);
  });

  it('writing on Telegram does not lift the Zalo block', async () => {
    await findPersonByIdentity(db, tg('zaloBlocked'), clock.now());
    expect(await marks('zaloBlocked')).toEqual({ telegram: null, zalo: ZALO_BLOCKED });
  });

  it('a delivery queued on Zalo whose account was marked before its turn goes over Telegram, without calling Zalo', async () => {
    clock.advance(60_000);
    const sendAt = clock.now();
    await db.insertInto('reminder_slots').values({ campaign_id: rounds.markedBefore, slot_key: 'manual-marked', kind: 'reminder', send_at: sendAt }).execute();
    // Fanned out (on Zalo, the account last used) but its job not run yet…
    expect(await fanOutSlot(db, { campaignId: rounds.markedBefore, slotKey: 'manual-marked', sendAt, adminIds: [], channels: CHANNELS }, clock.now())).toEqual({ kind: 'done', created: 1 });
    const { id } = await db.selectFrom('deliveries').select(['id', 'channel']).where('campaign_id', '=', rounds.markedBefore).where('slot_key', '=', 'manual-marked').executeTakeFirstOrThrow();
    // …when another message of theirs is refused by Zalo.
    await markUnreachable(db, zl('markedBefore'), ZALO_BLOCKED, clock.now());
    expect(await deliver(zaloOutbox, { data: { deliveryId: id }, attemptsMade: 0 })).toBe('moved');
    expect(await settled(id)).toMatchObject({ status: 'sent', channel: 'telegram', resend_count: 1 });
    expect([zaloSends('markedBefore'), telegramSends('markedBefore')]).toEqual([0, 1]);
  });
});

describe('blocked on both apps', () => {
  it('refused on each once, recorded unreachable; the next reminder is skipped without calling either', async () => {
    const first = await settled(await remind('bothBlocked'));
    expect(first).toMatchObject({ status: 'failed', reason: 'unreachable: Forbidden: bot was blocked by the user', channel: 'telegram' });
    expect([zaloSends('bothBlocked'), telegramSends('bothBlocked')]).toEqual([1, 1]);
    expect(await marks('bothBlocked')).toEqual({ telegram: 'Forbidden: bot was blocked by the user', zalo: ZALO_BLOCKED });

    const later = await settled(await remind('bothBlocked'));
    // Recorded on the account last used, for «Gửi lại» to know where it failed.
    expect(later).toMatchObject({ status: 'skipped', reason: 'unreachable', channel: 'zalo' });
    expect([zaloSends('bothBlocked'), telegramSends('bothBlocked')]).toEqual([1, 1]);
  });

  it('the office is told who cannot be reached: only the person blocked on both apps', async () => {
    const listed = await unreachableReporters(db, bothRound, 10, CHANNELS);
    expect(listed).toEqual({ total: 1, first: [{ code: 'BOTHBLOCKED', name: 'Chi bộ bothBlocked', reporter: 'Chặn cả hai' }] });
    // On an installation of Telegram alone, the Zalo block does not count; Telegram's does.
    expect((await unreachableReporters(db, bothRound, 10, ['telegram'])).total).toBe(1);
    expect((await unreachableReporters(db, bothRound, 10, ['zalo'])).first.map((r) => r.code)).toEqual(['BOTHBLOCKED', 'MARKEDBEFORE', 'ZALOBLOCKED']);

    const escalation = await composeQueuedDelivery(
      { db, forms: new FormCache(db), channels: CHANNELS },
      { id: '0', kind: 'escalation', campaign_id: bothRound, organization_id: null, slot_key: 'escalation' },
      clock.now(),
    );
    expect(escalation.kind).toBe('send');
    const text = escalation.kind === 'send' ? escalation.message.text : '';
    expect(text).toContain('Chặn cả hai (không liên lạc được');
    expect(text).toContain('Chặn Zalo');
    expect(text).not.toContain('Chặn Zalo (không liên lạc được');

    const reporters = await listReporters(db, 'ZALOBLOCKED', CHANNELS);
    expect(reporters?.map((r) => [r.unreachable, r.refused])).toEqual([[false, [zl('zaloBlocked')]]]);
    expect((await listReporters(db, 'BOTHBLOCKED', CHANNELS))?.[0]?.unreachable).toBe(true);
  });

  it('«Gửi lại» of a message that failed for a passing reason stays on the app it failed on while that account takes messages, though the other one is more recent', async () => {
    const org = await insertOrg(db, { code: 'TRANSIENT', name: 'Chi bộ lỗi tạm thời' });
    const user = { id: 'z740009', display_name: 'Lỗi tạm thời' };
    zalo.addUser(user);
    const person = await insertPerson(db, { telegramUserId: 740_009, zaloUserId: user.id, name: user.display_name, orgIds: [org] });
    await db.updateTable('identities').set({ last_seen_at: at('2026-12-01T08:00') }).where('person_id', '=', person).where('channel', '=', 'telegram').execute();
    await db.updateTable('identities').set({ last_seen_at: at('2026-12-05T08:00') }).where('person_id', '=', person).where('channel', '=', 'zalo').execute();
    const { id: round } = await createCampaign(
      db,
      { formId: 'dan_van_qcdc', periodLabel: 'Năm 2026 (lỗi tạm thời)', opensAt: at('2026-12-01T08:00'), dueAt: at('2026-12-15T17:00'), organizationCodes: ['TRANSIENT'] },
      clock,
    );
    clock.advance(MANUAL_REMINDER_WINDOW_MS + 60_000);
    const added = await requestManualReminder(db, round, clock.now());
    if (added.kind !== 'added') throw new Error(`no manual reminder added: ${added.kind}`);
    const { slot } = added;
    await runSlot(slotDeps, { campaignId: slot.campaignId, slotKey: slot.slotKey, sendAtMs: slot.sendAt.getTime() });
    const { id } = await db.selectFrom('deliveries').select('id').where('campaign_id', '=', round).executeTakeFirstOrThrow();
    expect(await settled(id)).toMatchObject({ status: 'sent', channel: 'zalo' });
    // As if Zalo had answered 503 to every attempt; meanwhile the person wrote on Telegram.
    await db.updateTable('deliveries').set({ status: 'failed', failure: 'transient', reason: '503 Service Unavailable', message_id: null, sent_at: null }).where('id', '=', id).execute();
    await db.updateTable('identities').set({ last_seen_at: at('2026-12-10T08:00') }).where('person_id', '=', person).where('channel', '=', 'telegram').execute();

    const resent = await resendFailedDeliveries(db, { campaignId: round, actor: 'test', event: { channel: 'telegram', dedupeKey: 'resend-transient' }, adminIds: [], channels: CHANNELS }, clock.now());
    expect(resent).toEqual({ kind: 'requeued', count: 1 });
    await h.client.scheduler.deliveriesRequeued(round);
    expect(await settled(id)).toMatchObject({ status: 'sent', channel: 'zalo' });
    expect(zalo.messagesTo(user.id)).toHaveLength(2);
    expect(telegram.messagesTo(740_009)).toHaveLength(0);
  });

  it('writing in on Zalo clears the Zalo mark only; «Gửi lại» then sends both undelivered reminders on Zalo', async () => {
    // The person writes to the Zalo bot: Zalo lets it write back, and the bot hears them.
    zalo.sendText(accounts.bothBlocked.zalo, 'tôi đây');
    await findPersonByIdentity(db, zl('bothBlocked'), clock.now());
    expect(await marks('bothBlocked')).toEqual({ telegram: 'Forbidden: bot was blocked by the user', zalo: null });
    expect((await unreachableReporters(db, bothRound, 10, CHANNELS)).total).toBe(0);

    const problems = await deliveryProblems(db, rounds.bothBlocked, { limit: 10, now: clock.now(), adminIds: [], channels: CHANNELS });
    expect([problems.undelivered, problems.resendable]).toEqual([2, 2]);
    // Reachable on Telegram alone, they would not be: its account still refuses.
    expect((await deliveryProblems(db, rounds.bothBlocked, { limit: 10, now: clock.now(), adminIds: [], channels: ['telegram'] })).resendable).toBe(0);

    const resent = await resendFailedDeliveries(
      db,
      { campaignId: rounds.bothBlocked, actor: 'test', event: { channel: 'telegram', dedupeKey: 'resend-both-blocked' }, adminIds: [], channels: CHANNELS },
      clock.now(),
    );
    expect(resent).toEqual({ kind: 'requeued', count: 2 });
    await h.client.scheduler.deliveriesRequeued(rounds.bothBlocked);
    const rows = await db.selectFrom('deliveries').select('id').where('campaign_id', '=', rounds.bothBlocked).execute();
    for (const { id } of rows) expect(await settled(id)).toMatchObject({ status: 'sent', channel: 'zalo' });
    expect([zaloSends('bothBlocked'), telegramSends('bothBlocked')]).toEqual([3, 1]);
    expect(zalo.messagesTo(accounts.bothBlocked.zalo.id)).toHaveLength(2);
  });
});
