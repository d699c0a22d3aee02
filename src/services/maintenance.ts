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

/** A probe's answer, or false once `ms` have passed: a readiness check answers within its time, whatever hangs. */
export function answersWithin(probe: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([probe.catch(() => false), late]).finally(() => clearTimeout(timer));
}
