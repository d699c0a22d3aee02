/** Renders the prompt for a cursor: question, number confirmation, review, and the closing states. */
import { formatAnswer, formatNumberVi, multiChoiceHint, typeHint } from '../forms/format.js';
import { checkRules, isRelevant, proposeChoice } from '../forms/logic.js';
import { checkPlausibility, resolvePlausibility } from '../forms/plausibility.js';
import type { Answers, Form, Question } from '../forms/schema.js';
import { escapeHtml, truncate } from '../text/html.js';
import { dialogueMessages as msg } from './messages.js';
import type { Cursor, DialogueState, Prompt, PromptButton } from './types.js';

const REVIEW_TEXT_CHARS = 90;
const REVIEW_ANSWER_CHARS = 200;
const EDIT_BUTTONS_PER_ROW = 3;

export function questionNo(form: Form, key: string): number {
  return form.questions.findIndex((q) => q.key === key) + 1;
}

export function findQuestion(form: Form, key: string): Question {
  const question = form.questions.find((q) => q.key === key);
  if (!question) throw new Error(`form ${form.id}@${form.version} has no question ${key}`);
  return question;
}

/** The relevant question before `key`, if any. */
export function previousRelevant(form: Form, answers: Answers, key: string): Question | undefined {
  const index = form.questions.findIndex((q) => q.key === key);
  for (let i = index - 1; i >= 0; i--) {
    const q = form.questions[i]!;
    if (isRelevant(q, answers)) return q;
  }
  return undefined;
}

export function firstUnanswered(form: Form, answers: Answers): Question | undefined {
  return form.questions.find((q) => isRelevant(q, answers) && !answers.has(q.key));
}

function proposalLine(form: Form, question: Question, answers: Answers): string | undefined {
  if (question.type !== 'choice' || !question.proposal) return undefined;
  const proposed = proposeChoice(question, answers);
  const choice = question.choices.find((c) => c.value === proposed);
  if (!choice) return undefined;
  const from = findQuestion(form, question.proposal.from);
  const basis = `câu ${questionNo(form, from.key)} (${escapeHtml(formatAnswer(from, answers.get(from.key) ?? null))})`;
  return msg.proposal(basis, escapeHtml(choice.label), question.choices.indexOf(choice) + 1);
}

/**
 * What to type or choose, under the question. The dialogue words its own hints
 * for the kinds with options (the forms layer's speak of pressing buttons), so
 * they read right in a channel without buttons too; a form's own hint wins.
 */
function answerHint(state: DialogueState, question: Question): string {
  if (question.hint !== undefined) return question.hint;
  switch (question.type) {
    case 'yes_no':
      return msg.yesNoHint;
    case 'choice':
      return msg.choiceHint;
    default:
      return typeHint(question, state.parse);
  }
}

function choiceButtons(question: Question, answers: Answers, selected: readonly string[] | undefined): PromptButton[][] {
  switch (question.type) {
    case 'yes_no':
      return [
        [
          { label: msg.yes, input: { kind: 'pick', index: 0 }, say: '1' },
          { label: msg.no, input: { kind: 'pick', index: 1 }, say: '2' },
        ],
      ];
    case 'choice': {
      const proposed = question.proposal ? proposeChoice(question, answers) : undefined;
      return question.choices.map((c, i) => [
        { label: `${c.value === proposed ? msg.proposedMark : ''}${i + 1}. ${c.label}`, input: { kind: 'pick', index: i }, say: String(i + 1) },
      ]);
    }
    case 'multi_choice': {
      const answer = answers.get(question.key);
      const chosen = new Set(selected ?? (Array.isArray(answer) ? answer : []));
      return [
        ...question.choices.map((c, i) => [
          {
            label: `${chosen.has(c.value) ? msg.selectedMark : msg.unselectedMark}${i + 1}. ${c.label}`,
            // A text channel lists the option without a toggle's ☑/☐: there typed numbers are the whole answer, nothing toggles.
            textLabel: `${i + 1}. ${c.label}`,
            input: { kind: 'toggle' as const, index: i },
            // Typed, numbers answer at once with the options they name («1, 3»: the parser's reading), not a toggle.
            say: String(i + 1),
          },
        ]),
        // «xong» typed still finishes the toggles; a text channel, with none to finish, does not list it.
        [{ label: msg.finishMulti, input: { kind: 'finish_multi' }, say: msg.sayFinishMulti, unlisted: true }],
      ];
    }
    default:
      return [];
  }
}

function navigationRow(state: DialogueState, question: Question): PromptButton[] {
  const row: PromptButton[] = [];
  if (previousRelevant(state.form, state.answers, question.key)) row.push({ label: msg.back, input: { kind: 'back' }, say: msg.sayBack });
  if (!question.required) row.push({ label: msg.skip, input: { kind: 'skip' }, say: msg.saySkip });
  return row;
}

function questionPrompt(state: DialogueState, cursor: Extract<Cursor, { at: 'question' }>): Prompt {
  const { form, answers } = state;
  const question = findQuestion(form, cursor.key);
  const lines = [
    `${msg.questionHeading(questionNo(form, question.key), form.questions.length)} ${escapeHtml(question.text)}${question.required ? '' : ` ${msg.optional}`}`,
    `<i>${escapeHtml(answerHint(state, question))}</i>`,
  ];
  const proposal = proposalLine(form, question, answers);
  if (proposal) lines.push(proposal);
  // A form's own hint may not say how to type several options: that is said too.
  if (question.type === 'multi_choice' && question.hint !== undefined) lines.push(`<i>${escapeHtml(multiChoiceHint(question))}</i>`);
  if (answers.has(question.key)) lines.push(msg.currentAnswer(escapeHtml(formatAnswer(question, answers.get(question.key) ?? null))));
  const nav = navigationRow(state, question);
  const buttons = [...choiceButtons(question, answers, cursor.selected), ...(nav.length ? [nav] : [])];
  return { text: lines.join('\n'), buttons, ...(question.type === 'multi_choice' ? { buttonsNote: msg.multiButtonsNote } : {}) };
}

/**
 * A candidate of an ambiguous number, written so it cannot be misread in turn:
 * "1.234" is exactly what was typed, so integers go without grouping ("= 1234")
 * and fractions say where the decimal mark is ("= 1,234 (1 phẩy 234)").
 */
export function candidateLabel(value: number): string {
  if (Number.isInteger(value)) return `= ${value}`;
  const shown = formatNumberVi(value, 6);
  const [intPart = '0', frac = ''] = shown.replace(/\./g, '').split(',');
  return `= ${shown} (${intPart} phẩy ${frac})`;
}

function confirmPrompt(state: DialogueState, cursor: Extract<Cursor, { at: 'confirm' }>): Prompt {
  const question = findQuestion(state.form, cursor.key);
  const base = questionPrompt(state, { at: 'question', key: cursor.key, review: cursor.review });
  const candidates = cursor.candidates.map((value, index) => [
    { label: candidateLabel(value), input: { kind: 'pick' as const, index }, say: String(index + 1) },
  ]);
  const nav = navigationRow(state, question);
  // Here a typed 1 or 2 picks a reading, so the prompt says so.
  return { text: `${base.text}\n${msg.confirmHint(cursor.candidates.length)}`, buttons: [...candidates, ...(nav.length ? [nav] : [])] };
}

/**
 * «Đồng chí xác nhận 1.234 cuộc đối thoại …? (Năm 2025: 3)» with Đúng / Nhập lại.
 * Why the reason is worked out again here: the cursor keeps only the value, and
 * the figures it was compared with are in the state the service loads each step.
 */
function plausiblePrompt(state: DialogueState, cursor: Extract<Cursor, { at: 'plausible' }>): Prompt {
  const { form, answers } = state;
  const question = findQuestion(form, cursor.key);
  const decimals = question.type === 'decimal' ? question.decimals : 0;
  const lines = [`${msg.questionHeading(questionNo(form, question.key), form.questions.length)} ${escapeHtml(question.text)}`];
  if (answers.has(question.key)) lines.push(msg.currentAnswer(escapeHtml(formatAnswer(question, answers.get(question.key) ?? null))));
  const why = state.plausibility ? checkPlausibility(question, cursor.value, state.plausibility, form.plausibility) : undefined;
  let basis: string | undefined;
  if (why?.reason === 'previous') basis = msg.plausibleBasisPrevious(escapeHtml(why.periodLabel), formatNumberVi(why.previous, decimals));
  if (why?.reason === 'percentile') {
    // An integer question's answers are whole: "không quá 40" must hold for every answer at or under a p99 of 40,6.
    const usual = question.type === 'integer' ? Math.floor(why.p99) : why.p99;
    basis = msg.plausibleBasisPercentile(
      formatNumberVi(resolvePlausibility(question, form.plausibility).percentile),
      formatNumberVi(why.answered),
      formatNumberVi(usual, decimals),
    );
  }
  const label = question.summary?.label;
  lines.push(msg.plausibleAsk(formatNumberVi(cursor.value, decimals), label === undefined ? undefined : escapeHtml(label), basis));
  lines.push(msg.plausibleHint);
  const nav = navigationRow(state, question);
  const choices: PromptButton[] = [
    // Words, not numbers: a number typed here is the corrected answer.
    { label: msg.plausibleYes, input: { kind: 'pick', index: 0 }, say: msg.sayPlausibleYesWords[0] },
    { label: msg.plausibleRetype, input: { kind: 'pick', index: 1 }, say: msg.sayPlausibleRetypeWords[0] },
  ];
  return { text: lines.join('\n'), buttons: [choices, ...(nav.length ? [nav] : [])] };
}

function reviewPrompt(state: DialogueState): Prompt {
  const { form, answers } = state;
  const lines = [msg.reviewHeading(state.title), ''];
  const editable: PromptButton[] = [];
  form.questions.forEach((question, index) => {
    if (!isRelevant(question, answers)) return;
    const no = index + 1;
    const value = answers.has(question.key)
      ? `<b>${escapeHtml(truncate(formatAnswer(question, answers.get(question.key) ?? null), REVIEW_ANSWER_CHARS))}</b>`
      : msg.missingAnswer;
    let line = `${no}. ${escapeHtml(truncate(question.text, REVIEW_TEXT_CHARS))}: ${value}`;
    if (question.type === 'choice' && question.proposal && answers.has(question.key)) {
      const proposed = question.choices.find((c) => c.value === proposeChoice(question, answers));
      if (proposed && proposed.value !== answers.get(question.key)) line += msg.reviewProposalNote(escapeHtml(proposed.label));
    }
    lines.push(line);
    editable.push({ label: msg.editButton(no), input: { kind: 'edit', questionNo: no }, say: msg.sayEdit(no), unlisted: true });
  });
  for (const failure of checkRules(form, answers)) lines.push('', msg.ruleWarning(escapeHtml(failure.message)));
  if (state.locked) {
    lines.push('', state.locked === 'closed' ? msg.lockedClosed : msg.lockedPastDeadline);
    return { text: lines.join('\n'), buttons: [] };
  }
  lines.push('', state.status === 'submitted' ? msg.reviewFooterSubmitted : msg.reviewFooterDraft);
  const rows: PromptButton[][] = [
    [{ label: state.status === 'submitted' ? msg.resubmit : msg.submit, input: { kind: 'submit' }, say: msg.saySubmit }],
  ];
  for (let i = 0; i < editable.length; i += EDIT_BUTTONS_PER_ROW) rows.push(editable.slice(i, i + EDIT_BUTTONS_PER_ROW));
  return { text: lines.join('\n'), buttons: rows };
}

export function renderPrompt(state: DialogueState, cursor: Cursor): Prompt {
  if (state.locked && cursor.at !== 'done') {
    if (cursor.at === 'review' || state.status === 'submitted') return reviewPrompt(state);
    return { text: state.locked === 'closed' ? msg.lockedClosed : msg.lockedPastDeadline, buttons: [] };
  }
  switch (cursor.at) {
    case 'question':
      return questionPrompt(state, cursor);
    case 'confirm':
      return confirmPrompt(state, cursor);
    case 'plausible':
      return plausiblePrompt(state, cursor);
    case 'review':
      return reviewPrompt(state);
    case 'late_reason':
      return { text: msg.lateReasonEmpty, buttons: [] };
    case 'done':
      return { text: msg.doneHint, buttons: [] };
  }
}
