/**
 * Postgres → BullMQ. The rounds' slots live in Postgres; Redis holds one delayed
 * job per pending slot and one job per queued delivery, all with deterministic
 * ids. Reconciling adds what is missing and removes what no longer matches, so it
 * can run at every start, after every change, and after Redis was flushed.
 */
import type { Kysely } from 'kysely';
import { CHANNEL_NAMES, type ChannelName } from '../src/chat/port.js';
import type { Database } from '../src/db/schema.js';
import type { Logger } from '../src/logger.js';
import { INTERRUPTED_GRACE_MS, MAX_RESENDS, STALE_QUEUED_MS, type ReminderPolicy } from '../src/reminders/policy.js';
import { recordAudit } from '../src/services/audit.js';
import {
  queuedGenerations,
  rechannelQueued,
  resendInterruptedDeliveries,
  queuedCounts,
  skipClosedRoundDeliveries,
  waitingDeliveries,
  type WaitingDelivery,
  type WaitingFilter,
} from '../src/services/deliveries.js';
import { campaignsToPlan, pendingSlots, planCampaignSlots, removeUnsentSlot, requestManualReminder, type PendingSlot } from '../src/services/reminderSlots.js';
import type { RoundScheduler } from '../src/services/scheduling.js';
import type { Clock } from '../src/time.js';
import { deliveryJobId, SLOT_JOB, slotJobId, type Queues, type SlotJob } from './queues.js';

export interface SchedulerDeps {
  db: Kysely<Database>;
  queues: Queues;
  clock: Clock;
  policy: ReminderPolicy;
  logger: Logger;
  /** The channels the workers send through; queued deliveries of any other are moved to one of them. Unset: left alone (the CLI). */
  channels?: readonly ChannelName[];
}

export interface Scheduler extends RoundScheduler {
  /** At start: re-plan every live round, bring slot jobs in line, re-queue unsent deliveries. */
  reconcileAll(): Promise<{ slotJobs: number; removed: number; deliveries: number }>;
  /**
   * The round's slot jobs brought in line with its slots in Postgres (campaignChanged
   * without the planning: for a caller that planned them itself, before Redis was reached).
   */
  syncCampaignJobs(campaignId: string): Promise<void>;
  /** Queues the deliveries still waiting in Postgres (all, or one round's slot). */
  enqueueDeliveries(filter?: { campaignId: string; slotKey: string }): Promise<number>;
  /**
   * At start and every minute (the sweep job): queues again, with a job of a new
   * generation, the deliveries interrupted while sending longer than the grace period
   * (at least once; flagged maybe_duplicate; marked failed after MAX_RESENDS), and gives
   * another run to outbox jobs that ran out of attempts while their delivery is still
   * waiting in Postgres. `interrupted` counts both the resent and the given up.
   */
  recoverDeliveries(): Promise<{ interrupted: number; requeued: number }>;
  /**
   * Every minute: recoverDeliveries, slot jobs brought in line again, deliveries queued long
   * ago or put back in the queue (a resend whose job could not be added) given a job.
   */
  sweep(): Promise<SweepReport>;
}

export interface SweepReport {
  interrupted: number;
  requeued: number;
  slotJobs: number;
  deliveries: number;
}

const PAGE = 1000;
/** Failed jobs looked at per reconcile or recovery (the failed set is bounded by removeOnFail anyway). */
const FAILED_SCAN = 5000;

function slotJob(slot: PendingSlot): SlotJob {
  return { campaignId: slot.campaignId, slotKey: slot.slotKey, sendAtMs: slot.sendAt.getTime() };
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { db, queues, clock, logger } = deps;

  /** Makes the slot jobs in Redis exactly the pending slots (of one round, or of all). */
  async function syncSlotJobs(campaignId?: string): Promise<{ slotJobs: number; removed: number }> {
    const now = clock.now();
    const slots = await pendingSlots(db, now, campaignId);
    const expected = new Map(slots.map((slot) => [slotJobId(slotJob(slot)), slot]));
    let removed = 0;
    const existing = await queues.slots.getJobs(['delayed', 'waiting', 'prioritized']);
    for (const job of existing) {
      if (job.name !== SLOT_JOB || !job.id) continue;
      const data = job.data as SlotJob;
      if (campaignId !== undefined && data.campaignId !== campaignId) continue;
      if (expected.has(job.id)) continue;
      // A moved or cancelled slot; its worker would ignore it anyway, this keeps Redis tidy.
      await job.remove().then(
        () => removed++,
        (err: unknown) => logger.debug({ err, jobId: job.id }, 'slot job already taken'),
      );
    }
    // A slot job that threw on every attempt (Postgres away at the slot's time) keeps its id in
    // the failed set, where addBulk below would take it for the job and add nothing: run it again.
    for (const job of await queues.slots.getJobs(['failed'], 0, FAILED_SCAN - 1)) {
      if (job.name !== SLOT_JOB || !job.id || !expected.has(job.id)) continue;
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }).catch((err: unknown) => logger.debug({ err, jobId: job.id }, 'failed slot job already moved'));
    }
    if (slots.length > 0) {
      await queues.slots.addBulk(
        slots.map((slot) => ({
          name: SLOT_JOB,
          data: slotJob(slot),
          opts: { jobId: slotJobId(slotJob(slot)), delay: Math.max(0, slot.sendAt.getTime() - now.getTime()) },
        })),
      );
    }
    return { slotJobs: slots.length, removed };
  }

  /** One job per waiting delivery, named after its generation (adding an existing job changes nothing). */
  async function addDeliveryJobs(rows: readonly WaitingDelivery[]): Promise<void> {
    for (const channel of CHANNEL_NAMES) {
      const mine = rows.filter((r) => r.channel === channel);
      if (mine.length === 0) continue;
      await queues.outbox[channel].addBulk(mine.map((r) => ({ name: 'deliver', data: { deliveryId: r.id }, opts: { jobId: deliveryJobId(r.id, r.resendCount) } })));
    }
  }

  /** Jobs of deliveries skipped in Postgres taken out of the queue; one already running finds its row settled. */
  async function removeDeliveryJobs(rows: readonly WaitingDelivery[]): Promise<void> {
    for (let start = 0; start < rows.length; start += PAGE) {
      const page = rows.slice(start, start + PAGE);
      await Promise.all(page.map((r) => queues.outbox[r.channel].remove(deliveryJobId(r.id, r.resendCount))));
    }
  }

  /** Whether some channel's queue holds fewer jobs than it has deliveries waiting in Postgres. */
  async function jobsMissing(): Promise<boolean> {
    const waiting = await queuedCounts(db);
    for (const [channel, count] of waiting) {
      // Not 'active': a running job's row is being sent (or about to be), no longer queued.
      const jobs = await queues.outbox[channel].getJobCounts('waiting', 'delayed', 'prioritized');
      if (Object.values(jobs).reduce((a, b) => a + b, 0) < count) return true;
    }
    return false;
  }

  /** The ended rounds' queued deliveries skipped (skipClosedRoundDeliveries) and their jobs removed. */
  async function withdrawClosedRounds(campaignId?: string): Promise<void> {
    const skipped = await skipClosedRoundDeliveries(db, clock.now(), campaignId);
    await removeDeliveryJobs(skipped);
    if (skipped.length > 0) logger.info({ campaignId, skipped: skipped.length }, 'queued deliveries of an ended round skipped');
  }

  /** Queued deliveries of a channel this process no longer sends through, moved to one it does (once per sweep or reconcile). */
  async function rechannel(): Promise<void> {
    if (!deps.channels) return;
    const moved = await rechannelQueued(db, deps.channels, clock.now());
    if (moved > 0) logger.warn({ moved }, 'queued deliveries of a channel no longer enabled were moved to another channel or skipped');
  }

  /** The round's slot jobs in line with Postgres, and its queued messages withdrawn if it has ended. */
  async function syncCampaignJobs(campaignId: string): Promise<void> {
    await syncSlotJobs(campaignId);
    await withdrawClosedRounds(campaignId);
  }

  async function enqueueDeliveries(filter?: Omit<WaitingFilter, 'afterId' | 'limit'>): Promise<number> {
    let afterId = '0';
    let total = 0;
    for (;;) {
      const rows = await waitingDeliveries(db, { ...filter, afterId, limit: PAGE });
      if (rows.length === 0) return total;
      await addDeliveryJobs(rows);
      total += rows.length;
      afterId = rows.at(-1)!.id;
    }
  }

  async function recoverDeliveries(): Promise<{ interrupted: number; requeued: number }> {
    // Queued again in Postgres first, then their jobs: if adding them fails, the sweep's
    // `resent` filter finds the rows (resent_at = updated_at) and adds them next minute.
    const { resent, gaveUp } = await resendInterruptedDeliveries(db, clock.now(), INTERRUPTED_GRACE_MS);
    if (resent.length > 0) {
      logger.warn({ resent: resent.length }, 'deliveries interrupted while sending were queued again (they may arrive twice)');
      await addDeliveryJobs(resent);
    }
    if (gaveUp > 0) logger.error({ gaveUp, maxResends: MAX_RESENDS }, 'deliveries interrupted while sending too many times were marked failed');
    const interrupted = resent.length + gaveUp;
    // A job that threw on every attempt (Postgres away for a minute) leaves its delivery queued,
    // and its id, kept in the failed set, makes enqueueDeliveries skip it: retry it instead
    // (only the job of the delivery's current generation: an older one must not run beside it).
    const failed = (await Promise.all(CHANNEL_NAMES.map((c) => queues.outbox[c].getJobs(['failed'], 0, FAILED_SCAN - 1)))).flat();
    const byJobId = new Map(failed.filter((job) => job?.id && job.data?.deliveryId).map((job) => [job.id!, job]));
    const deliveryIds = [...new Set([...byJobId.values()].map((job) => job.data.deliveryId))];
    let requeued = 0;
    for (const { id, resendCount } of await queuedGenerations(db, deliveryIds)) {
      const job = byJobId.get(deliveryJobId(id, resendCount));
      if (!job) continue;
      await job
        .retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true })
        .then(
          () => requeued++,
          (err: unknown) => logger.debug({ err, deliveryId: id }, 'failed delivery job already moved'),
        );
    }
    if (requeued > 0) logger.warn({ requeued }, 'delivery jobs that had run out of attempts were queued again');
    return { interrupted, requeued };
  }

  return {
    enqueueDeliveries,
    recoverDeliveries,

    async sweep() {
      // A round closed for a later time, or whose close did not reach Redis, is withdrawn here.
      await withdrawClosedRounds();
      const recovered = await recoverDeliveries();
      const { slotJobs } = await syncSlotJobs();
      await rechannel();
      const resent = await enqueueDeliveries({ resent: true });
      // Deliveries that lost their job: looked for only when the queue holds fewer jobs than
      // Postgres has deliveries waiting. Adding 50,000 jobs that exist every minute while a
      // national round drains was 300,000 Redis commands a sweep, the slot worker waiting behind.
      const stale = (await jobsMissing()) ? await enqueueDeliveries({ queuedBefore: new Date(clock.now().getTime() - STALE_QUEUED_MS) }) : 0;
      return { ...recovered, slotJobs, deliveries: resent + stale };
    },

    async reconcileAll() {
      const now = clock.now();
      for (const campaignId of await campaignsToPlan(db, now)) await planCampaignSlots(db, campaignId, deps.policy, now);
      await recoverDeliveries();
      const slots = await syncSlotJobs();
      await rechannel();
      const deliveries = await enqueueDeliveries();
      logger.info({ ...slots, deliveries }, 'reminder schedule reconciled');
      return { ...slots, deliveries };
    },

    async campaignChanged(campaignId) {
      await planCampaignSlots(db, campaignId, deps.policy, clock.now());
      await syncCampaignJobs(campaignId);
    },

    syncCampaignJobs,

    async deliveriesRequeued(campaignId) {
      // The round's deliveries put back in the queue («Gửi lại») get their jobs now, not at the next sweep.
      await enqueueDeliveries({ campaignId, resent: true });
    },

    async remindNow(campaignId, actor) {
      const now = clock.now();
      // The policy decides (remindNowDecision); the service reads and adds the slot.
      const request = await requestManualReminder(db, campaignId, now);
      if (request.kind !== 'added') return request;
      const { slot } = request;
      try {
        await queues.slots.add(SLOT_JOB, slotJob(slot), { jobId: slotJobId(slotJob(slot)) });
      } catch (error) {
        await removeUnsentSlot(db, campaignId, slot.slotKey);
        throw error;
      }
      await recordAudit(db, { actor, action: 'campaign.remind_now', details: { campaignId, slotKey: slot.slotKey }, at: now });
      return { kind: 'queued', organizations: request.organizations };
    },
  };
}
