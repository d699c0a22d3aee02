/**
 * Changing an answer after the fact, as chat apps let people do: editing the message
 * that answered a question, or replying to the bot's prompt of an earlier question.
 * Either is an edit of that very question — never of the one the report is at now —
 * with the same checks as any answer. Forwarded messages are never answers.
 */
import type { Input } from '../dialogue/types.js';
import { questionNoInPrompt } from '../dialogue/heading.js';
import { sourceOfAnswer } from '../services/answers.js';
import { markupToPlain } from '../channels/text/render.js';
import type { ChatRequest } from './context.js';
import { botMessages as msg } from './messages.js';
import { sayOnce } from './once.js';
import type { Quoted, Reply } from './port.js';
import { answerReport, messageRefOf } from './report.js';

/** The person edited a message they sent: if it answered a question, the new text answers it again. */
export async function editedMessage(request: ChatRequest, text: string): Promise<Reply> {
  const person = request.caller.person;
  if (!person) return sayOnce(request, msg.notRegistered);
  const ref = messageRefOf(request.event);
  const source = ref === undefined ? undefined : await sourceOfAnswer(request.deps.db, request.deps.forms, ref);
  if (!source) return sayOnce(request, msg.editNotAnswer);
  const input: Input = { kind: 'edit_answer', questionNo: source.questionNo, text };
  return answerReport(request, person.id, input, { submissionId: source.submissionId });
}

/**
 * A reply to one of the bot's question prompts answers that question of that prompt's
 * report: the number is read from the prompt's heading ("Câu 3/14."), the report from its
 * options where the channel shows them. Undefined when the quoted message is not a prompt.
 */
export function replyTarget(quoted: Quoted | undefined): { questionNo: number; submissionId?: string } | undefined {
  if (!quoted?.fromBot) return undefined;
  const questionNo = questionNoInPrompt(markupToPlain(quoted.text));
  if (questionNo === undefined) return undefined;
  return { questionNo, ...(quoted.submissionId ? { submissionId: quoted.submissionId } : {}) };
}

/** Forwarded, or sent through another bot: not the person's own answer. */
export function forwardedMessage(request: ChatRequest): Promise<Reply> {
  return sayOnce(request, msg.forwardedNotAnswer);
}
