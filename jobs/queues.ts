/** The queues and what their jobs carry: slots, and one outbox per channel (each with its own rate limit). */
import { Queue, type DefaultJobOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { CHANNEL_NAMES, type ChannelName } from '../src/chat/port.js';

/** Slot jobs: a round's announcement, reminders and escalation at their times; the daily digest. */
export const SLOTS_QUEUE = 'slots';
/** One job per delivery: the rate-limited sender of each channel (Telegram's kept its first name). */
export const OUTBOX_QUEUES: Record<ChannelName, string> = { telegram: 'outbox', zalo: 'outbox-zalo' };

/** A slot at its time. `slotKey` is a stored key as read back (see parseSlotKey in src/reminders/slotKeys.ts). */
export type SlotJob = { campaignId: string; slotKey: string; sendAtMs: number };
/** What a slots-queue job carries: a slot's data, nothing for the digest and the sweep (their name says it all). */
export type SlotsJobData = SlotJob | Record<string, never>;
export type OutboxJob = { deliveryId: string };

/** The slots queue's job names: a slot at its time, the daily digest, the minute's sweep. */
export const SLOT_JOB = 'slot';
export const DIGEST_JOB = 'digest';
export const SWEEP_JOB = 'sweep';

/** Bounded history in Redis: Postgres keeps the real record of every delivery. */
export const defaultJobOptions: DefaultJobOptions = {
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
};

export const OUTBOX_ATTEMPTS = 6;

/**
 * The job scheduler that queues such deliveries again while the process runs: a crash
 * followed by a quick restart (within the grace period) must not leave them 'sending' for good.
 */
export const SWEEP_SCHEDULER = 'interrupted-deliveries';
export const SWEEP_EVERY_MS = 60 * 1000;

export interface Queues {
  /**
   * Names stay `string` at BullMQ's level (its types use the name type for job scheduler ids
   * too, and a worker typed by name fits no list of workers): SLOT_JOB, DIGEST_JOB and
   * SWEEP_JOB name the jobs, and slotsJobOf gives the worker the typed union.
   */
  slots: Queue<SlotsJobData>;
  /** Every channel has its queue, configured or not: jobs of a channel switched off wait there. */
  outbox: Record<ChannelName, Queue<OutboxJob>>;
  close(): Promise<void>;
}

/**
 * The queues on one connection. `onError` hears their connection errors: without a
 * listener BullMQ prints each one to the console, a stack per reconnect attempt, outside
 * the JSON log and its scrubber.
 */
export function createQueues(connection: Redis, prefix: string, onError: (error: Error) => void = () => undefined): Queues {
  const slots = new Queue<SlotsJobData>(SLOTS_QUEUE, { connection, prefix, defaultJobOptions: { ...defaultJobOptions, attempts: 5, backoff: { type: 'exponential', delay: 5000 } } });
  const outboxOf = (channel: ChannelName) =>
    new Queue<OutboxJob>(OUTBOX_QUEUES[channel], {
      connection,
      prefix,
      defaultJobOptions: { ...defaultJobOptions, attempts: OUTBOX_ATTEMPTS, backoff: { type: 'exponential', delay: 2000 } },
    });
  const outbox = Object.fromEntries(CHANNEL_NAMES.map((c) => [c, outboxOf(c)])) as Record<ChannelName, Queue<OutboxJob>>;
  for (const queue of [slots, ...Object.values(outbox)]) queue.on('error', onError);
  return {
    slots,
    outbox,
    async close() {
      await Promise.all([slots.close(), ...Object.values(outbox).map((q) => q.close())]);
    },
  };
}

/** Deterministic ids: the same slot at the same time is one job, a moved slot is a new one. */
export function slotJobId(job: SlotJob): string {
  return `slot-${job.campaignId}-${job.slotKey}-${job.sendAtMs}`;
}

/**
 * One job per generation of a delivery: `resendCount` is how many times it was queued
 * again (after an interruption, or by «Gửi lại»); the job of an earlier generation may
 * still be kept in Redis (completed, failed) and must not stand in for the new one.
 */
export function deliveryJobId(deliveryId: string, resendCount = 0): string {
  return resendCount > 0 ? `delivery-${deliveryId}-r${resendCount}` : `delivery-${deliveryId}`;
}
