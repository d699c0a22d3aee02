/**
 * Several reads that must add up (a workbook's totals sheet and its rows), taken from one
 * snapshot: a read-only repeatable-read transaction, so a report submitted while a file is
 * being written appears in all of its parts or in none.
 */
import type { Kysely } from 'kysely';

export function inOneSnapshot<D, T>(db: Kysely<D>, read: (snapshot: Kysely<D>) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(read);
}
