/** Campaigns (report rounds): one form version, one period, one deadline, a set of target organizations. */
import { sql, type Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.js';
import { periodFromLabel } from '../campaigns/period.js';
import type { Clock } from '../time.js';
import { campaignMessages as msg } from './messages/campaigns.js';
import { latestFormVersion } from './forms.js';

export class CampaignInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CampaignInputError';
  }
}

export interface NewCampaignInput {
  formId: string;
  formVersion?: number;
  periodLabel: string;
  opensAt: Date;
  dueAt: Date;
  organizationCodes: 'all' | string[];
  periodStart?: string;
  periodEnd?: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

async function resolveFormVersion(db: Kysely<Database>, input: NewCampaignInput): Promise<number> {
  if (input.formVersion === undefined) {
    const latest = await latestFormVersion(db, input.formId);
    if (latest === undefined) throw new CampaignInputError(msg.unknownForm(input.formId));
    return latest;
  }
  const found = await db
    .selectFrom('forms')
    .select('version')
    .where('id', '=', input.formId)
    .where('version', '=', input.formVersion)
    .executeTakeFirst();
  if (!found) throw new CampaignInputError(msg.unknownFormVersion(input.formId, input.formVersion));
  return input.formVersion;
}

function resolvePeriod(input: NewCampaignInput): { start: string | null; end: string | null } {
  if (input.periodStart || input.periodEnd) {
    const { periodStart: start, periodEnd: end } = input;
    if (!start || !end || !ISO_DATE.test(start) || !ISO_DATE.test(end) || start > end) {
      throw new CampaignInputError(msg.badPeriodDates);
    }
    return { start, end };
  }
  const period = periodFromLabel(input.periodLabel);
  return { start: period?.start ?? null, end: period?.end ?? null };
}

export async function createCampaign(
  db: Kysely<Database>,
  input: NewCampaignInput,
  clock: Clock,
): Promise<{ id: string; targetCount: number }> {
  const periodLabel = input.periodLabel.trim();
  if (!periodLabel) throw new CampaignInputError(msg.emptyPeriod);
  if (input.dueAt.getTime() <= input.opensAt.getTime()) throw new CampaignInputError(msg.dueBeforeOpen);
  const formVersion = await resolveFormVersion(db, input);
  const period = resolvePeriod(input);

  return db.transaction().execute(async (tx) => {
    let organizationIds: string[] | 'all' = 'all';
    if (input.organizationCodes !== 'all') {
      const codes = [...new Set(input.organizationCodes.map((c) => c.trim()).filter(Boolean))];
      if (codes.length === 0) throw new CampaignInputError(msg.noTargets);
      const found = await tx.selectFrom('organizations').select(['id', 'code']).where('code', 'in', codes).execute();
      const missing = codes.filter((c) => !found.some((f) => f.code === c));
      if (missing.length > 0) throw new CampaignInputError(msg.unknownOrganizations(missing));
      organizationIds = found.map((f) => f.id);
    }
    const campaign = await tx
      .insertInto('campaigns')
      .values({
        form_id: input.formId,
        form_version: formVersion,
        period_label: periodLabel,
        period_start: period.start,
        period_end: period.end,
        opens_at: input.opensAt,
        due_at: input.dueAt,
        created_at: clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // INSERT … SELECT: one statement whether there are 10 or 50,000 targets.
    const targets = await tx
      .insertInto('campaign_targets')
      .columns(['campaign_id', 'organization_id'])
      .expression((eb) => {
        let q = eb.selectFrom('organizations').select([sql<string>`${campaign.id}::bigint`.as('campaign_id'), 'id']);
        if (organizationIds !== 'all') q = q.where('id', 'in', organizationIds);
        return q;
      })
      .executeTakeFirst();
    const targetCount = Number(targets.numInsertedOrUpdatedRows ?? 0n);
    if (targetCount === 0) throw new CampaignInputError(msg.noTargets);
    await tx
      .insertInto('audit_log')
      .values({ actor: 'cli', action: 'campaign.create', details: JSON.stringify({ campaignId: campaign.id, ...input }), at: clock.now() })
      .execute();
    return { id: campaign.id, targetCount };
  });
}

export interface CampaignListing {
  id: string;
  formId: string;
  formVersion: number;
  formTitle: string;
  periodLabel: string;
  opensAt: Date;
  dueAt: Date;
  closedAt: Date | null;
  targetCount: number;
  submittedCount: number;
}

export async function listCampaigns(db: Kysely<Database>, _clock: Clock): Promise<CampaignListing[]> {
  const rows = await db
    .selectFrom('campaigns as c')
    .innerJoin('forms as f', (j) => j.onRef('f.id', '=', 'c.form_id').onRef('f.version', '=', 'c.form_version'))
    .select([
      'c.id',
      'c.form_id',
      'c.form_version',
      'f.title',
      'c.period_label',
      'c.opens_at',
      'c.due_at',
      'c.closed_at',
      (eb) =>
        eb.selectFrom('campaign_targets as t').whereRef('t.campaign_id', '=', 'c.id').select(eb.fn.countAll<string>().as('n')).as('targets'),
      (eb) =>
        eb
          .selectFrom('submissions as s')
          .innerJoin('campaign_targets as t', (j) => j.onRef('t.campaign_id', '=', 's.campaign_id').onRef('t.organization_id', '=', 's.organization_id'))
          .whereRef('s.campaign_id', '=', 'c.id')
          .where('s.status', '=', 'submitted')
          .select(eb.fn.countAll<string>().as('n'))
          .as('submitted'),
    ])
    .orderBy('c.opens_at', 'desc')
    .orderBy('c.id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    formId: r.form_id,
    formVersion: r.form_version,
    formTitle: r.title,
    periodLabel: r.period_label,
    opensAt: r.opens_at,
    dueAt: r.due_at,
    closedAt: r.closed_at,
    targetCount: Number(r.targets ?? 0),
    submittedCount: Number(r.submitted ?? 0),
  }));
}

export async function getCampaign(db: Kysely<Database>, id: string): Promise<Campaign | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  return db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
}

export function isCampaignOpen(campaign: Pick<Campaign, 'opens_at' | 'closed_at'>, now: Date): boolean {
  return campaign.opens_at.getTime() <= now.getTime() && (campaign.closed_at === null || campaign.closed_at.getTime() > now.getTime());
}

/** The most recent campaign that has opened: the default for /tonghop without an argument. */
export async function latestOpenedCampaign(db: Kysely<Database>, now: Date): Promise<Campaign | undefined> {
  return db
    .selectFrom('campaigns')
    .selectAll()
    .where('opens_at', '<=', now)
    .orderBy('opens_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export interface ReportableCampaign {
  campaignId: string;
  organizationId: string;
  organizationName: string;
  formId: string;
  formVersion: number;
  periodLabel: string;
  dueAt: Date;
}

/** Open campaigns that target one of the person's organizations. */
export async function openCampaignsForPerson(db: Kysely<Database>, personId: string, now: Date): Promise<ReportableCampaign[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('campaign_targets as t', 't.organization_id', 'm.organization_id')
    .innerJoin('campaigns as c', 'c.id', 't.campaign_id')
    .innerJoin('organizations as o', 'o.id', 'm.organization_id')
    .where('m.person_id', '=', personId)
    .where('c.opens_at', '<=', now)
    .where((eb) => eb.or([eb('c.closed_at', 'is', null), eb('c.closed_at', '>', now)]))
    .select(['c.id as campaign_id', 'o.id as org_id', 'o.name', 'c.form_id', 'c.form_version', 'c.period_label', 'c.due_at'])
    .orderBy('c.due_at')
    .orderBy('o.code')
    .execute();
  return rows.map((r) => ({
    campaignId: r.campaign_id,
    organizationId: r.org_id,
    organizationName: r.name,
    formId: r.form_id,
    formVersion: r.form_version,
    periodLabel: r.period_label,
    dueAt: r.due_at,
  }));
}
