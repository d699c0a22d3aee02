/** A report's stored answers as the forms layer reads them. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { AnswerValue } from '../forms/schema.js';

export async function loadAnswers(db: Kysely<Database>, submissionId: string): Promise<Map<string, AnswerValue>> {
  const rows = await db.selectFrom('answers').select(['question_key', 'value']).where('submission_id', '=', submissionId).execute();
  return new Map(rows.map((r) => [r.question_key, r.value as AnswerValue]));
}
