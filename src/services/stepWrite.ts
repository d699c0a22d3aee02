/**
 * The write of one dialogue step, in one statement: a data-modifying CTE that moves the
 * submission's step counter only if it still is the step the transition was computed
 * from (optimistic concurrency) and the person still reports for its organization, and, only then, records the event as processed, stores
 * the answers and their history, the submission's status, the audit entry and what the
 * person was shown. One statement is one transaction: kill -9 leaves all of it or none.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { EventKey } from '../chat/port.js';
import { PREPARED } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import type { Cursor } from '../dialogue/types.js';
import type { AnswerValue } from '../forms/schema.js';
import type { typedColumns } from './reportState.js';

export interface AnswerWrite {
  key: string;
  value: AnswerValue;
  columns: ReturnType<typeof typedColumns>;
  /** The stored value before, as JSON; null when there was none. */
  oldJson: string | null;
  confirmedOutlier: boolean;
  sourceMessage: string | null;
}

export interface StatusWrite {
  submit?: { pastDeadline: boolean };
  unsubmit?: boolean;
  lateReason?: string;
}

export interface StepChange {
  event: EventKey;
  personId: string;
  submissionId: string;
  /** The step the transition was computed from. */
  expectedStep: number;
  cursor: Cursor;
  answeredCount: number;
  sets: AnswerWrite[];
  unsets: Array<{ key: string; oldJson: string | null }>;
  status: StatusWrite;
  /** The report was submitted before this step: history rows say so. */
  afterSubmission: boolean;
  audit?: { action: string; details: unknown };
  /** The typed text of an answer, to recognise it typed twice; undefined keeps the stored one. */
  lastAnswerText?: string | null;
  now: Date;
}

export type StepResult = { kind: 'ok'; step: number } | { kind: 'conflict' };

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

function answerRows(change: StepChange): RawBuilder<unknown> {
  return sql.join(
    change.sets.map((a) => {
      const c = a.columns;
      return sql`(${a.key}::text, ${JSON.stringify(a.value)}::jsonb, ${c.num_value}::numeric, ${c.bool_value}::boolean, ${c.text_value}::text,
        ${c.date_value}::date, ${c.choice_values}::text[], ${a.value === null}::boolean, ${a.sourceMessage}::text, ${a.confirmedOutlier}::boolean)`;
    }),
  );
}

function historyRows(change: StepChange): RawBuilder<unknown> | undefined {
  const rows = [
    // The same answer given again (e.g. «Sửa câu 3» then the same number) is not a change to trace.
    ...change.sets.filter((a) => a.oldJson !== JSON.stringify(a.value)).map((a) => sql`(${a.key}::text, ${a.oldJson}::jsonb, ${JSON.stringify(a.value)}::jsonb)`),
    ...change.unsets.map((u) => sql`(${u.key}::text, ${u.oldJson ?? 'null'}::jsonb, null::jsonb)`),
  ];
  return rows.length > 0 ? sql.join(rows) : undefined;
}

function statusAssignments(status: StatusWrite, now: Date): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (status.submit) {
    // Every right-hand side reads the row as it was: a first submission, or one sent again
    // after an edit took it back to draft, is late past the deadline.
    parts.push(
      sql`, status = 'submitted', first_submitted_at = coalesce(first_submitted_at, ${now}), last_submitted_at = ${now},
        late = case when status = 'draft' and ${status.submit.pastDeadline}::boolean then true else late end`,
    );
  }
  if (status.unsubmit) parts.push(sql`, status = 'draft'`);
  if (status.lateReason !== undefined) parts.push(sql`, late_reason = ${status.lateReason}`);
  return sql.join(parts, sql``);
}

/** Applies a step that changes the report; 'conflict' when another step got there first (nothing written). */
export async function writeChange(db: Kysely<Database>, change: StepChange): Promise<StepResult> {
  const { event, personId, submissionId, now } = change;
  const history = historyRows(change);
  const unsetKeys = change.unsets.map((u) => u.key);
  const { rows } = await sql<{ step: number | null }>`${sql.raw(PREPARED)}
    with upd as (
      update submissions set cursor = ${json(change.cursor)}, step = step + 1, answered_count = ${change.answeredCount},
        updated_at = ${now}, updated_by = ${personId} ${statusAssignments(change.status, now)}
      where id = ${submissionId} and step = ${change.expectedStep}
        and not exists (select 1 from processed_updates p where p.channel = ${event.channel} and p.dedupe_key = ${event.dedupeKey})
        -- Still a reporter of the organization: a removal committed after the read is a conflict, and the read again
        -- refuses. Locked (key share) so that a removal still in progress is waited for, not read past.
        and exists (select 1 from memberships m where m.person_id = ${personId} and m.organization_id = submissions.organization_id for key share)
      returning id, step
    ),
    mark as (
      insert into processed_updates (channel, dedupe_key, processed_at)
      select ${event.channel}, ${event.dedupeKey}, ${now} from upd
      on conflict do nothing
    ),
    ${
      change.sets.length > 0
        ? sql`ans as (
      insert into answers (submission_id, question_key, value, num_value, bool_value, text_value, date_value, choice_values,
        skipped, source_message, confirmed_outlier, answered_by, answered_at)
      select upd.id, v.k, v.value, v.num, v.bool, v.txt, v.d, v.choices, v.skipped, v.src, v.outlier, ${personId}, ${now}
      from upd, (values ${answerRows(change)}) as v(k, value, num, bool, txt, d, choices, skipped, src, outlier)
      on conflict (submission_id, question_key) do update set
        value = excluded.value, num_value = excluded.num_value, bool_value = excluded.bool_value, text_value = excluded.text_value,
        date_value = excluded.date_value, choice_values = excluded.choice_values, skipped = excluded.skipped,
        source_message = coalesce(excluded.source_message, answers.source_message), confirmed_outlier = excluded.confirmed_outlier,
        answered_by = excluded.answered_by, answered_at = excluded.answered_at
    ),`
        : sql``
    }
    ${
      unsetKeys.length > 0
        ? sql`gone as (
      delete from answers where submission_id = ${submissionId} and question_key = any(${unsetKeys}::text[]) and exists (select 1 from upd)
    ),`
        : sql``
    }
    ${
      history
        ? sql`hist as (
      insert into answer_history (submission_id, question_key, old_value, new_value, changed_by, changed_at, after_submission)
      select upd.id, h.k, h.old, h.new, ${personId}, ${now}, ${change.afterSubmission} from upd, (values ${history}) as h(k, old, new)
    ),`
        : sql``
    }
    ${
      change.audit
        ? sql`audit as (
      insert into audit_log (actor, action, details, at)
      select ${`person:${personId}`}, ${change.audit.action}, ${json(change.audit.details)}, ${now} from upd
    ),`
        : sql``
    }
    seen as (
      update people set active_submission_id = upd.id, seen_step = upd.step
        ${change.lastAnswerText !== undefined ? sql`, last_answer_text = ${change.lastAnswerText}` : sql``}
      from upd where people.id = ${personId}
    )
    select (select step from upd) as step
  `.execute(db);
  const step = rows[0]?.step;
  return step === null || step === undefined ? { kind: 'conflict' } : { kind: 'ok', step };
}

/**
 * Records an event that changes no report (a refused answer, a prompt shown again) and
 * what the person was shown; false when the event was recorded before (a duplicate).
 */
export async function writeStay(
  db: Kysely<Database>,
  request: { event: EventKey; personId: string; shown?: { submissionId: string; step: number }; now: Date },
): Promise<boolean> {
  const { event, personId, shown, now } = request;
  const { rows } = await sql<{ marked: number }>`${sql.raw(PREPARED)}
    with mark as (
      insert into processed_updates (channel, dedupe_key, processed_at) values (${event.channel}, ${event.dedupeKey}, ${now})
      on conflict do nothing returning 1
    )
    ${
      shown
        ? sql`, seen as (
      update people set
        active_submission_id = ${shown.submissionId}, seen_step = ${shown.step}
      where id = ${personId} and exists (select 1 from mark)
    )`
        : sql``
    }
    select (select count(*) from mark)::int as marked
  `.execute(db);
  return (rows[0]?.marked ?? 0) > 0;
}
