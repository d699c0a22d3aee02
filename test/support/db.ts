/**
 * A fresh database per test file, migrated to the latest schema, dropped at the end.
 * Files therefore run in parallel against the machine's real Postgres.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, ensureDatabase, type Db } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export const TEST_PG_SERVER = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

export interface TestDb {
  db: Db;
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDb(label = 'test'): Promise<TestDb> {
  const name = `baocao_${label.replace(/\W/g, '_')}_${process.pid}_${randomBytes(4).toString('hex')}`.toLowerCase();
  const url = `${TEST_PG_SERVER}/${name}`;
  await ensureDatabase(url);
  const db = createDb(url, { max: 10 });
  await migrateToLatest(db);
  return {
    db,
    url,
    name,
    async drop() {
      await db.destroy();
      await dropDatabase(name);
    },
  };
}

/** Drops database `name` of the test server, whoever is still connected to it. */
export async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: `${TEST_PG_SERVER}/postgres` });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}

/** Whether the server has a database of that name (asked as the CLI asks it, creating nothing). */
export function databaseExists(name: string): Promise<boolean> {
  return ensureDatabase(`${TEST_PG_SERVER}/${name}`, { create: false });
}

/** Other backends of `client`'s database waiting on a lock (a test holding a row sees who waits for it). */
export async function lockWaiters(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    "select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()",
  );
  return Number(rows[0]!.n);
}
