/** Administration of submissions: reopening a submitted report after its deadline. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { recordAudit } from './audit.js';
import { codeLookup } from './organizations.js';
import { inTransaction } from '../db/transaction.js';

export type ReopenResult =
  | { kind: 'ok'; organizationName: string }
  | { kind: 'unknown_org' }
  | { kind: 'not_submitted'; organizationName: string };

/**
 * A submitted report is locked after the deadline; reopening lets its reporters
 * change it again (every change is kept in the history) until the campaign closes.
 */
export async function reopenSubmission(
  db: Kysely<Database>,
  request: { campaignId: string; organizationCode: string; actor: string },
  now: Date,
): Promise<ReopenResult> {
  const lookup = codeLookup(request.organizationCode, 'o.code');
  return inTransaction(db, async (tx) => {
    const target = await tx
      .selectFrom('campaign_targets as t')
      .innerJoin('organizations as o', 'o.id', 't.organization_id')
      .leftJoin('submissions as s', (j) => j.onRef('s.campaign_id', '=', 't.campaign_id').onRef('s.organization_id', '=', 't.organization_id'))
      .select(['o.name', 's.id as submission_id', 's.status'])
      .where('t.campaign_id', '=', request.campaignId)
      .where(lookup.matches)
      .orderBy(lookup.exactFirst, 'desc')
      .orderBy('o.code')
      .limit(1)
      .executeTakeFirst();
    if (!target) return { kind: 'unknown_org' };
    if (!target.submission_id || target.status !== 'submitted') return { kind: 'not_submitted', organizationName: target.name };
    await tx.updateTable('submissions').set({ reopened_at: now }).where('id', '=', target.submission_id).execute();
    await recordAudit(tx, { actor: request.actor, action: 'submission.reopen', details: { submissionId: target.submission_id }, at: now });
    return { kind: 'ok', organizationName: target.name };
  });
}
