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
 * Parents shown as columns of the workbook's Tổng hợp: a province has a few dozen, a
 * column each reads well; at national scale (thousands) a column each is unreadable, and
 * the Chi tiết sheet's filter on «Trực thuộc» gives any one of them.
 */
export const MAX_PARENT_COLUMNS = 60;

export type ParentBreakdown = { kind: 'columns'; groups: GroupFigures[] } | { kind: 'too_many'; parents: number } | { kind: 'none' };

export async function parentBreakdown(db: Kysely<Database>, summary: Summary, form: Form): Promise<ParentBreakdown> {
  if (summary.targets.byType.chi_bo_truc_thuoc === 0) return { kind: 'none' };
  // The groups scanGroupCounts makes: every đảng bộ cơ sở targeted, or parent of a targeted chi bộ trực thuộc.
  const parentCount = await sql<{ n: string }>`
    select count(distinct case when o.type = 'dang_bo_co_so' then o.id else o.parent_id end) as n
    from campaign_targets t join organizations o on o.id = t.organization_id
    where t.campaign_id = ${summary.campaign.id} and o.type in ('dang_bo_co_so', 'chi_bo_truc_thuoc')
  `.execute(db);
  const parentsOfCells = Number(parentCount.rows[0]?.n ?? 0);
  if (parentsOfCells > MAX_PARENT_COLUMNS) return { kind: 'too_many', parents: parentsOfCells };
  const groups = await scanGroupCounts(db, summary.campaign.id, form, 'parent');
  if (groups.size === 0) return { kind: 'none' };
  const parents = await db
    .selectFrom('organizations')
    .select(['id', 'code', 'name'])
    .where('id', 'in', [...groups.keys()])
    .orderBy('code')
    .execute();
  const questions = summaryQuestions(form);
  const final = summary.campaign.closed || summary.campaign.pastDue;
  const columns = parents.map((parent) => {
    const counts = groups.get(parent.id)!;
    return { key: parent.code, label: parent.name, targets: counts.targets, submitted: counts.submitted, questions: groupFigures(questions, counts, final) };
  });
  return { kind: 'columns', groups: columns };
}
