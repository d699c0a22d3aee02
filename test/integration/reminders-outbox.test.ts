/**
 * The outbox worker against the Bot API emulator and the real Redis and Postgres:
 * what it does with each class of Telegram error, and what the ledger says after.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryJobId } from '../../jobs/queues.js';
import { runSlot, type SlotDeps } from '../../jobs/slots.js';
import type { Database } from '../../src/db/schema.js';
import type { BotApiEmulator } from '../../src/emulator/botApiEmulator.js';
import { createCampaign } from '../../src/services/campaigns.js';
import { fanOutSlot } from '../../src/services/deliveries.js';
import { FormCache } from '../../src/services/forms.js';
import { findPersonByIdentity } from '../../src/services/people.js';
import { MANUAL_REMINDER_WINDOW_MS } from '../../src/reminders/policy.js';
import { requestManualReminder } from '../../src/services/reminderSlots.js';
import { ManualClock } from '../../src/time.js';
import { eventually } from '../support/eventually.js';
import { at, insertOrg, insertPerson } from '../support/fixtures.js';
import { reminderPolicy, startReminderHarness, TELEGRAM_AUDIENCE, type ReminderHarness, type SchedulerClient } from '../support/reminderHarness.js';

const policy = reminderPolicy();
const WAIT = 20_000;

let h: ReminderHarness;
let db: Kysely<Database>;
let emulator: BotApiEmulator;
let client: SchedulerClient;
let slotDeps: SlotDeps;
const clock = new ManualClock(at('2026-12-10T09:00'));

/** One organization, reporter and round per scenario, so each error hits exactly one chat. */
const chats = { limited: 730_001, paused: 730_002, blocked: 730_003, flaky: 730_004, bad: 730_005, compose: 730_006, outage: 730_008, night: 730_007 } as const;
type Who = keyof typeof chats;
const rounds = {} as Record<Who, string>;
const people = {} as Record<Who, string>;

/** Postgres hiccups once while a message is being composed (after the delivery was claimed). */
class FlakyForms extends FormCache {
  failNext = false;
  override get(id: string, version: number) {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('Connection terminated unexpectedly'));
    }
    return super.get(id, version);
  }
}
let forms: FlakyForms;
/** Attempts the outbox worker saw fail (a retry follows each). */
let failedAttempts = 0;

const sendsTo = (chat: number) => emulator.calls.filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === chat);

/** A "Nhắc ngay" reminder for one organization, fanned out and queued in the outbox; its delivery id. */
function addedSlot(result: Awaited<ReturnType<typeof requestManualReminder>>) {
  if (result.kind !== 'added') throw new Error(`no manual reminder added: ${result.kind}`);
  return result.slot;
}

async function remind(who: Who): Promise<string> {
  clock.advance(MANUAL_REMINDER_WINDOW_MS + 60_000);
  const slot = addedSlot(await requestManualReminder(db, rounds[who], clock.now()));
  const result = await runSlot(slotDeps, { campaignId: slot.campaignId, slotKey: slot.slotKey, sendAtMs: slot.sendAt.getTime() });
  expect(result).toEqual({ kind: 'done', created: 1 });
  const row = await db.selectFrom('deliveries').select('id').where('campaign_id', '=', rounds[who]).where('slot_key', '=', slot.slotKey).executeTakeFirstOrThrow();
  return row.id;
}

async function delivery(id: string) {
  return db.selectFrom('deliveries').select(['status', 'reason', 'attempts', 'message_id']).where('id', '=', id).executeTakeFirstOrThrow();
}

function settled(id: string) {
  return eventually(async () => {
    const row = await delivery(id);
    return row.status !== 'queued' && row.status !== 'sending' && row;
  }, `delivery ${id} to be settled`, WAIT);
}

beforeAll(async () => {
  h = await startReminderHarness('reminders_outbox', { clock, policy });
  ({ db, emulator, client } = h);
  for (const [who, chat] of Object.entries(chats) as Array<[Who, number]>) {
    const org = await insertOrg(db, { code: who.toUpperCase(), name: `Chi bộ ${who}` });
    people[who] = await insertPerson(db, { telegramUserId: chat, orgIds: [org] });
    ({ id: rounds[who] } = await createCampaign(
      db,
      { formId: 'dan_van_qcdc', periodLabel: 'Năm 2026', opensAt: at('2026-12-01T08:00'), dueAt: at('2026-12-15T17:00'), organizationCodes: [who.toUpperCase()] },
      clock,
    ));
  }
  slotDeps = h.slotDeps();
  forms = new FlakyForms(db);
  const worker = h.startOutboxWorker(h.outboxDeps({ forms, policy }), 25);
  worker.on('failed', () => failedAttempts++);
});

afterAll(async () => {
  await h?.stop();
});

describe('outbox errors', () => {
  it('429 with retry_after pauses the whole queue; the delivery and later ones go out after ≥ retry_after', async () => {
    emulator.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 2', retry_after: 2 });
    const limited = await remind('limited');
    // The queue is paused once the worker has told Redis so; a delivery queued now waits too.
    await eventually(async () => (await delivery(limited)).reason === 'rate limited by telegram', 'the 429 to be recorded', WAIT);
    // The limiter's own window is at most 1 s: a longer TTL is retry_after's pause.
    await eventually(async () => (await client.queues.outbox.telegram.getRateLimitTtl()) > 1000, 'the outbox to be paused', WAIT);
    const refused = sendsTo(chats.limited)[0]!;
    const paused = await remind('paused');

    const row = await settled(limited);
    expect([row.status, row.attempts]).toEqual(['sent', 2]);
    expect((await settled(paused)).status).toBe('sent');
    const [first, second] = sendsTo(chats.limited);
    expect(first).toBe(refused);
    expect(sendsTo(chats.limited)).toHaveLength(2);
    expect(second!.at - refused.at).toBeGreaterThanOrEqual(2000);
    expect(sendsTo(chats.paused)).toHaveLength(1);
    expect(sendsTo(chats.paused)[0]!.at - refused.at).toBeGreaterThanOrEqual(2000);
    expect(row.message_id).toBe(String(emulator.messagesTo(chats.limited)[0]!.message_id));
  });

  it('403 marks the account unreachable; later deliveries to them are skipped without calling Telegram until they write again', async () => {
    emulator.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    const first = await settled(await remind('blocked'));
    expect([first.status, first.reason]).toEqual(['failed', 'unreachable: Forbidden: bot was blocked by the user']);
    const account = await db.selectFrom('identities').select(['unreachable_at', 'unreachable_reason']).where('person_id', '=', people.blocked).executeTakeFirstOrThrow();
    expect(account.unreachable_at).not.toBeNull();
    expect(account.unreachable_reason).toBe('Forbidden: bot was blocked by the user');
    expect(sendsTo(chats.blocked)).toHaveLength(1);

    const later = await settled(await remind('blocked'));
    expect([later.status, later.reason]).toEqual(['skipped', 'unreachable']);
    expect(sendsTo(chats.blocked)).toHaveLength(1);

    // They wrote to the bot again.
    await findPersonByIdentity(db, { channel: 'telegram', externalId: String(chats.blocked) }, clock.now());
    const again = await settled(await remind('blocked'));
    expect(again.status).toBe('sent');
    expect(sendsTo(chats.blocked)).toHaveLength(2);
    expect(emulator.messagesTo(chats.blocked)).toHaveLength(1);
  });

  it('500 is retried with backoff and then sent', async () => {
    emulator.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' });
    const id = await remind('flaky');
    await eventually(async () => (await delivery(id)).reason === 'Internal Server Error' && true, 'the failed attempt to be recorded as queued', WAIT);
    const row = await settled(id);
    expect([row.status, row.reason, row.attempts]).toEqual(['sent', null, 2]);
    const sends = sendsTo(chats.flaky);
    expect(sends).toHaveLength(2);
    // OUTBOX backoff: exponential from 2 s.
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(1900);
    expect(emulator.messagesTo(chats.flaky)).toHaveLength(1);
  });

  it('400 is recorded failed with its description and not retried', async () => {
    emulator.failNext('sendMessage', { error_code: 400, description: 'Bad Request: chat not found' });
    const id = await remind('bad');
    const row = await settled(id);
    expect([row.status, row.reason, row.attempts]).toEqual(['failed', 'Bad Request: chat not found', 1]);
    const job = await client.queues.outbox.telegram.getJob(`delivery-${id}`);
    await eventually(async () => (await job!.getState()) === 'completed', 'the job to complete', WAIT);
    expect(sendsTo(chats.bad)).toHaveLength(1);
    expect(emulator.messagesTo(chats.bad)).toHaveLength(0);
  });

  it('an error before Telegram is called leaves the delivery queued (it was never claimed): it is retried and sent once', async () => {
    forms.failNext = true;
    const failures = failedAttempts;
    const id = await remind('compose');
    await eventually(async () => failedAttempts > failures, 'the first attempt to fail', WAIT);
    const row = await settled(id);
    // Claimed once, by the attempt that called Telegram.
    expect([row.status, row.attempts]).toEqual(['sent', 1]);
    expect(sendsTo(chats.compose)).toHaveLength(1);
  });

  it('a delivery whose job ran out of attempts while Postgres was away is queued again by the recovery (the sweep) and sent once', async () => {
    // Fanned out, then queued by hand with a single attempt: the outage outlasts all of them.
    clock.advance(MANUAL_REMINDER_WINDOW_MS + 60_000);
    const slot = addedSlot(await requestManualReminder(db, rounds.outage, clock.now()));
    expect(await fanOutSlot(db, { campaignId: rounds.outage, slotKey: slot.slotKey, sendAt: slot.sendAt, ...TELEGRAM_AUDIENCE }, clock.now())).toEqual({ kind: 'done', created: 1 });
    const { id } = await db.selectFrom('deliveries').select('id').where('campaign_id', '=', rounds.outage).where('slot_key', '=', slot.slotKey).executeTakeFirstOrThrow();
    forms.failNext = true;
    const job = await client.queues.outbox.telegram.add('deliver', { deliveryId: id }, { jobId: deliveryJobId(id), attempts: 1 });
    await eventually(async () => (await job.getState()) === 'failed', 'the job to fail for good', WAIT);
    expect((await delivery(id)).status).toBe('queued');
    // Queueing what Postgres says is waiting cannot help: the failed job still holds the id.
    await client.scheduler.enqueueDeliveries({ campaignId: rounds.outage, slotKey: slot.slotKey });
    expect(await job.getState()).toBe('failed');

    expect(await client.scheduler.recoverDeliveries()).toEqual({ interrupted: 0, requeued: 1 });
    const row = await settled(id);
    expect(row.status).toBe('sent');
    expect(sendsTo(chats.outage)).toHaveLength(1);
    // Nothing left to recover: a second run changes nothing.
    expect(await client.scheduler.recoverDeliveries()).toEqual({ interrupted: 0, requeued: 0 });
  });

  it('nothing is sent in quiet hours: a delivery due at 23:00 (after an outage, or a long fan-out) waits for 07:00', async () => {
    clock.set(at('2026-12-10T23:00'));
    const id = await remind('night');
    const job = await eventually(async () => {
      const j = await client.queues.outbox.telegram.getJob(`delivery-${id}`);
      return j && (await j.getState()) === 'delayed' && j;
    }, 'the night delivery to be put off', WAIT);
    // Put off until 07:00 (in real time: a few milliseconds pass between the check and the move).
    const untilMorning = at('2026-12-11T07:00').getTime() - clock.now().getTime();
    expect(job.delay).toBeGreaterThan(untilMorning - 1000);
    expect(job.delay).toBeLessThanOrEqual(untilMorning);
    expect((await delivery(id)).status).toBe('queued');
    expect(sendsTo(chats.night)).toHaveLength(0);

    // 07:00: the job's time has come.
    clock.set(at('2026-12-11T07:00'));
    await job.promote();
    const row = await settled(id);
    expect([row.status, row.attempts]).toEqual(['sent', 1]);
    expect(sendsTo(chats.night)).toHaveLength(1);
  });
});
