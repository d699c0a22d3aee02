/**
 * Transactions that Postgres aborts to resolve a conflict between them — a deadlock (two
 * writers locking rows in opposite orders, e.g. an organization import recounting the
 * figures while a secretary submits), or a serialization failure — are run again: nothing
 * of them was committed, and a second run usually goes through. Postgres's own advice for
 * these two errors; every other error fails as before.
 */
import type { Kysely, Transaction } from 'kysely';

/** deadlock_detected, serialization_failure. */
const TRANSIENT_CONFLICTS = new Set(['40P01', '40001']);
const ATTEMPTS = 3;
/** The pause before a run again grows with each attempt, jittered so the two sides do not collide again. */
const PAUSE_MS = 20;

export function isTransientConflict(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && TRANSIENT_CONFLICTS.has(code);
}

/** Runs `attempt` again (up to ATTEMPTS in all) when it fails with a transient conflict. */
async function retryingConflicts<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransientConflict(error) || n >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS * n * (0.5 + Math.random())));
    }
  }
}

/**
 * `db.transaction().execute(work)`, run again after a transient conflict. `work` may run
 * more than once, so it does nothing but database work in `tx` (the scheduler, queues and
 * messages come after the commit, as they must anyway).
 */
export function inTransaction<D, T>(db: Kysely<D>, work: (tx: Transaction<D>) => Promise<T>): Promise<T> {
  return retryingConflicts(() => db.transaction().execute(work));
}
