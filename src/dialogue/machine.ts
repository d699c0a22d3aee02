/**
 * The report dialogue as a pure state machine: (state, input) → transition.
 * No I/O: the service loads the state, applies the transition's effects in one
 * transaction, and the channel renders the prompt.
 */
import { answerFromButton, checkQuestionConstraint, parseTypedAnswer, type ParseResult } from '../forms/parse.js';
import { formatAnswer } from '../forms/format.js';
import { checkRules, isRelevant, pruneIrrelevantAnswers } from '../forms/logic.js';
import { checkPlausibility } from '../forms/plausibility.js';
import type { AnswerValue, Answers, Form, Question } from '../forms/schema.js';
import { escapeHtml, truncate } from '../text/html.js';
import { normalizeTypedText } from '../text/normalize.js';
import { foldTyped, matchesSay } from '../text/normalize.js';
import { dialogueMessages as msg } from './messages.js';
import { findQuestion, firstUnanswered, previousRelevant, questionNo, renderPrompt } from './prompts.js';
import type { Cursor, DialogueState, Effect, Input, Transition } from './types.js';

const LATE_REASON_MAX_CHARS = 1000;
/** How long an answer is shown in an edit's confirmation. */
const EDIT_NOTICE_CHARS = 200;
/** Pending confirmations an edit may nest in `returnTo` before the middle ones are dropped (the JSON stays small). */
const MAX_RETURN_DEPTH = 3;

/**
 * Where an answer being applied comes from. `review`: as in the cursor.
 * `returnTo`: the answer is an edit (edit_answer, or a step an edit led to), and
 * once it is stored the person goes back there. `direct`: an edit_answer arriving
 * while the cursor is anywhere; refusing it changes nothing, not even the cursor.
 */
type Origin = { review: boolean; returnTo?: Cursor | undefined; direct?: boolean };

/** The origin of an answer given at a step of the cursor (question, confirm, plausible). */
function originOf(cursor: { review: boolean; returnTo?: Cursor | undefined }): Origin {
  return { review: cursor.review, returnTo: cursor.returnTo };
}

/** The cursor with `returnTo` set, or without the field when there is none (stored JSON stays as before). */
function withReturn<C extends Extract<Cursor, { at: 'question' | 'confirm' | 'plausible' }>>(cursor: C, returnTo: Cursor | undefined): C {
  return returnTo === undefined ? cursor : { ...cursor, returnTo };
}

/** Where a fresh report starts, or where a report resumes. */
export function startCursor(form: Form, answers: Answers): Cursor {
  const next = firstUnanswered(form, answers);
  return next ? { at: 'question', key: next.key, review: false } : { at: 'review' };
}

function stay(state: DialogueState, notice?: string): Transition {
  return { cursor: state.cursor, effects: [], notice, prompt: renderPrompt(state, state.cursor), changed: false };
}

function move(state: DialogueState, cursor: Cursor, effects: Effect[] = [], notice?: string, answers = state.answers): Transition {
  const next = { ...state, cursor, answers };
  return { cursor, effects, notice, prompt: renderPrompt(next, cursor), changed: true };
}

/**
 * An answer that is refused keeps the person on its question. Staying put stores
 * nothing, so the step does not move and a co-reporter's next answer is not taken
 * for one that raced with a change.
 */
function refuse(state: DialogueState, key: string, origin: Origin, notice: string): Transition {
  const shown = origin.returnTo !== undefined ? msg.editNotSaved(questionNo(state.form, key), notice) : notice;
  if (origin.direct || (state.cursor.at === 'question' && state.cursor.key === key)) return stay(state, shown);
  return move(state, withReturn({ at: 'question', key, review: origin.review }, origin.returnTo), [], shown);
}

/**
 * Where an edit returns once its answer is stored: the cursor it came from,
 * unless that cursor was about the question just answered (its pending step is
 * superseded) or about a question the new answers no longer ask; then on to
 * that cursor's own return point, else the first unanswered question.
 */
function resume(form: Form, answers: Answers, cursor: Cursor, answeredKey: string): Cursor {
  if (cursor.at !== 'question' && cursor.at !== 'confirm' && cursor.at !== 'plausible') return cursor;
  const question = form.questions.find((q) => q.key === cursor.key);
  if (cursor.key !== answeredKey && question && isRelevant(question, answers)) return cursor;
  if (cursor.returnTo !== undefined) return resume(form, answers, cursor.returnTo, answeredKey);
  const next = firstUnanswered(form, answers);
  return next ? { at: 'question', key: next.key, review: cursor.review } : { at: 'review' };
}

/** The cursor an edit returns to, with at most MAX_RETURN_DEPTH pending steps kept in between. */
function returnPoint(cursor: Cursor): Cursor {
  let depth = 0;
  let last: Cursor = cursor;
  while ((last.at === 'question' || last.at === 'confirm' || last.at === 'plausible') && last.returnTo !== undefined) {
    last = last.returnTo;
    depth += 1;
  }
  return depth >= MAX_RETURN_DEPTH ? last : cursor;
}

function shownAnswer(question: Question, value: AnswerValue | undefined): string {
  if (value === undefined) return msg.notAnsweredYet;
  return escapeHtml(truncate(formatAnswer(question, value), EDIT_NOTICE_CHARS));
}

/**
 * Stores an answer after every check, in this order: the question's own
 * constraint, the cross-question rules attached to it, then plausibility.
 * Why plausibility last: it can only ask, never refuse, so asking "is 1.234
 * right?" for a value a rule then refuses would cost the person a round trip
 * for nothing; and a confirmed value comes back here (confirmedOutlier) so the
 * constraint and the rules are checked again on the value finally stored, on
 * the answers as they are then (a co-reporter may have changed one meanwhile).
 */
function applyAnswer(state: DialogueState, key: string, value: AnswerValue, origin: Origin, confirmedOutlier = false): Transition {
  const question = findQuestion(state.form, key);
  if (value !== null) {
    const violation = checkQuestionConstraint(question, value, state.answers);
    if (violation) return refuse(state, key, origin, escapeHtml(violation));
  }
  const given = new Map(state.answers).set(key, value);
  const failures = checkRules(state.form, given, { only: key });
  if (failures.length > 0) {
    // A rule across questions may be broken by an earlier answer typed wrong: say how to reach it.
    return refuse(state, key, origin, [...failures.map((f) => escapeHtml(f.message)), msg.ruleFixHint].join('\n'));
  }
  if (!confirmedOutlier && typeof value === 'number' && state.plausibility !== undefined) {
    if (checkPlausibility(question, value, state.plausibility, state.form.plausibility)) {
      return move(state, withReturn({ at: 'plausible', key, value, review: origin.review }, origin.returnTo));
    }
  }
  // Answers to questions that no longer apply (e.g. ban_chi_dao changed to "Không") are removed.
  const answers = pruneIrrelevantAnswers(state.form, given);
  const effects: Effect[] = [confirmedOutlier ? { kind: 'set', key, value, confirmedOutlier: true } : { kind: 'set', key, value }];
  for (const dropped of given.keys()) if (!answers.has(dropped)) effects.push({ kind: 'unset', key: dropped });
  const next = firstUnanswered(state.form, answers);
  const forward: Cursor = next ? { at: 'question', key: next.key, review: origin.review } : { at: 'review' };
  // An edit says what changed: one from anywhere (returnTo), or one from the review («sửa 3») of an answer given before.
  const fromReview = origin.review && state.answers.has(key) && !storedEquals(state, key, value);
  const edited =
    origin.returnTo !== undefined || fromReview
      ? msg.edited(questionNo(state.form, key), shownAnswer(question, value), shownAnswer(question, state.answers.get(key)))
      : undefined;
  // A sent report must stay complete and consistent: an edit that leaves a question
  // unanswered or a rule failing takes it back to "not sent" until it is sent again.
  if (state.status === 'submitted' && (next || checkRules(state.form, answers).length > 0)) {
    effects.push({ kind: 'unsubmit' });
    const notice = edited === undefined ? msg.unsubmittedByEdit : `${edited}\n${msg.unsubmittedByEdit}`;
    return move({ ...state, status: 'draft' }, forward, effects, notice, answers);
  }
  const cursor = origin.returnTo !== undefined ? resume(state.form, answers, origin.returnTo, key) : forward;
  return move(state, cursor, effects, edited, answers);
}

function applyParsed(state: DialogueState, key: string, origin: Origin, result: ParseResult): Transition {
  switch (result.kind) {
    case 'ok':
      return applyAnswer(state, key, result.value, origin);
    case 'error': {
      const message = escapeHtml(result.message);
      return stay(state, origin.returnTo !== undefined ? msg.editNotSaved(questionNo(state.form, key), message) : message);
    }
    case 'ambiguous': {
      const cursor = withReturn({ at: 'confirm' as const, key, candidates: result.candidates, review: origin.review }, origin.returnTo);
      return move(state, cursor, [], escapeHtml(result.message));
    }
  }
}

function goBack(state: DialogueState, key: string, review: boolean): Transition {
  const previous = previousRelevant(state.form, state.answers, key);
  if (!previous) return stay(state, msg.firstQuestion);
  return move(state, { at: 'question', key: previous.key, review });
}

function goEdit(state: DialogueState, no: number): Transition {
  const question = state.form.questions[no - 1];
  if (!question || no < 1) return stay(state, msg.noSuchQuestion(state.form.questions.length));
  if (!isRelevant(question, state.answers)) return stay(state, msg.notApplicable(no));
  return move(state, { at: 'question', key: question.key, review: true });
}

function skip(state: DialogueState, key: string, origin: Origin): Transition {
  if (findQuestion(state.form, key).required) return stay(state, msg.required);
  return applyAnswer(state, key, null, origin);
}

/**
 * A changed answer to question N from anywhere in the dialogue (an edited chat
 * message, a reply to N's prompt). Why it exists: the person means that
 * question, so the text must land there or be refused with a reason, never be
 * read as an answer to the question on screen. It goes through exactly the
 * checks of a typed answer; the cursor stays (or returns, after a confirmation)
 * where it was.
 */
function editAnswer(state: DialogueState, input: Extract<Input, { kind: 'edit_answer' }>): Transition {
  const no = input.questionNo;
  const question = Number.isInteger(no) && no >= 1 ? state.form.questions[no - 1] : undefined;
  if (!question) return stay(state, msg.editNoSuchQuestion(no, state.form.questions.length));
  if (state.locked) {
    return stay(state, msg.editImpossible(no, state.locked === 'closed' ? msg.editReasonClosed : msg.editReasonPastDeadline));
  }
  if (!isRelevant(question, state.answers)) return stay(state, msg.editImpossible(no, msg.editReasonNotApplicable));
  // A reply to the prompt of the question being asked is simply its answer.
  const { cursor } = state;
  if (cursor.at === 'question' && cursor.key === question.key && !cursor.returnTo) return step(state, { kind: 'text', text: input.text });
  const origin: Origin = { review: true, returnTo: returnPoint(state.cursor), direct: true };
  if (matchesSay(input.text, msg.saySkip)) {
    if (question.required) return stay(state, msg.editNotSaved(no, msg.required));
    return sameAnswer(state, question, null) ?? applyAnswer(state, question.key, null, origin);
  }
  const result = parseTypedAnswer(question, input.text, state.parse);
  if (result.kind === 'ok') {
    const unchanged = sameAnswer(state, question, result.value);
    if (unchanged) return unchanged;
  }
  return applyParsed(state, question.key, origin, result);
}

/** The answer stored for `key` is `value` (a stored null, the question skipped, included). */
function storedEquals(state: DialogueState, key: string, value: AnswerValue): boolean {
  return JSON.stringify(state.answers.get(key)) === JSON.stringify(value);
}

/**
 * An edit to the value already stored changes nothing: Telegram sends an edit
 * for any change of the message, and storing again would re-ask a confirmed
 * outlier and clear its mark. Not while the cursor is on that very question
 * (asked again, or a confirmation pending): there the edit answers it.
 */
function sameAnswer(state: DialogueState, question: Question, value: AnswerValue): Transition | undefined {
  const { cursor } = state;
  if ((cursor.at === 'question' || cursor.at === 'confirm' || cursor.at === 'plausible') && cursor.key === question.key) return undefined;
  if (!state.answers.has(question.key) || !storedEquals(state, question.key, value)) return undefined;
  return stay(state, msg.editUnchanged(questionNo(state.form, question.key), shownAnswer(question, state.answers.get(question.key))));
}

function onQuestion(state: DialogueState, cursor: Extract<Cursor, { at: 'question' }>, input: Input): Transition {
  const question = findQuestion(state.form, cursor.key);
  switch (input.kind) {
    case 'text':
      return applyParsed(state, cursor.key, originOf(cursor), parseTypedAnswer(question, input.text, state.parse));
    case 'pick':
      if (question.type !== 'yes_no' && question.type !== 'choice') return stay(state, msg.buttonNotForThisStep);
      return applyParsed(state, cursor.key, originOf(cursor), answerFromButton(question, input.index));
    case 'toggle': {
      if (question.type !== 'multi_choice') return stay(state, msg.buttonNotForThisStep);
      const choice = question.choices[input.index];
      if (!choice) return stay(state, msg.buttonNotForThisStep);
      const selected = new Set(currentSelection(state, cursor));
      if (selected.has(choice.value)) selected.delete(choice.value);
      else selected.add(choice.value);
      const ordered = question.choices.map((c) => c.value).filter((v) => selected.has(v));
      return { ...move(state, { ...cursor, selected: ordered }), inPlace: true };
    }
    case 'finish_multi': {
      if (question.type !== 'multi_choice') return stay(state, msg.buttonNotForThisStep);
      const chosen = new Set(currentSelection(state, cursor));
      const indices = question.choices.flatMap((c, i) => (chosen.has(c.value) ? [String(i + 1)] : []));
      // Nothing selected is an answer ([]) where the form allows it, not a skip and not "required".
      if (indices.length === 0 && question.minSelected === 0) return applyAnswer(state, cursor.key, [], originOf(cursor));
      return applyParsed(state, cursor.key, originOf(cursor), parseTypedAnswer(question, indices.join(','), state.parse));
    }
    case 'skip':
      return skip(state, cursor.key, originOf(cursor));
    case 'back':
      return goBack(state, cursor.key, cursor.review);
    case 'edit':
      return goEdit(state, input.questionNo);
    case 'edit_answer':
      return editAnswer(state, input);
    case 'submit':
      // Sent early: says which question is still unanswered (this one, or one before it).
      return submit(state);
    case 'show':
      return stay(state);
  }
}

/** The multi-choice selection being built: the toggles so far, else the stored answer (editing from the review). */
function currentSelection(state: DialogueState, cursor: Extract<Cursor, { at: 'question' }>): string[] {
  if (cursor.selected !== undefined) return cursor.selected;
  const answer = state.answers.get(cursor.key);
  return Array.isArray(answer) ? answer : [];
}

type PendingNumber = Extract<Cursor, { at: 'confirm' }> | Extract<Cursor, { at: 'plausible' }>;

/** Back from a pending number to its question, with nothing stored. */
function backToQuestion(state: DialogueState, cursor: PendingNumber): Transition {
  return move(state, withReturn({ at: 'question', key: cursor.key, review: cursor.review }, cursor.returnTo));
}

/**
 * What a number waiting for confirmation (an ambiguous reading, an implausible figure)
 * understands besides its own options: a freshly typed answer (checked again), back,
 * skip, an edit of another question, showing the prompt again.
 */
function onPendingNumber(state: DialogueState, cursor: PendingNumber, input: Input): Transition {
  switch (input.kind) {
    case 'text':
      return applyParsed(state, cursor.key, originOf(cursor), parseTypedAnswer(findQuestion(state.form, cursor.key), input.text, state.parse));
    case 'back':
      return backToQuestion(state, cursor);
    case 'skip':
      return skip(state, cursor.key, originOf(cursor));
    case 'edit':
      return goEdit(state, input.questionNo);
    case 'show':
      return stay(state);
    default:
      return stay(state, msg.buttonNotForThisStep);
  }
}

/** A candidate reading of an ambiguous number picked. */
function onConfirm(state: DialogueState, cursor: Extract<Cursor, { at: 'confirm' }>, input: Input): Transition {
  if (input.kind !== 'pick') return onPendingNumber(state, cursor, input);
  const value = cursor.candidates[input.index];
  if (value === undefined) return stay(state, msg.buttonNotForThisStep);
  return applyAnswer(state, cursor.key, value, originOf(cursor));
}

/**
 * «Đúng» stores the number with its outlier mark (after the constraint and
 * rules again); «Nhập lại» and «Quay lại» go back to the question with nothing
 * stored; another typed number is a fresh answer, checked again.
 */
function onPlausible(state: DialogueState, cursor: Extract<Cursor, { at: 'plausible' }>, input: Input): Transition {
  const confirmed = () => applyAnswer(state, cursor.key, cursor.value, originOf(cursor), true);
  if (input.kind === 'pick') {
    if (input.index === 0) return confirmed();
    if (input.index === 1) return backToQuestion(state, cursor);
    return stay(state, msg.buttonNotForThisStep);
  }
  if (input.kind === 'text') {
    if (msg.sayPlausibleYesWords.some((w) => matchesSay(input.text, w))) return confirmed();
    if (msg.sayPlausibleRetypeWords.some((w) => matchesSay(input.text, w))) return backToQuestion(state, cursor);
  }
  return onPendingNumber(state, cursor, input);
}

function submit(state: DialogueState): Transition {
  const missing = state.form.questions.find((q) => isRelevant(q, state.answers) && !state.answers.has(q.key));
  if (missing) {
    return move(state, { at: 'question', key: missing.key, review: false }, [], msg.missingBeforeSubmit(questionNo(state.form, missing.key)));
  }
  const failures = checkRules(state.form, state.answers);
  if (failures.length > 0) {
    return stay(state, [msg.rulesBlockSubmit, ...failures.map((f) => `• ${escapeHtml(f.message)}`)].join('\n'));
  }
  const late = state.status === 'draft' && state.pastDeadline;
  const next = { ...state, status: 'submitted' as const };
  const cursor: Cursor = late ? { at: 'late_reason' } : { at: 'done' };
  return {
    cursor,
    effects: [{ kind: 'submit' }],
    notice: late ? msg.submittedLate(state.nowLabel) : msg.submitted(state.nowLabel),
    prompt: late ? { text: msg.lateReasonEmpty, buttons: [] } : renderPrompt(next, cursor),
    changed: true,
  };
}

const SUBMIT_WORDS = /^gui( bao cao)?$/;
const EDIT_WORDS = /^(sua(?: cau)? ?)?(\d{1,3})$/;

/**
 * What a typed message means as the review's words: "gửi", "sửa 3", and on the review a
 * bare "3". Typed at a question (`bareNumber` false) they are meant as such too, never an
 * answer (a text question would store them); a bare number stays an answer there.
 */
function reviewCommand(text: string, bareNumber = true): Input | undefined {
  const folded = foldTyped(text);
  if (SUBMIT_WORDS.test(folded)) return { kind: 'submit' };
  const edit = EDIT_WORDS.exec(folded);
  return edit && (bareNumber || edit[1]) ? { kind: 'edit', questionNo: Number(edit[2]) } : undefined;
}

function onReview(state: DialogueState, input: Input): Transition {
  switch (input.kind) {
    case 'submit':
      return submit(state);
    case 'edit':
      return goEdit(state, input.questionNo);
    case 'back': {
      const last = [...state.form.questions].reverse().find((q) => isRelevant(q, state.answers));
      return last ? move(state, { at: 'question', key: last.key, review: true }) : stay(state);
    }
    case 'text': {
      const command = reviewCommand(input.text);
      return command ? onReview(state, command) : stay(state, msg.reviewTypedHint);
    }
    case 'show':
      return stay(state);
    default:
      return stay(state, msg.buttonNotForThisStep);
  }
}

/** A sent report still understands "sửa 3" and the edit buttons of its review. */
function onDone(state: DialogueState, input: Input): Transition {
  const command = input.kind === 'text' ? reviewCommand(input.text) : input.kind === 'edit' ? input : undefined;
  return command?.kind === 'edit' ? goEdit(state, command.questionNo) : stay(state);
}

function onLateReason(state: DialogueState, input: Input): Transition {
  if (input.kind !== 'text') return stay(state);
  // The reason is stored as typed, less what no one can see or Postgres cannot hold.
  const normalized = normalizeTypedText(input.text);
  const reason = normalized.ok ? normalized.text : '';
  // «gửi» typed again (the report is sent already) or «sửa 3» is not a reason.
  if (!reason || [...reason].length > LATE_REASON_MAX_CHARS || reviewCommand(reason, false)) return stay(state, msg.lateReasonEmpty);
  return move(state, { at: 'done' }, [{ kind: 'late_reason', text: reason }], msg.lateReasonThanks);
}

/**
 * The button a typed message stands for: the `say` of a button of the prompt
 * shown ("2", "xong", "gửi", "sửa 3"), «quay lại»/«bỏ qua» even where the prompt
 * has no such button (so the person hears why not), and at a question the review's
 * words. Undefined: the text is an answer (or, on the review, read by reviewCommand).
 * A typed 0 is never «quay lại»: people type it for "không".
 */
function typedWord(state: DialogueState, text: string): Input | undefined {
  const { cursor } = state;
  if (cursor.at !== 'question' && cursor.at !== 'confirm' && cursor.at !== 'plausible' && cursor.at !== 'review') return undefined;
  for (const button of renderPrompt(state, cursor).buttons.flat()) {
    // Typed numbers at a multi-choice are its whole answer («1, 3», the parser's reading), not a toggle:
    // a channel without buttons has nothing to toggle, and its next message answers the next question.
    if (button.input.kind === 'toggle') continue;
    if (matchesSay(text, button.say)) return button.input;
  }
  if (matchesSay(text, msg.sayBack)) return { kind: 'back' };
  if (cursor.at !== 'review' && matchesSay(text, msg.saySkip)) return { kind: 'skip' };
  return cursor.at === 'question' ? reviewCommand(text, false) : undefined;
}

/**
 * One input applied to a report. Why pure: the service stores the cursor and the
 * effects in one transaction, and every channel (buttons or typed words, which
 * are read here) gets the same behaviour.
 */
export function step(state: DialogueState, given: Input): Transition {
  // An edit names its own question and is refused with that question's number, locked or not.
  if (given.kind === 'edit_answer') return editAnswer(state, given);
  if (state.locked && given.kind !== 'show') {
    return stay(state, state.locked === 'closed' ? msg.lockedClosed : msg.lockedPastDeadline);
  }
  const input = (given.kind === 'text' ? typedWord(state, given.text) : undefined) ?? given;
  const { cursor } = state;
  switch (cursor.at) {
    case 'question':
      return onQuestion(state, cursor, input);
    case 'confirm':
      return onConfirm(state, cursor, input);
    case 'plausible':
      return onPlausible(state, cursor, input);
    case 'review':
      return onReview(state, input);
    case 'late_reason':
      return onLateReason(state, input);
    case 'done':
      return onDone(state, input);
  }
}

/** The cursor to show when a person opens a report with /baocao: a finished report opens on its review. */
export function reopenCursor(state: Pick<DialogueState, 'form' | 'answers' | 'cursor'>): Cursor {
  if (state.cursor.at === 'done') return { at: 'review' };
  return state.cursor;
}
