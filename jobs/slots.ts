/**
 * The slot worker: at a slot's time, write its deliveries to the ledger (only the
 * organizations that have not submitted, for reminders) and queue them; once a
 * day, the admins' digest of every live round; every minute, the sweep that
 * recovers deliveries interrupted while sending or whose jobs ran out of attempts.
 */
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/db/schema.js';
import type { Logger } from '../src/logger.js';
import { fanOutSlot, type Audience, type FanOutResult } from '../src/services/deliveries.js';
import { localDate, type Clock } from '../src/time.js';
import type { ReminderPolicy } from '../src/reminders/plan.js';
import { digestSlotKey } from '../src/reminders/slotKeys.js';
import type { Scheduler, SweepReport } from './scheduler.js';
import { SLOTS_QUEUE, type DigestJob, type SlotJob } from './queues.js';

export interface SlotDeps {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  scheduler: Scheduler;
  /** Who admin messages go to, and the channels messages go through. */
  audience: Audience;
  /** No digest on a holiday: it would wait for the next working day and arrive beside that day's. */
  policy?: ReminderPolicy;
}

/** Digests are sent for rounds that have opened, are not closed, and ended less than this long ago. */
const DIGEST_DAYS_AFTER_DUE = 7;

export async function runSlot(deps: SlotDeps, job: SlotJob): Promise<FanOutResult> {
  const result = await fanOutSlot(
    deps.db,
    { campaignId: job.campaignId, slotKey: job.slotKey, sendAt: new Date(job.sendAtMs), ...deps.audience },
    deps.clock.now(),
  );
  // Also after 'gone': a previous run may have written the deliveries and stopped before queueing them.
  const queued = await deps.scheduler.enqueueDeliveries({ campaignId: job.campaignId, slotKey: job.slotKey });
  deps.logger.info({ ...job, result: result.kind, queued }, 'slot fanned out');
  return result;
}

export async function runDigest(deps: SlotDeps): Promise<number> {
  const now = deps.clock.now();
  if (deps.policy?.holidays.has(localDate(now))) return 0;
  const rounds = await deps.db
    .selectFrom('campaigns')
    .select('id')
    .where('opens_at', '<=', now)
    .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>', now)]))
    .where('due_at', '>', sql<Date>`${now}::timestamptz - make_interval(days => ${DIGEST_DAYS_AFTER_DUE})`)
    .orderBy('id')
    .execute();
  const slotKey = digestSlotKey(localDate(now));
  for (const round of rounds) {
    await deps.db
      .insertInto('reminder_slots')
      .values({ campaign_id: round.id, slot_key: slotKey, kind: 'digest', send_at: now })
      .onConflict((oc) => oc.columns(['campaign_id', 'slot_key']).doNothing())
      .execute();
    const slot = await deps.db.selectFrom('reminder_slots').select('send_at').where('campaign_id', '=', round.id).where('slot_key', '=', slotKey).executeTakeFirstOrThrow();
    await runSlot(deps, { campaignId: round.id, slotKey, sendAtMs: slot.send_at.getTime() });
  }
  return rounds.length;
}

/**
 * The periodic sweep: deliveries interrupted while sending, jobs that ran out of attempts
 * (an outage longer than their backoff), deliveries waiting in Postgres with no job.
 */
export function runSweep(deps: Pick<SlotDeps, 'scheduler'>): Promise<SweepReport> {
  return deps.scheduler.sweep();
}

function runJob(deps: SlotDeps, job: Job<SlotJob | DigestJob>): Promise<unknown> {
  switch (job.name) {
    case 'digest':
      return runDigest(deps);
    case 'sweep':
      return runSweep(deps);
    default:
      return runSlot(deps, job.data as SlotJob);
  }
}

export function startSlotWorker(deps: SlotDeps, options: { connection: Redis; prefix: string }): Worker<SlotJob | DigestJob> {
  const worker = new Worker<SlotJob | DigestJob>(
    SLOTS_QUEUE,
    (job: Job<SlotJob | DigestJob>) => runJob(deps, job),
    { connection: options.connection, prefix: options.prefix, concurrency: 1 },
  );
  worker.on('failed', (job, err) => deps.logger.error({ err, jobId: job?.id }, 'slot job failed'));
  worker.on('error', (err) => deps.logger.warn({ err }, 'slot worker error'));
  return worker;
}
