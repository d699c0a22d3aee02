/**
 * The report dialogue as a pure state machine: (state, input) → transition.
 * No I/O: the service loads the state, applies the transition's effects in one
 * transaction, and the channel renders the prompt.
 */
import { answerFromButton, checkQuestionConstraint, parseTypedAnswer, type ParseResult } from '../forms/parse.js';
import { checkRules, isRelevant, pruneIrrelevantAnswers } from '../forms/logic.js';
import type { AnswerValue, Answers, Form } from '../forms/schema.js';
import { escapeHtml } from '../text/html.js';
import { foldVietnamese, matchesSay } from '../text/normalize.js';
import { dialogueMessages as msg } from './messages.js';
import { findQuestion, firstUnanswered, previousRelevant, questionNo, renderPrompt } from './prompts.js';
import type { Cursor, DialogueState, Effect, Input, Transition } from './types.js';

const LATE_REASON_MAX_CHARS = 1000;

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
function refuse(state: DialogueState, key: string, review: boolean, notice: string): Transition {
  if (state.cursor.at === 'question' && state.cursor.key === key) return stay(state, notice);
  return move(state, { at: 'question', key, review }, [], notice);
}

function applyAnswer(state: DialogueState, key: string, value: AnswerValue, review: boolean): Transition {
  const question = findQuestion(state.form, key);
  if (value !== null) {
    const violation = checkQuestionConstraint(question, value, state.answers);
    if (violation) return refuse(state, key, review, escapeHtml(violation));
  }
  const given = new Map(state.answers).set(key, value);
  const failures = checkRules(state.form, given, { only: key });
  if (failures.length > 0) {
    return refuse(state, key, review, failures.map((f) => escapeHtml(f.message)).join('\n'));
  }
  // Answers to questions that no longer apply (e.g. ban_chi_dao changed to "Không") are removed.
  const answers = pruneIrrelevantAnswers(state.form, given);
  const effects: Effect[] = [{ kind: 'set', key, value }];
  for (const dropped of given.keys()) if (!answers.has(dropped)) effects.push({ kind: 'unset', key: dropped });
  const next = firstUnanswered(state.form, answers);
  const cursor: Cursor = next ? { at: 'question', key: next.key, review } : { at: 'review' };
  // A sent report must stay complete and consistent: an edit that leaves a question
  // unanswered or a rule failing takes it back to "not sent" until it is sent again.
  if (state.status === 'submitted' && (next || checkRules(state.form, answers).length > 0)) {
    effects.push({ kind: 'unsubmit' });
    return move({ ...state, status: 'draft' }, cursor, effects, msg.unsubmittedByEdit, answers);
  }
  return move(state, cursor, effects, undefined, answers);
}

function applyParsed(state: DialogueState, key: string, review: boolean, result: ParseResult): Transition {
  switch (result.kind) {
    case 'ok':
      return applyAnswer(state, key, result.value, review);
    case 'error':
      return stay(state, escapeHtml(result.message));
    case 'ambiguous':
      return move(state, { at: 'confirm', key, candidates: result.candidates, review }, [], escapeHtml(result.message));
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

function skip(state: DialogueState, key: string, review: boolean): Transition {
  if (findQuestion(state.form, key).required) return stay(state, msg.required);
  return applyAnswer(state, key, null, review);
}

function onQuestion(state: DialogueState, cursor: Extract<Cursor, { at: 'question' }>, input: Input): Transition {
  const question = findQuestion(state.form, cursor.key);
  switch (input.kind) {
    case 'text':
      return applyParsed(state, cursor.key, cursor.review, parseTypedAnswer(question, input.text, state.parse));
    case 'pick':
      if (question.type !== 'yes_no' && question.type !== 'choice') return stay(state, msg.buttonNotForThisStep);
      return applyParsed(state, cursor.key, cursor.review, answerFromButton(question, input.index));
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
      if (indices.length === 0 && question.minSelected === 0) return applyAnswer(state, cursor.key, [], cursor.review);
      return applyParsed(state, cursor.key, cursor.review, parseTypedAnswer(question, indices.join(','), state.parse));
    }
    case 'skip':
      return skip(state, cursor.key, cursor.review);
    case 'back':
      return goBack(state, cursor.key, cursor.review);
    case 'edit':
      return goEdit(state, input.questionNo);
    case 'submit':
      return stay(state, msg.buttonNotForThisStep);
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

function onConfirm(state: DialogueState, cursor: Extract<Cursor, { at: 'confirm' }>, input: Input): Transition {
  const question = findQuestion(state.form, cursor.key);
  switch (input.kind) {
    case 'pick': {
      const value = cursor.candidates[input.index];
      if (value === undefined) return stay(state, msg.buttonNotForThisStep);
      return applyAnswer(state, cursor.key, value, cursor.review);
    }
    case 'text':
      return applyParsed(state, cursor.key, cursor.review, parseTypedAnswer(question, input.text, state.parse));
    case 'back':
      return move(state, { at: 'question', key: cursor.key, review: cursor.review });
    case 'skip':
      return skip(state, cursor.key, cursor.review);
    case 'edit':
      return goEdit(state, input.questionNo);
    case 'show':
      return stay(state);
    default:
      return stay(state, msg.buttonNotForThisStep);
  }
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

/** What a typed message means on the review screen: "gửi", "sửa 3", "3". */
function reviewCommand(text: string): Input | undefined {
  const folded = foldVietnamese(text);
  if (/^gui( bao cao)?$/.test(folded)) return { kind: 'submit' };
  const edit = /^(?:sua(?: cau)? ?)?(\d{1,3})$/.exec(folded);
  if (edit) return { kind: 'edit', questionNo: Number(edit[1]) };
  return undefined;
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
  const reason = input.text.trim();
  if (!reason || [...reason].length > LATE_REASON_MAX_CHARS) return stay(state, msg.lateReasonEmpty);
  return move(state, { at: 'done' }, [{ kind: 'late_reason', text: reason }], msg.lateReasonThanks);
}

/** Whether a typed `0` means «Quay lại» here: only where 0 cannot be an answer. */
function zeroMeansBack(state: DialogueState): boolean {
  const { cursor } = state;
  if (cursor.at === 'confirm' || cursor.at === 'review') return true;
  if (cursor.at !== 'question') return false;
  const question = findQuestion(state.form, cursor.key);
  // A multi-choice that allows none reads 0 as "none of them".
  return question.type === 'yes_no' || question.type === 'choice' || (question.type === 'multi_choice' && question.minSelected > 0);
}

/**
 * The button a typed message stands for: the `say` of a button of the prompt
 * shown ("2", "xong", "gửi", "sửa 3"), «quay lại»/«bỏ qua» even where the prompt
 * has no such button (so the person hears why not), or `0` for back where 0
 * cannot be an answer. Undefined: the text is an answer (or a review command).
 */
function typedWord(state: DialogueState, text: string): Input | undefined {
  const { cursor } = state;
  if (cursor.at !== 'question' && cursor.at !== 'confirm' && cursor.at !== 'review') return undefined;
  for (const button of renderPrompt(state, cursor).buttons.flat()) {
    // A typed number on a multi-choice answers with that one choice (the parser's reading), not a toggle.
    if (button.input.kind === 'toggle') continue;
    if (matchesSay(text, button.say)) return button.input;
  }
  if (matchesSay(text, msg.sayBack)) return { kind: 'back' };
  if (cursor.at !== 'review' && matchesSay(text, msg.saySkip)) return { kind: 'skip' };
  if (matchesSay(text, msg.sayBackShort) && zeroMeansBack(state)) return { kind: 'back' };
  return undefined;
}

/**
 * One input applied to a report. Why pure: the service stores the cursor and the
 * effects in one transaction, and every channel (buttons or typed words, which
 * are read here) gets the same behaviour.
 */
export function step(state: DialogueState, given: Input): Transition {
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
