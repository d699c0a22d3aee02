/** /trangthai: where each of a person's organizations stands in the campaigns that target it. */
import type { Kysely } from 'kysely';
import { isClosed } from '../campaigns/state.js';
import type { Database } from '../db/schema.js';
import { reportProgress } from '../forms/progress.js';
import type { Form } from '../forms/schema.js';
import { loadAnswers } from './answers.js';
import type { FormCache } from './forms.js';

export type ReportState =
  | { kind: 'not_started' }
  | { kind: 'draft'; answered: number; remaining: number; total: number }
  | { kind: 'submitted'; at: Date; late: boolean };

export interface CampaignStatus {
  campaignId: string;
  formTitle: string;
  periodLabel: string;
  dueAt: Date;
  closed: boolean;
  state: ReportState;
}

export interface OrganizationStatus {
  organizationId: string;
  organizationName: string;
  campaigns: CampaignStatus[];
}

/** Campaigns shown per organization: the most recent ones; older rounds are in the office's records. */
const RECENT_CAMPAIGNS = 10;

async function draftProgress(db: Kysely<Database>, form: Form, submissionId: string): Promise<ReportState> {
  return { kind: 'draft', ...reportProgress(form, await loadAnswers(db, submissionId)) };
}

export async function statusForPerson(
  db: Kysely<Database>,
  forms: FormCache,
  personId: string,
  now: Date,
): Promise<OrganizationStatus[]> {
  const orgs = await db
    .selectFrom('memberships as m')
    .innerJoin('organizations as o', 'o.id', 'm.organization_id')
    .select(['o.id', 'o.name'])
    .where('m.person_id', '=', personId)
    .orderBy('o.name')
    .execute();
  const result: OrganizationStatus[] = [];
  for (const org of orgs) {
    const rows = await db
      .selectFrom('campaign_targets as t')
      .innerJoin('campaigns as c', 'c.id', 't.campaign_id')
      .leftJoin('submissions as s', (j) => j.onRef('s.campaign_id', '=', 't.campaign_id').onRef('s.organization_id', '=', 't.organization_id'))
      .select(['c.id', 'c.form_id', 'c.form_version', 'c.period_label', 'c.due_at', 'c.closed_at', 's.id as submission_id', 's.status', 's.first_submitted_at', 's.late'])
      .where('t.organization_id', '=', org.id)
      .where('c.opens_at', '<=', now)
      .orderBy('c.due_at', 'desc')
      .limit(RECENT_CAMPAIGNS)
      .execute();
    const campaigns: CampaignStatus[] = [];
    for (const r of rows) {
      const form = await forms.get(r.form_id, r.form_version);
      const state: ReportState =
        r.status === 'submitted' && r.first_submitted_at
          ? { kind: 'submitted', at: r.first_submitted_at, late: r.late ?? false }
          : r.status === 'draft' && r.submission_id
            ? await draftProgress(db, form, r.submission_id)
            : { kind: 'not_started' };
      campaigns.push({
        campaignId: r.id,
        formTitle: form.title,
        periodLabel: r.period_label,
        dueAt: r.due_at,
        closed: isClosed(r, now),
        state,
      });
    }
    result.push({ organizationId: org.id, organizationName: org.name, campaigns });
  }
  return result;
}
