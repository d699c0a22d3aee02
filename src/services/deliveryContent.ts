/**
 * What a delivery needs at the moment it is sent (the round, its form, the organization
 * and its report, the missing organizations and their reporters, the round's counts),
 * read as plain data for the pure composer (src/reminders/compose.ts). Reading stops as
 * soon as one of the composer's skip decisions says the delivery is not sent: a stale
 * digest costs no query, a closed round or a moot reminder costs one.
 */
import type { Kysely } from 'kysely';
import type { ChannelName } from '../chat/port.js';
import type { Database } from '../db/schema.js';
import {
  composeDelivery,
  ESCALATION_ORGS,
  skipBeforeReading,
  skipForOrganization,
  type Composition,
  type DeliveryContent,
  type DeliveryRef,
  type RoundContent,
  type Skip,
} from '../reminders/compose.js';
import { listNotSubmitted } from '../reports/figures.js';
import { loadAnswers } from './answers.js';
import { campaignProgress } from './campaigns.js';
import type { FormCache } from './forms.js';
import { unreachablePerson } from './reachability.js';

export interface DeliveryContentDeps {
  db: Kysely<Database>;
  forms: FormCache;
  /** The enabled channels: an escalation calls a reporter unreachable when every account of theirs there refused messages (unset: every channel). */
  channels?: readonly ChannelName[];
}

type RoundRow = { form_id: string; form_version: number; period_label: string; due_at: Date };

async function roundContent(deps: DeliveryContentDeps, row: RoundRow): Promise<RoundContent> {
  const form = await deps.forms.get(row.form_id, row.form_version);
  return { form, periodLabel: row.period_label, dueAt: row.due_at };
}

async function readRound(deps: DeliveryContentDeps, campaignId: string): Promise<RoundContent> {
  const row = await deps.db
    .selectFrom('campaigns')
    .select(['form_id', 'form_version', 'period_label', 'due_at'])
    .where('id', '=', campaignId)
    .executeTakeFirstOrThrow();
  return roundContent(deps, row);
}

async function readForOrganization(deps: DeliveryContentDeps, delivery: DeliveryRef, now: Date): Promise<DeliveryContent | Skip> {
  const organizationId = delivery.organization_id!;
  // The round, the organization and its report in one read: this runs once per message.
  const row = await deps.db
    .selectFrom('campaigns as c')
    .innerJoin('organizations as o', (j) => j.on('o.id', '=', organizationId))
    .leftJoin('submissions as s', (j) => j.onRef('s.campaign_id', '=', 'c.id').onRef('s.organization_id', '=', 'o.id'))
    .select(['c.form_id', 'c.form_version', 'c.period_label', 'c.due_at', 'c.closed_at', 'o.name as org_name', 's.id as submission_id', 's.status'])
    .where('c.id', '=', delivery.campaign_id)
    .executeTakeFirstOrThrow();
  const skip = skipForOrganization(delivery.kind, { closedAt: row.closed_at, submissionStatus: row.status }, now);
  if (skip) return skip;
  const round = await roundContent(deps, row);
  if (delivery.kind === 'announcement') return { kind: 'announcement', round, organizationName: row.org_name };
  const answers = row.submission_id ? await loadAnswers(deps.db, row.submission_id) : null;
  return { kind: 'reminder', round, organizationName: row.org_name, answers };
}

async function readEscalation(deps: DeliveryContentDeps, delivery: DeliveryRef): Promise<DeliveryContent> {
  const round = await readRound(deps, delivery.campaign_id);
  const missing = await listNotSubmitted(deps.db, delivery.campaign_id, { limit: ESCALATION_ORGS });
  // Nobody missing: the escalation says so, and names no reporter.
  if (missing.total === 0) return { kind: 'escalation', round, missing, reporters: [] };
  const rows = await deps.db
    .selectFrom('memberships as m')
    .innerJoin('organizations as o', 'o.id', 'm.organization_id')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .select(['o.code', 'p.display_name', unreachablePerson('p.id', deps.channels).as('unreachable')])
    .where('o.code', 'in', missing.first.map((o) => o.code))
    .orderBy('p.display_name')
    .execute();
  const reporters = rows.map((r) => ({ organizationCode: r.code, displayName: r.display_name, unreachable: r.unreachable }));
  return { kind: 'escalation', round, missing, reporters };
}

async function readDigest(deps: DeliveryContentDeps, delivery: DeliveryRef): Promise<DeliveryContent> {
  const round = await readRound(deps, delivery.campaign_id);
  const progress = await campaignProgress(deps.db, delivery.campaign_id);
  return { kind: 'digest', round, counts: { total: progress?.targets ?? 0, submitted: progress?.submitted ?? 0, late: progress?.late ?? 0 } };
}

/** What the delivery needs to be composed now, or why it is not sent. */
async function readDeliveryContent(deps: DeliveryContentDeps, delivery: DeliveryRef, now: Date): Promise<DeliveryContent | Skip> {
  const skip = skipBeforeReading(delivery, now);
  if (skip) return skip;
  switch (delivery.kind) {
    case 'announcement':
    case 'reminder':
      return readForOrganization(deps, delivery, now);
    case 'escalation':
      return readEscalation(deps, delivery);
    case 'digest':
      return readDigest(deps, delivery);
  }
}

/** The outbox's one call: read what the delivery needs, then compose it (or say why it is skipped). */
export async function composeQueuedDelivery(deps: DeliveryContentDeps, delivery: DeliveryRef, now: Date): Promise<Composition> {
  const content = await readDeliveryContent(deps, delivery, now);
  return content.kind === 'skip' ? content : composeDelivery(delivery, content, now);
}
