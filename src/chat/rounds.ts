/**
 * The office's round commands: /dotmoi (a wizard that opens a round step by step, its
 * state in Postgres), /dot (rounds with their progress; /dot N also lists the messages
 * that did not arrive or may have arrived twice) and the actions on one round — change
 * its deadline (/doihan N), close it (/ketthuc N), remind now (/nhacnho N; both ask to
 * confirm first), send again what failed («Gửi lại») — as options or typed. The router
 * lets only admins reach this module.
 */
import { isBigintId } from '../db/ids.js';
import { isConfirmWord } from './commands.js';
import { formatDateVi } from '../forms/format.js';
import { describePlan } from '../reminders/plan.js';
import { remindNowReply } from '../reminders/remindNowReply.js';
import {
  beginDeadlineChange,
  beginNewRound,
  cancelWizard,
  describeOpening,
  wizardInput,
  type WizardAdmin,
  type WizardDeps,
  type WizardInput,
  type WizardPrompt,
  type WizardReply,
} from '../services/campaignWizard.js';
import { CampaignInputError, closeCampaign, getCampaign, getCampaignListing } from '../services/campaigns.js';
import type { Campaign, SlotKind } from '../db/schema.js';
import { parseSlotKey } from '../reminders/policy.js';
import { announcementStats, deliveryProblems, resendFailedDeliveries, type DeliveryProblem, type DeliveryProblems } from '../services/deliveries.js';
import { unreachableReporters } from '../services/outreach.js';
import { manualReminderPreview } from '../services/reminderSlots.js';
import { forgetConfirmation, pendingConfirmation, rememberConfirmation, type ConfirmedAction } from '../services/roundConfirmations.js';
import type { RemindNowResult } from '../services/scheduling.js';
import { escapeHtml, truncate } from '../text/html.js';
import { matchesSay } from '../text/normalize.js';
import { formatDateTime, formatDeadline, formatNearTime } from '../time.js';
import { actorOf, type ChatRequest } from './context.js';
import { botMessages, roundMessages as msg } from './messages.js';
import { once, onceRepeatable, sayOnce } from './once.js';
import { NO_REPLY, say, type Action, type OutboundMessage, type Option, type Reply, type RoundAction } from './port.js';
import { roundListLines, stateText } from './roundList.js';

function wizardDeps(request: ChatRequest): WizardDeps {
  const { db, clock, scheduler } = request.deps;
  return { db, clock, scheduler };
}

/** The admin as a wizard knows them: their person, or their account (the wizard creates the person in its transaction). */
function wizardAdmin(request: ChatRequest): WizardAdmin {
  return request.caller.person ? { personId: request.caller.person.id } : { user: request.caller.user };
}

function wizardMessage(prompt: WizardPrompt, seq: number): OutboundMessage {
  const options: Option[][] = prompt.buttons.map((row) => row.map((b) => ({ label: b.label, say: b.say, action: { kind: 'wizard', seq, value: b.value } })));
  return { text: prompt.text, options };
}

function showWizardReply(request: ChatRequest, reply: WizardReply): Reply {
  const { clock } = request.deps;
  switch (reply.kind) {
    case 'none':
    case 'stale':
      return NO_REPLY;
    case 'prompt':
      return { messages: [wizardMessage(reply.prompt, reply.seq)], pressed: 'retire' };
    case 'cancelled':
      return { ...say(msg.cancelled), pressed: 'retire' };
    case 'created': {
      const { campaign, input } = reply;
      const created = msg.created(
        campaign.id,
        escapeHtml(reply.formTitle),
        escapeHtml(input.periodLabel),
        describeOpening(input, clock.now()),
        formatDeadline(input.dueAt),
        campaign.targetCount,
        describePlan({ offsets: campaign.reminderOffsets, time: campaign.reminderTime }),
      );
      if (campaign.scheduleError) request.log.error({ err: campaign.scheduleError, campaignId: campaign.id }, 'scheduling a new round failed');
      return { messages: [{ text: created, options: [] }, ...(campaign.scheduleError ? [{ text: msg.scheduleFailed, options: [] }] : [])], pressed: 'retire' };
    }
    case 'deadline_changed': {
      const changed = msg.dueChanged(reply.campaignId, formatDeadline(reply.previousDueAt), formatDeadline(reply.dueAt));
      if (reply.scheduleError) request.log.error({ err: reply.scheduleError, campaignId: reply.campaignId }, 're-planning reminders failed');
      return { messages: [{ text: changed, options: [] }, ...(reply.scheduleError ? [{ text: msg.scheduleFailed, options: [] }] : [])], pressed: 'retire' };
    }
  }
}

// ---------------------------------------------------------------- /dotmoi and the wizard

/** /dotmoi: starts (or restarts) the new-round wizard. */
export async function newRoundCommand(request: ChatRequest): Promise<Reply> {
  return showWizardReply(request, await beginNewRound(wizardDeps(request), wizardAdmin(request), request.event));
}

/** /huy ends an admin's wizard; undefined when there was none (it goes on to the report's /huy). */
export function cancelWizardCommand(request: ChatRequest): Promise<Reply | undefined> {
  const person = request.caller.person;
  if (!person) return Promise.resolve(undefined);
  return cancelWizard(request.deps.db, person.id, request.deps.clock.now()).then((had) => (had ? once(request, async () => say(msg.cancelled)) : undefined));
}

/** Text or an option for the admin's wizard; 'none' when no wizard is active (the text is for something else). */
export async function toWizard(request: ChatRequest, input: WizardInput, seq?: number): Promise<Reply | 'none'> {
  const person = request.caller.person;
  if (!person) return input.kind === 'button' ? { ...NO_REPLY, toast: { text: botMessages.staleButton } } : 'none';
  const reply = await wizardInput(wizardDeps(request), {
    personId: person.id,
    event: request.event,
    input,
    actor: actorOf(request),
    ...(seq !== undefined ? { seq } : {}),
  });
  if (reply.kind === 'none') return 'none';
  if (reply.kind === 'stale' && input.kind === 'button') return { ...NO_REPLY, toast: { text: botMessages.staleButton } };
  return showWizardReply(request, reply);
}

// ---------------------------------------------------------------- /dot

/** Organizations or people named in /dot N's outreach lines; the rest are counted. */
const NAMED_IN_DETAILS = 10;

/** Who acknowledged the announcement, and who cannot be reached. */
async function outreachLines(request: ChatRequest, campaignId: string): Promise<string[]> {
  const { db, channels } = request.deps;
  const [acks, unreachable] = await Promise.all([announcementStats(db, campaignId, NAMED_IN_DETAILS), unreachableReporters(db, campaignId, NAMED_IN_DETAILS, channels)]);
  const lines: string[] = [];
  const more = (total: number, shown: number) => (total > shown ? msg.andMore(total - shown) : '');
  if (acks.sent > 0) {
    lines.push(msg.acknowledgements(acks.sent, acks.acknowledged));
    const { total, first } = acks.notAcknowledged;
    if (total > 0) lines.push(msg.notAcknowledged(total, first.map((o) => escapeHtml(o.code)).join(', ') + more(total, first.length)));
  }
  if (unreachable.total > 0) {
    const names = unreachable.first.map((r) => `${escapeHtml(r.reporter)} (${escapeHtml(r.code)})`).join(', ');
    lines.push(msg.unreachable(unreachable.total, names + more(unreachable.total, unreachable.first.length)));
  }
  return lines;
}

// ---------------------------------------------------------------- messages that did not arrive, or maybe twice

/** Deliveries named in /dot N's list of problems; the rest are counted. */
const PROBLEMS_IN_DETAILS = 30;
/** /dot N stays one Telegram message (4,096 characters), its list of problems included. */
const DETAILS_MAX_CHARS = 4000;
const NAME_CHARS = 60;
const REASON_CHARS = 80;

/** Which message of the round a slot was, in words: «nhắc 3 ngày trước hạn». */
export function slotLabel(slotKey: string, kind: SlotKind): string {
  const slot = parseSlotKey(slotKey);
  if (slot?.kind === 'announce') return msg.slotAnnouncement;
  if (slot?.kind === 'escalate' || kind === 'escalation') return msg.slotEscalation;
  switch (slot?.kind) {
    case 'manual':
      return msg.slotManual(formatDateTime(new Date(slot.windowStartMs)));
    case 'digest': {
      const [year, month, day] = slot.date.split('-');
      return msg.slotDigest(`${day}/${month}/${year}`);
    }
    case 'reminder':
      // 'r0d@2026-12-22' (re-planned after the deadline moved) is labelled by its offset, as 'r0d'.
      if (slot.offsetDays === 0) return msg.slotDueDay;
      return slot.offsetDays < 0 ? msg.slotBefore(-slot.offsetDays) : msg.slotAfter(slot.offsetDays);
    default:
      return msg.slotOther(escapeHtml(slotKey));
  }
}

/** What the chat app said when it refused, in words (Telegram's and Zalo's descriptions). */
function refusalText(reason: string, unreachable: boolean): string {
  if (/blocked/i.test(reason)) return msg.whyBlocked;
  if (/deactivated|deleted/i.test(reason)) return msg.whyDeactivated;
  if (/chat not found|user not found|can't initiate|initiate conversation/i.test(reason)) return msg.whyUnknownUser;
  const shown = escapeHtml(truncate(reason, REASON_CHARS));
  return unreachable ? msg.whyUnreachable(shown) : msg.whyRejected(shown);
}

/** What happened to one delivery, in words. */
export function problemText(p: Pick<DeliveryProblem, 'status' | 'reason' | 'failure' | 'resendCount'>): string {
  switch (p.status) {
    case 'sent':
      return msg.maybeDoubled;
    case 'queued':
    case 'sending':
      return msg.resending;
    case 'skipped':
      return msg.notSent(msg.whyUnreachableNow);
    case 'failed':
      break;
  }
  const reason = p.reason ?? '';
  switch (p.failure ?? 'rejected') {
    case 'unreachable':
      return msg.notDelivered(refusalText(reason.replace(/^unreachable:\s*/, ''), true));
    case 'transient':
      return msg.notDelivered(msg.whyTransient);
    case 'interrupted':
      return msg.notDelivered(p.resendCount > 0 ? msg.whyGaveUp(p.resendCount) : msg.whyInterrupted);
    case 'rejected':
      return msg.notDelivered(refusalText(reason, false));
  }
}

/** One line per person: their messages grouped by what happened to them. */
function personLine(rows: readonly DeliveryProblem[]): string {
  const byWhat = new Map<string, string[]>();
  for (const row of rows) {
    const what = problemText(row);
    byWhat.set(what, [...(byWhat.get(what) ?? []), slotLabel(row.slotKey, row.kind)]);
  }
  const items = [...byWhat].map(([what, labels]) => msg.problemItem([...new Set(labels)].join(', '), what));
  return msg.problemPerson(escapeHtml(truncate(rows[0]!.person.name, NAME_CHARS)), items.join('; '));
}

/**
 * The list of problems, grouped by organization (admins' messages last) and person, as many
 * people as fit in `maxChars`; the deliveries left out are counted. [] when there are none.
 */
export function problemLines(problems: DeliveryProblems, options: { maxChars: number; canResend: boolean }): string[] {
  if (problems.total === 0) return [];
  type Person = { org: string; rows: DeliveryProblem[] };
  const people: Person[] = [];
  for (const row of problems.first) {
    const org = row.organization ? msg.problemOrganization(escapeHtml(row.organization.code), escapeHtml(truncate(row.organization.name, NAME_CHARS))) : msg.problemAdmins;
    const last = people.at(-1);
    if (last && last.org === org && last.rows[0]!.person.id === row.person.id) last.rows.push(row);
    else people.push({ org, rows: [row] });
  }
  const footer = options.canResend ? (problems.resendable > 0 ? [msg.resendHint(problems.resendable)] : problems.undelivered > 0 ? [msg.resendNotYet] : []) : [];
  const render = (shown: number): string[] => {
    const lines = [msg.problemsHeading(problems.total)];
    let org: string | undefined;
    let named = 0;
    for (const person of people.slice(0, shown)) {
      if (person.org !== org) lines.push((org = person.org));
      lines.push(personLine(person.rows));
      named += person.rows.length;
    }
    if (problems.total > named) lines.push(msg.problemsMore(problems.total - named));
    return [...lines, ...footer];
  };
  let shown = people.length;
  while (shown > 0 && render(shown).join('\n').length > options.maxChars) shown--;
  return render(shown);
}

function roundOption(campaignId: string, action: RoundAction, label: string, typed: string, unlisted = false): Option {
  const act: Action = { kind: 'round', campaignId, action };
  return { label, say: typed, action: act, ...(unlisted ? { unlisted } : {}) };
}

async function showRound(request: ChatRequest, id: string): Promise<Reply> {
  const c = await getCampaignListing(request.deps.db, id, request.deps.clock);
  if (!c) return say(botMessages.unknownCampaign(escapeHtml(id)));
  const text = msg.details({
    id: c.id,
    title: escapeHtml(c.formTitle),
    form: `${escapeHtml(c.formId)} v${c.formVersion}`,
    period: escapeHtml(c.periodLabel),
    periodDates: c.periodStart && c.periodEnd ? `${formatDateVi(c.periodStart)} – ${formatDateVi(c.periodEnd)}` : null,
    opens: formatDeadline(c.opensAt),
    due: formatDeadline(c.dueAt),
    state: stateText(c),
    targets: c.targetCount,
    submitted: c.submittedCount,
    late: c.lateCount,
    drafts: c.draftCount,
    plan: describePlan({ offsets: c.reminderOffsets, time: c.reminderTime }),
  });
  const { db, clock } = request.deps;
  const [outreach, problems] = await Promise.all([outreachLines(request, c.id), deliveryProblems(db, c.id, { limit: PROBLEMS_IN_DETAILS, now: clock.now(), adminIds: request.deps.adminIds, channels: request.deps.channels })]);
  const head = [text, ...outreach].join('\n');
  const canResend = c.state !== 'closed';
  const listed = problemLines(problems, { maxChars: DETAILS_MAX_CHARS - head.length - 1, canResend });
  const fullText = [head, ...listed].join('\n');
  if (c.state === 'closed') return say(fullText);
  const options: Option[][] = [[roundOption(c.id, 'due', msg.changeDueButton, msg.changeDueSay(c.id)), roundOption(c.id, 'close', msg.closeButton, msg.closeSay(c.id))]];
  const third: Option[] = [];
  if (c.state === 'open') third.push(roundOption(c.id, 'remind', msg.remindButton, msg.remindSay(c.id)));
  if (problems.resendable > 0) third.push(roundOption(c.id, 'resend', msg.resendButton, msg.resendSay(c.id)));
  if (third.length > 0) options.push(third);
  return say(fullText, options);
}

/** /dot [N]: the rounds, or one round with its actions. */
export function roundsCommand(request: ChatRequest, args: string): Promise<Reply> {
  return onceRepeatable(request, async () => {
    const arg = args.replace(/^#/, '');
    if (arg) return isBigintId(arg) ? showRound(request, arg) : say(msg.usage);
    const lines = await roundListLines(request.deps);
    if (lines.length === 0) return say(msg.listNone);
    return say([...lines, '', msg.listFooter].join('\n'));
  });
}

// ---------------------------------------------------------------- actions on a round

/** "Đổi hạn chót": the admin's next text is the new deadline. Records the event itself. */
async function beginDue(request: ChatRequest, campaignId: string): Promise<Reply> {
  const reply = await beginDeadlineChange(wizardDeps(request), wizardAdmin(request), campaignId, request.event);
  if (reply.kind === 'refused') return { ...say(escapeHtml(reply.message)), pressed: 'retire' };
  return showWizardReply(request, reply);
}

async function confirmClose(request: ChatRequest, campaignId: string): Promise<Reply> {
  const c = await getCampaignListing(request.deps.db, campaignId, request.deps.clock);
  if (!c) return say(botMessages.unknownCampaign(escapeHtml(campaignId)));
  await rememberConfirmation(request.deps.db, wizardAdmin(request), { action: 'close', campaignId, shownAt: request.deps.clock.now() });
  return {
    ...say(msg.confirmClose(c.id, escapeHtml(c.formTitle)), [
      [roundOption(campaignId, 'close_ok', msg.confirmCloseButton, msg.confirmCloseSay)],
      [roundOption(campaignId, 'close_no', msg.keepOpenButton, msg.keepOpenSay)],
    ]),
    pressed: 'retire',
  };
}

async function closeNow(request: ChatRequest, campaignId: string): Promise<Reply> {
  const { db, clock, scheduler } = request.deps;
  try {
    const closed = await closeCampaign(db, campaignId, clock.now(), actorOf(request), clock, scheduler);
    if (closed.scheduleError) request.log.error({ err: closed.scheduleError, campaignId }, 'removing the reminders of a closed round failed');
    return {
      messages: [{ text: msg.closedNow(campaignId, formatDateTime(closed.closedAt)), options: [] }, ...(closed.scheduleError ? [{ text: msg.scheduleFailed, options: [] }] : [])],
      pressed: 'retire',
    };
  } catch (error) {
    if (!(error instanceof CampaignInputError)) throw error;
    return { ...say(escapeHtml(error.message)), pressed: 'retire' };
  }
}

/**
 * «Nhắc ngay» asks first, naming the round, how many organizations the reminder reaches,
 * and the round's messages sent in the last 12 hours or due in the next 12; it refuses
 * at once what the reminder itself would refuse (not open, nobody missing, asked minutes
 * ago, the round's messages still waiting to be sent). Read-only: the confirmation
 * decides again on what is true then.
 */
async function confirmRemind(request: ChatRequest, campaignId: string, options: { stale?: boolean } = {}): Promise<Reply> {
  const { db, clock } = request.deps;
  const now = clock.now();
  const preview = await manualReminderPreview(db, campaignId, now);
  if (!preview) return say(botMessages.unknownCampaign(escapeHtml(campaignId)));
  const round = { id: campaignId, periodLabel: preview.periodLabel };
  const refused = (result: RemindNowResult): Reply => ({ ...say(remindNowReply(result, round)), pressed: 'retire' });
  switch (preview.decision) {
    case 'not_open':
    case 'none_missing':
      return refused({ kind: preview.decision });
    case 'too_soon':
      return refused({ kind: 'too_soon', lastAt: preview.lastManualAt! });
    case 'busy':
      return refused({ kind: 'busy', waiting: preview.waiting });
    case 'go':
      break;
  }
  const lines = [
    ...(options.stale ? [msg.remindConfirmationStale] : []),
    msg.confirmRemind(campaignId, escapeHtml(preview.periodLabel), escapeHtml(preview.formTitle), preview.missing),
  ];
  const { recent, upcoming } = preview;
  if (recent) {
    const at = formatNearTime(recent.at, now);
    // A manual one's label repeats its time («nhắc ngay lúc …»): named by what it was.
    const what = parseSlotKey(recent.slotKey)?.kind === 'manual' ? msg.slotManualRecent : slotLabel(recent.slotKey, recent.kind);
    lines.push(recent.kind === 'announcement' ? msg.remindRecentAnnouncement(at) : msg.remindRecentReminder(at, what));
  }
  if (upcoming) lines.push(msg.remindUpcoming(formatNearTime(upcoming.at, now), slotLabel(upcoming.slotKey, upcoming.kind)));
  lines.push(msg.remindIgnoreHint);
  // Typed as its options read («nhắc ngay», «không nhắc»), this confirmation is the one they answer.
  await rememberConfirmation(db, wizardAdmin(request), { action: 'remind', campaignId, shownAt: now });
  return {
    ...say(lines.join('\n'), [
      [roundOption(campaignId, 'remind_ok', msg.confirmRemindButton, msg.confirmRemindSay)],
      [roundOption(campaignId, 'remind_no', msg.noRemindButton, msg.noRemindSay)],
    ]),
    pressed: 'retire',
  };
}

/** A confirmation this old is asked again: what it said (how many, what was sent lately) may no longer hold. */
const CONFIRMATION_FRESH_MS = 30 * 60_000;

/** `shownAt`: when the confirmation answered was shown (a button carries it; a typed answer takes the one remembered). */
function confirmedLongAgo(request: ChatRequest, shownAt: Date | undefined): boolean {
  return shownAt !== undefined && request.deps.clock.now().getTime() - shownAt.getTime() > CONFIRMATION_FRESH_MS;
}

/** A confirmation's answer about the round: its text, the confirmation's options retired; an unknown round said so. */
async function answerOnRound(request: ChatRequest, campaignId: string, text: (campaign: Campaign) => Promise<string> | string): Promise<Reply> {
  const campaign = await getCampaign(request.deps.db, campaignId);
  if (!campaign) return say(botMessages.unknownCampaign(escapeHtml(campaignId)));
  return { ...say(await text(campaign)), pressed: 'retire' };
}

/** The reminder confirmed: queued, or refused by what is true now (another admin may have just sent one). */
function remindNow(request: ChatRequest, campaignId: string): Promise<Reply> {
  return answerOnRound(request, campaignId, async (campaign) =>
    remindNowReply(await request.deps.scheduler.remindNow(campaignId, actorOf(request)), { id: campaignId, periodLabel: campaign.period_label }),
  );
}

function remindCancelled(request: ChatRequest, campaignId: string): Promise<Reply> {
  return answerOnRound(request, campaignId, (campaign) => msg.remindCancelled(campaignId, escapeHtml(campaign.period_label)));
}

/** «Gửi lại»: the round's failed deliveries that may be sent again are queued again. Records the event itself. */
async function resendNow(request: ChatRequest, campaignId: string): Promise<Reply> {
  const { db, clock, scheduler } = request.deps;
  const result = await resendFailedDeliveries(db, { campaignId, actor: actorOf(request), event: request.event, adminIds: request.deps.adminIds, channels: request.deps.channels }, clock.now());
  switch (result.kind) {
    case 'seen':
      return NO_REPLY;
    case 'unknown':
      return say(botMessages.unknownCampaign(escapeHtml(campaignId)));
    case 'closed':
      return { ...say(msg.resendClosed(campaignId)), pressed: 'retire' };
    case 'requeued':
      if (result.count === 0) return { ...say(msg.resentNone(campaignId)), pressed: 'retire' };
      // Their jobs now; if Redis is away, the sweep gives them jobs once it is back (they are queued in Postgres).
      await scheduler.deliveriesRequeued(campaignId).catch((err: unknown) => request.log.error({ err, campaignId }, 'queueing the resent deliveries failed; the sweep will'));
      return { ...say(msg.resent(campaignId, result.count)), pressed: 'retire' };
  }
}

type ConfirmationAnswer = 'close_ok' | 'close_no' | 'remind_ok' | 'remind_no';

/** The answers to a confirmation, with what they confirm. */
const ANSWERS: Record<ConfirmationAnswer, ConfirmedAction> = { close_ok: 'close', close_no: 'close', remind_ok: 'remind', remind_no: 'remind' };

const isAnswer = (action: RoundAction): action is ConfirmationAnswer => action in ANSWERS;

/**
 * A round action that runs in once(): a confirmation, or its answer. An answer forgets the
 * confirmation it answers (pressed or typed), so the other one typed later does nothing.
 */
async function onceRoundAction(request: ChatRequest, campaignId: string, action: Exclude<RoundAction, 'due' | 'resend'>, shownAt: Date | undefined): Promise<Reply> {
  // A confirmation answered long after it was shown (yesterday's, under today's planned reminder) asks again, with today's facts.
  const askAgain = action === 'remind_ok' && confirmedLongAgo(request, shownAt);
  const reply = await answer(request, campaignId, askAgain ? 'remind' : action, askAgain);
  const person = request.caller.person;
  // Asked again: that new confirmation is the one remembered now.
  if (isAnswer(action) && person && !askAgain) await forgetConfirmation(request.deps.db, person.id, { action: ANSWERS[action], campaignId });
  return reply;
}

function answer(request: ChatRequest, campaignId: string, action: Exclude<RoundAction, 'due' | 'resend'>, stale: boolean): Promise<Reply> {
  switch (action) {
    case 'close':
      return confirmClose(request, campaignId);
    case 'close_no':
      return Promise.resolve({ ...say(msg.keptOpen(campaignId)), pressed: 'retire' });
    case 'close_ok':
      return closeNow(request, campaignId);
    case 'remind':
      return confirmRemind(request, campaignId, { stale });
    case 'remind_no':
      return remindCancelled(request, campaignId);
    case 'remind_ok':
      return remindNow(request, campaignId);
  }
}

/** An option of /dot N, pressed or typed. */
export async function roundAction(request: ChatRequest, campaignId: string, action: RoundAction): Promise<Reply> {
  if (!isBigintId(campaignId)) return say(botMessages.unknownCampaign(escapeHtml(campaignId)));
  if (action === 'due') return beginDue(request, campaignId);
  if (action === 'resend') return resendNow(request, campaignId);
  const { content } = request.event;
  return once(request, () => onceRoundAction(request, campaignId, action, content.kind === 'action' ? content.shownAt : undefined));
}

/** What the options of a confirmation read as typed («Nhắc ngay», «không nhắc», «Không, để đợt tiếp tục»), with what each answers. */
const TYPED_ANSWERS: ReadonlyArray<{ say: string; action: ConfirmationAnswer }> = [
  { say: msg.confirmRemindSay, action: 'remind_ok' },
  { say: msg.noRemindSay, action: 'remind_no' },
  { say: msg.confirmCloseSay, action: 'close_ok' },
  { say: msg.keepOpenSay, action: 'close_no' },
];

/**
 * An admin's text that answers the confirmation last shown to them, typed as its option
 * reads (the only way on Zalo); undefined when it is not one of those words, or when the
 * message replies to another message (it says itself what it answers). The words alone
 * are checked first: only they cost a look-up. With no such confirmation waiting
 * (answered already, typed twice, too old) it is NOTHING_WAITING: the words may still be
 * the wizard's («không nhắc» at its reminder step), but nobody's report answer is «nhắc
 * ngay» — the router tells them so and stores them nowhere. A confirmation to act, typed after the admin went on
 * answering their own report, shows the confirmation again instead of acting: the word
 * may have been meant for the question they were at.
 */
export const NOTHING_WAITING = 'nothing waiting';

export async function typedConfirmationAnswer(request: ChatRequest, personId: string, text: string): Promise<Reply | typeof NOTHING_WAITING | undefined> {
  const typed = TYPED_ANSWERS.find((word) => matchesSay(text, word.say));
  if (!typed) return undefined;
  const { content } = request.event;
  if (content.kind === 'text' && content.quoted) return undefined;
  const pending = await pendingConfirmation(request.deps.db, personId, request.deps.clock.now());
  if (!pending || pending.action !== ANSWERS[typed.action]) return NOTHING_WAITING;
  const acts = typed.action === 'remind_ok' || typed.action === 'close_ok';
  if (acts && pending.reportAnsweredSince) return once(request, () => answer(request, pending.campaignId, pending.action, true));
  return once(request, () => onceRoundAction(request, pending.campaignId, typed.action, pending.shownAt));
}

/** /doihan N and /ketthuc N [ngay]: the typed forms of the round's options. */
export function typedRoundCommand(request: ChatRequest, command: 'doihan' | 'ketthuc' | 'guilai', args: string): Promise<Reply> {
  const [id = '', confirm = ''] = args.replace(/^#/, '').split(/\s+/);
  if (!isBigintId(id)) return sayOnce(request, msg.roundCommandUsage(command));
  if (command === 'doihan') return roundAction(request, id, 'due');
  if (command === 'guilai') return roundAction(request, id, 'resend');
  return roundAction(request, id, isConfirmWord(confirm) ? 'close_ok' : 'close');
}
