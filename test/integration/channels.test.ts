/**
 * Two chat channels against the real Postgres: the 0003 migration that turns
 * Telegram-only rows into identities, the channel each delivery goes through,
 * linking a second account to a person (and merging two people), the look-up of
 * who wrote, and processed updates keyed by channel.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelName, Identity } from '../../src/chat/port.js';
import { createDb, ensureDatabase } from '../../src/db/connect.js';
import { createMigrator, migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { fanOutSlot, queuedDelivery, queuedDeliveryIds } from '../../src/services/deliveries.js';
import { createLinkCode, LINK_CODE_TTL_MS, redeemLinkCode } from '../../src/services/links.js';
import { findPersonByIdentity, upsertPerson } from '../../src/services/people.js';
import { markUpdateProcessed } from '../../src/services/processedUpdates.js';
import { createTestDb, dropDatabase, TEST_PG_SERVER, type TestDb } from '../support/db.js';
import { at, insertCampaign, insertOrg, insertPerson, seedForms } from '../support/fixtures.js';

let t: TestDb;
let db: Kysely<Database>;

beforeAll(async () => {
  t = await createTestDb('channels');
  db = t.db;
  await seedForms(db);
});

afterAll(async () => {
  await t?.drop();
});

const tg = (id: number | string): Identity => ({ channel: 'telegram', externalId: String(id) });
const zl = (id: string): Identity => ({ channel: 'zalo', externalId: id });
const byKey = (a: Identity, b: Identity) => `${a.channel}:${a.externalId}`.localeCompare(`${b.channel}:${b.externalId}`);

async function identitiesOf(personId: string) {
  const rows = await db.selectFrom('identities').select(['channel', 'external_id']).where('person_id', '=', personId).orderBy('channel').orderBy('external_id').execute();
  return rows.map((r) => `${r.channel}:${r.external_id}`);
}

async function setLastSeen(identity: Identity, lastSeenAt: Date | null, createdAt?: Date): Promise<void> {
  await db
    .updateTable('identities')
    .set({ last_seen_at: lastSeenAt, ...(createdAt ? { created_at: createdAt } : {}) })
    .where('channel', '=', identity.channel)
    .where('external_id', '=', identity.externalId)
    .execute();
}

async function lastSeen(identity: Identity): Promise<Date | null> {
  const row = await db
    .selectFrom('identities')
    .select('last_seen_at')
    .where('channel', '=', identity.channel)
    .where('external_id', '=', identity.externalId)
    .executeTakeFirstOrThrow();
  return row.last_seen_at;
}

/** A slot of the round that fanOutSlot can take (a manual reminder: no superseding rules apply). */
async function addSlot(campaignId: string, slotKey: string, kind: 'reminder' | 'digest', sendAt: Date): Promise<void> {
  await db.insertInto('reminder_slots').values({ campaign_id: campaignId, slot_key: slotKey, kind, send_at: sendAt }).execute();
}

describe('migration 0003: a Telegram-only database keeps its people, deliveries and processed updates', () => {
  const name = `baocao_channels_migration_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = `${TEST_PG_SERVER}/${name}`;
  let old: Kysely<Database>;
  const TELEGRAM_ID = '123456789012';
  const created = new Date('2026-10-01T02:00:00Z');
  const seen = new Date('2026-11-20T03:00:00Z');
  let personId: string;
  let sentId: string;
  let queuedId: string;

  beforeAll(async () => {
    await ensureDatabase(url);
    old = createDb(url, { max: 4 });
    const result = await createMigrator(old).migrateTo('0002_reminders');
    expect(result.error).toBeUndefined();
    expect(result.results?.map((r) => [r.migrationName, r.status])).toEqual([
      ['0001_core', 'Success'],
      ['0002_reminders', 'Success'],
    ]);
    // Rows as the bot wrote them before channels existed.
    const person = await sql<{ id: string }>`insert into people (telegram_user_id, display_name, created_at, last_seen_at)
      values (${TELEGRAM_ID}, 'Bí thư cũ', ${created}, ${seen}) returning id`.execute(old);
    personId = person.rows[0]!.id;
    const org = await sql<{ id: string }>`insert into organizations (code, name, type) values ('OLD1', 'Chi bộ cũ', 'chi_bo_co_so') returning id`.execute(old);
    await sql`insert into memberships (person_id, organization_id) values (${personId}, ${org.rows[0]!.id})`.execute(old);
    await sql`insert into forms (id, version, title, definition, content_hash) values ('f', 1, 'Biểu mẫu', '{}'::jsonb, 'h')`.execute(old);
    const campaign = await sql<{ id: string }>`insert into campaigns (form_id, form_version, period_label, opens_at, due_at)
      values ('f', 1, 'Năm 2026', ${at('2026-12-01T08:00')}, ${at('2026-12-15T17:00')}) returning id`.execute(old);
    const campaignId = campaign.rows[0]!.id;
    const sent = await sql<{ id: string }>`insert into deliveries (campaign_id, slot_key, organization_id, person_id, kind, status, telegram_message_id, sent_at)
      values (${campaignId}, 'announce', ${org.rows[0]!.id}, ${personId}, 'announcement', 'sent', 9007199254740993, now()) returning id`.execute(old);
    sentId = sent.rows[0]!.id;
    const queued = await sql<{ id: string }>`insert into deliveries (campaign_id, slot_key, organization_id, person_id, kind, status)
      values (${campaignId}, 'r-7d', ${org.rows[0]!.id}, ${personId}, 'reminder', 'queued') returning id`.execute(old);
    queuedId = queued.rows[0]!.id;
    await sql`insert into processed_updates (update_id) values (987654321)`.execute(old);
  });

  afterAll(async () => {
    await old?.destroy();
    await dropDatabase(name);
  });

  it('migrated to the latest, the person is a Telegram identity, the message id is text, the update is (telegram, key)', async () => {
    expect((await migrateToLatest(old))[0]).toBe('0003_channels');

    const columns = await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'people'`.execute(old);
    expect(columns.rows.map((c) => c.column_name)).not.toContain('telegram_user_id');

    const identities = await old.selectFrom('identities').selectAll().execute();
    // Never refused a message: no mark on the account (migrations/0010_identity_unreachable.ts).
    expect(identities).toEqual([
      { channel: 'telegram', external_id: TELEGRAM_ID, person_id: personId, created_at: created, last_seen_at: seen, unreachable_at: null, unreachable_reason: null },
    ]);
    const found = await findPersonByIdentity(old, tg(TELEGRAM_ID), at('2026-12-02T09:00'));
    expect(found?.person).toMatchObject({ id: personId, display_name: 'Bí thư cũ' });
    expect(found?.identities).toEqual([tg(TELEGRAM_ID)]);

    const deliveries = await old.selectFrom('deliveries').select(['id', 'channel', 'message_id', 'status']).orderBy('id').execute();
    // A message id beyond 2^53 survives: it was never a JavaScript number.
    expect(deliveries).toEqual([
      { id: sentId, channel: 'telegram', message_id: '9007199254740993', status: 'sent' },
      { id: queuedId, channel: 'telegram', message_id: null, status: 'queued' },
    ]);
    const messageIdType = await sql<{ data_type: string }>`select data_type from information_schema.columns where table_name = 'deliveries' and column_name = 'message_id'`.execute(old);
    expect(messageIdType.rows[0]?.data_type).toBe('text');
    // The queued delivery still goes out through Telegram, to the same chat.
    expect(await queuedDeliveryIds(old, { afterId: '0', limit: 10 })).toEqual([{ id: queuedId, channel: 'telegram' }]);
    expect((await queuedDelivery(old, queuedId, []))?.external_id).toBe(TELEGRAM_ID);

    const processed = await old.selectFrom('processed_updates').select(['channel', 'dedupe_key']).execute();
    expect(processed).toEqual([{ channel: 'telegram', dedupe_key: '987654321' }]);
    // Telegram redelivering that update after the upgrade is still recognised; Zalo's key space is separate.
    expect(await markUpdateProcessed(old, { channel: 'telegram', dedupeKey: '987654321' })).toBe(false);
    expect(await markUpdateProcessed(old, { channel: 'zalo', dedupeKey: '987654321' })).toBe(true);
  });
});

describe('fanOutSlot sends each person through their most recent identity among the enabled channels', () => {
  let campaignId: string;
  let orgId: string;
  type Who = 'both_zalo_newer' | 'both_telegram_newer' | 'both_never_seen' | 'zalo_only' | 'telegram_only';
  const people = {} as Record<Who, string>;
  const ZALO_ADMIN = zl('adm1n2a10');
  let adminId: string;

  beforeAll(async () => {
    orgId = await insertOrg(db, { code: 'CH1' });
    campaignId = await insertCampaign(db, { orgCodes: ['CH1'] });
    people.both_zalo_newer = await insertPerson(db, { telegramUserId: 810_001, zaloUserId: 'z810001', orgIds: [orgId] });
    await setLastSeen(tg(810_001), at('2026-12-01T09:00'));
    await setLastSeen(zl('z810001'), at('2026-12-05T09:00'));
    people.both_telegram_newer = await insertPerson(db, { telegramUserId: 810_002, zaloUserId: 'z810002', orgIds: [orgId] });
    await setLastSeen(tg(810_002), at('2026-12-06T09:00'));
    await setLastSeen(zl('z810002'), at('2026-12-05T09:00'));
    // Neither identity ever wrote (ADMIN_IDS, a link made by hand): the newer identity wins.
    people.both_never_seen = await insertPerson(db, { telegramUserId: 810_003, zaloUserId: 'z810003', orgIds: [orgId] });
    await setLastSeen(tg(810_003), null, at('2026-11-01T09:00'));
    await setLastSeen(zl('z810003'), null, at('2026-11-02T09:00'));
    people.zalo_only = await insertPerson(db, { telegramUserId: 0, zaloUserId: 'z810004', orgIds: [orgId] });
    people.telegram_only = await insertPerson(db, { telegramUserId: 810_005, orgIds: [orgId] });
    // An admin by configuration, known only by a Zalo id, and one by the flag with a Telegram id.
    adminId = await insertPerson(db, { telegramUserId: 0, zaloUserId: ZALO_ADMIN.externalId });
    await insertPerson(db, { telegramUserId: 810_009, admin: true });
  });

  async function fanOut(slotKey: string, channels: ChannelName[], kind: 'reminder' | 'digest' = 'reminder') {
    const sendAt = at('2026-12-10T08:00');
    await addSlot(campaignId, slotKey, kind, sendAt);
    const result = await fanOutSlot(db, { campaignId, slotKey, sendAt, adminIds: [ZALO_ADMIN], channels }, at('2026-12-10T08:00'));
    const rows = await db
      .selectFrom('deliveries')
      .select(['id', 'person_id', 'channel', 'status', 'reason'])
      .where('campaign_id', '=', campaignId)
      .where('slot_key', '=', slotKey)
      .execute();
    return { result, rows, of: (personId: string) => rows.find((r) => r.person_id === personId) };
  }

  it('with Telegram and Zalo enabled: the identity last seen, else the newest; a single identity is used as it is', async () => {
    const { result, of } = await fanOut('manual-both', ['telegram', 'zalo']);
    expect(result).toEqual({ kind: 'done', created: 5 });
    const seenAs = (p: Who) => [of(people[p])?.channel, of(people[p])?.status, of(people[p])?.reason];
    expect(seenAs('both_zalo_newer')).toEqual(['zalo', 'queued', null]);
    expect(seenAs('both_telegram_newer')).toEqual(['telegram', 'queued', null]);
    expect(seenAs('both_never_seen')).toEqual(['zalo', 'queued', null]);
    expect(seenAs('zalo_only')).toEqual(['zalo', 'queued', null]);
    expect(seenAs('telegram_only')).toEqual(['telegram', 'queued', null]);

    // The outbox gets each one on its channel's queue and sends to the account on that channel.
    const queued = await queuedDeliveryIds(db, { campaignId, slotKey: 'manual-both', afterId: '0', limit: 100 });
    expect(queued.map((q) => q.channel).sort()).toEqual(['telegram', 'telegram', 'zalo', 'zalo', 'zalo']);
    expect((await queuedDelivery(db, of(people.both_zalo_newer)!.id, []))?.external_id).toBe('z810001');
    expect((await queuedDelivery(db, of(people.both_telegram_newer)!.id, []))?.external_id).toBe('810002');
  });

  it('with only Telegram enabled: everyone with a Telegram identity gets it; a Zalo-only person is skipped with "no channel"', async () => {
    const { result, rows, of } = await fanOut('manual-telegram', ['telegram']);
    expect(result).toEqual({ kind: 'done', created: 5 });
    expect(rows).toHaveLength(5);
    for (const p of ['both_zalo_newer', 'both_telegram_newer', 'both_never_seen', 'telegram_only'] as const) {
      expect([of(people[p])?.channel, of(people[p])?.status], p).toEqual(['telegram', 'queued']);
    }
    expect(of(people.zalo_only)).toMatchObject({ channel: null, status: 'skipped', reason: 'no channel' });
    // Nothing to queue for the skipped row.
    const queued = await queuedDeliveryIds(db, { campaignId, slotKey: 'manual-telegram', afterId: '0', limit: 100 });
    expect(queued.map((q) => q.id).sort()).toEqual(rows.filter((r) => r.person_id !== people.zalo_only).map((r) => r.id).sort());
    expect(queued.every((q) => q.channel === 'telegram')).toBe(true);
  });

  it('with only Zalo enabled: a Telegram-only person is skipped with "no channel"', async () => {
    const { of } = await fanOut('manual-zalo', ['zalo']);
    expect(of(people.telegram_only)).toMatchObject({ channel: null, status: 'skipped', reason: 'no channel' });
    expect(of(people.both_telegram_newer)).toMatchObject({ channel: 'zalo', status: 'queued' });
  });

  it("admins' messages follow the same rule: a Zalo id in ADMIN_IDS is reached on Zalo, or skipped when Zalo is off", async () => {
    const both = await fanOut('digest-2026-12-10', ['telegram', 'zalo'], 'digest');
    expect(both.result).toEqual({ kind: 'done', created: 2 });
    expect(both.of(adminId)).toMatchObject({ channel: 'zalo', status: 'queued' });
    expect(both.rows.find((r) => r.person_id !== adminId)).toMatchObject({ channel: 'telegram', status: 'queued' });

    const telegramOnly = await fanOut('digest-2026-12-11', ['telegram'], 'digest');
    expect(telegramOnly.of(adminId)).toMatchObject({ channel: null, status: 'skipped', reason: 'no channel' });
  });
});

describe('linking a second account with /lienket', () => {
  const now = at('2026-12-10T09:00');
  const user = (identity: Identity, displayName = 'Người liên kết') => ({ identity, displayName });

  it('a new Zalo account joins the Telegram person; the code is then used up', async () => {
    const person = await insertPerson(db, { telegramUserId: 820_001, name: 'Bí thư Telegram' });
    const { code, expiresAt } = await createLinkCode(db, person, now);
    expect(expiresAt).toEqual(new Date(now.getTime() + LINK_CODE_TTL_MS));
    // Stored only as a hash.
    expect(JSON.stringify(await db.selectFrom('link_codes').selectAll().execute())).not.toContain(code);

    // Typed in lower case with a dash, as people do on a phone.
    const typed = `${code.slice(0, 4)}-${code.slice(4)}`.toLowerCase();
    const linked = await redeemLinkCode(db, { code: typed, user: user(zl('z820001')) }, new Date(now.getTime() + 60_000));
    expect(linked).toEqual({ kind: 'ok', personId: person, merged: false });
    expect(await identitiesOf(person)).toEqual(['telegram:820001', 'zalo:z820001']);
    expect(await lastSeen(zl('z820001'))).toEqual(new Date(now.getTime() + 60_000));
    const audit = await db.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'person.link').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor: 'zalo:z820001', details: { personId: person, mergedPersonId: null } });

    // Single use: the same code again, from anyone, is invalid.
    expect(await redeemLinkCode(db, { code, user: user(zl('z820999')) }, now)).toEqual({ kind: 'invalid' });
    expect(await db.selectFrom('identities').select('person_id').where('external_id', '=', 'z820999').execute()).toEqual([]);
    // The account already belongs to them: a fresh code typed from it says so.
    const again = await createLinkCode(db, person, now);
    expect(await redeemLinkCode(db, { code: again.code, user: user(zl('z820001')) }, now)).toEqual({ kind: 'already' });
  });

  it('two people who registered separately are merged: memberships, deliveries (one per slot), answers, history and identities follow', async () => {
    const orgA = await insertOrg(db, { code: 'LKA' });
    const orgB = await insertOrg(db, { code: 'LKB' });
    const campaignId = await insertCampaign(db, { orgCodes: ['LKA', 'LKB'] });
    const keep = await insertPerson(db, { telegramUserId: 820_002, name: 'Bí thư (Telegram)', orgIds: [orgA] });
    const gone = await insertPerson(db, { telegramUserId: 0, zaloUserId: 'z820002', name: 'Bí thư (Zalo)', admin: true, orgIds: [orgA, orgB] });

    const delivery = (personId: string, organizationId: string, slotKey: string) =>
      db
        .insertInto('deliveries')
        .values({
          campaign_id: campaignId,
          slot_key: slotKey,
          organization_id: organizationId,
          person_id: personId,
          kind: slotKey === 'announce' ? 'announcement' : 'reminder',
          status: 'sent',
          channel: 'telegram',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
        .then((r) => r.id);
    const keptAnnounce = await delivery(keep, orgA, 'announce');
    const duplicateAnnounce = await delivery(gone, orgA, 'announce');
    const theirOtherOrg = await delivery(gone, orgB, 'announce');
    const theirReminder = await delivery(gone, orgA, 'r-3d');

    const submission = await db
      .insertInto('submissions')
      .values({ campaign_id: campaignId, organization_id: orgB, cursor: JSON.stringify({ at: 'review' }), updated_by: gone })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('answers')
      .values([
        { submission_id: submission.id, question_key: 'ban_chi_dao', value: JSON.stringify(true), bool_value: true, answered_by: gone },
        { submission_id: submission.id, question_key: 'so_mo_hinh_dvk', value: JSON.stringify(2), num_value: '2', answered_by: keep },
      ])
      .execute();
    await db.insertInto('answer_history').values({ submission_id: submission.id, question_key: 'ban_chi_dao', old_value: null, new_value: JSON.stringify(true), changed_by: gone }).execute();
    await db.updateTable('people').set({ active_submission_id: submission.id, seen_step: 3 }).where('id', '=', gone).execute();

    const { code } = await createLinkCode(db, keep, now);
    const result = await redeemLinkCode(db, { code, user: user(zl('z820002')) }, now);
    expect(result).toEqual({ kind: 'ok', personId: keep, merged: true });

    expect(await db.selectFrom('people').select('id').where('id', '=', gone).execute()).toEqual([]);
    expect(await identitiesOf(keep)).toEqual(['telegram:820002', 'zalo:z820002']);
    const kept = await db.selectFrom('people').selectAll().where('id', '=', keep).executeTakeFirstOrThrow();
    expect(kept).toMatchObject({ display_name: 'Bí thư (Telegram)', is_admin: true, active_submission_id: submission.id, seen_step: 3 });

    const memberships = await db.selectFrom('memberships').select(['person_id', 'organization_id']).where('organization_id', 'in', [orgA, orgB]).orderBy('organization_id').execute();
    expect(memberships).toEqual([
      { person_id: keep, organization_id: orgA },
      { person_id: keep, organization_id: orgB },
    ]);

    const deliveries = await db.selectFrom('deliveries').select(['id', 'person_id']).where('campaign_id', '=', campaignId).orderBy('id').execute();
    // Both had the announcement of organization A: the kept person's row stays, the other is dropped.
    expect(deliveries).toEqual([
      { id: keptAnnounce, person_id: keep },
      { id: theirOtherOrg, person_id: keep },
      { id: theirReminder, person_id: keep },
    ]);
    expect(deliveries.map((d) => d.id)).not.toContain(duplicateAnnounce);

    const answers = await db.selectFrom('answers').select(['question_key', 'answered_by']).where('submission_id', '=', submission.id).orderBy('question_key').execute();
    expect(answers).toEqual([
      { question_key: 'ban_chi_dao', answered_by: keep },
      { question_key: 'so_mo_hinh_dvk', answered_by: keep },
    ]);
    const history = await db.selectFrom('answer_history').select('changed_by').where('submission_id', '=', submission.id).execute();
    expect(history).toEqual([{ changed_by: keep }]);
    expect((await db.selectFrom('submissions').select('updated_by').where('id', '=', submission.id).executeTakeFirstOrThrow()).updated_by).toBe(keep);

    const audit = await db.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'person.link').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor: 'zalo:z820002', details: { personId: keep, mergedPersonId: gone } });
  });

  it('a code typed on the channel the person already has is refused as same_channel and changes nothing', async () => {
    const org = await insertOrg(db, { code: 'LKC' });
    const owner = await insertPerson(db, { telegramUserId: 820_003, orgIds: [org] });
    const other = await insertPerson(db, { telegramUserId: 820_004, orgIds: [org] });
    const { code } = await createLinkCode(db, owner, now);
    const before = {
      people: await db.selectFrom('people').select(['id', 'is_admin']).where('id', 'in', [owner, other]).orderBy('id').execute(),
      identities: await db.selectFrom('identities').selectAll().where('person_id', 'in', [owner, other]).orderBy('external_id').execute(),
      memberships: await db.selectFrom('memberships').select(['person_id', 'organization_id']).where('organization_id', '=', org).orderBy('person_id').execute(),
      audit: (await db.selectFrom('audit_log').select('id').execute()).length,
    };

    // Another Telegram account, registered or not.
    expect(await redeemLinkCode(db, { code, user: user(tg(820_004)) }, now)).toEqual({ kind: 'same_channel' });
    expect(await redeemLinkCode(db, { code, user: user(tg(820_005)) }, now)).toEqual({ kind: 'same_channel' });

    expect(await db.selectFrom('people').select(['id', 'is_admin']).where('id', 'in', [owner, other]).orderBy('id').execute()).toEqual(before.people);
    expect(await db.selectFrom('identities').selectAll().where('person_id', 'in', [owner, other]).orderBy('external_id').execute()).toEqual(before.identities);
    expect(await db.selectFrom('identities').select('person_id').where('channel', '=', 'telegram').where('external_id', '=', '820005').execute()).toEqual([]);
    expect(await db.selectFrom('memberships').select(['person_id', 'organization_id']).where('organization_id', '=', org).orderBy('person_id').execute()).toEqual(before.memberships);
    expect((await db.selectFrom('audit_log').select('id').execute()).length).toBe(before.audit);
    // Not even the code was spent: typed in the other app, it still works.
    expect(await redeemLinkCode(db, { code, user: user(zl('z820003')) }, now)).toEqual({ kind: 'ok', personId: owner, merged: false });
  });

  it('a merge that would give the person two accounts on one channel is refused: a Telegram+Zalo person typing a Telegram-only person\'s code on Zalo', async () => {
    const owner = await insertPerson(db, { telegramUserId: 820_011 });
    const both = await insertPerson(db, { telegramUserId: 820_012, zaloUserId: 'z820012' });
    const { code } = await createLinkCode(db, owner, now);
    expect(await redeemLinkCode(db, { code, user: user(zl('z820012')) }, now)).toEqual({ kind: 'same_channel' });
    expect(await identitiesOf(owner)).toEqual(['telegram:820011']);
    expect(await identitiesOf(both)).toEqual(['telegram:820012', 'zalo:z820012']);
  });

  it('a merge keeps each account\'s unreachable mark: a Telegram account that blocked the bot stays blocked after its Zalo account links', async () => {
    const owner = await insertPerson(db, { telegramUserId: 820_031 });
    const zaloPerson = await insertPerson(db, { telegramUserId: 0, zaloUserId: 'z820031' });
    await db.updateTable('identities').set({ unreachable_at: now, unreachable_reason: 'blocked' }).where('person_id', '=', owner).execute();
    const { code } = await createLinkCode(db, owner, now);
    // Typed on Zalo: the message went through who-wrote first, as the router does.
    await findPersonByIdentity(db, zl('z820031'), now);
    expect(await redeemLinkCode(db, { code, user: user(zl('z820031')) }, now)).toEqual({ kind: 'ok', personId: owner, merged: true });
    expect(await db.selectFrom('people').select('id').where('id', '=', zaloPerson).execute()).toEqual([]);
    const marks = await db.selectFrom('identities').select(['channel', 'unreachable_reason']).where('person_id', '=', owner).orderBy('channel').execute();
    expect(marks).toEqual([
      { channel: 'telegram', unreachable_reason: 'blocked' },
      { channel: 'zalo', unreachable_reason: null },
    ]);
  });

  it('the same new account registering twice at the same moment becomes one person', async () => {
    const newcomer = { identity: zl('z820021'), displayName: 'Người mới', username: null };
    const [a, b] = await Promise.all([
      db.transaction().execute((tx) => upsertPerson(tx, newcomer, now)),
      db.transaction().execute((tx) => upsertPerson(tx, newcomer, now)),
    ]);
    expect(a.id).toBe(b.id);
    const rows = await db.selectFrom('identities').select('person_id').where('channel', '=', 'zalo').where('external_id', '=', 'z820021').execute();
    expect(rows).toEqual([{ person_id: a.id }]);
    expect(await db.selectFrom('people').select('id').where('display_name', '=', 'Người mới').execute()).toHaveLength(1);
  });

  it('an expired, replaced, unknown or malformed code is invalid and changes nothing', async () => {
    const person = await insertPerson(db, { telegramUserId: 820_006 });
    const expired = await createLinkCode(db, person, now);
    const late = new Date(now.getTime() + LINK_CODE_TTL_MS);
    expect(await redeemLinkCode(db, { code: expired.code, user: user(zl('z820006')) }, late)).toEqual({ kind: 'invalid' });

    // A fresh code makes the earlier one stop working, even within its 15 minutes.
    const first = await createLinkCode(db, person, now);
    const second = await createLinkCode(db, person, now);
    expect(await redeemLinkCode(db, { code: first.code, user: user(zl('z820006')) }, now)).toEqual({ kind: 'invalid' });

    expect(await redeemLinkCode(db, { code: 'AAAAAAAA', user: user(zl('z820006')) }, now)).toEqual({ kind: 'invalid' });
    expect(await redeemLinkCode(db, { code: 'không phải mã', user: user(zl('z820006')) }, now)).toEqual({ kind: 'invalid' });
    expect(await identitiesOf(person)).toEqual(['telegram:820006']);
    expect(await db.selectFrom('identities').select('person_id').where('external_id', '=', 'z820006').execute()).toEqual([]);

    // The latest code works until its last moment.
    const lastMoment = new Date(now.getTime() + LINK_CODE_TTL_MS - 1);
    expect(await redeemLinkCode(db, { code: second.code, user: user(zl('z820006')) }, lastMoment)).toEqual({ kind: 'ok', personId: person, merged: false });
  });
});

describe('findPersonByIdentity', () => {
  it('returns the person with every identity and stamps the identity they wrote from', async () => {
    const person = await insertPerson(db, { telegramUserId: 830_001, zaloUserId: 'z830001', name: 'Hai tài khoản' });
    const telegram = tg(830_001);
    const zalo = zl('z830001');
    await setLastSeen(telegram, at('2026-12-10T09:00'));
    await setLastSeen(zalo, null);

    const found = await findPersonByIdentity(db, zalo, at('2026-12-10T10:00'));
    expect(found?.person).toMatchObject({ id: person, display_name: 'Hai tài khoản' });
    expect([...found!.identities].sort(byKey)).toEqual([telegram, zalo]);
    expect(await lastSeen(zalo)).toEqual(at('2026-12-10T10:00'));
    expect(await lastSeen(telegram)).toEqual(at('2026-12-10T09:00'));

    // Found the same way from the other identity.
    const viaTelegram = await findPersonByIdentity(db, telegram, at('2026-12-10T10:06'));
    expect(viaTelegram?.person.id).toBe(person);
    expect([...viaTelegram!.identities].sort(byKey)).toEqual([telegram, zalo]);
    expect(await lastSeen(telegram)).toEqual(at('2026-12-10T10:06'));

    // Within minutes the stamp is kept, unless another identity was used since: then this one is the latest again.
    await findPersonByIdentity(db, telegram, at('2026-12-10T10:08'));
    expect(await lastSeen(telegram)).toEqual(at('2026-12-10T10:06'));
    await findPersonByIdentity(db, zalo, at('2026-12-10T10:09'));
    expect(await lastSeen(zalo)).toEqual(at('2026-12-10T10:09'));
    // Long after, it is stamped again.
    await findPersonByIdentity(db, zalo, at('2026-12-10T11:00'));
    expect(await lastSeen(zalo)).toEqual(at('2026-12-10T11:00'));

    expect(await findPersonByIdentity(db, zl('z830999'), at('2026-12-10T11:00'))).toBeUndefined();
    // The same id on the other channel is another account.
    expect(await findPersonByIdentity(db, tg('830002'), at('2026-12-10T11:00'))).toBeUndefined();
    expect(await findPersonByIdentity(db, zl('830001'), at('2026-12-10T11:00'))).toBeUndefined();
  });
});

describe('processed updates by channel', () => {
  it('an event is recorded once per channel: the same key from the other channel is another event', async () => {
    expect(await markUpdateProcessed(db, { channel: 'telegram', dedupeKey: '555001' })).toBe(true);
    expect(await markUpdateProcessed(db, { channel: 'telegram', dedupeKey: '555001' })).toBe(false);
    expect(await markUpdateProcessed(db, { channel: 'zalo', dedupeKey: '555001' })).toBe(true);
    expect(await markUpdateProcessed(db, { channel: 'zalo', dedupeKey: '555001' })).toBe(false);
    const rows = await db.selectFrom('processed_updates').select(['channel', 'dedupe_key']).where('dedupe_key', '=', '555001').orderBy('channel').execute();
    expect(rows).toEqual([
      { channel: 'telegram', dedupe_key: '555001' },
      { channel: 'zalo', dedupe_key: '555001' },
    ]);
  });
});
