import { sql, type Kysely } from 'kysely';

/**
 * The answer path: the text of the person's last answer (to recognise the same answer
 * typed twice), which message answered each question (an edited message changes that
 * answer), and answers the organization confirmed although implausible.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('people')
    .addColumn('last_answer_text', 'text')
    .execute();
  await db.schema
    .alterTable('answers')
    // channel:chat:message of the message that gave this answer, when typed.
    .addColumn('source_message', 'text')
    .addColumn('confirmed_outlier', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await sql`create index answers_source_message_idx on answers (source_message) where source_message is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('answers').dropColumn('source_message').dropColumn('confirmed_outlier').execute();
  await db.schema.alterTable('people').dropColumn('last_answer_text').execute();
}
