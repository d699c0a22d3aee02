import { sql, type Kysely } from 'kysely';

/**
 * Deliveries caught in flight by a crash are sent again (at least once) instead of
 * being marked failed, and admins see every delivery that failed or may have arrived
 * twice (/dot N) and can have them sent again (Gửi lại).
 *
 * - maybe_duplicate: the delivery was interrupted while sending (the chat app may have
 *   received it) and was queued again; stays true once set.
 * - resend_count: how many times it was put back in the queue after an interruption or
 *   by an admin; the outbox job of each generation has its own id (delivery-<id>-r<n>).
 * - resent_at: when it was last put back; equal to updated_at while it waits untouched.
 * - failure: what kind of failure a 'failed' row records, which decides whether Gửi lại
 *   may send it again: 'unreachable' (blocked the bot, deleted account: once the person
 *   writes again), 'rejected' (the chat app refused the message: once the person wrote
 *   since), 'transient' (network or server errors until the attempts ran out) and
 *   'interrupted' (gave up resending after repeated interruptions).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table deliveries
    add column maybe_duplicate boolean not null default false,
    add column resend_count integer not null default 0,
    add column resent_at timestamptz,
    add column failure text check (failure in ('unreachable', 'rejected', 'transient', 'interrupted'))`.execute(db);
  // Rows failed before: their kind from the reason. Those interrupted may have been sent.
  await sql`update deliveries set
      failure = case when reason like 'unreachable:%' then 'unreachable'
                     when reason like 'interrupted while sending%' then 'interrupted'
                     else 'rejected' end,
      maybe_duplicate = (reason like 'interrupted while sending%')
    where status = 'failed'`.execute(db);
  // What /dot N lists per round: failed, maybe doubled, or skipped because the person was unreachable.
  await sql`create index deliveries_problems_idx on deliveries (campaign_id)
    where status = 'failed' or maybe_duplicate or (status = 'skipped' and reason = 'unreachable')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists deliveries_problems_idx`.execute(db);
  await sql`alter table deliveries
    drop column failure,
    drop column resent_at,
    drop column resend_count,
    drop column maybe_duplicate`.execute(db);
}
