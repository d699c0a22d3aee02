/**
 * How a figure moved since the previous round of the same form: one definition of
 * "the change" that the chat text, the workbook and the Word draft all use.
 */
import type { ChoiceFigures, QuestionFigures, Summary } from './figures.js';
import { formatCount, formatPercent } from './format.js';
import { compareMessages as m } from './messages.js';

export interface Change {
  previous: number;
  /** current − previous */
  delta: number;
}

function changeOf(current: number, previous: number | undefined): Change | undefined {
  return previous === undefined ? undefined : { previous, delta: current - previous };
}

/** The previous round's figures of this question, when the question is comparable. */
export function previousFigures(summary: Pick<Summary, 'previous'>, q: QuestionFigures): QuestionFigures | undefined {
  const previous = summary.previous?.questions.get(q.key);
  return previous && previous.kind === q.kind ? previous : undefined;
}

/**
 * The one figure of a question that is compared as a whole: the sum of an integer
 * question, the average of a decimal one, the "yes" count of a yes/no question.
 * Choice questions compare per choice (choiceChange).
 */
export function headlineChange(q: QuestionFigures, previous: QuestionFigures | undefined): Change | undefined {
  if (!previous || previous.answered === 0) return undefined;
  if (q.kind === 'number' && previous.kind === 'number') {
    if (q.type === 'decimal') return previous.average === null || q.average === null ? undefined : changeOf(q.average, previous.average);
    return changeOf(q.sum, previous.sum);
  }
  if (q.kind === 'yes_no' && previous.kind === 'yes_no') return changeOf(q.yes, previous.yes);
  return undefined;
}

/** The change of one choice's count (or a group's, by label). */
export function choiceChange(previous: QuestionFigures | undefined, value: string, current: number): Change | undefined {
  if (!previous || previous.answered === 0 || (previous.kind !== 'choice' && previous.kind !== 'multi_choice')) return undefined;
  return changeOf(current, previous.choices.find((c) => c.value === value)?.count ?? 0);
}

export function groupChange(previous: QuestionFigures | undefined, label: string, current: number): Change | undefined {
  if (!previous || previous.answered === 0 || previous.kind !== 'choice') return undefined;
  const group = (previous as ChoiceFigures).groups.find((g) => g.label === label);
  return group ? changeOf(current, group.count) : undefined;
}

/** The share of "yes" in the previous round, as text ("98,7%"), when there was one. */
export function previousShare(previous: QuestionFigures | undefined): string | undefined {
  return previous?.kind === 'yes_no' && previous.answered > 0 ? formatPercent(previous.yes, previous.answered) : undefined;
}

/** "tăng 12 so với Năm 2025", "giảm 03 so với Năm 2025", "bằng Năm 2025". */
export function describeChange(change: Change, periodLabel: string, format: (n: number) => string = formatCount): string {
  if (Math.abs(change.delta) < 1e-9) return m.unchanged(periodLabel);
  return change.delta > 0 ? m.up(format(change.delta), periodLabel) : m.down(format(-change.delta), periodLabel);
}
