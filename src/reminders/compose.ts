/**
 * What a delivery says, decided at the moment it is sent, from what
 * services/deliveryContent.ts read then: a reminder shows the organization's progress,
 * and one whose organization has just submitted is not sent (policy: isMoot), nor a
 * digest of another day (policy: isStaleDigest). Pure: data in, message out; the
 * service asks the skip decisions below before each read, so a skipped delivery costs
 * no further query.
 */
import { isClosed } from '../campaigns/state.js';
import type { Action, OutboundMessage } from '../chat/port.js';
import { reportProgress } from '../forms/progress.js';
import type { Answers, Form } from '../forms/schema.js';
import type { OrgList } from '../reports/figures.js';
import { formatCount, formatFraction, formatPercent } from '../reports/format.js';
import type { Delivery } from '../services/deliveries.js';
import { escapeHtml, truncate } from '../text/html.js';
import { formatDeadline, local } from '../time.js';
import { reminderMessages as msg } from './messages.js';
import { hasSubmitted, isMoot, isStaleDigest, type MessageKind } from './policy.js';

export type Skip = { kind: 'skip'; reason: string };
export type Composition = { kind: 'send'; message: OutboundMessage } | Skip;

/** Organizations named in an escalation; the rest are counted (the message must stay under 4,096 characters). */
export const ESCALATION_ORGS = 25;
const NAME_CHARS = 60;
const REPORTERS_PER_ORG = 3;
/** An escalation stays one readable message (a text-only channel may still show it in parts). */
const ESCALATION_MAX_CHARS = 4096;

/** The round as every kind of message names it. */
export interface RoundContent {
  form: Form;
  periodLabel: string;
  dueAt: Date;
}

/** A reporter of an organization named in an escalation. */
export interface EscalationReporter {
  organizationCode: string;
  displayName: string;
  /** The channel refused the last message to them: the admins are told so. */
  unreachable: boolean;
}

/** What each kind of delivery needs, read at sending (services/deliveryContent.ts). */
export type DeliveryContent =
  | { kind: 'announcement'; round: RoundContent; organizationName: string }
  /** `answers`: null while the organization has not started its report. */
  | { kind: 'reminder'; round: RoundContent; organizationName: string; answers: Answers | null }
  /** `reporters`: of the organizations in `missing.first`, by name. */
  | { kind: 'escalation'; round: RoundContent; missing: OrgList; reporters: readonly EscalationReporter[] }
  | { kind: 'digest'; round: RoundContent; counts: { total: number; submitted: number; late: number } };

/** The parts of a delivery a message is made from. */
export type DeliveryRef = Pick<Delivery, 'id' | 'kind' | 'campaign_id' | 'organization_id' | 'slot_key'>;

/** Decided before anything is read. A morning's digest held back (quiet hours, an outage) is stale the next day: that day has its own. */
export function skipBeforeReading(delivery: Pick<Delivery, 'kind' | 'slot_key'>, now: Date): Skip | undefined {
  if (delivery.kind === 'digest' && isStaleDigest(delivery.slot_key, now)) return { kind: 'skip', reason: 'stale digest' };
  return undefined;
}

/**
 * Decided on the organization's round and report, before the form and the answers are
 * read: a closed round sends nothing more, and a reminder to an organization that has
 * submitted since it was written is moot.
 */
export function skipForOrganization(kind: MessageKind, state: { closedAt: Date | null; submissionStatus: string | null }, now: Date): Skip | undefined {
  if (isClosed({ closed_at: state.closedAt }, now)) return { kind: 'skip', reason: 'closed' };
  if (isMoot(kind, hasSubmitted(state.submissionStatus))) return { kind: 'skip', reason: 'submitted' };
  return undefined;
}

/** Whole local days from one instant's date to another's (negative when `to` is earlier). */
function dayDifference(from: Date, to: Date): number {
  return local(to).startOf('day').diff(local(from).startOf('day'), 'day');
}

/** The round's title, period and deadline as the messages show them (escaped). */
function describeRound(round: RoundContent) {
  return { title: escapeHtml(round.form.title), period: escapeHtml(round.periodLabel), due: formatDeadline(round.dueAt) };
}

function openAction(delivery: DeliveryRef): Action {
  return { kind: 'open', campaignId: delivery.campaign_id, organizationId: delivery.organization_id! };
}

function composeAnnouncement(delivery: DeliveryRef, content: Extract<DeliveryContent, { kind: 'announcement' }>): Composition {
  const { title, period, due } = describeRound(content.round);
  return {
    kind: 'send',
    message: {
      text: msg.announcement(escapeHtml(content.organizationName), title, period, due, content.round.form.questions.length),
      options: [
        [
          { label: msg.startButton, action: openAction(delivery), say: msg.startSay },
          { label: msg.acknowledgeButton, action: { kind: 'ack', deliveryId: delivery.id }, say: msg.acknowledgeSay },
        ],
      ],
    },
  };
}

function composeReminder(delivery: DeliveryRef, content: Extract<DeliveryContent, { kind: 'reminder' }>, now: Date): Composition {
  const { round } = content;
  const { title, period, due } = describeRound(round);
  const orgName = escapeHtml(content.organizationName);
  const days = dayDifference(now, round.dueAt);
  const overdue = now.getTime() > round.dueAt.getTime();
  const head = overdue
    ? msg.reminderOverdue(orgName, title, period, due, Math.max(0, -days))
    : days === 0
      ? msg.reminderDueToday(orgName, title, period, due)
      : msg.reminderBefore(orgName, title, period, due, days);
  let progressLine = msg.notStarted(round.form.questions.length);
  if (content.answers) {
    const progress = reportProgress(round.form, content.answers);
    progressLine = msg.progress(progress.answered, progress.remaining, progress.total);
  }
  return {
    kind: 'send',
    message: {
      text: `${head}\n${progressLine}`,
      options: [[{ label: content.answers ? msg.continueButton : msg.startButton, action: openAction(delivery), say: msg.startSay }]],
    },
  };
}

function composeEscalation(delivery: DeliveryRef, content: Extract<DeliveryContent, { kind: 'escalation' }>): Composition {
  const { title, period, due } = describeRound(content.round);
  const { missing, reporters } = content;
  if (missing.total === 0) return { kind: 'send', message: { text: msg.escalationNone(title, period), options: [] } };
  const heading = msg.escalationHeading(formatCount(missing.total), title, period, due);
  const footer = msg.seeFullList(delivery.campaign_id);
  const orgLines: string[] = [];
  for (const org of missing.first) {
    const all = reporters.filter((r) => r.organizationCode === org.code);
    const names = all.slice(0, REPORTERS_PER_ORG).map((r) => {
      const name = escapeHtml(truncate(r.displayName, NAME_CHARS));
      return r.unreachable ? msg.reporterUnreachable(name) : msg.reporterReachable(name);
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

function composeDigest(delivery: DeliveryRef, content: Extract<DeliveryContent, { kind: 'digest' }>, now: Date): Composition {
  const { round, counts } = content;
  const { title, period, due } = describeRound(round);
  const { total, submitted } = counts;
  const days = dayDifference(now, round.dueAt);
  const timing = now.getTime() <= round.dueAt.getTime() ? msg.daysLeft(Math.max(0, days)) : msg.daysLate(Math.max(0, -days));
  const lines = [
    msg.digest(local(now).format('DD/MM/YYYY')),
    msg.digestLine(delivery.campaign_id, title, period, formatFraction(submitted, total), formatPercent(submitted, total), counts.late > 0 ? formatCount(counts.late) : undefined, due, timing),
  ];
  if (total > submitted) lines.push(msg.digestMissing(formatCount(total - submitted), delivery.campaign_id));
  return { kind: 'send', message: { text: lines.join('\n'), options: [] } };
}

/**
 * The message of a delivery the skip decisions above let through. The content's kind is
 * the delivery's (services/deliveryContent.ts reads by `delivery.kind`).
 */
export function composeDelivery(delivery: DeliveryRef, content: DeliveryContent, now: Date): Composition {
  switch (content.kind) {
    case 'announcement':
      return composeAnnouncement(delivery, content);
    case 'reminder':
      return composeReminder(delivery, content, now);
    case 'escalation':
      return composeEscalation(delivery, content);
    case 'digest':
      return composeDigest(delivery, content, now);
  }
}
