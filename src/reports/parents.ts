/**
 * The figures per đảng bộ cơ sở (itself and its chi bộ trực thuộc), for the workbook of a
 * round that includes chi bộ trực thuộc. A full scan: the workbook can afford it, the
 * chat summary reads only the maintained aggregates.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Form } from '../forms/schema.js';
import { scanGroupCounts } from './counts.js';
import { groupFigures, summaryQuestions, type GroupFigures, type Summary } from './figures.js';

export async function parentBreakdown(db: Kysely<Database>, summary: Summary, form: Form): Promise<GroupFigures[]> {
  if (summary.targets.byType.chi_bo_truc_thuoc === 0) return [];
  const { groups } = await scanGroupCounts(db, summary.campaign.id, form, 'parent');
  if (groups.size === 0) return [];
  const parents = await db
    .selectFrom('organizations')
    .select(['id', 'code', 'name'])
    .where('id', 'in', [...groups.keys()])
    .orderBy('code')
    .execute();
  const questions = summaryQuestions(form);
  const final = summary.campaign.closed || summary.campaign.pastDue;
  return parents.map((parent) => {
    const counts = groups.get(parent.id)!;
    return { key: parent.code, label: parent.name, targets: counts.targets, submitted: counts.submitted, questions: groupFigures(questions, counts, final) };
  });
}
