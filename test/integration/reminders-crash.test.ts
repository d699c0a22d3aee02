/**
 * A worker dying in the middle of a fan-out of 300 organizations, at each point it
 * can die: after the ledger rows were committed but before any job was queued;
 * between claiming a delivery and recording its outcome; and with the outbox
 * half-way through. After restarts, every organization has exactly one message —
 * except the deliveries caught between claim and record, which are at-most-once:
 * never re-sent, marked failed after the grace period.
 */
import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { Api } from 'grammy';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../jobs/connection.js';
import { startOutboxWorker } from '../../jobs/outbox.js';
import { connectScheduler, startJobs, type RunningJobs } from '../../jobs/runtime.js';
import type { Queues } from '../../jobs/queues.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import type { Database } from '../../src/db/schema.js';
import { startBotApiEmulator, type BotApiEmulator } from '../../src/emulator/botApiEmulator.js';
import { silentLogger } from '../../src/logger.js';
import type { ReminderPolicy } from '../../src/reminders/plan.js';
import { createCampaign } from '../../src/services/campaigns.js';
import { claimDelivery, fanOutSlot } from '../../src/services/deliveries.js';
import { FormCache } from '../../src/services/forms.js';
import { ManualClock } from '../../src/time.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { eventually } from '../support/eventually.js';
import { at, seedForms } from '../support/fixtures.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-${randomUUID()}`;
const policy: ReminderPolicy = { quietHours: { start: '21:00', end: '07:00' }, holidays: new Set() };
const ORGS = 300;
const CLAIMED = 5;
const FIRST_CHAT = 750_001;
const WAIT = 40_000;
const OPENS = at('2026-12-01T08:00');

let t: TestDb;
let db: Kysely<Database>;
let emulator: BotApiEmulator;
let redis: Redis;
let round: string;
const clock = new ManualClock(OPENS);
let client: { scheduler: Scheduler; queues: Queues; close(): Promise<void> } | undefined;
let crashed: { worker: Worker; connection: Redis } | undefined;
let jobs: RunningJobs | undefined;
const claimedChats = new Set<number>();

const sends = () => emulator.calls.filter((c) => c.method === 'sendMessage');

async function ledger() {
  return db
    .selectFrom('deliveries as d')
    .innerJoin('people as p', 'p.id', 'd.person_id')
    .select(['d.id', 'd.status', 'd.reason', 'd.organization_id', 'p.telegram_user_id'])
    .where('d.campaign_id', '=', round)
    .orderBy('d.id')
    .execute();
}

beforeAll(async () => {
  t = await createTestDb('reminders_crash');
  db = t.db;
  await seedForms(db);
  await sql`insert into organizations (code, name, type) select 'K' || lpad(i::text, 3, '0'), 'Chi bộ K' || lpad(i::text, 3, '0'), 'chi_bo_co_so' from generate_series(1, ${ORGS}) i`.execute(db);
  await sql`insert into people (telegram_user_id, display_name) select ${FIRST_CHAT - 1} + i, 'Bí thư ' || i from generate_series(1, ${ORGS}) i`.execute(db);
  await sql`insert into memberships (person_id, organization_id) select p.id, o.id from people p join organizations o on o.code = 'K' || lpad((p.telegram_user_id - ${FIRST_CHAT - 1})::text, 3, '0')`.execute(db);
  ({ id: round } = await createCampaign(db, { formId: 'dan_van_qcdc', periodLabel: 'Năm 2026', opensAt: OPENS, dueAt: at('2026-12-15T17:00'), organizationCodes: 'all' }, clock));
  emulator = await startBotApiEmulator();
  redis = new Redis(REDIS_URL);
  client = await connectScheduler({ db, clock, logger: silentLogger, policy, config: { redisUrl: REDIS_URL, redisPrefix: prefix } });
  await client.scheduler.campaignChanged(round);
});

afterAll(async () => {
  await jobs?.stop();
  await crashed?.worker.close(true).catch(() => undefined);
  crashed?.connection.disconnect();
  await client?.close();
  await emulator?.close();
  if (redis) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
  await t?.drop();
});

describe('a worker killed in the middle of a fan-out of 300 organizations', () => {
  it('(a) the ledger rows were committed, then the process died before queueing any', async () => {
    const slot = await db.selectFrom('reminder_slots').select('send_at').where('campaign_id', '=', round).where('slot_key', '=', 'announce').executeTakeFirstOrThrow();
    expect(slot.send_at.getTime()).toBe(OPENS.getTime());
    const result = await fanOutSlot(db, { campaignId: round, slotKey: 'announce', sendAt: slot.send_at, adminIds: [] }, clock.now());
    expect(result).toEqual({ kind: 'done', created: ORGS });
    expect(await client!.queues.outbox.count()).toBe(0);
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
    const worker = startOutboxWorker(
      { db, forms: new FormCache(db), clock, logger: silentLogger, api: new Api(emulator.token, { apiRoot: emulator.apiRoot }), queues: client!.queues },
      { connection, prefix, maxPerSecond: 100 },
    );
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
    jobs = await startJobs({
      db,
      forms: new FormCache(db),
      clock,
      logger: silentLogger,
      policy,
      config: { redisUrl: REDIS_URL, redisPrefix: prefix, adminIds: [], outboxMaxPerSecond: 200, digestCron: '0 7 * * *', botToken: emulator.token, telegramApiRoot: emulator.apiRoot },
    });
    const rows = await eventually(async () => {
      const all = await ledger();
      return all.filter((r) => r.status === 'sent').length === ORGS - CLAIMED && all;
    }, 'every queued delivery to be sent', WAIT);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(ORGS - CLAIMED);
    expect(rows.filter((r) => r.status === 'sending').map((r) => Number(r.telegram_user_id))).toEqual([...claimedChats]);
    for (const chat of claimedChats) expect(emulator.messagesTo(chat)).toHaveLength(0);
  });

  it('every organization has exactly one message; the rows caught between claim and record are never re-sent and, once the grace period is over, the periodic sweep marks them failed "interrupted while sending" (at-most-once)', async () => {
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
    const failed = rows.filter((r) => r.status === 'failed');
    expect(failed.map((r) => [Number(r.telegram_user_id), r.reason])).toEqual([...claimedChats].map((chat) => [chat, 'interrupted while sending']));
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(ORGS - CLAIMED);

    const perChat = new Map<number, number>();
    for (const call of sends()) perChat.set(Number(call.params.chat_id), (perChat.get(Number(call.params.chat_id)) ?? 0) + 1);
    for (let i = 0; i < ORGS; i++) {
      const chat = FIRST_CHAT + i;
      expect(perChat.get(chat) ?? 0, `messages to ${chat}`).toBe(claimedChats.has(chat) ? 0 : 1);
      expect(emulator.messagesTo(chat)).toHaveLength(claimedChats.has(chat) ? 0 : 1);
    }
    expect(sends()).toHaveLength(ORGS - CLAIMED);
  });
});
