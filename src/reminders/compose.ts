/**
 * What a delivery says, decided at the moment it is sent: a reminder re-reads the
 * organization's progress, and one whose organization has just submitted is not sent
 * (policy: isMoot), nor a digest of another day (policy: isStaleDigest).
 */
import { sql, type Kysely } from 'kysely';
import { isClosed } from '../campaigns/state.js';
import type { Action, OutboundMessage } from '../chat/port.js';
import type { Database } from '../db/schema.js';
import { reportProgress } from '../forms/progress.js';
import { formatCount, formatPercent } from '../reports/format.js';
import { listNotSubmitted } from '../reports/figures.js';
import { loadAnswers } from '../services/answers.js';
import type { Delivery } from '../services/deliveries.js';
import type { FormCache } from '../services/forms.js';
import { escapeHtml, truncate } from '../text/html.js';
import { formatDeadline, local } from '../time.js';
import { reminderMessages as msg } from './messages.js';
import { hasSubmitted, isMoot, isStaleDigest } from './policy.js';

export type Composition = { kind: 'send'; message: OutboundMessage } | { kind: 'skip'; reason: string };

/** Organizations named in an escalation; the rest are counted (the message must stay under 4,096 characters). */
const ESCALATION_ORGS = 25;
const NAME_CHARS = 60;
const REPORTERS_PER_ORG = 3;
/** An escalation stays one readable message (a text-only channel may still show it in parts). */
const ESCALATION_MAX_CHARS = 4096;

export interface ComposeDeps {
  db: Kysely<Database>;
  forms: FormCache;
}

/** Whole local days from one instant's date to another's (negative when `to` is earlier). */
function dayDifference(from: Date, to: Date): number {
  return local(to).startOf('day').diff(local(from).startOf('day'), 'day');
}

type CampaignRow = { form_id: string; form_version: number; period_label: string; due_at: Date; closed_at: Date | null };

async function describeCampaign<T extends CampaignRow>(deps: ComposeDeps, row: T) {
  const form = await deps.forms.get(row.form_id, row.form_version);
  return { ...row, form, title: escapeHtml(form.title), period: escapeHtml(row.period_label), due: formatDeadline(row.due_at) };
}

async function campaignInfo(deps: ComposeDeps, campaignId: string) {
  const row = await deps.db
    .selectFrom('campaigns')
    .select(['id', 'form_id', 'form_version', 'period_label', 'due_at', 'closed_at'])
    .where('id', '=', campaignId)
    .executeTakeFirstOrThrow();
  return describeCampaign(deps, row);
}

async function composeForOrganization(deps: ComposeDeps, delivery: Delivery, now: Date): Promise<Composition> {
  const organizationId = delivery.organization_id!;
  // The round, the organization and its report in one read: this runs once per message.
  const row = await deps.db
    .selectFrom('campaigns as c')
    .innerJoin('organizations as o', (j) => j.on('o.id', '=', organizationId))
    .leftJoin('submissions as s', (j) => j.onRef('s.campaign_id', '=', 'c.id').onRef('s.organization_id', '=', 'o.id'))
    .select(['c.form_id', 'c.form_version', 'c.period_label', 'c.due_at', 'c.closed_at', 'o.name as org_name', 's.id as submission_id', 's.status'])
    .where('c.id', '=', delivery.campaign_id)
    .executeTakeFirstOrThrow();
  if (isClosed(row, now)) return { kind: 'skip', reason: 'closed' };
  const campaign = await describeCampaign(deps, row);
  const open: Action = { kind: 'open', campaignId: delivery.campaign_id, organizationId };
  const orgName = escapeHtml(row.org_name);
  const total = campaign.form.questions.length;

  if (delivery.kind === 'announcement') {
    return {
      kind: 'send',
      message: {
        text: msg.announcement(orgName, campaign.title, campaign.period, campaign.due, total),
        options: [
          [
            { label: msg.startButton, action: open, say: msg.startSay },
            { label: msg.acknowledgeButton, action: { kind: 'ack', deliveryId: delivery.id }, say: msg.acknowledgeSay },
          ],
        ],
      },
    };
  }
  if (isMoot(delivery.kind, hasSubmitted(row.status))) return { kind: 'skip', reason: 'submitted' };

  const days = dayDifference(now, campaign.due_at);
  const overdue = now.getTime() > campaign.due_at.getTime();
  const head = overdue
    ? msg.reminderOverdue(orgName, campaign.title, campaign.period, campaign.due, Math.max(0, -days))
    : days === 0
      ? msg.reminderDueToday(orgName, campaign.title, campaign.period, campaign.due)
      : msg.reminderBefore(orgName, campaign.title, campaign.period, campaign.due, days);
  let progressLine = msg.notStarted(total);
  if (row.submission_id) {
    const progress = reportProgress(campaign.form, await loadAnswers(deps.db, row.submission_id));
    progressLine = msg.progress(progress.answered, progress.remaining, progress.total);
  }
  return {
    kind: 'send',
    message: { text: `${head}\n${progressLine}`, options: [[{ label: row.submission_id ? msg.continueButton : msg.startButton, action: open, say: msg.startSay }]] },
  };
}

async function composeEscalation(deps: ComposeDeps, delivery: Delivery): Promise<Composition> {
  const campaign = await campaignInfo(deps, delivery.campaign_id);
  const missing = await listNotSubmitted(deps.db, delivery.campaign_id, { limit: ESCALATION_ORGS });
  if (missing.total === 0) return { kind: 'send', message: { text: msg.escalationNone(campaign.title, campaign.period), options: [] } };
  const reporters = await deps.db
    .selectFrom('memberships as m')
    .innerJoin('organizations as o', 'o.id', 'm.organization_id')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .select(['o.code', 'p.display_name', 'p.unreachable_at'])
    .where('o.code', 'in', missing.first.length ? missing.first.map((o) => o.code) : [''])
    .orderBy('p.display_name')
    .execute();
  const heading = msg.escalationHeading(formatCount(missing.total), campaign.title, campaign.period, campaign.due);
  const footer = msg.seeFullList(delivery.campaign_id);
  const orgLines: string[] = [];
  for (const org of missing.first) {
    const all = reporters.filter((r) => r.code === org.code);
    const names = all.slice(0, REPORTERS_PER_ORG).map((r) => {
      const name = escapeHtml(truncate(r.display_name, NAME_CHARS));
      return r.unreachable_at ? msg.reporterUnreachable(name) : msg.reporterReachable(name);
    });
    if (all.length > REPORTERS_PER_ORG) names.push(msg.moreReporters(all.length - REPORTERS_PER_ORG));
    orgLines.push(msg.escalationLine(escapeHtml(org.code), escapeHtml(truncate(org.name, NAME_CHARS)), names.join(', ') || msg.noReporter));
  }
  // One message: name as many organizations as fit, count the rest.
  let named = orgLines.length;
  const render = () => {
    const rest = missing.total - named;
    return [heading, ...orgLines.slice(0, named), ...(rest > 0 ? [msg.moreOrganizations(formatCount(rest))] : []), footer].join('\n');
  };
  while (named > 0 && render().length > ESCALATION_MAX_CHARS) named--;
  return { kind: 'send', message: { text: render(), options: [] } };
}

async function composeDigest(deps: ComposeDeps, delivery: Delivery, now: Date): Promise<Composition> {
  // A morning's digest held back (quiet hours, an outage) is stale the next day: that day has its own.
  if (isStaleDigest(delivery.slot_key, now)) return { kind: 'skip', reason: 'stale digest' };
  const campaign = await campaignInfo(deps, delivery.campaign_id);
  const counts = await deps.db
    .selectFrom('campaign_targets as t')
    .leftJoin('submissions as s', (j) => j.onRef('s.campaign_id', '=', 't.campaign_id').onRef('s.organization_id', '=', 't.organization_id'))
    .select([
      sql<string>`count(*)`.as('total'),
      sql<string>`count(*) filter (where s.status = 'submitted')`.as('submitted'),
      sql<string>`count(*) filter (where s.status = 'submitted' and s.late)`.as('late'),
    ])
    .where('t.campaign_id', '=', delivery.campaign_id)
    .executeTakeFirstOrThrow();
  const total = Number(counts.total);
  const submitted = Number(counts.submitted);
  const days = dayDifference(now, campaign.due_at);
  const timing = now.getTime() <= campaign.due_at.getTime() ? msg.daysLeft(Math.max(0, days)) : msg.daysLate(Math.max(0, -days));
  const lines = [
    msg.digest(local(now).format('DD/MM/YYYY')),
    msg.digestLine(delivery.campaign_id, campaign.title, campaign.period, formatCount(submitted), formatCount(total), formatPercent(submitted, total), formatCount(Number(counts.late)), campaign.due, timing),
  ];
  if (total > submitted) lines.push(msg.digestMissing(formatCount(total - submitted), delivery.campaign_id));
  return { kind: 'send', message: { text: lines.join('\n'), options: [] } };
}

export async function composeDelivery(deps: ComposeDeps, delivery: Delivery, now: Date): Promise<Composition> {
  switch (delivery.kind) {
    case 'announcement':
    case 'reminder':
      return composeForOrganization(deps, delivery, now);
    case 'escalation':
      return composeEscalation(deps, delivery);
    case 'digest':
      return composeDigest(deps, delivery, now);
  }
}
