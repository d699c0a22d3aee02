/**
 * How far a report has got, as people count it: answered questions, and the
 * questions still ahead. A conditional question counts as ahead until the answer
 * it depends on rules it out, so a fresh QCDC report has 14 ahead, not 12.
 */
import { isRelevant } from './logic.js';
import type { Answers, Condition, Form, Question } from './schema.js';

export interface Progress {
  answered: number;
  remaining: number;
  /** Every question of the form, as in "Câu 3/14". */
  total: number;
}

function conditionKeys(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(conditionKeys);
  if ('any' in condition) return condition.any.flatMap(conditionKeys);
  if ('not' in condition) return conditionKeys(condition.not);
  return [condition.question];
}

/** Not relevant now, but only because an answer it depends on has not been given yet. */
function undecided(question: Question, answers: Answers): boolean {
  return question.relevant !== undefined && conditionKeys(question.relevant).some((key) => !answers.has(key));
}

export function reportProgress(form: Form, answers: Answers): Progress {
  let answered = 0;
  let remaining = 0;
  for (const question of form.questions) {
    const relevant = isRelevant(question, answers);
    if (relevant && answers.has(question.key)) answered++;
    else if (relevant || undecided(question, answers)) remaining++;
  }
  return { answered, remaining, total: form.questions.length };
}
