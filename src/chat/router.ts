/**
 * The chat layer's one entry point: an inbound event from any channel → who is calling
 * → the one use case it asks for → the reply. Commands first (typed with or without a
 * slash), then an admin's wizard, then a bare invite code, then an answer to the current
 * question. Every admin command and option is refused here, on the server, to anyone
 * who is not an admin, whatever the client shows.
 */
import { forgetSeenPrompt } from '../services/reporting.js';
import { callerIsAdmin, findPersonByIdentity, type KnownPerson } from '../services/people.js';
import { PercentileCache } from '../services/percentiles.js';
import { RepliedMarks } from '../services/processedUpdates.js';
import { RecentEvents } from './recentEvents.js';
import { identifyForAnswer, type PrefetchedStep } from '../services/reporting.js';
import { acknowledgePressed, acknowledgeTyped } from './acknowledgements.js';
import { notSubmittedCommand, notSubmittedPageAction, remindNowCommand, reopenCommand, summaryCommand } from './admin.js';
import { parseCommand, startsWithSlashWord, type CommandName, type ParsedCommand } from './commands.js';
import type { Caller, ChatDeps, ChatRequest } from './context.js';
import { editedMessage, forwardedMessage, replyTarget } from './edits.js';
import { fileAction } from './files.js';
import { linkCommand } from './linking.js';
import { botMessages as msg, roundMessages } from './messages.js';
import { onceRepeatable, sayOnce } from './once.js';
import { HandlingFailed, NO_REPLY, type Action, type ChatOrder, type EventKey, type Identity, type InboundEvent, type Quoted, type Reply, type Working } from './port.js';
import { bareInviteCode, startCommand } from './registration.js';
import { answerReport, baocaoCommand, huyCommand, notText, openAndAcknowledge, pickRoundByNumber } from './report.js';
import { cancelWizardCommand, newRoundCommand, NOTHING_WAITING, roundAction, roundsCommand, toWizard, typedConfirmationAnswer, typedRoundCommand } from './rounds.js';
import { helpCommand, statusCommand } from './status.js';

export interface Chat {
  /** Handles one inbound event; the reply is what the channel shows (nothing for a duplicate). `working`: the channel's sign that a slow reply is coming. */
  handle(event: InboundEvent, working?: Working): Promise<Reply>;
  /** The channel could not deliver `reply`: undo what assumed the person saw it. */
  undelivered(reply: Reply): Promise<void>;
  /**
   * The channel showed the reply to `event`, its last message at `order` in the chat:
   * recorded (in a batch), so the event received again says nothing, and a message placed
   * before the prompt it shows is not taken as an answer to it.
   */
  replied(event: EventKey, reply: Reply, order: ChatOrder | undefined): void;
  /** Records what is still gathered; call before the database closes. */
  close(): Promise<void>;
}

const ADMIN_COMMANDS = new Set<CommandName>(['dotmoi', 'dot', 'tonghop', 'chuanop', 'nhacnho', 'molai', 'doihan', 'ketthuc', 'guilai']);

/**
 * Who is calling. A typed message that looks like an answer (no command, no invite code,
 * not a reply to a prompt) is looked up together with the step it answers: one statement
 * for both, and the answer costs two round trips instead of three.
 */
async function identify(deps: ChatDeps, event: InboundEvent, typed: TypedText | undefined): Promise<{ caller: Caller; prefetchedStep?: PrefetchedStep }> {
  const identity: Identity = { channel: event.channel, externalId: event.from.externalId };
  const now = deps.clock.now();
  const looksLikeAnswer = typed !== undefined && !typed.quoted && !typed.command && !typed.unknownSlash && typed.inviteCode === undefined;
  const found: { known: KnownPerson; step?: PrefetchedStep } | undefined = looksLikeAnswer
    ? await identifyForAnswer(deps.db, identity, event, now)
    : await findPersonByIdentity(deps.db, identity, now).then((known) => (known ? { known } : undefined));
  const known = found?.known;
  const caller: Caller = {
    user: { identity, displayName: event.from.displayName, username: event.from.username },
    person: known?.person,
    isAdmin: callerIsAdmin(known, identity, deps.adminIds),
  };
  return found?.step ? { caller, prefetchedStep: found.step } : { caller };
}

/** A typed message as read before anything is looked up: what the router and the lookup both decide on. */
interface TypedText {
  text: string;
  quoted?: Quoted;
  command?: ParsedCommand;
  /** A slash command the bot does not know. */
  unknownSlash: boolean;
  /** An invite code pasted alone (trailing punctuation dropped). */
  inviteCode?: string;
}

function readTyped(text: string, quoted: Quoted | undefined): TypedText {
  const command = parseCommand(text);
  const inviteCode = bareInviteCode(text);
  return {
    text,
    ...(quoted ? { quoted } : {}),
    ...(command ? { command } : {}),
    // A known command is not an unknown one: only the rest is looked at again.
    // parseCommand already said it is no command: not asked again for every typed answer.
    unknownSlash: !command && startsWithSlashWord(text),
    ...(inviteCode ? { inviteCode } : {}),
  };
}

function refuseAdmin(request: ChatRequest, what: string): Promise<Reply> {
  request.log.warn({ what }, 'admin command refused');
  return sayOnce(request, msg.adminOnly);
}

async function command(request: ChatRequest, cmd: ParsedCommand): Promise<Reply> {
  if (ADMIN_COMMANDS.has(cmd.name) && !request.caller.isAdmin) return refuseAdmin(request, cmd.name);
  switch (cmd.name) {
    case 'start':
      return startCommand(request, cmd.args);
    case 'baocao':
      return baocaoCommand(request, cmd.args);
    case 'huy':
      return (request.caller.isAdmin ? await cancelWizardCommand(request) : undefined) ?? huyCommand(request);
    case 'trangthai':
      return statusCommand(request);
    case 'trogiup':
      return helpCommand(request);
    case 'lienket':
      return linkCommand(request, cmd.args);
    case 'danhan':
      return acknowledgeTyped(request);
    case 'dotmoi':
      return newRoundCommand(request);
    case 'dot':
      return roundsCommand(request, cmd.args);
    case 'tonghop':
      return summaryCommand(request, cmd.args);
    case 'chuanop':
      return notSubmittedCommand(request, cmd.args);
    case 'nhacnho':
      return remindNowCommand(request, cmd.args);
    case 'molai':
      return reopenCommand(request, cmd.args);
    case 'doihan':
    case 'ketthuc':
    case 'guilai':
      return typedRoundCommand(request, cmd.name, cmd.args);
  }
}

async function action(request: ChatRequest, act: Action | undefined): Promise<Reply> {
  const staleButton: Reply = { ...NO_REPLY, toast: { text: msg.staleButton } };
  if (!act) return onceRepeatable(request, async () => staleButton);
  const person = request.caller.person;
  switch (act.kind) {
    case 'report':
      if (!person) return sayOnce(request, msg.notRegistered);
      return answerReport(request, person.id, act.input, { submissionId: act.submissionId, step: act.step });
    case 'open':
      if (!person) return sayOnce(request, msg.notRegistered);
      return openAndAcknowledge(request, person.id, act.campaignId, act.organizationId);
    case 'ack':
      return acknowledgePressed(request, act.deliveryId);
    case 'wizard':
    case 'round':
    case 'file':
    case 'notSubmitted': {
      if (!request.caller.isAdmin) {
        request.log.warn({ action: act.kind }, 'admin button refused');
        return onceRepeatable(request, async () => ({ ...NO_REPLY, toast: { text: msg.adminOnly, alert: true } }));
      }
      if (act.kind === 'round') return roundAction(request, act.campaignId, act.action);
      if (act.kind === 'file') return fileAction(request, act.campaignId, act.file);
      if (act.kind === 'notSubmitted') return notSubmittedPageAction(request, act);
      const reply = await toWizard(request, { kind: 'button', value: act.value }, act.seq);
      return reply === 'none' ? staleButton : reply;
    }
  }
}

async function text(request: ChatRequest, { text: typed, quoted, command: cmd, unknownSlash, inviteCode }: TypedText): Promise<Reply> {
  const person = request.caller.person;
  // A command word is the command, even typed alone at a question that takes free text: nobody's
  // answer is «huỷ» or «trợ giúp», and storing it there would lose what the person asked for.
  if (cmd) return command(request, cmd);
  if (unknownSlash) return sayOnce(request, msg.unknownCommand);
  if (request.caller.isAdmin && person) {
    const answered = await typedConfirmationAnswer(request, person.id, typed);
    if (answered && answered !== NOTHING_WAITING) return answered;
    const reply = await toWizard(request, { kind: 'text', text: typed });
    if (reply !== 'none') return reply;
    if (answered === NOTHING_WAITING) return sayOnce(request, roundMessages.noConfirmationWaiting);
  }
  // An invite code pasted alone registers, even in the middle of a report (it is never an answer).
  if (inviteCode !== undefined) return startCommand(request, inviteCode);
  if (!person) return sayOnce(request, msg.notRegistered);
  const repliedTo = replyTarget(quoted);
  if (repliedTo?.submissionId !== undefined) {
    const input = { kind: 'edit_answer' as const, questionNo: repliedTo.questionNo, text: typed };
    return answerReport(request, person.id, input, { submissionId: repliedTo.submissionId });
  }
  // A prompt that names no report (no options) is the current one only if it is the last prompt
  // the bot sent: then the reply answers it as typed text. An older one may be another report's.
  if (repliedTo !== undefined && !quoted?.latest) return sayOnce(request, msg.replyToUnknownPrompt(repliedTo.questionNo));
  // No report in progress (paused, or /baocao's list just shown): a bare number chooses a round of the list.
  if (!person.active_submission_id && ROUND_NUMBER.test(typed.trim())) {
    const opened = await pickRoundByNumber(request, person.id, typed.trim());
    if (opened) return opened;
  }
  return answerReport(request, person.id, { kind: 'text', text: typed });
}

/** A round's number in /baocao's list, typed alone. */
const ROUND_NUMBER = /^\d{1,3}$/;

function route(request: ChatRequest, typed: TypedText | undefined): Promise<Reply> {
  const { content } = request.event;
  switch (content.kind) {
    case 'text':
      // Read in handle for every text event, before the lookup.
      return text(request, typed!);
    case 'edited':
      return editedMessage(request, content.text);
    case 'forwarded':
      return forwardedMessage(request);
    case 'action':
      return action(request, content.action);
    case 'other':
      return notText(request);
  }
}

export function createChat(given: ChatDeps): Chat {
  const recentEvents = new RecentEvents(given.clock.now());
  const replies = new RepliedMarks(given.db, given.clock, (err) => given.logger.warn({ err }, 'could not record replies as shown'));
  const deps: ChatDeps = { ...given, percentiles: given.percentiles ?? new PercentileCache() };
  return {
    async handle(event, working: Working = () => undefined) {
      // Before anything is read: a second delivery arriving while the first is handled is this process's own.
      const before = recentEvents.receive(event);
      const answersAgain = (handledAt: Date) =>
        before === 'failed' || (before === 'new' && recentEvents.handlerMayBeGone(handledAt, deps.clock.now()));
      try {
        const typed = event.content.kind === 'text' ? readTyped(event.content.text, event.content.quoted) : undefined;
        const { caller, prefetchedStep } = await identify(deps, event, typed);
        const log = deps.logger.child({ channel: event.channel, dedupeKey: event.dedupeKey, personId: caller.person?.id });
        const shownPrompt = caller.person ? replies.shownTo(caller.person.id) : undefined;
        const request: ChatRequest = {
          deps,
          event,
          caller,
          log,
          answersAgain,
          working,
          ...(prefetchedStep ? { prefetchedStep } : {}),
          ...(shownPrompt ? { shownPrompt } : {}),
        };
        return await route(request, typed);
      } catch (error) {
        recentEvents.failed(event);
        throw new HandlingFailed(error, before === 'failed');
      }
    },
    async undelivered(reply) {
      if (reply.shows) await forgetSeenPrompt(deps.db, reply.shows.personId);
    },
    replied(event, reply, order) {
      replies.add(event);
      if (reply.shows && order !== undefined) replies.promptShown({ ...reply.shows, channel: event.channel, order });
    },
    close() {
      return replies.close();
    },
  };
}

