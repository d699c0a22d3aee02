/**
 * A part of a transaction that may be refused without refusing the rest: the refused
 * part's writes are undone (rollback to savepoint), the transaction goes on and can
 * record why, so one event stays one transaction even when its use case says no.
 */
import { sql, type Kysely } from 'kysely';

let counter = 0;

export async function withSavepoint<T, D>(tx: Kysely<D>, part: () => Promise<T>, refused: (error: unknown) => boolean): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  const name = sql.raw(`part_${++counter}`);
  await sql`savepoint ${name}`.execute(tx);
  try {
    const value = await part();
    await sql`release savepoint ${name}`.execute(tx);
    return { ok: true, value };
  } catch (error) {
    if (!refused(error)) throw error;
    await sql`rollback to savepoint ${name}`.execute(tx);
    return { ok: false, error };
  }
}
