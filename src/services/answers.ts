/** A report's stored answers as the forms layer reads them. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { AnswerValue } from '../forms/schema.js';
import type { FormCache } from './forms.js';

export async function loadAnswers(db: Kysely<Database>, submissionId: string): Promise<Map<string, AnswerValue>> {
  const rows = await db.selectFrom('answers').select(['question_key', 'value']).where('submission_id', '=', submissionId).execute();
  return new Map(rows.map((r) => [r.question_key, r.value as AnswerValue]));
}

/** The report and question a typed message answered (its channel:chat:message reference), if any. */
export async function sourceOfAnswer(
  db: Kysely<Database>,
  forms: FormCache,
  sourceMessage: string,
): Promise<{ submissionId: string; questionNo: number } | undefined> {
  const row = await db
    .selectFrom('answers as a')
    .innerJoin('submissions as s', 's.id', 'a.submission_id')
    .innerJoin('campaigns as c', 'c.id', 's.campaign_id')
    .select(['a.submission_id', 'a.question_key', 'c.form_id', 'c.form_version'])
    .where('a.source_message', '=', sourceMessage)
    .executeTakeFirst();
  if (!row) return undefined;
  const form = await forms.get(row.form_id, row.form_version);
  const index = form.questions.findIndex((q) => q.key === row.question_key);
  return index < 0 ? undefined : { submissionId: row.submission_id, questionNo: index + 1 };
}
