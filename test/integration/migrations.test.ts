/**
 * Upgrading with several processes: the database a newer version has migrated further is
 * used as it is by a process of the version before (a rolling upgrade, a replica that
 * restarts meanwhile), with a warning, and nothing is applied; one migrated by another
 * line of versions (it lacks one of this version's migrations) is refused in words.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { ForeignSchemaError, migrateToLatest } from '../../src/db/migrate.js';
import { createTestDb, type TestDb } from '../support/db.js';

let t: TestDb;
const latest = Object.keys(migrations).at(-1)!;

beforeAll(async () => {
  t = await createTestDb('migrations');
});

afterAll(async () => {
  await t?.drop();
});

describe('migrateToLatest', () => {
  it('on a database already at this version applies nothing and says nothing', async () => {
    const ahead: string[][] = [];
    expect(await migrateToLatest(t.db, { onAhead: (unknown) => ahead.push(unknown) })).toEqual([]);
    expect(ahead).toEqual([]);
  });

  it('on a database a newer version migrated further: runs on it as it is, naming what it does not know', async () => {
    await sql`insert into kysely_migration (name, timestamp) values ('9999_from_a_newer_version', now())`.execute(t.db);
    const ahead: string[][] = [];
    expect(await migrateToLatest(t.db, { onAhead: (unknown) => ahead.push(unknown) })).toEqual([]);
    expect(ahead).toEqual([['9999_from_a_newer_version']]);
  });

  it('on a database of another line of versions (one of ours missing): refused, naming both', async () => {
    await sql`delete from kysely_migration where name = ${latest}`.execute(t.db);
    const refusal = await migrateToLatest(t.db).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ForeignSchemaError);
    expect((refusal as Error).message).toContain('9999_from_a_newer_version');
    expect((refusal as Error).message).toContain(latest);
    expect((refusal as Error).message).toMatch(/^Cơ sở dữ liệu đã chạy migration mà phiên bản này không có/);
  });
});
