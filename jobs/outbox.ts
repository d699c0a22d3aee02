/**
 * The outbox of one channel: sends one delivery per job, within the channel's limits.
 * The worker's limiter keeps the channel's rate under its cap (OUTBOX_MAX_PER_SECOND,
 * ZALO_MAX_PER_SECOND); a 429 pauses that channel's queue; network and 5xx errors retry
 * with backoff; a blocked or unknown user marks that account unreachable, and the message
 * goes to the person's account in another app when they have one. Every outcome is
 * written to the ledger, a failure with its kind (unreachable, rejected, transient), which
 * decides whether an admin's «Gửi lại» may send it again. What a message says and how it
 * is shown are the channel sender's business (buttons on Telegram, numbered lines on Zalo).
 *
 * A long message goes out part by part (the sender's parts): after each but the last the
 * ledger records how many went out, with the parts, so every retry resumes at the first
 * part not delivered, in the text it began with. A part sent by a worker killed before its
 * record is sent again on resume: at most one part twice (the delivery then flagged
 * maybe_duplicate as interrupted), never one lost.
 *
 * Quiet hours and holidays are enforced here too, at the moment of sending (policy:
 * quietWaitMs): a slot planned at 08:00 can still reach the outbox at 23:00; its jobs
 * wait for the next allowed time.
 */
import { DelayedError, Worker, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { ChannelName, ChannelSender, Identity, OutboundPart, SentPart } from '../src/chat/port.js';
import type { Database } from '../src/db/schema.js';
import type { Logger } from '../src/logger.js';
import { outboxMessages, type OutboxOutcome } from '../src/metrics.js';
import { quietWaitMs, type ReminderPolicy } from '../src/reminders/policy.js';
import { claimDelivery, markUnreachable, moveToReachableAccount, queuedDelivery, recordOutcome, recordPartSent, resumePoint, type Delivery, type DeliveryOutcome, type QueuedDelivery } from '../src/services/deliveries.js';
import { composeQueuedDelivery } from '../src/services/deliveryContent.js';
import type { FormCache } from '../src/services/forms.js';
import type { Clock } from '../src/time.js';
import { deliveryJobId, OUTBOX_ATTEMPTS, OUTBOX_QUEUES, type OutboxJob } from './queues.js';

export interface OutboxDeps {
  db: Kysely<Database>;
  forms: FormCache;
  clock: Clock;
  logger: Logger;
  /** The channel this outbox sends through. */
  sender: ChannelSender;
  /** The channel's queue, paused as a whole when the channel asks every sender to wait. */
  queue: Queue<OutboxJob>;
  /** Quiet hours and holidays: the worker sends nothing then. Without it, it sends at any hour. */
  policy?: ReminderPolicy;
  /** Identities with admin rights by configuration: a digest or an escalation goes only to a person who is still an admin. */
  adminIds: readonly Identity[];
  /**
   * The outbox queues of the enabled channels (this one's too): a message this channel cannot
   * deliver, the person's account here refusing it, goes to their account on one of the others.
   * Unset: nowhere else (it is recorded unreachable).
   */
  elsewhere?: Partial<Record<ChannelName, Queue<OutboxJob>>>;
}

/** The enabled channels, when the worker was told them (elsewhere); unset: every channel. */
function enabledChannelsOf(deps: OutboxDeps): ChannelName[] | undefined {
  return deps.elsewhere && (Object.keys(deps.elsewhere) as ChannelName[]);
}

/**
 * The delivery, refused as unreachable on this channel, queued on the person's account in
 * another enabled app (moveToReachableAccount) with its job; false when they have none.
 * A job not added (Redis away) is added by the sweep.
 */
async function sendElsewhere(deps: OutboxDeps, deliveryId: string, from: 'sending' | 'queued', reason: string): Promise<boolean> {
  const channels = (enabledChannelsOf(deps) ?? []).filter((c) => c !== deps.sender.channel);
  if (channels.length === 0) return false;
  const moved = await moveToReachableAccount(deps.db, { deliveryId, from, channels, reason: `unreachable on ${deps.sender.channel}: ${reason}` }, deps.clock.now());
  if (!moved) return false;
  outboxMessages.inc({ channel: deps.sender.channel, outcome: 'moved' });
  await deps.elsewhere?.[moved.channel]
    ?.add('deliver', { deliveryId: moved.id }, { jobId: deliveryJobId(moved.id, moved.resendCount) })
    .catch((err: unknown) => deps.logger.warn({ err, deliveryId: moved.id, channel: moved.channel }, 'delivery moved to another channel; its job is left to the sweep'));
  deps.logger.info({ deliveryId: moved.id, from: deps.sender.channel, to: moved.channel }, 'account unreachable: delivery moved to the person\'s other account');
  return true;
}

/** Why a queued delivery cannot go to its person at all, whatever it says; undefined when it can. */
function addressingSkip(delivery: QueuedDelivery): string | undefined {
  if (!delivery.addressed) return delivery.organization_id ? 'no longer a reporter' : 'no longer an admin';
  if (delivery.unreachable_at) return 'unreachable';
  if (delivery.external_id === null) return 'no channel';
  return undefined;
}

export async function deliver(deps: OutboxDeps, job: Pick<Job<OutboxJob>, 'data' | 'attemptsMade'>): Promise<string> {
  const { db, clock, sender } = deps;
  // Everything that can be decided without the channel is decided on the queued row: a crash or
  // an error here (Postgres, a form that will not load) leaves it queued and the retry sends it.
  // Only the call to the channel runs in 'sending', the one moment whose outcome a crash hides.
  const delivery = await queuedDelivery(db, job.data.deliveryId, deps.adminIds);
  if (!delivery) return 'already handled';
  const addressing = addressingSkip(delivery);
  const composition = addressing
    ? ({ kind: 'skip', reason: addressing } as const)
    : await composeQueuedDelivery({ db, forms: deps.forms, channels: enabledChannelsOf(deps) }, delivery, clock.now());
  const count = (outcome: OutboxOutcome) => outboxMessages.inc({ channel: sender.channel, outcome });
  if (composition.kind === 'skip') {
    // Marked unreachable here before its turn (another message of theirs was refused): their other account, if any.
    if (composition.reason === 'unreachable' && (await sendElsewhere(deps, delivery.id, 'queued', 'marked before sending'))) return 'moved';
    const recorded = await recordOutcome(db, delivery.id, { status: 'skipped', reason: composition.reason }, clock.now(), 'queued');
    if (recorded) count('skipped');
    return recorded ? 'skipped' : 'already handled';
  }
  // Whether it still goes out is decided afresh (above); what it says, once a part of it is
  // out, is not: the rest of the text it began with follows, not a new rendering of it.
  const to = delivery.external_id!;
  const claimed = await claimDelivery(db, delivery.id, clock.now());
  if (!claimed) return 'already handled';
  // From the row as claimed: another attempt may have sent parts since it was read above.
  const plan = resumePoint(claimed, sender.channel, to) ?? { parts: sender.parts(composition.message), next: 0 };
  const finish = async (outcome: DeliveryOutcome) => {
    await recordOutcome(db, delivery.id, outcome, clock.now());
    return outcome.status;
  };

  try {
    // A Postgres error recording a part is not the channel's: classify rethrows it, the row
    // stays 'sending' and is queued again as interrupted, from the last part recorded.
    const sent = await sendRemainingParts(deps, claimed, to, plan);
    if (!sent) return 'already handled';
    count(delivery.maybe_duplicate ? 'resent' : 'sent');
    return finish({ status: 'sent', messageId: sent.messageId, parts: plan.parts.length });
  } catch (error) {
    const failure = sender.classify(error);
    count(failure.action);
    switch (failure.action) {
      case 'rate_limited':
        await finish({ status: 'queued', reason: `rate limited by ${sender.channel}` });
        // The channel asked every sender to wait: pause the whole queue, not just this job.
        await deps.queue.rateLimit(failure.retryAfterMs);
        throw Worker.RateLimitError();
      case 'unreachable':
        await markUnreachable(db, { channel: sender.channel, externalId: delivery.external_id! }, failure.reason, clock.now());
        if (await sendElsewhere(deps, delivery.id, 'sending', failure.reason)) return 'moved';
        return finish({ status: 'failed', reason: `unreachable: ${failure.reason}`, failure: 'unreachable' });
      case 'failed':
        return finish({ status: 'failed', reason: failure.reason, failure: 'rejected' });
      case 'retry':
        if (job.attemptsMade + 1 >= OUTBOX_ATTEMPTS) return finish({ status: 'failed', reason: failure.reason, failure: 'transient' });
        await finish({ status: 'queued', reason: failure.reason });
        throw error;
    }
  }
}

/**
 * Sends the parts from `plan.next` on, in order, recording after each but the last how
 * many went out (the last one's record is the outcome): a part that fails is where the
 * retry starts. Undefined when the row was taken from this attempt meanwhile.
 */
async function sendRemainingParts(
  deps: Pick<OutboxDeps, 'db' | 'clock' | 'sender'>,
  claimed: Pick<Delivery, 'id' | 'attempts'>,
  to: string,
  plan: { parts: OutboundPart[]; next: number },
): Promise<SentPart | undefined> {
  const { db, clock, sender } = deps;
  const { parts } = plan;
  let last: SentPart | undefined;
  for (let i = plan.next; i < parts.length; i++) {
    last = await sender.sendPart(to, parts[i]!);
    const more = i + 1 < parts.length;
    if (more && !(await recordPartSent(db, claimed, { channel: sender.channel, to, parts }, i + 1, clock.now()))) return undefined;
  }
  if (!last) throw new Error(`delivery ${claimed.id}: a message with no text to send`);
  return last;
}

export function startOutboxWorker(deps: OutboxDeps, options: { connection: Redis; prefix: string; maxPerSecond: number; concurrency?: number }): Worker<OutboxJob> {
  const processJob = async (job: Job<OutboxJob>, token?: string): Promise<string> => {
    const wait = quietWaitMs(deps.clock.now(), deps.policy);
    if (wait > 0) {
      // Not an attempt: the job sleeps until the morning (or the day after a holiday), the row stays queued.
      await job.moveToDelayed(Date.now() + wait, token);
      throw new DelayedError();
    }
    return deliver(deps, job);
  };
  const worker = new Worker<OutboxJob>(OUTBOX_QUEUES[deps.sender.channel], processJob, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 16,
    limiter: { max: options.maxPerSecond, duration: 1000 },
  });
  worker.on('failed', (job, err) => deps.logger.warn({ err, jobId: job?.id, channel: deps.sender.channel }, 'delivery attempt failed'));
  // E.g. "Missing key for job" after Redis lost its data: the ledger row is final, the watchdog rebuilds the rest.
  worker.on('error', (err) => deps.logger.warn({ err, channel: deps.sender.channel }, 'outbox worker error'));
  return worker;
}
