/** The two queues and what their jobs carry. */
import { Queue, type DefaultJobOptions } from 'bullmq';
import type { Redis } from 'ioredis';

/** Slot jobs: a round's announcement, reminders and escalation at their times; the daily digest. */
export const SLOTS_QUEUE = 'slots';
/** One job per delivery: the rate-limited sender. */
export const OUTBOX_QUEUE = 'outbox';

export type SlotJob = { campaignId: string; slotKey: string; sendAtMs: number };
export type DigestJob = Record<string, never>;
export type OutboxJob = { deliveryId: string };

/** Bounded history in Redis: Postgres keeps the real record of every delivery. */
export const defaultJobOptions: DefaultJobOptions = {
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
};

export const OUTBOX_ATTEMPTS = 6;

/** A delivery left in 'sending' this long was interrupted mid-send: its outcome is unknown. */
export const INTERRUPTED_GRACE_MS = 10 * 60 * 1000;
/**
 * The job scheduler that marks such deliveries failed while the process runs: a crash
 * followed by a quick restart (within the grace period) must not leave them 'sending' for good.
 */
export const SWEEP_SCHEDULER = 'interrupted-deliveries';
export const SWEEP_EVERY_MS = 60 * 1000;

export interface Queues {
  slots: Queue<SlotJob | DigestJob>;
  outbox: Queue<OutboxJob>;
  close(): Promise<void>;
}

export function createQueues(connection: Redis, prefix: string): Queues {
  const slots = new Queue<SlotJob | DigestJob>(SLOTS_QUEUE, { connection, prefix, defaultJobOptions: { ...defaultJobOptions, attempts: 5, backoff: { type: 'exponential', delay: 5000 } } });
  const outbox = new Queue<OutboxJob>(OUTBOX_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: { ...defaultJobOptions, attempts: OUTBOX_ATTEMPTS, backoff: { type: 'exponential', delay: 2000 } },
  });
  return {
    slots,
    outbox,
    async close() {
      await Promise.all([slots.close(), outbox.close()]);
    },
  };
}

/** Deterministic ids: the same slot at the same time is one job, a moved slot is a new one. */
export function slotJobId(job: SlotJob): string {
  return `slot-${job.campaignId}-${job.slotKey}-${job.sendAtMs}`;
}

export function deliveryJobId(deliveryId: string): string {
  return `delivery-${deliveryId}`;
}
