/**
 * What use cases need from the reminder machinery, without knowing BullMQ:
 * after a round is created or changed, its slots are re-planned in Postgres and
 * the delayed jobs in Redis are brought in line. Implemented in jobs/scheduler.ts.
 */
export interface RoundScheduler {
  /** Re-plans the unsent slots of the round from its current times and plan, and reconciles its jobs. */
  campaignChanged(campaignId: string): Promise<void>;
  /** The round's deliveries put back in the queue in Postgres («Gửi lại») get their jobs now. */
  deliveriesRequeued(campaignId: string): Promise<void>;
  /** An extra reminder now to the round's organizations that have not submitted. */
  remindNow(campaignId: string, actor: string): Promise<RemindNowResult>;
}

/** What "Nhắc ngay" did; the refusals are the policy's remindNowDecision (src/reminders/policy.ts). */
export type RemindNowResult =
  | { kind: 'queued'; organizations: number }
  | { kind: 'none_missing' }
  /** Not opened yet, or closed: a reminder would precede the announcement or follow the end. */
  | { kind: 'not_open' }
  /** Someone asked minutes ago (a double tap, two admins at once): once is enough. */
  | { kind: 'too_soon'; lastAt: Date }
  /** The round's announcement or reminders still have `waiting` deliveries queued: a reminder now would arrive on top of them. */
  | { kind: 'busy'; waiting: number };
