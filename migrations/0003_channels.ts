import { sql, type Kysely } from 'kysely';

/**
 * Channels: a person is reached through identities — (channel, external id as text),
 * Telegram's and Zalo's alike — instead of people.telegram_user_id. Zalo ids are
 * strings that may exceed 2^53, so every external id is text. Existing Telegram
 * users become Telegram identities. Processed updates are keyed by channel and the
 * channel's dedupe key (Telegram: update_id; Zalo: message_id); deliveries record
 * the channel they went through and the message id as text. Link codes join two
 * identities into one person (/lienket).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('identities')
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('telegram', 'zalo')`))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'bigint', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // When the person last wrote from this identity: messages go to the most recent one.
    .addColumn('last_seen_at', 'timestamptz')
    .addPrimaryKeyConstraint('identities_pk', ['channel', 'external_id'])
    .execute();
  // A person's accounts, by channel: the fan-out and the outbox pick one per person. Without the
  // channel in it, the planner may intersect with the primary key and scan a channel's every row per person.
  await db.schema.createIndex('identities_person_idx').on('identities').columns(['person_id', 'channel']).execute();
  await sql`insert into identities (channel, external_id, person_id, created_at, last_seen_at)
    select 'telegram', telegram_user_id::text, id, created_at, last_seen_at from people`.execute(db);
  await db.schema.alterTable('people').dropColumn('telegram_user_id').execute();

  await sql`alter table processed_updates rename column update_id to dedupe_key`.execute(db);
  await sql`alter table processed_updates alter column dedupe_key type text using dedupe_key::text`.execute(db);
  await sql`alter table processed_updates add column channel text not null default 'telegram'`.execute(db);
  await sql`alter table processed_updates alter column channel drop default`.execute(db);
  await sql`alter table processed_updates drop constraint processed_updates_pkey`.execute(db);
  await sql`alter table processed_updates add constraint processed_updates_pkey primary key (channel, dedupe_key)`.execute(db);

  await sql`alter table deliveries rename column telegram_message_id to message_id`.execute(db);
  await sql`alter table deliveries alter column message_id type text using message_id::text`.execute(db);
  // The channel a delivery goes through, chosen when it is queued (the person's most recent one).
  await sql`alter table deliveries add column channel text check (channel in ('telegram', 'zalo'))`.execute(db);
  await sql`update deliveries set channel = 'telegram'`.execute(db);

  await db.schema
    .createTable('link_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'bigint', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('link_codes_person_idx').on('link_codes').column('person_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  // Going back to Telegram-only would drop Zalo accounts and their messages: refuse instead.
  const zalo = await sql<{ n: string }>`select (select count(*) from identities where channel <> 'telegram') + (select count(*) from deliveries where channel = 'zalo') as n`.execute(db);
  if (Number(zalo.rows[0]?.n ?? 0) > 0) throw new Error('0003_channels cannot be reverted: Zalo accounts or deliveries exist');
  await db.schema.dropTable('link_codes').ifExists().execute();
  await sql`alter table deliveries drop column channel`.execute(db);
  await sql`alter table deliveries alter column message_id type bigint using message_id::bigint`.execute(db);
  await sql`alter table deliveries rename column message_id to telegram_message_id`.execute(db);
  await sql`delete from processed_updates where channel <> 'telegram'`.execute(db);
  await sql`alter table processed_updates drop constraint processed_updates_pkey`.execute(db);
  await sql`alter table processed_updates drop column channel`.execute(db);
  await sql`alter table processed_updates alter column dedupe_key type bigint using dedupe_key::bigint`.execute(db);
  await sql`alter table processed_updates rename column dedupe_key to update_id`.execute(db);
  await sql`alter table processed_updates add primary key (update_id)`.execute(db);
  await sql`alter table people add column telegram_user_id bigint unique`.execute(db);
  await sql`update people p set telegram_user_id = i.external_id::bigint from identities i where i.person_id = p.id and i.channel = 'telegram'`.execute(db);
  await sql`alter table people alter column telegram_user_id set not null`.execute(db);
  await db.schema.dropTable('identities').ifExists().execute();
}
