/** Campaigns (report rounds): one form version, one period, one deadline, a set of target organizations. */
import { sql, type Kysely, type Transaction } from 'kysely';
import { ORGANIZATION_TYPES, type Campaign, type Database, type OrganizationType } from '../db/schema.js';
import { periodFromLabel } from '../campaigns/period.js';
import { isClosed } from '../campaigns/state.js';
import { isBigintId } from '../db/ids.js';
import { parseOffsets, parseTimeOfDay } from '../reminders/plan.js';
import { DEFAULT_REMINDER_PLAN } from '../reminders/policy.js';
import { isoCalendarDate, type Clock } from '../time.js';
import { recordAudit } from './audit.js';
import { campaignMessages as msg } from './messages/campaigns.js';
import { latestFormVersion } from './forms.js';
import { findByCode, resolveCodes } from './organizations.js';
import type { RoundScheduler } from './scheduling.js';
import { inTransaction } from '../db/transaction.js';

export class CampaignInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CampaignInputError';
  }
}

/** Which organizations a round asks: every one, some types, a đảng bộ with its chi bộ trực thuộc, or a list of codes. */
export type TargetSelection =
  | { kind: 'all' }
  | { kind: 'types'; types: OrganizationType[] }
  | { kind: 'parent'; parentCode: string }
  | { kind: 'codes'; codes: string[] };

export interface NewCampaignInput {
  formId: string;
  formVersion?: number;
  periodLabel: string;
  opensAt: Date;
  dueAt: Date;
  /** When the round closes (no more submissions); none by default. Must be after the deadline. */
  closesAt?: Date;
  /** The target organizations. Defaults to `organizationCodes`, then to all. */
  targets?: TargetSelection;
  /** Older form of `targets`: 'all' or a list of codes. Ignored when `targets` is given. */
  organizationCodes?: 'all' | string[];
  periodStart?: string;
  periodEnd?: string;
  /** Offsets from the deadline's day ('-7d', '0d', '+1d'); default DEFAULT_REMINDER_PLAN.offsets. [] means no reminders. */
  reminderOffsets?: string[];
  /** Local time of day of the reminders ('08:00'); default DEFAULT_REMINDER_PLAN.time. */
  reminderTime?: string;
  /** Who asks, for the audit log: 'cli' (default) or 'telegram:<id>'. */
  actor?: string;
}

export interface CreatedCampaign {
  id: string;
  targetCount: number;
  /** The period used for date questions; null when the label gave none and none were given. */
  periodStart: string | null;
  periodEnd: string | null;
  reminderOffsets: string[];
  reminderTime: string;
  /** Set when the round was stored but the reminder schedule could not be updated (rebuilt at the next start). */
  scheduleError?: Error;
}

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

/** The period of the round: the dates given, else those of the label, else none. */
export function resolvePeriod(input: Pick<NewCampaignInput, 'periodLabel' | 'periodStart' | 'periodEnd'>): {
  start: string | null;
  end: string | null;
} {
  if (input.periodStart || input.periodEnd) {
    const { periodStart: start, periodEnd: end } = input;
    if (!start || !end || !isoCalendarDate(start) || !isoCalendarDate(end) || start > end) {
      throw new CampaignInputError(msg.badPeriodDates);
    }
    return { start, end };
  }
  const period = periodFromLabel(input.periodLabel);
  return { start: period?.start ?? null, end: period?.end ?? null };
}

/** The reminder plan, normalised; throws CampaignInputError with the parser's Vietnamese reason. */
export function resolveReminderPlan(input: Pick<NewCampaignInput, 'reminderOffsets' | 'reminderTime'>): { offsets: string[]; time: string } {
  let offsets = [...DEFAULT_REMINDER_PLAN.offsets];
  if (input.reminderOffsets !== undefined) {
    if (input.reminderOffsets.length === 0) offsets = [];
    else {
      const parsed = parseOffsets(input.reminderOffsets.join(','));
      if (!parsed.ok) throw new CampaignInputError(parsed.message);
      offsets = parsed.offsets;
    }
  }
  let time = DEFAULT_REMINDER_PLAN.time;
  if (input.reminderTime !== undefined) {
    const parsed = parseTimeOfDay(input.reminderTime);
    if (parsed === undefined) throw new CampaignInputError(msg.badReminderTime(input.reminderTime));
    time = parsed;
  }
  return { offsets, time };
}

function selectionOf(input: NewCampaignInput): TargetSelection {
  if (input.targets) return input.targets;
  if (input.organizationCodes === undefined || input.organizationCodes === 'all') return { kind: 'all' };
  return { kind: 'codes', codes: input.organizationCodes };
}

function cleanCodes(codes: readonly string[]): string[] {
  return [...new Set(codes.map((c) => c.trim()).filter(Boolean))];
}

export type TargetPreview =
  | {
      ok: true;
      count: number;
      /** the đảng bộ's name for kind 'parent' */
      parentName?: string;
      /** The selection with the codes as the organizations have them ("cb01" typed is CB01): what to store and show. */
      selection: TargetSelection;
    }
  | { ok: false; message: string };

/**
 * Checks a selection against the organizations: unknown codes (all listed), a
 * parent that is not a đảng bộ cơ sở, unknown types, or nobody selected. Codes
 * match as /molai's and the import's do: without case, the exact one first.
 */
export async function previewTargets(db: Kysely<Database>, selection: TargetSelection): Promise<TargetPreview> {
  const count = async (filter: (q: ReturnType<typeof base>) => ReturnType<typeof base>) => {
    const row = await filter(base()).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const base = () => db.selectFrom('organizations as o');
  let parentName: string | undefined;
  let n: number;
  let stored = selection;
  switch (selection.kind) {
    case 'all':
      n = await count((q) => q);
      break;
    case 'types': {
      const types = [...new Set(selection.types)];
      const unknown = types.filter((t) => !ORGANIZATION_TYPES.includes(t));
      if (unknown.length > 0) return { ok: false, message: msg.unknownTypes(unknown) };
      if (types.length === 0) return { ok: false, message: msg.noTypes };
      n = await count((q) => q.where('o.type', 'in', types));
      break;
    }
    case 'parent': {
      const code = selection.parentCode.trim();
      if (!code) return { ok: false, message: msg.noParent };
      const parent = await findByCode(db, code);
      if (!parent) return { ok: false, message: msg.unknownParent(code) };
      if (parent.type !== 'dang_bo_co_so') return { ok: false, message: msg.parentNotDangBo(parent.code, parent.name) };
      parentName = parent.name;
      stored = { kind: 'parent', parentCode: parent.code };
      n = await count((q) => q.where((eb) => eb.or([eb('o.id', '=', parent.id), eb('o.parent_id', '=', parent.id)])));
      break;
    }
    case 'codes': {
      const codes = cleanCodes(selection.codes);
      if (codes.length === 0) return { ok: false, message: msg.noTargets };
      const { found, missing } = await resolveCodes(db, codes);
      if (missing.length > 0) return { ok: false, message: msg.unknownOrganizations(missing) };
      // "cb01" and "CB01" typed are one organization.
      const known = [...new Set(codes.map((c) => found.get(c)!.code))];
      stored = { kind: 'codes', codes: known };
      n = known.length;
      break;
    }
  }
  if (n === 0) return { ok: false, message: msg.noTargets };
  return parentName === undefined ? { ok: true, count: n, selection: stored } : { ok: true, count: n, parentName, selection: stored };
}

/** Inserts the targets of a selection with one INSERT … SELECT, whether there are 10 or 50,000. */
async function insertTargets(tx: Kysely<Database>, campaignId: string, given: TargetSelection): Promise<number> {
  const preview = await previewTargets(tx, given);
  if (!preview.ok) throw new CampaignInputError(preview.message);
  // The codes as stored from here on: compared exactly.
  const { selection } = preview;
  let parentId: string | undefined;
  if (selection.kind === 'parent') {
    parentId = (await tx.selectFrom('organizations').select('id').where('code', '=', selection.parentCode.trim()).executeTakeFirstOrThrow()).id;
  }
  const result = await tx
    .insertInto('campaign_targets')
    .columns(['campaign_id', 'organization_id'])
    .expression((eb) => {
      let q = eb.selectFrom('organizations as o').select([sql<string>`${campaignId}::bigint`.as('campaign_id'), 'o.id']);
      switch (selection.kind) {
        case 'all':
          break;
        case 'types':
          q = q.where('o.type', 'in', [...new Set(selection.types)]);
          break;
        case 'parent':
          q = q.where((w) => w.or([w('o.id', '=', parentId!), w('o.parent_id', '=', parentId!)]));
          break;
        case 'codes':
          q = q.where('o.code', 'in', cleanCodes(selection.codes));
          break;
      }
      return q;
    })
    .executeTakeFirst();
  const targetCount = Number(result.numInsertedOrUpdatedRows ?? 0n);
  if (targetCount === 0) throw new CampaignInputError(msg.noTargets);
  return targetCount;
}

/**
 * Creates a round inside the caller's transaction (the /dotmoi wizard also
 * deletes its state in it). The scheduler is not told: see createCampaign.
 */
export async function createCampaignIn(tx: Transaction<Database>, input: NewCampaignInput, clock: Clock): Promise<CreatedCampaign> {
  const periodLabel = input.periodLabel.trim();
  if (!periodLabel) throw new CampaignInputError(msg.emptyPeriod);
  if (input.dueAt.getTime() <= input.opensAt.getTime()) throw new CampaignInputError(msg.dueBeforeOpen);
  if (input.closesAt && input.closesAt.getTime() < input.dueAt.getTime()) throw new CampaignInputError(msg.closeBeforeDue);
  const period = resolvePeriod(input);
  const plan = resolveReminderPlan(input);
  const formVersion = await resolveFormVersion(tx, input);
  const selection = selectionOf(input);
  const now = clock.now();

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
      closed_at: input.closesAt ?? null,
      reminder_offsets: JSON.stringify(plan.offsets),
      reminder_time: plan.time,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const targetCount = await insertTargets(tx, campaign.id, selection);
  const { actor = 'cli', ...details } = input;
  await recordAudit(tx, {
    actor,
    action: 'campaign.create',
    details: { campaignId: campaign.id, ...details, targets: selection, reminderOffsets: plan.offsets, reminderTime: plan.time },
    at: now,
  });
  return { id: campaign.id, targetCount, periodStart: period.start, periodEnd: period.end, reminderOffsets: plan.offsets, reminderTime: plan.time };
}

/**
 * Tells the scheduler that a round was created or changed, after the change is
 * committed. A failure (Redis down) does not undo the change: the schedule is
 * rebuilt from Postgres at the next start, so it is returned for the caller to report.
 */
export async function notifyScheduler(scheduler: RoundScheduler | undefined, campaignId: string): Promise<Error | undefined> {
  if (!scheduler) return undefined;
  try {
    await scheduler.campaignChanged(campaignId);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Creates a round, then tells the scheduler (announcement and reminders). Every
 * use case that changes a round takes the scheduler this way; callers that create
 * rounds before any scheduler runs (fixtures, the demo, the benchmark) may omit
 * it: the scheduler reconciles every round from Postgres when it starts.
 */
export async function createCampaign(
  db: Kysely<Database>,
  input: NewCampaignInput,
  clock: Clock,
  scheduler?: RoundScheduler,
): Promise<CreatedCampaign> {
  const created = await inTransaction(db, (tx) => createCampaignIn(tx, input, clock));
  const scheduleError = await notifyScheduler(scheduler, created.id);
  return scheduleError ? { ...created, scheduleError } : created;
}

async function lockCampaign(tx: Transaction<Database>, campaignId: string): Promise<Campaign> {
  if (!isBigintId(campaignId)) throw new CampaignInputError(msg.unknownCampaign(campaignId));
  const campaign = await tx.selectFrom('campaigns').selectAll().where('id', '=', campaignId).forUpdate().executeTakeFirst();
  if (!campaign) throw new CampaignInputError(msg.unknownCampaign(campaignId));
  return campaign;
}

export interface CampaignChange {
  campaignId: string;
  scheduleError?: Error;
}

/**
 * Moves the deadline of a round that has not ended: after its opening time and
 * after now. Reminders follow (the scheduler re-plans the unsent ones).
 */
export async function setDeadline(
  db: Kysely<Database>,
  campaignId: string,
  dueAt: Date,
  actor: string,
  clock: Clock,
  scheduler: RoundScheduler,
): Promise<CampaignChange & { previousDueAt: Date }> {
  const previousDueAt = await inTransaction(db, (tx) => setDeadlineIn(tx, campaignId, dueAt, actor, clock.now()));
  const scheduleError = await notifyScheduler(scheduler, campaignId);
  return { campaignId, previousDueAt, ...(scheduleError ? { scheduleError } : {}) };
}

/** The new deadline, in the caller's transaction (the caller tells the scheduler once it committed); returns the previous one. */
export async function setDeadlineIn(tx: Transaction<Database>, campaignId: string, dueAt: Date, actor: string, now: Date): Promise<Date> {
  const campaign = await lockCampaign(tx, campaignId);
  if (isClosed(campaign, now)) throw new CampaignInputError(msg.alreadyClosed(campaignId));
  if (dueAt.getTime() <= campaign.opens_at.getTime()) throw new CampaignInputError(msg.dueBeforeOpen);
  if (dueAt.getTime() <= now.getTime()) throw new CampaignInputError(msg.dueInPast);
  if (campaign.closed_at && dueAt.getTime() > campaign.closed_at.getTime()) throw new CampaignInputError(msg.dueAfterClose);
  await tx.updateTable('campaigns').set({ due_at: dueAt, updated_at: now }).where('id', '=', campaignId).execute();
  await recordAudit(tx, { actor, action: 'campaign.set_due', details: { campaignId, from: campaign.due_at, to: dueAt }, at: now });
  return campaign.due_at;
}

/**
 * Ends a round now or at a later time: from then on nobody submits or changes a
 * report and no reminder goes out. A round that has already ended stays as it is.
 */
export async function closeCampaign(
  db: Kysely<Database>,
  campaignId: string,
  at: Date,
  actor: string,
  clock: Clock,
  scheduler: RoundScheduler,
): Promise<CampaignChange & { closedAt: Date }> {
  const now = clock.now();
  // "Now" given a moment ago is still now; an earlier time is a mistake.
  const closedAt = at.getTime() < now.getTime() - 60_000 ? undefined : new Date(Math.max(at.getTime(), now.getTime()));
  if (!closedAt) throw new CampaignInputError(msg.closeInPast);
  await inTransaction(db, async (tx) => {
    const campaign = await lockCampaign(tx, campaignId);
    if (isClosed(campaign, now)) throw new CampaignInputError(msg.alreadyClosed(campaignId));
    await tx.updateTable('campaigns').set({ closed_at: closedAt, updated_at: now }).where('id', '=', campaignId).execute();
    await recordAudit(tx, { actor, action: 'campaign.close', details: { campaignId, closedAt, previous: campaign.closed_at }, at: now });
  });
  const scheduleError = await notifyScheduler(scheduler, campaignId);
  return { campaignId, closedAt, ...(scheduleError ? { scheduleError } : {}) };
}

export type CampaignState = 'scheduled' | 'open' | 'closed';

/** Not yet open, open, or ended (closed_at passed). */
export function campaignState(campaign: { opensAt: Date; closedAt: Date | null }, now: Date): CampaignState {
  if (isClosed({ closed_at: campaign.closedAt }, now)) return 'closed';
  return campaign.opensAt.getTime() > now.getTime() ? 'scheduled' : 'open';
}

export interface CampaignProgress {
  /** Organizations asked. */
  targets: number;
  /** Target organizations whose report is submitted (on time or late). */
  submitted: number;
  /** Of those, submitted after the deadline. */
  late: number;
  /** Target organizations whose report is started but not submitted. */
  drafts: number;
}

/** Where a round stands (the admins' digest reads it), in one statement; undefined for an unknown round. */
export async function campaignProgress(db: Kysely<Database>, campaignId: string): Promise<CampaignProgress | undefined> {
  if (!isBigintId(campaignId)) return undefined;
  const row = await db
    .selectFrom('campaigns as c')
    .leftJoin('campaign_targets as t', 't.campaign_id', 'c.id')
    .leftJoin('submissions as s', (j) => j.onRef('s.campaign_id', '=', 't.campaign_id').onRef('s.organization_id', '=', 't.organization_id'))
    .where('c.id', '=', campaignId)
    .select([
      sql<string>`count(t.organization_id)`.as('targets'),
      sql<string>`count(*) filter (where s.status = 'submitted')`.as('submitted'),
      sql<string>`count(*) filter (where s.status = 'submitted' and s.late)`.as('late'),
      sql<string>`count(*) filter (where s.status = 'draft')`.as('drafts'),
    ])
    .groupBy('c.id')
    .executeTakeFirst();
  if (!row) return undefined;
  return { targets: Number(row.targets), submitted: Number(row.submitted), late: Number(row.late), drafts: Number(row.drafts) };
}

export interface CampaignListing {
  id: string;
  formId: string;
  formVersion: number;
  formTitle: string;
  periodLabel: string;
  periodStart: string | null;
  periodEnd: string | null;
  opensAt: Date;
  dueAt: Date;
  closedAt: Date | null;
  reminderOffsets: string[];
  reminderTime: string;
  /** Not yet open, open, or ended, at the clock's now. */
  state: CampaignState;
  targetCount: number;
  submittedCount: number;
  /** Submitted after the deadline (included in submittedCount). */
  lateCount: number;
  /** Started, not submitted. */
  draftCount: number;
}

function listingQuery(db: Kysely<Database>) {
  return db
    .selectFrom('campaigns as c')
    .innerJoin('forms as f', (j) => j.onRef('f.id', '=', 'c.form_id').onRef('f.version', '=', 'c.form_version'))
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('submissions as s')
          .innerJoin('campaign_targets as t', (j) => j.onRef('t.campaign_id', '=', 's.campaign_id').onRef('t.organization_id', '=', 's.organization_id'))
          .whereRef('s.campaign_id', '=', 'c.id')
          .select([
            sql<string>`count(*) filter (where s.status = 'submitted')`.as('submitted'),
            sql<string>`count(*) filter (where s.status = 'submitted' and s.late)`.as('late'),
            sql<string>`count(*) filter (where s.status = 'draft')`.as('drafts'),
          ])
          .as('p'),
      (j) => j.onTrue(),
    )
    .select([
      'c.id',
      'c.form_id',
      'c.form_version',
      'f.title',
      'c.period_label',
      'c.period_start',
      'c.period_end',
      'c.opens_at',
      'c.due_at',
      'c.closed_at',
      'c.reminder_offsets',
      'c.reminder_time',
      'p.submitted',
      'p.late',
      'p.drafts',
      (eb) =>
        eb.selectFrom('campaign_targets as t').whereRef('t.campaign_id', '=', 'c.id').select(eb.fn.countAll<string>().as('n')).as('targets'),
    ]);
}

type ListingRow = Awaited<ReturnType<ReturnType<typeof listingQuery>['executeTakeFirstOrThrow']>>;

function toListing(r: ListingRow, now: Date): CampaignListing {
  return {
    id: r.id,
    formId: r.form_id,
    formVersion: r.form_version,
    formTitle: r.title,
    periodLabel: r.period_label,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    opensAt: r.opens_at,
    dueAt: r.due_at,
    closedAt: r.closed_at,
    reminderOffsets: r.reminder_offsets,
    reminderTime: r.reminder_time,
    state: campaignState({ opensAt: r.opens_at, closedAt: r.closed_at }, now),
    targetCount: Number(r.targets ?? 0),
    submittedCount: Number(r.submitted ?? 0),
    lateCount: Number(r.late ?? 0),
    draftCount: Number(r.drafts ?? 0),
  };
}

/** Every round, the latest opening first, with its progress; `limit` keeps a chat listing from counting every round ever held. */
export async function listCampaigns(db: Kysely<Database>, clock: Clock, options: { limit?: number } = {}): Promise<CampaignListing[]> {
  let query = listingQuery(db).orderBy('c.opens_at', 'desc').orderBy('c.id', 'desc');
  if (options.limit !== undefined) query = query.limit(options.limit);
  const rows = await query.execute();
  const now = clock.now();
  return rows.map((r) => toListing(r, now));
}

/** One round with its progress; undefined for an unknown id. */
export async function getCampaignListing(db: Kysely<Database>, id: string, clock: Clock): Promise<CampaignListing | undefined> {
  if (!isBigintId(id)) return undefined;
  const row = await listingQuery(db).where('c.id', '=', id).executeTakeFirst();
  return row && toListing(row, clock.now());
}

export async function getCampaign(db: Kysely<Database>, id: string): Promise<Campaign | undefined> {
  if (!isBigintId(id)) return undefined;
  return db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
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
    .orderBy('c.id')
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
