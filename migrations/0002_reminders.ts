import { sql, type Kysely } from 'kysely';

/**
 * Reminders: each campaign's reminder plan, its slots (announcement, reminders,
 * escalation) with their send times, and the delivery ledger — one row per
 * (campaign, organization, person, slot) — that makes every send happen at most
 * once whatever Redis or a crashed worker does. People who blocked the bot are
 * marked unreachable. The admin's /dotmoi wizard keeps its state here too.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('campaigns')
    .addColumn('reminder_offsets', 'jsonb', (c) => c.notNull().defaultTo(sql`'["-7d","-3d","-1d","0d","+1d","+3d"]'::jsonb`))
    .addColumn('reminder_time', 'text', (c) => c.notNull().defaultTo('08:00'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('reminder_slots')
    .addColumn('campaign_id', 'bigint', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    // 'announce', 'r-7d' … 'r+3d', 'escalate', 'manual-<ms>', 'digest-<date>'
    .addColumn('slot_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('announcement', 'reminder', 'escalation', 'digest')`))
    .addColumn('send_at', 'timestamptz', (c) => c.notNull())
    // Set once every delivery of the slot is in the ledger and queued.
    .addColumn('fanned_out_at', 'timestamptz')
    // What the fan-out did: 'sent' (deliveries written), 'superseded' (a later or recent message
    // made it redundant), 'closed' (the round had ended).
    .addColumn('outcome', 'text', (c) => c.check(sql`outcome in ('sent', 'superseded', 'closed')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('reminder_slots_pk', ['campaign_id', 'slot_key'])
    .execute();
  await sql`create index reminder_slots_pending_idx on reminder_slots (send_at) where fanned_out_at is null`.execute(db);

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('campaign_id', 'bigint', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('slot_key', 'text', (c) => c.notNull())
    // Null for messages to admins (escalation, digest).
    .addColumn('organization_id', 'bigint', (c) => c.references('organizations.id').onDelete('cascade'))
    .addColumn('person_id', 'bigint', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('announcement', 'reminder', 'escalation', 'digest')`))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('queued').check(sql`status in ('queued', 'sending', 'sent', 'failed', 'skipped')`),
    )
    .addColumn('reason', 'text')
    .addColumn('telegram_message_id', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('acknowledged_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  // One delivery per person, organization and slot, admins' (organization null) included.
  await sql`alter table deliveries add constraint deliveries_once_uq
    unique nulls not distinct (campaign_id, slot_key, organization_id, person_id)`.execute(db);
  await sql`create index deliveries_unfinished_idx on deliveries (id) where status in ('queued', 'sending')`.execute(db);
  await db.schema.createIndex('deliveries_person_idx').on('deliveries').column('person_id').execute();
  await db.schema.createIndex('deliveries_organization_idx').on('deliveries').column('organization_id').execute();

  await db.schema
    .alterTable('people')
    .addColumn('unreachable_at', 'timestamptz')
    .addColumn('unreachable_reason', 'text')
    .execute();

  await db.schema
    .createTable('admin_wizards')
    .addColumn('person_id', 'bigint', (c) => c.primaryKey().references('people.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('state', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('admin_wizards').ifExists().execute();
  await db.schema.alterTable('people').dropColumn('unreachable_at').dropColumn('unreachable_reason').execute();
  await db.schema.dropTable('deliveries').ifExists().execute();
  await db.schema.dropTable('reminder_slots').ifExists().execute();
  await db.schema.alterTable('campaigns').dropColumn('reminder_offsets').dropColumn('reminder_time').dropColumn('updated_at').execute();
}
