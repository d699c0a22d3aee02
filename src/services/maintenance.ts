/** Housekeeping that keeps tables from growing without bound. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * Telegram redelivers an update only within a day or so; a week of update ids is
 * ample to recognise duplicates, and older rows are only weight.
 */
export async function pruneProcessedUpdates(db: Kysely<Database>, now: Date, keepDays = 7): Promise<number> {
  const result = await db
    .deleteFrom('processed_updates')
    .where('processed_at', '<', sql<Date>`${now}::timestamptz - make_interval(days => ${keepDays})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Whether the database answers: for the health endpoint. */
export async function databaseAnswers(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
