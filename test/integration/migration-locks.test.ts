/**
 * A migration on a live database, against the real Postgres: a second connection holds a
 * long transaction on a table a test migration must alter. The migration waits at most its
 * lock_timeout, is rolled back (the queries queued behind it go through meanwhile) and
 * tried again; once the transaction ends it goes through, and if it never ends the start is
 * refused in words, nothing changed.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { MigrationLockError, migrateToLatest, type LockWait } from '../../src/db/migrate.js';
import { createTestDb, lockWaiters, type TestDb } from '../support/db.js';
import { eventually } from '../support/eventually.js';

let t: TestDb;
let holder: pg.Client;

const NEEDS_LOCK = '9000_test_alters_lock_probe';
const LOCK_TIMEOUT_MS = 300;
/** The lock_timeout each run of the test migration saw. */
const seen: string[] = [];

/** This version's migrations, and one more that needs an ACCESS EXCLUSIVE lock on lock_probe. */
const withTestMigration: Record<string, Migration> = {
  ...migrations,
  [NEEDS_LOCK]: {
    up: async (db: Kysely<any>) => {
      const { rows } = await sql<{ setting: string }>`select current_setting('lock_timeout') as setting`.execute(db);
      seen.push(rows[0]!.setting);
      await sql`alter table lock_probe add column added integer`.execute(db);
    },
  },
};

const options = (waits: LockWait[], onWait: (wait: LockWait) => void = () => undefined) => ({
  migrations: withTestMigration,
  lockTimeoutMs: LOCK_TIMEOUT_MS,
  lockAttempts: 3,
  lockPauseMs: 100,
  onLockWait: (wait: LockWait) => {
    waits.push(wait);
    onWait(wait);
  },
});

async function applied(): Promise<boolean> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from kysely_migration where name = ${NEEDS_LOCK}`.execute(t.db);
  return rows[0]!.n === '1';
}

async function hasColumn(): Promise<boolean> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from information_schema.columns where table_name = 'lock_probe' and column_name = 'added'`.execute(t.db);
  return rows[0]!.n === '1';
}

/** The second connection reads lock_probe in a transaction it keeps open: ACCESS SHARE, until commit. */
async function holdLock(): Promise<void> {
  await holder.query('begin');
  await holder.query('select * from lock_probe');
}

beforeAll(async () => {
  t = await createTestDb('migration_locks');
  await sql`create table lock_probe (id integer)`.execute(t.db);
  await sql`insert into lock_probe values (1)`.execute(t.db);
  holder = new pg.Client({ connectionString: t.url });
  await holder.connect();
});

afterEach(async () => {
  await holder.query('rollback');
  seen.length = 0;
});

afterAll(async () => {
  await holder?.end();
  await t?.drop();
});

describe('a migration behind a long transaction', () => {
  it('waits at most lock_timeout, lets the queries queued behind it through, and after its last attempt is refused in words, nothing changed', async () => {
    await holdLock();
    const waits: LockWait[] = [];
    const startedAt = Date.now();
    const migrating = migrateToLatest(t.db, options(waits)).catch((error: unknown) => error);
    // The migration waits for its lock; a query that comes after it queues behind it …
    await eventually(async () => (await lockWaiters(holder)) >= 1, 'the migration to wait for its lock');
    // … and is answered as soon as the migration gives up, while the long transaction still holds the table.
    const { rows } = await sql<{ n: string }>`select count(*) as n from lock_probe`.execute(t.db);
    expect(rows[0]!.n).toBe('1');

    const refusal = await migrating;
    expect(refusal).toBeInstanceOf(MigrationLockError);
    expect((refusal as MigrationLockError).migration).toBe(NEEDS_LOCK);
    expect((refusal as Error).message).toMatch(/^Chưa nâng cấp được cơ sở dữ liệu: migration 9000_test_alters_lock_probe đã 3 lần chờ khoá quá 0.3 giây/);
    expect((refusal as Error).message).toContain('pg_stat_activity');
    expect(((refusal as Error).cause as { code?: string }).code).toBe('55P03');
    // Tried three times, each within its lock_timeout; told twice, before each attempt again.
    expect(seen).toEqual(['300ms', '300ms', '300ms']);
    expect(waits).toEqual([
      { migration: NEEDS_LOCK, attempt: 1, attempts: 3, lockTimeoutMs: LOCK_TIMEOUT_MS, pauseMs: 100 },
      { migration: NEEDS_LOCK, attempt: 2, attempts: 3, lockTimeoutMs: LOCK_TIMEOUT_MS, pauseMs: 100 },
    ]);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(await applied()).toBe(false);
    expect(await hasColumn()).toBe(false);
  });

  it('goes through on the attempt after the long transaction ended', async () => {
    await holdLock();
    const waits: LockWait[] = [];
    // The long transaction ends while the migration pauses after its first attempt.
    const result = await migrateToLatest(t.db, options(waits, () => void holder.query('commit')));
    expect(result).toEqual([NEEDS_LOCK]);
    expect(waits.map((w) => w.attempt)).toEqual([1]);
    expect(seen).toEqual(['300ms', '300ms']);
    expect(await applied()).toBe(true);
    expect(await hasColumn()).toBe(true);
    // Nothing to do the next time, and nothing waits.
    expect(await migrateToLatest(t.db, options([]))).toEqual([]);
  });
});
