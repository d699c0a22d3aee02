/**
 * The report dialogue in chat: /baocao opens (or resumes) a report, typed messages and
 * chosen options answer it, /huy pauses it. All decisions are taken by the reporting
 * service; this module turns its replies into outbound messages.
 */
import type { Input } from '../dialogue/types.js';
import { openCampaignsForPerson, type ReportableCampaign } from '../services/campaigns.js';
import { wasRemoved } from '../services/people.js';
import { handleReportInput, openReport, pauseReport, type ReportReply } from '../services/reporting.js';
import type { ChatRequest } from './context.js';
import { botMessages as msg } from './messages.js';
import { once, onceRepeatable, sayOnce } from './once.js';
import { NO_REPLY, say, type Option, type Reply } from './port.js';

function reportingDeps(request: ChatRequest) {
  const { db, clock, forms, percentiles } = request.deps;
  return { db, clock, forms, ...(percentiles ? { percentiles } : {}) };
}

/** The service's reply as a message; its options carry the report and step they belong to. */
export function reportReply(reply: ReportReply, personId: string): Reply {
  switch (reply.kind) {
    case 'duplicate':
      return NO_REPLY;
    case 'no_active':
      return say(msg.noActiveReport);
    case 'forbidden':
      return say(msg.forbiddenReport);
    case 'prompt': {
      const text = [reply.notice, reply.prompt.text].filter(Boolean).join('\n\n');
      const options: Option[][] = reply.prompt.buttons.map((row) =>
        row.map((b) => ({
          label: b.label,
          say: b.say,
          ...(b.unlisted ? { unlisted: true } : {}),
          ...(b.textLabel !== undefined ? { textLabel: b.textLabel } : {}),
          action: { kind: 'report', submissionId: reply.submissionId, step: reply.step, input: b.input },
        })),
      );
      return {
        messages: [{ text, options, prompt: true, ...(reply.prompt.buttonsNote !== undefined ? { buttonsNote: reply.prompt.buttonsNote } : {}) }],
        inPlace: reply.inPlace,
        pressed: 'retire',
        shows: { personId, submissionId: reply.submissionId, step: reply.step },
      };
    }
  }
}

/** The person's message as the answer path stores it: unique across channels. */
export function messageRefOf(event: ChatRequest['event']): string | undefined {
  return event.messageRef === undefined ? undefined : `${event.channel}:${event.messageRef}`;
}

/**
 * An answer (typed or chosen) to the person's current report, or, with `target`, to a
 * given report (a button's, or the one an edited message belongs to).
 */
export async function answerReport(
  request: ChatRequest,
  personId: string,
  input: Input,
  target?: { submissionId: string; step?: number },
): Promise<Reply> {
  const { event } = request;
  const messageRef = messageRefOf(event);
  const reply = await handleReportInput(
    reportingDeps(request),
    {
      event: { channel: event.channel, dedupeKey: event.dedupeKey, ...(messageRef ? { messageRef } : {}), ...(event.order !== undefined ? { order: event.order } : {}) },
      personId,
      input,
      ...(request.shownPrompt ? { shownHere: request.shownPrompt } : {}),
      ...(target?.step !== undefined ? { button: { submissionId: target.submissionId, step: target.step } } : target ? { submissionId: target.submissionId } : {}),
    },
    request.prefetchedStep,
  );
  // Handled before, its reply never recorded: the process that handled it may have died before replying.
  if (reply.kind === 'duplicate' && reply.current && request.answersAgain(reply.current.handledAt)) return reportReply(reply.current.prompt, personId);
  const shown = reportReply(reply, personId);
  // A pressed option the report took (stored, not refused or stale) stays on its prompt, marked chosen.
  const taken = target?.step !== undefined && reply.kind === 'prompt' && reply.taken === true && !reply.inPlace;
  return taken ? { ...shown, pressed: 'chosen' } : shown;
}

/** Opens (or resumes) the report, in one transaction that records the event and acknowledges the round's announcement. */
export async function openAndAcknowledge(request: ChatRequest, personId: string, campaignId: string, organizationId: string): Promise<Reply> {
  const reply = await openReport(reportingDeps(request), { personId, campaignId, organizationId, event: request.event });
  return reportReply(reply, personId);
}

/**
 * /baocao [N]: the only open round is opened at once; with several, the person chooses
 * (an option each, or its number typed, «2» or «baocao 2»). The list pauses the report in
 * progress: what the person types next is a choice, never an answer to its question.
 */
export async function baocaoCommand(request: ChatRequest, args: string): Promise<Reply> {
  const person = request.caller.person;
  if (!person) return sayOnce(request, msg.notRegistered);
  const { db, clock } = request.deps;
  const open = await openCampaignsForPerson(db, person.id, clock.now());
  const chosen = /^#?(\d{1,3})$/.exec(args);
  const opened = openNumbered(request, person.id, open, chosen ? Number(chosen[1]) : open.length === 1 ? 1 : 0);
  if (opened) return opened;
  return onceRepeatable(request, async ({ again }) => {
    if (open.length === 0) return say((await wasRemoved(db, person.id)) ? msg.removedFromOrganization : msg.noOpenCampaignForReport);
    // Only the first time: the list shown again for a lost reply must not pause a report opened since.
    if (!again) await pauseReport(db, person.id);
    const options: Option[][] = [];
    for (const [i, c] of open.entries()) {
      const form = await request.deps.forms.get(c.formId, c.formVersion);
      options.push([
        {
          label: msg.campaignOption(i + 1, c.organizationName, form.title, c.periodLabel),
          say: `baocao ${i + 1}`,
          action: { kind: 'open', campaignId: c.campaignId, organizationId: c.organizationId },
        },
      ]);
    }
    const heading = open.length === 1 ? msg.chooseOnlyCampaign : msg.chooseCampaign;
    const missing = chosen ? `${msg.noSuchCampaign(Number(chosen[1]), open.length)}\n` : '';
    return say(`${missing}${heading}\n${msg.chooseCampaignTyped}`, options);
  });
}

/**
 * A bare number typed with no report in progress (after /baocao's list, or /huy): the
 * round of that number in the list, opened; undefined when there is no such round, so
 * the number is handled as any message then is (it may have been meant as an answer).
 */
export async function pickRoundByNumber(request: ChatRequest, personId: string, typed: string): Promise<Reply | undefined> {
  const { db, clock } = request.deps;
  return openNumbered(request, personId, await openCampaignsForPerson(db, personId, clock.now()), Number(typed));
}

/** The round numbered `no` (from 1) in the list `open`, opened; undefined when there is none of that number. */
function openNumbered(request: ChatRequest, personId: string, open: readonly ReportableCampaign[], no: number): Promise<Reply> | undefined {
  const picked = open[no - 1];
  return picked ? openAndAcknowledge(request, personId, picked.campaignId, picked.organizationId) : undefined;
}

/** /huy: the person stops answering; every answer stays stored. */
export function huyCommand(request: ChatRequest): Promise<Reply> {
  return once(request, async () => {
    const person = request.caller.person;
    if (!person) return say(msg.notRegistered);
    return say((await pauseReport(request.deps.db, person.id)) ? msg.paused : msg.nothingToPause);
  });
}

/** A photo, sticker or voice message cannot answer a question: say so and show the question again. */
export async function notText(request: ChatRequest): Promise<Reply> {
  const person = request.caller.person;
  if (!person?.active_submission_id) return sayOnce(request, msg.textOnly);
  const current = await answerReport(request, person.id, { kind: 'show' });
  if (current.messages.length === 0) return current;
  return { ...current, messages: [{ text: msg.textOnly, options: [] }, ...current.messages] };
}
