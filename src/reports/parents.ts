/**
 * The figures per đảng bộ cơ sở (itself and its chi bộ trực thuộc), for the workbook of a
 * round that includes chi bộ trực thuộc. A full scan: the workbook can afford it, the
 * chat summary reads only the maintained aggregates.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Form } from '../forms/schema.js';
import { scanGroupCounts } from './counts.js';
import { groupFigures, summaryQuestions, type GroupFigures, type Summary } from './figures.js';

/**
 * Parents shown as columns of the workbook's Tổng hợp: the đảng bộ cơ sở that have chi bộ
 * trực thuộc in the round (one without any is its own row in Chi tiết; a column would
 * repeat it). A province has a few dozen, a column each reads well; at national scale
 * (thousands) a column each is unreadable, and the Chi tiết sheet's filter on «Trực
 * thuộc» gives any one of them.
 */
export const MAX_PARENT_COLUMNS = 60;

export type ParentBreakdown = { kind: 'columns'; groups: GroupFigures[] } | { kind: 'too_many'; parents: number } | { kind: 'none' };

export async function parentBreakdown(db: Kysely<Database>, summary: Summary, form: Form): Promise<ParentBreakdown> {
  if (summary.targets.byType.chi_bo_truc_thuoc === 0) return { kind: 'none' };
  // The đảng bộ cơ sở with chi bộ trực thuộc in the round, by code, in one read.
  const { rows: parents } = await sql<{ id: string; code: string; name: string }>`
    select distinct p.id, p.code, p.name
    from campaign_targets t join organizations o on o.id = t.organization_id join organizations p on p.id = o.parent_id
    where t.campaign_id = ${summary.campaign.id} and o.type = 'chi_bo_truc_thuoc'
    order by p.code
  `.execute(db);
  if (parents.length > MAX_PARENT_COLUMNS) return { kind: 'too_many', parents: parents.length };
  if (parents.length === 0) return { kind: 'none' };
  const groups = await scanGroupCounts(db, summary.campaign.id, form, { parents: parents.map((p) => p.id) });
  const questions = summaryQuestions(form);
  const final = summary.campaign.closed || summary.campaign.pastDue;
  const columns = parents.map((parent) => {
    const counts = groups.get(parent.id)!;
    return { key: parent.code, label: parent.name, targets: counts.targets, submitted: counts.submitted, questions: groupFigures(questions, counts, final) };
  });
  return { kind: 'columns', groups: columns };
}
