/**
 * A round that ends takes its queued messages out of the outbox at once: the rows are
 * skipped ('closed') in one statement and their jobs removed, instead of each being
 * skipped when its turn comes at the channel's rate (hours for a national round). A round
 * closed for a later time is withdrawn by the minute's sweep once that time has passed.
 * And the sweep looks for deliveries that lost their job only when the queue holds fewer
 * jobs than Postgres has deliveries waiting.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryJobId } from '../../jobs/queues.js';
import { runSlot, type SlotDeps } from '../../jobs/slots.js';
import type { Database } from '../../src/db/schema.js';
import type { BotApiEmulator } from '../../src/emulator/botApiEmulator.js';
import { closeCampaign, createCampaign } from '../../src/services/campaigns.js';
import { ManualClock } from '../../src/time.js';
import { at, insertOrg, insertPerson } from '../support/fixtures.js';
import { reminderPolicy, startReminderHarness, type ReminderHarness, type SchedulerClient } from '../support/reminderHarness.js';

const policy = reminderPolicy();
const clock = new ManualClock(at('2026-11-25T09:00'));
const REPORTERS = [731_001, 731_002, 731_003];

let h: ReminderHarness;
let db: Kysely<Database>;
let emulator: BotApiEmulator;
let client: SchedulerClient;
let slotDeps: SlotDeps;

beforeAll(async () => {
  h = await startReminderHarness('reminders_close', { clock, policy });
  ({ db, emulator, client } = h);
  for (const [i, tg] of REPORTERS.entries()) {
    const org = await insertOrg(db, { code: `K${i + 1}`, name: `Chi bộ K${i + 1}` });
    await insertPerson(db, { telegramUserId: tg, name: `Bí thư K${i + 1}`, orgIds: [org] });
  }
  slotDeps = h.slotDeps();
});

afterAll(async () => {
  await h?.stop();
});

/** A round opening now, its announcement fanned out: one queued delivery (and job) per organization. */
async function announcedRound(periodLabel: string): Promise<{ round: string; ids: string[] }> {
  const { id: round } = await createCampaign(
    db,
    { formId: 'dan_van_qcdc', periodLabel, opensAt: clock.now(), dueAt: new Date(clock.now().getTime() + 10 * 86_400_000), organizationCodes: 'all' },
    clock,
    client.scheduler,
  );
  expect(await runSlot(slotDeps, { campaignId: round, slotKey: 'announce', sendAtMs: clock.now().getTime() })).toEqual({ kind: 'done', created: 3 });
  const rows = await db.selectFrom('deliveries').select(['id', 'status']).where('campaign_id', '=', round).execute();
  expect(rows.map((r) => r.status)).toEqual(['queued', 'queued', 'queued']);
  return { round, ids: rows.map((r) => r.id) };
}

const statuses = (round: string) => db.selectFrom('deliveries').select(['status', 'reason']).where('campaign_id', '=', round).execute();
const jobsOf = async (ids: string[]) => (await Promise.all(ids.map((id) => client.queues.outbox.telegram.getJob(deliveryJobId(id))))).filter(Boolean);

describe('a round that ends', () => {
  it('closed now: its queued messages are skipped at once and their jobs taken out of the queue', async () => {
    const { round, ids } = await announcedRound('Đóng ngay');
    expect(await jobsOf(ids)).toHaveLength(3);
    await closeCampaign(db, round, clock.now(), 'telegram:1', clock, client.scheduler);
    expect(await statuses(round)).toEqual(Array.from({ length: 3 }, () => ({ status: 'skipped', reason: 'closed' })));
    expect(await jobsOf(ids)).toEqual([]);
    for (const chat of REPORTERS) expect(emulator.messagesTo(chat)).toHaveLength(0);
  });

  it('closed for a later time: withdrawn by the sweep once that time has passed, not before', async () => {
    const { round, ids } = await announcedRound('Đóng sau');
    await closeCampaign(db, round, new Date(clock.now().getTime() + 3_600_000), 'telegram:1', clock, client.scheduler);
    expect((await statuses(round)).map((r) => r.status)).toEqual(['queued', 'queued', 'queued']);
    await client.scheduler.sweep();
    expect(await jobsOf(ids)).toHaveLength(3);

    clock.advance(2 * 3_600_000);
    await client.scheduler.sweep();
    expect(await statuses(round)).toEqual(Array.from({ length: 3 }, () => ({ status: 'skipped', reason: 'closed' })));
    expect(await jobsOf(ids)).toEqual([]);
  });
});

describe('the sweep, for deliveries that lost their job', () => {
  it('adds nothing while every waiting delivery has its job; gives one back to a delivery that lost it', async () => {
    const { ids } = await announcedRound('Quét');
    clock.advance(10 * 60_000);
    expect((await client.scheduler.sweep()).deliveries).toBe(0);

    await client.queues.outbox.telegram.remove(deliveryJobId(ids[1]!));
    expect(await jobsOf(ids)).toHaveLength(2);
    expect((await client.scheduler.sweep()).deliveries).toBeGreaterThanOrEqual(1);
    expect(await jobsOf(ids)).toHaveLength(3);
  });
});
