import { sql, type Kysely } from 'kysely';

/**
 * processed_updates.replied_at: when the reply to the event was shown (recorded in batches
 * a moment after). An event received again whose first handling committed but never
 * replied (the process died in between) is answered with where the report stands; one
 * that was replied to changes nothing and says nothing.
 *
 * On a live database: the rows from before count as replied through the column's default
 * at the time it is added (a stored "missing value": no row is rewritten, the lock is held
 * for an instant), and the default is dropped so that new rows start unreplied. Each row is
 * now updated once after it is written: room left on its page keeps that a HOT update.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table processed_updates add column replied_at timestamptz default now()`.execute(db);
  await sql`alter table processed_updates alter column replied_at drop default`.execute(db);
  await sql`alter table processed_updates set (fillfactor = 70)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table processed_updates reset (fillfactor)`.execute(db);
  await sql`alter table processed_updates drop column replied_at`.execute(db);
}
