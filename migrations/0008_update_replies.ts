import { sql, type Kysely } from 'kysely';

/**
 * processed_updates.replied_at: when the reply to the event was shown (recorded in batches
 * a moment after). An event received again whose first handling committed but never
 * replied (the process died in between) is answered with where the report stands; one
 * that was replied to changes nothing and says nothing. Rows from before count as replied.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table processed_updates add column replied_at timestamptz`.execute(db);
  await sql`update processed_updates set replied_at = processed_at`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table processed_updates drop column replied_at`.execute(db);
}
