import { sql, type Kysely } from 'kysely';

/**
 * A message longer than its channel's limit is sent as several parts (Zalo: 2,000
 * characters, Telegram: 4,096). A delivery now remembers how far it got, so a retry
 * after part 2 of 3 failed sends parts 2 and 3, not part 1 again:
 *
 * - parts_sent: how many of its parts the channel took, written after each part but the
 *   last (whose record is the delivery's outcome). A part sent by a process killed before
 *   this was written is sent again: at most one part twice, never one lost; such a row is
 *   the interrupted one that is queued again with maybe_duplicate.
 * - parts: the parts themselves as the channel sends them, with the channel and chat
 *   they were made for ({ channel, to, parts: [{ text, options? }] }), kept from the
 *   first part on. The rest of a begun message is sent from them, never from a new
 *   rendering: what a message says is read at sending (an escalation's list shrinks as
 *   organizations submit), and part 2 of a different text would not follow part 1.
 *
 * A column with a constant default and a nullable one: no row is rewritten.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table deliveries
    add column parts_sent integer not null default 0,
    add column parts jsonb`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table deliveries drop column parts, drop column parts_sent`.execute(db);
}
