/**
 * The outbox: sends one delivery per job, within Telegram's limits. The worker's
 * limiter keeps the overall rate under OUTBOX_MAX_PER_SECOND; a 429 pauses the
 * whole queue for retry_after; network and 5xx errors retry with backoff; a 403
 * marks the person unreachable. Every outcome is written to the ledger.
 *
 * Quiet hours and holidays are enforced here too, at the moment of sending: a slot
 * planned at 08:00 can still reach the outbox at 23:00 (a restart after an outage,
 * a fan-out of thousands that runs past 21:00); its jobs wait for the next allowed time.
 */
import { DelayedError, Worker, type Job } from 'bullmq';
import { Api, GrammyError, HttpError, InlineKeyboard } from 'grammy';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { encodeAction } from '../src/chat/callbackData.js';
import type { Database } from '../src/db/schema.js';
import type { Logger } from '../src/logger.js';
import { composeDelivery, type ComposedMessage } from '../src/reminders/compose.js';
import { nextAllowedTime, type ReminderPolicy } from '../src/reminders/plan.js';
import { claimDelivery, markUnreachable, queuedDelivery, recordOutcome, type DeliveryOutcome } from '../src/services/deliveries.js';
import type { FormCache } from '../src/services/forms.js';
import type { Clock } from '../src/time.js';
import { OUTBOX_ATTEMPTS, OUTBOX_QUEUE, type OutboxJob, type Queues } from './queues.js';

export interface OutboxDeps {
  db: Kysely<Database>;
  forms: FormCache;
  clock: Clock;
  logger: Logger;
  api: Api;
  queues: Queues;
  /** Quiet hours and holidays: the worker sends nothing then. Without it, it sends at any hour. */
  policy?: ReminderPolicy;
}

/** What the worker does with a Telegram error; exported for its tests. */
export type SendFailure =
  | { action: 'rate_limited'; retryAfterMs: number }
  | { action: 'unreachable'; reason: string }
  | { action: 'failed'; reason: string }
  | { action: 'retry'; reason: string };

export function classifySendError(error: unknown): SendFailure {
  if (error instanceof GrammyError) {
    if (error.error_code === 429) return { action: 'rate_limited', retryAfterMs: Math.max(1, error.parameters.retry_after ?? 1) * 1000 };
    if (error.error_code === 403) return { action: 'unreachable', reason: error.description };
    if (error.error_code >= 500) return { action: 'retry', reason: error.description };
    return { action: 'failed', reason: error.description };
  }
  if (error instanceof HttpError) return { action: 'retry', reason: error.message };
  throw error;
}

function keyboardOf(message: ComposedMessage): InlineKeyboard | undefined {
  if (message.buttons.length === 0) return undefined;
  const keyboard = new InlineKeyboard();
  for (const row of message.buttons) {
    for (const button of row) keyboard.text(button.label, encodeAction(button.action));
    keyboard.row();
  }
  return keyboard;
}

export async function deliver(deps: OutboxDeps, job: Pick<Job<OutboxJob>, 'data' | 'attemptsMade'>): Promise<string> {
  const { db, clock } = deps;
  // Everything that can be decided without Telegram is decided on the queued row: a crash or
  // an error here (Postgres, a form that will not load) leaves it queued and the retry sends it.
  // Only the call to Telegram runs in 'sending', the one moment whose outcome a crash hides.
  const delivery = await queuedDelivery(db, job.data.deliveryId);
  if (!delivery) return 'already handled';
  const composition = delivery.unreachable_at ? ({ kind: 'skip', reason: 'unreachable' } as const) : await composeDelivery({ db, forms: deps.forms }, delivery, clock.now());
  if (composition.kind === 'skip') {
    const recorded = await recordOutcome(db, delivery.id, { status: 'skipped', reason: composition.reason }, clock.now(), 'queued');
    return recorded ? 'skipped' : 'already handled';
  }
  if (!(await claimDelivery(db, delivery.id, clock.now()))) return 'already handled';
  const finish = async (outcome: DeliveryOutcome) => {
    await recordOutcome(db, delivery.id, outcome, clock.now());
    return outcome.status;
  };

  try {
    const keyboard = keyboardOf(composition.message);
    const sent = await deps.api.sendMessage(Number(delivery.telegram_user_id), composition.message.text, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(keyboard ? { reply_markup: keyboard } : {}),
    });
    return finish({ status: 'sent', messageId: sent.message_id });
  } catch (error) {
    const failure = classifySendError(error);
    switch (failure.action) {
      case 'rate_limited':
        await finish({ status: 'queued', reason: 'rate limited by Telegram' });
        // Telegram asked every sender to wait: pause the whole queue, not just this job.
        await deps.queues.outbox.rateLimit(failure.retryAfterMs);
        throw Worker.RateLimitError();
      case 'unreachable':
        await markUnreachable(db, delivery.person_id, failure.reason, clock.now());
        return finish({ status: 'failed', reason: `unreachable: ${failure.reason}` });
      case 'failed':
        return finish({ status: 'failed', reason: failure.reason });
      case 'retry':
        if (job.attemptsMade + 1 >= OUTBOX_ATTEMPTS) return finish({ status: 'failed', reason: failure.reason });
        await finish({ status: 'queued', reason: failure.reason });
        throw error;
    }
  }
}

/** How long sending must wait now for quiet hours or a holiday to end; 0 when it may send. */
export function quietWaitMs(deps: Pick<OutboxDeps, 'clock' | 'policy'>): number {
  if (!deps.policy) return 0;
  const now = deps.clock.now();
  return nextAllowedTime(now, deps.policy).getTime() - now.getTime();
}

export function startOutboxWorker(deps: OutboxDeps, options: { connection: Redis; prefix: string; maxPerSecond: number; concurrency?: number }): Worker<OutboxJob> {
  const processJob = async (job: Job<OutboxJob>, token?: string): Promise<string> => {
    const wait = quietWaitMs(deps);
    if (wait > 0) {
      // Not an attempt: the job sleeps until the morning (or the day after a holiday), the row stays queued.
      await job.moveToDelayed(Date.now() + wait, token);
      throw new DelayedError();
    }
    return deliver(deps, job);
  };
  const worker = new Worker<OutboxJob>(OUTBOX_QUEUE, processJob, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 16,
    limiter: { max: options.maxPerSecond, duration: 1000 },
  });
  worker.on('failed', (job, err) => deps.logger.warn({ err, jobId: job?.id }, 'delivery attempt failed'));
  return worker;
}
