import { sql, type Kysely } from 'kysely';

/**
 * Where the bot last showed a person their report's prompt: the report and step, the
 * channel, and the message's place in that chat's order (Telegram: its message id, one
 * sequence per private chat for both sides; Zalo: its date in milliseconds, by Zalo's
 * clock). A typed message placed before it was sent before that question was shown and
 * must not answer it — told apart even after a restart, on another replica, or when the
 * platform delivers a message again minutes later. Recorded in batches a moment after
 * the prompt is shown (services/processedUpdates.ts); adding nullable columns rewrites
 * no row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table people
    add column shown_channel text,
    add column shown_submission_id bigint,
    add column shown_step integer,
    add column shown_order bigint`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table people drop column shown_channel, drop column shown_submission_id, drop column shown_step, drop column shown_order`.execute(db);
}
