/**
 * A real deadlock between two transactions: Postgres aborts one of them, inTransaction
 * runs it again, and both changes are there once, as if they had not met.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import { inTransaction, isTransientConflict } from '../../src/db/transaction.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { eventually } from '../support/eventually.js';

let t: TestDb;
let db: Kysely<Database>;

beforeAll(async () => {
  t = await createTestDb('transaction_retry');
  db = t.db;
  await sql`create table deadlock_probe (id int primary key, v int not null)`.execute(db);
  await sql`insert into deadlock_probe values (1, 0), (2, 0)`.execute(db);
});

afterAll(() => t.drop());

describe('a transaction aborted to break a deadlock', () => {
  it('is run again and its change lands once', async () => {
    const locked = { a: false, b: false };
    const runs = { a: 0, b: 0 };
    const errors: unknown[] = [];
    // Each locks one row, waits (on its first run only) until the other holds the other row, then takes it.
    const side = (name: 'a' | 'b', first: number, second: number, other: 'a' | 'b') =>
      inTransaction(db, async (tx) => {
        const run = ++runs[name];
        await sql`set local deadlock_timeout = '50ms'`.execute(tx);
        await sql`update deadlock_probe set v = v + 1 where id = ${first}`.execute(tx);
        locked[name] = true;
        // The two transactions wait on each other's first lock this way.
        if (run === 1) await eventually(async () => locked[other], `${other} to hold its row`, 10_000, 5);
        try {
          await sql`update deadlock_probe set v = v + 1 where id = ${second}`.execute(tx);
        } catch (error) {
          errors.push(error);
          throw error;
        }
      });
    await Promise.all([side('a', 1, 2, 'b'), side('b', 2, 1, 'a')]);

    expect(errors).toHaveLength(1);
    expect(isTransientConflict(errors[0])).toBe(true);
    expect((errors[0] as { code: string }).code).toBe('40P01');
    expect(runs.a + runs.b).toBe(3);
    const rows = await sql<{ id: number; v: number }>`select id, v from deadlock_probe order by id`.execute(db);
    expect(rows.rows).toEqual([
      { id: 1, v: 2 },
      { id: 2, v: 2 },
    ]);
  });

  it('is not run again for any other error', async () => {
    let runs = 0;
    await expect(
      inTransaction(db, async (tx) => {
        runs++;
        await sql`insert into deadlock_probe values (1, 0)`.execute(tx);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(runs).toBe(1);
  });
});
