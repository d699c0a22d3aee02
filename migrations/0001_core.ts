import { sql, type Kysely } from 'kysely';

/**
 * The core schema: organizations and the people who report for them, invites,
 * versioned forms, campaigns, submissions with typed answers and their history.
 * Dialogue state lives in `submissions.cursor`, so any process can take the next
 * message and a restart loses nothing.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) =>
      c.notNull().check(sql`type in ('dang_bo_co_so', 'chi_bo_co_so', 'chi_bo_truc_thuoc')`),
    )
    .addColumn('parent_id', 'bigint', (c) => c.references('organizations.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('organizations_parent_idx').on('organizations').column('parent_id').execute();

  await db.schema
    .createTable('people')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('telegram_user_id', 'bigint', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('username', 'text')
    .addColumn('is_admin', 'boolean', (c) => c.notNull().defaultTo(false))
    // The report that the person's typed messages answer (set by /baocao).
    .addColumn('active_submission_id', 'bigint')
    // The dialogue step the person last saw; a typed answer from an older step
    // was meant for another question (a co-reporter moved the report on).
    .addColumn('seen_step', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('memberships')
    .addColumn('person_id', 'bigint', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('organization_id', 'bigint', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('invite_id', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('memberships_pk', ['person_id', 'organization_id'])
    .execute();
  await db.schema.createIndex('memberships_org_idx').on('memberships').column('organization_id').execute();

  await db.schema
    .createTable('invites')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    // Only a hash is stored: a database dump does not hand out usable invites.
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('organization_id', 'bigint', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('used_by_person_id', 'bigint', (c) => c.references('people.id'))
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('invites_org_idx').on('invites').column('organization_id').execute();

  await db.schema
    .createTable('forms')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('forms_pk', ['id', 'version'])
    .execute();

  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('form_id', 'text', (c) => c.notNull())
    .addColumn('form_version', 'integer', (c) => c.notNull())
    .addColumn('period_label', 'text', (c) => c.notNull())
    .addColumn('period_start', 'date')
    .addColumn('period_end', 'date')
    .addColumn('opens_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('campaigns_form_fk', ['form_id', 'form_version'], 'forms', ['id', 'version'])
    .addCheckConstraint('campaigns_due_after_open', sql`due_at > opens_at`)
    .execute();

  await db.schema
    .createTable('campaign_targets')
    .addColumn('campaign_id', 'bigint', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('organization_id', 'bigint', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('campaign_targets_pk', ['campaign_id', 'organization_id'])
    .execute();
  await db.schema.createIndex('campaign_targets_org_idx').on('campaign_targets').column('organization_id').execute();

  await db.schema
    .createTable('submissions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('campaign_id', 'bigint', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('organization_id', 'bigint', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft').check(sql`status in ('draft', 'submitted')`))
    .addColumn('cursor', 'jsonb', (c) => c.notNull())
    // Bumped on every change: stale buttons and co-reporters' races compare it.
    .addColumn('step', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('answered_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('first_submitted_at', 'timestamptz')
    .addColumn('last_submitted_at', 'timestamptz')
    .addColumn('late', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('late_reason', 'text')
    .addColumn('reopened_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'bigint', (c) => c.references('people.id'))
    .addUniqueConstraint('submissions_campaign_org_uq', ['campaign_id', 'organization_id'])
    .execute();
  await db.schema.createIndex('submissions_org_idx').on('submissions').column('organization_id').execute();

  await db.schema
    .createTable('answers')
    .addColumn('submission_id', 'bigint', (c) => c.notNull().references('submissions.id').onDelete('cascade'))
    .addColumn('question_key', 'text', (c) => c.notNull())
    // The typed value as JSON, plus one typed column per kind so summaries aggregate in SQL.
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addColumn('num_value', 'numeric')
    .addColumn('bool_value', 'boolean')
    .addColumn('text_value', 'text')
    .addColumn('date_value', 'date')
    .addColumn('choice_values', sql`text[]`)
    .addColumn('skipped', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('answered_by', 'bigint', (c) => c.references('people.id'))
    .addColumn('answered_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('answers_pk', ['submission_id', 'question_key'])
    .execute();

  await db.schema
    .createTable('answer_history')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('submission_id', 'bigint', (c) => c.notNull().references('submissions.id').onDelete('cascade'))
    .addColumn('question_key', 'text', (c) => c.notNull())
    .addColumn('old_value', 'jsonb')
    .addColumn('new_value', 'jsonb')
    .addColumn('changed_by', 'bigint', (c) => c.references('people.id'))
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Submitted reports keep a trace of what changed after submission.
    .addColumn('after_submission', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .createIndex('answer_history_submission_idx')
    .on('answer_history')
    .columns(['submission_id', 'question_key'])
    .execute();

  // Telegram may deliver an update twice; the first handling records its id in
  // the same transaction as its writes, so the second changes nothing.
  await db.schema
    .createTable('processed_updates')
    .addColumn('update_id', 'bigint', (c) => c.primaryKey())
    .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('processed_updates_at_idx').on('processed_updates').column('processed_at').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'audit_log',
    'processed_updates',
    'answer_history',
    'answers',
    'submissions',
    'campaign_targets',
    'campaigns',
    'forms',
    'invites',
    'memberships',
    'people',
    'organizations',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
