/**
 * migrations/0010_identity_unreachable.ts on a database of the version before (migrated
 * to 0009) whose people carry unreachable marks: each mark lands on the account the
 * ledger shows refused the message, or on every account of the person when the ledger
 * cannot tell; the people columns stay for a replica of the version before; the
 * delivery choice then uses the other account; reverting gives the version before a
 * person mark only where every account is marked.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelName } from '../../src/chat/port.js';
import { createDb, ensureDatabase } from '../../src/db/connect.js';
import { createMigrator, migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { fanOutSlot } from '../../src/services/deliveries.js';
import { dropDatabase, TEST_PG_SERVER } from '../support/db.js';
import { at, insertCampaign, insertOrg, insertPerson, seedForms } from '../support/fixtures.js';

const name = `baocao_migration_0010_${process.pid}_${randomBytes(4).toString('hex')}`;
let db: Kysely<Database>;
let campaignId: string;
const people: Record<string, string> = {};
const MARKED_AT = at('2026-12-10T08:00');
const BLOCKED = 'Forbidden: bot was blocked by the user';

/** A failed delivery as the version before recorded a refusal: `channel` null for rows older than channels. */
async function refusal(personId: string, slotKey: string, channel: ChannelName | null, updatedAt: Date): Promise<void> {
  await sql`insert into deliveries (campaign_id, slot_key, person_id, kind, status, reason, failure, channel, created_at, updated_at)
    values (${campaignId}, ${slotKey}, ${personId}, 'digest', 'failed', ${`unreachable: ${BLOCKED}`}, 'unreachable', ${channel}, ${updatedAt}, ${updatedAt})`.execute(db);
}

async function markPerson(personId: string): Promise<void> {
  await sql`update people set unreachable_at = ${MARKED_AT}, unreachable_reason = ${BLOCKED} where id = ${personId}`.execute(db);
}

async function accountMarks(personId: string) {
  const { rows } = await sql<{ channel: string; unreachable_at: Date | null; unreachable_reason: string | null }>`
    select channel, unreachable_at, unreachable_reason from identities where person_id = ${personId} order by channel`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.channel, r.unreachable_at && [r.unreachable_at.toISOString(), r.unreachable_reason]]));
}

async function personMark(personId: string) {
  const { rows } = await sql<{ unreachable_at: Date | null }>`select unreachable_at from people where id = ${personId}`.execute(db);
  return rows[0]!.unreachable_at;
}

beforeAll(async () => {
  const url = `${TEST_PG_SERVER}/${name}`;
  await ensureDatabase(url);
  db = createDb(url, { max: 4 });
  const result = await createMigrator(db).migrateTo('0009_shown_prompts');
  expect(result.error).toBeUndefined();
  await seedForms(db);
  const org = await insertOrg(db, { code: 'M1' });
  campaignId = await insertCampaign(db, { orgCodes: ['M1'] });
  // Refused on Zalo a moment after its mark was set, as the outbox records it.
  people.zaloRefused = await insertPerson(db, { telegramUserId: 750_001, zaloUserId: 'z750001', orgIds: [org] });
  await markPerson(people.zaloRefused);
  await refusal(people.zaloRefused, 'd-1', 'zalo', new Date(MARKED_AT.getTime() + 5));
  // An older Telegram refusal (they wrote since) does not count against this mark.
  await refusal(people.zaloRefused, 'd-0', 'telegram', at('2026-11-01T08:00'));
  // Marked without a refusal on record: every account keeps the mark.
  people.unknown = await insertPerson(db, { telegramUserId: 750_002, zaloUserId: 'z750002', orgIds: [org] });
  await markPerson(people.unknown);
  await refusal(people.unknown, 'd-0', 'zalo', at('2026-11-01T08:00'));
  // Both apps refused in that moment.
  people.bothRefused = await insertPerson(db, { telegramUserId: 750_003, zaloUserId: 'z750003', orgIds: [org] });
  await markPerson(people.bothRefused);
  await refusal(people.bothRefused, 'd-1', 'telegram', MARKED_AT);
  await refusal(people.bothRefused, 'd-2', 'zalo', new Date(MARKED_AT.getTime() + 30_000));
  // A row from before channels: Telegram's.
  people.legacy = await insertPerson(db, { telegramUserId: 750_004, zaloUserId: 'z750004', orgIds: [org] });
  await markPerson(people.legacy);
  await refusal(people.legacy, 'd-1', null, MARKED_AT);
  // Never marked, though refused once long ago and written since.
  people.reachable = await insertPerson(db, { telegramUserId: 750_005, zaloUserId: 'z750005', orgIds: [org] });
  await refusal(people.reachable, 'd-0', 'zalo', at('2026-11-01T08:00'));
  // Zalo the account each last wrote from.
  await sql`update identities set last_seen_at = case when channel = 'zalo' then ${at('2026-12-05T08:00')}::timestamptz else ${at('2026-12-01T08:00')}::timestamptz end`.execute(db);
});

afterAll(async () => {
  await db?.destroy();
  await dropDatabase(name);
});

describe('migration 0010: unreachable moves from people to their accounts', () => {
  const mark = [MARKED_AT.toISOString(), BLOCKED];

  it('puts each mark on the account the ledger shows refused it, or on every account when it cannot tell', async () => {
    expect(await migrateToLatest(db)).toContain('0010_identity_unreachable');
    expect(await accountMarks(people.zaloRefused!)).toEqual({ telegram: null, zalo: mark });
    expect(await accountMarks(people.unknown!)).toEqual({ telegram: mark, zalo: mark });
    expect(await accountMarks(people.bothRefused!)).toEqual({ telegram: mark, zalo: mark });
    expect(await accountMarks(people.legacy!)).toEqual({ telegram: mark, zalo: null });
    expect(await accountMarks(people.reachable!)).toEqual({ telegram: null, zalo: null });
  });

  it('keeps the people columns as they were, for a replica of the version before', async () => {
    const columns = await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'people' and column_name like 'unreachable%' order by 1`.execute(db);
    expect(columns.rows.map((c) => c.column_name)).toEqual(['unreachable_at', 'unreachable_reason']);
    expect(await personMark(people.zaloRefused!)).toEqual(MARKED_AT);
    expect(await personMark(people.reachable!)).toBeNull();
  });

  it('deliveries then take the account that was not refused, and skip only those refused on every one', async () => {
    const sendAt = at('2026-12-11T08:00');
    await db.insertInto('reminder_slots').values({ campaign_id: campaignId, slot_key: 'manual-after', kind: 'reminder', send_at: sendAt }).execute();
    const channels: ChannelName[] = ['telegram', 'zalo'];
    expect(await fanOutSlot(db, { campaignId, slotKey: 'manual-after', sendAt, adminIds: [], channels }, sendAt)).toEqual({ kind: 'done', created: 5 });
    const rows = await db.selectFrom('deliveries').select(['person_id', 'channel', 'status', 'reason']).where('slot_key', '=', 'manual-after').execute();
    const of = (personId: string) => {
      const row = rows.find((r) => r.person_id === personId)!;
      return [row.channel, row.status, row.reason];
    };
    expect(of(people.zaloRefused!)).toEqual(['telegram', 'queued', null]);
    expect(of(people.unknown!)).toEqual(['zalo', 'skipped', 'unreachable']);
    expect(of(people.bothRefused!)).toEqual(['zalo', 'skipped', 'unreachable']);
    expect(of(people.legacy!)).toEqual(['zalo', 'queued', null]);
    expect(of(people.reachable!)).toEqual(['zalo', 'queued', null]);
  });

  it('reverted, the version before finds a person marked only where every account is', async () => {
    // Meanwhile (this version) the person refused on Zalo was also refused on Telegram.
    await sql`update identities set unreachable_at = ${at('2026-12-11T09:00')}, unreachable_reason = 'gone' where person_id = ${people.zaloRefused} and channel = 'telegram'`.execute(db);
    const down = await createMigrator(db).migrateTo('0009_shown_prompts');
    expect(down.error).toBeUndefined();
    const columns = await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'identities' and column_name like 'unreachable%'`.execute(db);
    expect(columns.rows).toEqual([]);
    // The latest of its accounts' marks.
    expect(await personMark(people.zaloRefused!)).toEqual(at('2026-12-11T09:00'));
    expect(await personMark(people.unknown!)).toEqual(MARKED_AT);
    expect(await personMark(people.legacy!)).toBeNull();
    expect(await personMark(people.reachable!)).toBeNull();
    // And forward again: nothing refused is lost on the way.
    await migrateToLatest(db);
    expect(await accountMarks(people.unknown!)).toEqual({ telegram: mark, zalo: mark });
  });
});
