/**
 * Skip logic, cross-question rules and computed proposals. Pure functions over a
 * form and the answers given so far, so the conversation code, the summary and
 * the tests all agree on what a form means.
 */
import { formatNumberVi } from './format.js';
import { formReferenceMessages as rm } from './messages.js';
import type {
  AnswerValue,
  Answers,
  Comparison,
  Condition,
  Form,
  Operand,
  Question,
  QuestionOf,
  Rule,
} from './schema.js';

export type RuleFailure = { ruleId: string; attachTo: string; message: string };

type Literal = string | number | boolean;

// ---------------------------------------------------------------------------
// Relevance

/** Whether the question is asked, given the answers so far. */
export function isRelevant(question: Question, answers: Answers): boolean {
  return question.relevant === undefined || evaluateCondition(question.relevant, answers);
}

/**
 * A condition on a question that is unanswered or was skipped (null) is false,
 * except `answered: false`: a later question must not be asked because of an
 * answer that does not exist. `not` simply negates its inner condition.
 */
export function evaluateCondition(condition: Condition, answers: Answers): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluateCondition(c, answers));
  if ('any' in condition) return condition.any.some((c) => evaluateCondition(c, answers));
  if ('not' in condition) return !evaluateCondition(condition.not, answers);
  const value = answers.get(condition.question);
  const present = value !== undefined && value !== null;
  if ('answered' in condition) return present === condition.answered;
  if (!present) return false;
  if ('equals' in condition) return matches(value, [condition.equals]);
  return matches(value, condition.in);
}

/** A multi-choice answer matches when any of its selected values is listed. */
function matches(value: Exclude<AnswerValue, null>, accepted: Literal[]): boolean {
  if (Array.isArray(value)) return value.some((v) => accepted.includes(v));
  return accepted.includes(value);
}

/**
 * The answers without those of questions that are no longer relevant (e.g. after
 * the user changed ban_chi_dao to "Không"), walked in form order so a removed
 * answer cannot keep a later question relevant.
 */
export function pruneIrrelevantAnswers(form: Form, answers: Answers): Map<string, AnswerValue> {
  const kept = new Map<string, AnswerValue>();
  for (const question of form.questions) {
    if (!isRelevant(question, kept)) continue;
    const value = answers.get(question.key);
    if (value !== undefined) kept.set(question.key, value);
  }
  return kept;
}

// ---------------------------------------------------------------------------
// Numbers, comparisons and messages

/** The number an operand denotes, or undefined when a named answer is missing or not a number. */
export function evaluateOperand(op: Operand, answers: Answers): number | undefined {
  if ('value' in op) return op.value;
  const keys = 'answer' in op ? [op.answer] : op.sum;
  let total = 0;
  for (const key of keys) {
    const value = answers.get(key);
    if (typeof value !== 'number') return undefined;
    total += value;
  }
  // Sums of decimals must not fail an equality because of binary float noise.
  return roundNoise(total);
}

function roundNoise(n: number): number {
  return Number(n.toFixed(9));
}

export type ComparisonOutcome = { left: number; right: number; holds: boolean };

/** Undefined when an operand is not available yet: the comparison is not evaluated. */
export function evaluateComparison(comparison: Comparison, answers: Answers): ComparisonOutcome | undefined {
  const left = evaluateOperand(comparison.left, answers);
  const right = evaluateOperand(comparison.right, answers);
  if (left === undefined || right === undefined) return undefined;
  return { left, right, holds: compare(left, comparison.op, right) };
}

function compare(left: number, op: Comparison['op'], right: number): boolean {
  switch (op) {
    case 'eq':
      return left === right;
    case 'ne':
      return left !== right;
    case 'lt':
      return left < right;
    case 'lte':
      return left <= right;
    case 'gt':
      return left > right;
    case 'gte':
      return left >= right;
  }
}

/**
 * Fills {left}, {right} and {some_key} (the answer to question some_key) with
 * Vietnamese-formatted numbers. Placeholders without a number are left as they
 * are, so a wrong form file shows up in the message instead of vanishing.
 */
export function fillMessage(template: string, outcome: { left: number; right: number }, answers: Answers): string {
  return template.replace(/\{([a-z][a-z0-9_]*)\}/g, (whole, name: string) => {
    if (name === 'left') return formatNumberVi(outcome.left);
    if (name === 'right') return formatNumberVi(outcome.right);
    const value = answers.get(name);
    return typeof value === 'number' ? formatNumberVi(value) : whole;
  });
}

/** Question keys an operand reads. */
export function operandKeys(op: Operand): string[] {
  if ('answer' in op) return [op.answer];
  if ('sum' in op) return [...op.sum];
  return [];
}

// ---------------------------------------------------------------------------
// Rules

/** The question re-asked when the rule fails: explicit, else the last question it names in form order. */
export function ruleAttachTo(form: Form, rule: Rule): string {
  if (rule.attachTo !== undefined) return rule.attachTo;
  const named = new Set([...operandKeys(rule.left), ...operandKeys(rule.right)]);
  let last: string | undefined;
  for (const question of form.questions) if (named.has(question.key)) last = question.key;
  // A rule naming no known question is reported by validateFormReferences; attach it somewhere visible.
  return last ?? form.questions[form.questions.length - 1]?.key ?? '';
}

/**
 * Rules that fail on the current answers. A rule whose operands are not all
 * answered yet is not evaluated (it is not a failure: the user is not done).
 */
export function checkRules(form: Form, answers: Answers, opts?: { only?: string }): RuleFailure[] {
  const failures: RuleFailure[] = [];
  for (const rule of form.rules) {
    const attachTo = ruleAttachTo(form, rule);
    if (opts?.only !== undefined && attachTo !== opts.only) continue;
    if (rule.when !== undefined && !evaluateCondition(rule.when, answers)) continue;
    const outcome = evaluateComparison(rule, answers);
    if (!outcome || outcome.holds) continue;
    failures.push({ ruleId: rule.id, attachTo, message: fillMessage(rule.message, outcome, answers) });
  }
  return failures;
}

// ---------------------------------------------------------------------------
// Proposals

/** The choice proposed from a number answer (e.g. a rating from the score), if any. */
export function proposeChoice(question: Question, answers: Answers): string | undefined {
  if (question.type !== 'choice' || question.proposal === undefined) return undefined;
  const source = answers.get(question.proposal.from);
  if (typeof source !== 'number') return undefined;
  return question.proposal.bands.find((band) => band.min === undefined || source >= band.min)?.choice;
}

// ---------------------------------------------------------------------------
// Form checks

/** Position of a question in the form, or -1. */
export function questionIndex(form: Form, key: string): number {
  return form.questions.findIndex((q) => q.key === key);
}

/**
 * Problems the schema cannot see because they span several places of the form:
 * unknown or misplaced keys, duplicate keys and choices, comparisons on
 * non-number questions, literals that can never match. Empty when the form is sound.
 */
export function validateFormReferences(form: Form): string[] {
  const errors: string[] = [];
  const byKey = new Map<string, { question: Question; index: number }>();
  form.questions.forEach((question, index) => {
    if (byKey.has(question.key)) errors.push(`questions[${index}].key: ${rm.duplicateKey(question.key)}`);
    else byKey.set(question.key, { question, index });
  });
  const ctx: CheckContext = { byKey, errors };

  form.questions.forEach((question, index) => {
    const path = `questions[${index}]`;
    checkOwnQuestion(question, path, errors);
    if (question.relevant !== undefined) checkCondition(question.relevant, `${path}.relevant`, index, ctx);
    if (question.constraint !== undefined) checkComparison(question.constraint, `${path}.constraint`, ctx);
    if (question.type === 'choice' && question.proposal !== undefined) checkProposal(question, path, index, ctx);
  });

  const ruleIds = new Set<string>();
  form.rules.forEach((rule, index) => {
    const path = `rules[${index}]`;
    if (ruleIds.has(rule.id)) errors.push(`${path}.id: ${rm.duplicateRule(rule.id)}`);
    ruleIds.add(rule.id);
    checkComparison(rule, path, ctx);
    if (operandKeys(rule.left).length + operandKeys(rule.right).length === 0) {
      errors.push(`${path}: ${rm.ruleWithoutQuestion}`);
    }
    if (rule.when !== undefined) checkCondition(rule.when, `${path}.when`, undefined, ctx);
    if (rule.attachTo !== undefined && !byKey.has(rule.attachTo)) {
      errors.push(`${path}.attachTo: ${rm.unknownQuestion(rule.attachTo)}`);
    }
  });
  return errors;
}

type CheckContext = {
  byKey: Map<string, { question: Question; index: number }>;
  errors: string[];
};

function checkOwnQuestion(question: Question, path: string, errors: string[]): void {
  if ((question.type === 'integer' || question.type === 'decimal') && question.min !== undefined && question.max !== undefined && question.min > question.max) {
    errors.push(`${path}: ${rm.minAboveMax(question.min, question.max)}`);
  }
  if (question.type === 'choice' || question.type === 'multi_choice') {
    const seen = new Set<string>();
    question.choices.forEach((choice, i) => {
      if (seen.has(choice.value)) errors.push(`${path}.choices[${i}].value: ${rm.duplicateChoice(choice.value)}`);
      seen.add(choice.value);
    });
  }
  if (question.type === 'multi_choice') {
    if (question.minSelected > question.choices.length) {
      errors.push(`${path}.minSelected: ${rm.minSelectedTooMany(question.minSelected, question.choices.length)}`);
    }
    if (question.maxSelected !== undefined && question.maxSelected < question.minSelected) {
      errors.push(`${path}.maxSelected: ${rm.maxBelowMin(question.maxSelected, question.minSelected)}`);
    }
  }
  checkSummary(question, path, errors);
}

function checkSummary(question: Question, path: string, errors: string[]): void {
  const summary = question.summary;
  if (summary === undefined) return;
  const values = choiceValues(question);
  if (summary.groups !== undefined) {
    if (values === undefined) errors.push(`${path}.summary.groups: ${rm.groupsOnlyChoice}`);
    else {
      summary.groups.forEach((group, g) => {
        group.choices.forEach((choice, c) => {
          if (!values.includes(choice)) {
            errors.push(`${path}.summary.groups[${g}].choices[${c}]: ${rm.notAChoice(JSON.stringify(choice), question.key)}`);
          }
        });
      });
    }
  }
  if (summary.phrases !== undefined) {
    if (question.type !== 'choice') errors.push(`${path}.summary.phrases: ${rm.phrasesOnlyChoice}`);
    else {
      for (const value of Object.keys(summary.phrases)) {
        if (!values?.includes(value)) errors.push(`${path}.summary.phrases.${value}: ${rm.notAChoice(JSON.stringify(value), question.key)}`);
      }
    }
  }
  if (summary.target !== undefined) {
    summary.target.choices.forEach((literal, c) => {
      const problem = literalProblem(question, literal);
      if (problem !== undefined) errors.push(`${path}.summary.target.choices[${c}]: ${problem}`);
    });
  }
}

function choiceValues(question: Question): string[] | undefined {
  return question.type === 'choice' || question.type === 'multi_choice' ? question.choices.map((c) => c.value) : undefined;
}

/** Why a literal can never equal an answer to this question, or undefined when it can. */
function literalProblem(question: Question, literal: Literal): string | undefined {
  const shown = JSON.stringify(literal);
  switch (question.type) {
    case 'yes_no':
      return typeof literal === 'boolean' ? undefined : rm.neverYesNo(shown, question.key);
    case 'choice':
    case 'multi_choice':
      return typeof literal === 'string' && question.choices.some((c) => c.value === literal)
        ? undefined
        : rm.notAChoice(shown, question.key);
    case 'integer':
    case 'decimal':
      return typeof literal === 'number' ? undefined : rm.neverNumber(shown, question.key);
    case 'text':
    case 'date':
      return typeof literal === 'string' ? undefined : rm.neverType(shown, question.type, question.key);
  }
}

/**
 * Conditions may only look at earlier questions (beforeIndex), because a
 * question is asked in order and must know whether it applies. Rule conditions
 * (beforeIndex undefined) may name any question.
 */
function checkCondition(condition: Condition, path: string, beforeIndex: number | undefined, ctx: CheckContext): void {
  if ('all' in condition) {
    condition.all.forEach((c, i) => checkCondition(c, `${path}.all[${i}]`, beforeIndex, ctx));
    return;
  }
  if ('any' in condition) {
    condition.any.forEach((c, i) => checkCondition(c, `${path}.any[${i}]`, beforeIndex, ctx));
    return;
  }
  if ('not' in condition) {
    checkCondition(condition.not, `${path}.not`, beforeIndex, ctx);
    return;
  }
  const target = ctx.byKey.get(condition.question);
  if (target === undefined) {
    ctx.errors.push(`${path}.question: ${rm.unknownQuestion(condition.question)}`);
    return;
  }
  if (beforeIndex !== undefined && target.index >= beforeIndex) {
    ctx.errors.push(`${path}.question: ${rm.notEarlier(condition.question)}`);
  }
  const literals = 'equals' in condition ? [condition.equals] : 'in' in condition ? condition.in : [];
  for (const literal of literals) {
    const problem = literalProblem(target.question, literal);
    if (problem !== undefined) ctx.errors.push(`${path}: ${problem}`);
  }
}

function checkComparison(comparison: Comparison, path: string, ctx: CheckContext): void {
  for (const side of ['left', 'right'] as const) {
    for (const key of operandKeys(comparison[side])) {
      const target = ctx.byKey.get(key);
      if (target === undefined) ctx.errors.push(`${path}.${side}: ${rm.unknownQuestion(key)}`);
      else if (!isNumberQuestion(target.question)) {
        ctx.errors.push(`${path}.${side}: ${rm.notANumber(key, target.question.type)}`);
      }
    }
  }
}

function checkProposal(question: QuestionOf<'choice'>, path: string, index: number, ctx: CheckContext): void {
  const proposal = question.proposal;
  if (proposal === undefined) return;
  const source = ctx.byKey.get(proposal.from);
  if (source === undefined) ctx.errors.push(`${path}.proposal.from: ${rm.unknownQuestion(proposal.from)}`);
  else {
    if (source.index >= index) ctx.errors.push(`${path}.proposal.from: ${rm.notEarlier(proposal.from)}`);
    if (!isNumberQuestion(source.question)) {
      ctx.errors.push(`${path}.proposal.from: ${rm.notANumber(proposal.from, source.question.type)}`);
    }
  }
  // The first band reached wins, so bands must go from the highest min down; a band without min catches the rest.
  let previousMin: number | undefined;
  proposal.bands.forEach((band, b) => {
    if (!question.choices.some((c) => c.value === band.choice)) {
      ctx.errors.push(`${path}.proposal.bands[${b}].choice: ${rm.notAChoice(JSON.stringify(band.choice), question.key)}`);
    }
    if (band.min === undefined && b !== proposal.bands.length - 1) {
      ctx.errors.push(`${path}.proposal.bands[${b}]: ${rm.bandWithoutMinLast}`);
    }
    if (band.min !== undefined && previousMin !== undefined && band.min >= previousMin) {
      ctx.errors.push(`${path}.proposal.bands[${b}].min: ${rm.bandMinOrder(band.min, previousMin)}`);
    }
    if (band.min !== undefined) previousMin = band.min;
  });
}

function isNumberQuestion(question: Question): boolean {
  return question.type === 'integer' || question.type === 'decimal';
}
