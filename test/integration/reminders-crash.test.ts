/**
 * A worker dying in the middle of a fan-out of 300 organizations, at each point it
 * can die: after the ledger rows were committed but before any job was queued;
 * between claiming a delivery and recording its outcome; and with the outbox
 * half-way through. After restarts, every organization has exactly one message. The
 * deliveries caught between claim and record (never sent here: the process died before
 * calling Telegram) are left alone within the grace period, then queued again — at least
 * once — and sent, each flagged maybe_duplicate (test/integration/reminders-resend.test.ts
 * covers those that had reached Telegram before the crash).
 */
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../jobs/connection.js';
import { startOutboxWorker } from '../../jobs/outbox.js';
import type { RunningJobs } from '../../jobs/runtime.js';
import type { Database } from '../../src/db/schema.js';
import type { BotApiEmulator } from '../../src/emulator/botApiEmulator.js';
import { claimDelivery, fanOutSlot } from '../../src/services/deliveries.js';
import { ManualClock } from '../../src/time.js';
import { eventually } from '../support/eventually.js';
import { at, insertCampaign, insertNumberedOrgs } from '../support/fixtures.js';
import { REDIS_URL, reminderPolicy, startReminderHarness, TELEGRAM_AUDIENCE, type ReminderHarness, type SchedulerClient } from '../support/reminderHarness.js';

const policy = reminderPolicy();
const ORGS = 300;
const CLAIMED = 5;
const FIRST_CHAT = 750_001;
const WAIT = 40_000;
const OPENS = at('2026-12-01T08:00');

let h: ReminderHarness;
let db: Kysely<Database>;
let emulator: BotApiEmulator;
let round: string;
const clock = new ManualClock(OPENS);
let client: SchedulerClient | undefined;
let crashed: { worker: Worker; connection: Redis } | undefined;
let jobs: RunningJobs | undefined;
const claimedChats = new Set<number>();

const sends = () => emulator.calls.filter((c) => c.method === 'sendMessage');

async function ledger() {
  return db
    .selectFrom('deliveries as d')
    .innerJoin('identities as i', (j) => j.onRef('i.person_id', '=', 'd.person_id').on('i.channel', '=', 'telegram'))
    .select(['d.id', 'd.status', 'd.reason', 'd.organization_id', 'd.channel', 'i.external_id as telegram_user_id'])
    .where('d.campaign_id', '=', round)
    .orderBy('d.id')
    .execute();
}

beforeAll(async () => {
  h = await startReminderHarness('reminders_crash', { clock, policy });
  ({ db, emulator, client } = h);
  await insertNumberedOrgs(db, { letter: 'K', digits: 3, count: ORGS, firstChat: FIRST_CHAT });
  round = await insertCampaign(db, { opens: '2026-12-01T08:00' });
  await client.scheduler.campaignChanged(round);
});

afterAll(async () => {
  await jobs?.stop();
  await crashed?.worker.close(true).catch(() => undefined);
  crashed?.connection.disconnect();
  await h?.stop();
});

describe('a worker killed in the middle of a fan-out of 300 organizations', () => {
  it('(a) the ledger rows were committed, then the process died before queueing any', async () => {
    const slot = await db.selectFrom('reminder_slots').select('send_at').where('campaign_id', '=', round).where('slot_key', '=', 'announce').executeTakeFirstOrThrow();
    expect(slot.send_at.getTime()).toBe(OPENS.getTime());
    const result = await fanOutSlot(db, { campaignId: round, slotKey: 'announce', sendAt: slot.send_at, ...TELEGRAM_AUDIENCE }, clock.now());
    expect(result).toEqual({ kind: 'done', created: ORGS });
    expect((await ledger()).every((r) => r.channel === 'telegram')).toBe(true);
    expect(await client!.queues.outbox.telegram.count()).toBe(0);
    expect(await client!.queues.outbox.zalo.count()).toBe(0);
  });

  it('(b) a few deliveries were claimed and the process died before recording their outcome', async () => {
    const rows = await ledger();
    for (const row of rows.slice(0, CLAIMED)) {
      expect(await claimDelivery(db, row.id, clock.now())).toBeDefined();
      claimedChats.add(Number(row.telegram_user_id));
    }
    const statuses = (await ledger()).map((r) => r.status);
    expect(statuses.filter((s) => s === 'sending')).toHaveLength(CLAIMED);
    expect(statuses.filter((s) => s === 'queued')).toHaveLength(ORGS - CLAIMED);
  });

  it('(c) the restarted outbox is stopped hard half-way through', async () => {
    // The restart: reconcile queues what Postgres says is waiting — not the claimed rows, which are within their grace period.
    const reconciled = await client!.scheduler.reconcileAll();
    expect(reconciled.deliveries).toBe(ORGS - CLAIMED);
    const connection = createRedis(REDIS_URL, 'worker');
    const worker = startOutboxWorker(h.outboxDeps(), { connection, prefix: h.prefix, maxPerSecond: 100 });
    crashed = { worker, connection };
    await emulator.waitFor(() => sends().length >= 100, WAIT);
    // As near a kill as one process allows: stop taking jobs at once, drop the Redis connection.
    await worker.close(true);
    connection.disconnect();
    // Sends already handed to Telegram finish and are recorded (a real kill would leave them in 'sending', as in (b)).
    await eventually(async () => (await ledger()).filter((r) => r.status === 'sending').length === CLAIMED, 'in-flight sends to be recorded', WAIT);
    const rows = await ledger();
    const sent = rows.filter((r) => r.status === 'sent').length;
    expect(sent).toBeGreaterThanOrEqual(100);
    expect(sent).toBeLessThan(ORGS - CLAIMED);
    expect(sends()).toHaveLength(sent);
    await client!.close();
    client = undefined;
  });

  it('a restart within the grace period sends everything left but leaves the rows caught between claim and record alone', async () => {
    // A quick restart, as a supervisor does it: a minute later.
    clock.advance(60 * 1000);
    jobs = await h.startJobs(200);
    const rows = await eventually(async () => {
      const all = await ledger();
      return all.filter((r) => r.status === 'sent').length === ORGS - CLAIMED && all;
    }, 'every queued delivery to be sent', WAIT);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(ORGS - CLAIMED);
    expect(rows.filter((r) => r.status === 'sending').map((r) => Number(r.telegram_user_id))).toEqual([...claimedChats]);
    for (const chat of claimedChats) expect(emulator.messagesTo(chat)).toHaveLength(0);
  });

  it('every organization has exactly one message; the rows caught between claim and record are, once the grace period is over, queued again by the periodic sweep and sent once, flagged maybe_duplicate (at-least-once)', async () => {
    // The sweep runs on a BullMQ job scheduler, not only at start.
    const sweep = await jobs!.queues.slots.getJobScheduler('interrupted-deliveries');
    expect(sweep?.every).toBeGreaterThan(0);
    expect(sweep!.every!).toBeLessThanOrEqual(5 * 60 * 1000);

    clock.advance(10 * 60 * 1000);
    // One tick of that scheduler, now rather than in a minute.
    await jobs!.queues.slots.add('sweep', {});
    const rows = await eventually(async () => {
      const all = await ledger();
      return all.every((r) => r.status !== 'queued' && r.status !== 'sending') && all;
    }, 'every delivery to be settled', WAIT);

    expect(rows).toHaveLength(ORGS);
    expect(new Set(rows.map((r) => r.organization_id)).size).toBe(ORGS);
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
    const flagged = await db.selectFrom('deliveries').select(['id', 'resend_count']).where('campaign_id', '=', round).where('maybe_duplicate', '=', true).orderBy('id').execute();
    expect(flagged.map((r) => r.id)).toEqual(rows.slice(0, CLAIMED).map((r) => r.id));
    expect(flagged.every((r) => r.resend_count === 1)).toBe(true);

    const perChat = new Map<number, number>();
    for (const call of sends()) perChat.set(Number(call.params.chat_id), (perChat.get(Number(call.params.chat_id)) ?? 0) + 1);
    for (let i = 0; i < ORGS; i++) {
      const chat = FIRST_CHAT + i;
      expect(perChat.get(chat) ?? 0, `messages to ${chat}`).toBe(1);
      expect(emulator.messagesTo(chat)).toHaveLength(1);
    }
    expect(sends()).toHaveLength(ORGS);
  });
});
