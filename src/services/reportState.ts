/** A report's dialogue state, built from its stored row: shared by every use case that shows or changes it. */
import { isClosed } from '../campaigns/state.js';
import type { Submission } from '../db/schema.js';
import type { Cursor, DialogueState } from '../dialogue/types.js';
import type { AnswerValue, Form, Question } from '../forms/schema.js';
import { escapeHtml } from '../text/html.js';
import { formatDateTime, localDate } from '../time.js';

/** What the state needs of the round and organization beside the submission row. */
export interface ReportRow extends Submission {
  form_id: string;
  form_version: number;
  period_label: string;
  period_start: string | null;
  period_end: string | null;
  due_at: Date;
  closed_at: Date | null;
  org_name: string;
}

export function dialogueState(row: ReportRow, form: Form, answers: Map<string, AnswerValue>, now: Date): DialogueState {
  const pastDeadline = now.getTime() > row.due_at.getTime();
  const cursor = row.cursor as Cursor;
  // A report submitted late is past its deadline by definition, yet the late reason it
  // was just asked for must still be accepted: the deadline lock starts once it is given.
  const locked: DialogueState['locked'] = isClosed(row, now)
    ? 'closed'
    : row.status === 'submitted' && pastDeadline && !row.reopened_at && cursor.at !== 'late_reason'
      ? 'past_deadline'
      : false;
  return {
    form,
    answers,
    cursor,
    status: row.status,
    locked,
    pastDeadline,
    parse: {
      today: localDate(now),
      period: row.period_start && row.period_end ? { start: row.period_start, end: row.period_end } : undefined,
    },
    nowLabel: formatDateTime(now),
    title: escapeHtml(`${row.org_name} — ${form.title} — ${row.period_label}`),
  };
}

/** The typed columns of an answer, so the summary aggregates in SQL without parsing JSON. */
export function typedColumns(question: Question | undefined, value: AnswerValue) {
  const columns = { num_value: null as number | null, bool_value: null as boolean | null, text_value: null as string | null, date_value: null as string | null, choice_values: null as string[] | null };
  if (value === null || !question) return columns;
  switch (question.type) {
    case 'integer':
    case 'decimal':
      columns.num_value = value as number;
      break;
    case 'yes_no':
      columns.bool_value = value as boolean;
      break;
    case 'choice':
    case 'text':
      columns.text_value = value as string;
      break;
    case 'date':
      columns.date_value = value as string;
      break;
    case 'multi_choice':
      columns.choice_values = value as string[];
      break;
  }
  return columns;
}
