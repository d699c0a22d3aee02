/**
 * The slot worker: at a slot's time, write its deliveries to the ledger (to the slot's
 * audience: only the organizations that have not submitted, for reminders) and queue
 * them; once a day, the admins' digest of every live round; every minute, the sweep
 * that recovers deliveries interrupted while sending or whose jobs ran out of attempts.
 * The rules are src/reminders/policy.ts's, the rows src/services/'s; this is the adapter.
 */
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Database } from '../src/db/schema.js';
import type { Logger } from '../src/logger.js';
import { currentDigestKey, digestSkippedOn, type ReminderPolicy } from '../src/reminders/policy.js';
import { fanOutSlot, type Audience, type FanOutResult } from '../src/services/deliveries.js';
import { ensureDigestSlot, roundsNeedingDigest } from '../src/services/digests.js';
import type { Clock } from '../src/time.js';
import type { Scheduler, SweepReport } from './scheduler.js';
import { DIGEST_JOB, SLOT_JOB, SLOTS_QUEUE, SWEEP_JOB, type SlotJob, type SlotsJobData } from './queues.js';

export interface SlotDeps {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  scheduler: Scheduler;
  /** Who admin messages go to, and the channels messages go through. */
  audience: Audience;
  /** Holidays, on which there is no digest (policy: digestSkippedOn). Unset: a digest every day. */
  policy?: ReminderPolicy;
}

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

/** Today's digest slot of every round that wants one, each fanned out as a slot; returns how many rounds. */
export async function runDigest(deps: SlotDeps): Promise<number> {
  const now = deps.clock.now();
  if (digestSkippedOn(now, deps.policy)) return 0;
  const rounds = await roundsNeedingDigest(deps.db, now);
  const slotKey = currentDigestKey(now);
  for (const campaignId of rounds) {
    const sendAt = await ensureDigestSlot(deps.db, campaignId, slotKey, now);
    await runSlot(deps, { campaignId, slotKey, sendAtMs: sendAt.getTime() });
  }
  return rounds.length;
}

/**
 * The periodic sweep: deliveries interrupted while sending, jobs that ran out of attempts
 * (an outage longer than their backoff), deliveries waiting in Postgres with no job.
 */
function runSweep(deps: Pick<SlotDeps, 'scheduler'>): Promise<SweepReport> {
  return deps.scheduler.sweep();
}

async function runJob(deps: SlotDeps, job: Job<SlotsJobData>): Promise<unknown> {
  switch (job.name) {
    case SLOT_JOB:
      return runSlot(deps, job.data as SlotJob);
    case DIGEST_JOB:
      return runDigest(deps);
    case SWEEP_JOB:
      return runSweep(deps);
    default:
      // A name this version does not know (left in Redis by another version): failing it keeps it visible.
      throw new Error(`unknown slots job ${JSON.stringify(job.name)}`);
  }
}

export function startSlotWorker(deps: SlotDeps, options: { connection: Redis; prefix: string }): Worker<SlotsJobData> {
  const worker = new Worker<SlotsJobData>(SLOTS_QUEUE, (job) => runJob(deps, job), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: 1,
  });
  worker.on('failed', (job, err) => deps.logger.error({ err, jobId: job?.id }, 'slot job failed'));
  worker.on('error', (err) => deps.logger.warn({ err }, 'slot worker error'));
  return worker;
}
