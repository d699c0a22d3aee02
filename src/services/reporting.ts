/**
 * The report dialogue over the database. Every message a reporter sends is one
 * transaction: record the update id (a redelivered update changes nothing), lock
 * the submission row (two reporters of one organization take turns), run the
 * pure state machine, store its effects and the new cursor.
 */
import { sql, type Kysely } from 'kysely';
import { isClosed } from '../campaigns/state.js';
import { isBigintId } from '../db/ids.js';
import type { Database, Submission } from '../db/schema.js';
import { startCursor, step, reopenCursor } from '../dialogue/machine.js';
import { renderPrompt } from '../dialogue/prompts.js';
import type { Cursor, DialogueState, Effect, Input, Prompt } from '../dialogue/types.js';
import type { EventKey } from '../chat/port.js';
import { markUpdateProcessed } from './processedUpdates.js';
import type { AnswerValue, Form, Question } from '../forms/schema.js';
import { escapeHtml } from '../text/html.js';
import { formatDateTime, localDate, type Clock } from '../time.js';
import { loadAnswers } from './answers.js';
import { recordAudit } from './audit.js';
import type { FormCache } from './forms.js';
import { reportingMessages as msg } from './messages/reporting.js';

export interface ReportingDeps {
  db: Kysely<Database>;
  clock: Clock;
  forms: FormCache;
}

export type ReportReply =
  | {
      kind: 'prompt';
      submissionId: string;
      step: number;
      notice?: string;
      prompt: Prompt;
      /** Re-render the message the button was on instead of sending a new one. */
      inPlace: boolean;
    }
  /** The person has no report in progress: tell them how to start one. */
  | { kind: 'no_active' }
  /** The same inbound event was handled before: nothing changes and nothing more is said. */
  | { kind: 'duplicate' }
  /** The person is not a reporter of that organization or the campaign does not target it. */
  | { kind: 'forbidden' };

export interface ReportInput {
  event: EventKey;
  personId: string;
  input: Input;
  /** Set for button presses: the report and step the button belongs to. */
  button?: { submissionId: string; step: number };
}

/** A step number no report has: the person has not seen the current prompt. */
const UNSEEN_STEP = -1;


async function isReporterOf(tx: Kysely<Database>, personId: string, organizationId: string): Promise<boolean> {
  const row = await tx
    .selectFrom('memberships')
    .select('person_id')
    .where('person_id', '=', personId)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  return row !== undefined;
}

interface LoadedReport {
  submission: Submission;
  state: DialogueState;
}

async function loadReport(tx: Kysely<Database>, deps: ReportingDeps, submissionId: string): Promise<LoadedReport | undefined> {
  const row = await tx
    .selectFrom('submissions as s')
    .innerJoin('campaigns as c', 'c.id', 's.campaign_id')
    .innerJoin('organizations as o', 'o.id', 's.organization_id')
    .selectAll('s')
    .select(['c.form_id', 'c.form_version', 'c.period_label', 'c.period_start', 'c.period_end', 'c.due_at', 'c.closed_at', 'o.name as org_name'])
    .where('s.id', '=', submissionId)
    .forUpdate('s')
    .executeTakeFirst();
  if (!row) return undefined;
  const form = await deps.forms.get(row.form_id, row.form_version, tx);
  const answers = await loadAnswers(tx, submissionId);
  const now = deps.clock.now();
  const pastDeadline = now.getTime() > row.due_at.getTime();
  const cursor = row.cursor as Cursor;
  // A report submitted late is past its deadline by definition, yet the late reason it
  // was just asked for must still be accepted: the deadline lock starts once it is given.
  const locked: DialogueState['locked'] =
    isClosed(row, now)
      ? 'closed'
      : row.status === 'submitted' && pastDeadline && !row.reopened_at && cursor.at !== 'late_reason'
        ? 'past_deadline'
        : false;
  const state: DialogueState = {
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
  return { submission: row, state };
}

function typedColumns(question: Question | undefined, value: AnswerValue) {
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

async function applyEffects(
  tx: Kysely<Database>,
  report: LoadedReport,
  effects: readonly Effect[],
  personId: string,
  now: Date,
): Promise<void> {
  const { submission, state } = report;
  const afterSubmission = submission.status === 'submitted';
  for (const effect of effects) {
    switch (effect.kind) {
      case 'set': {
        const question = state.form.questions.find((q) => q.key === effect.key);
        const json = JSON.stringify(effect.value);
        await tx
          .insertInto('answers')
          .values({
            submission_id: submission.id,
            question_key: effect.key,
            value: json,
            ...typedColumns(question, effect.value),
            skipped: effect.value === null,
            answered_by: personId,
            answered_at: now,
          })
          .onConflict((oc) =>
            oc.columns(['submission_id', 'question_key']).doUpdateSet((eb) => ({
              value: eb.ref('excluded.value'),
              num_value: eb.ref('excluded.num_value'),
              bool_value: eb.ref('excluded.bool_value'),
              text_value: eb.ref('excluded.text_value'),
              date_value: eb.ref('excluded.date_value'),
              choice_values: eb.ref('excluded.choice_values'),
              skipped: eb.ref('excluded.skipped'),
              answered_by: eb.ref('excluded.answered_by'),
              answered_at: eb.ref('excluded.answered_at'),
            })),
          )
          .execute();
        const old = state.answers.has(effect.key) ? JSON.stringify(state.answers.get(effect.key)) : null;
        // The same answer given again (e.g. «Sửa câu 3» then the same number) is not a change to trace.
        if (old === json) break;
        await tx
          .insertInto('answer_history')
          .values({ submission_id: submission.id, question_key: effect.key, old_value: old, new_value: json, changed_by: personId, changed_at: now, after_submission: afterSubmission })
          .execute();
        break;
      }
      case 'unset': {
        await tx.deleteFrom('answers').where('submission_id', '=', submission.id).where('question_key', '=', effect.key).execute();
        await tx
          .insertInto('answer_history')
          .values({ submission_id: submission.id, question_key: effect.key, old_value: JSON.stringify(state.answers.get(effect.key) ?? null), new_value: null, changed_by: personId, changed_at: now, after_submission: afterSubmission })
          .execute();
        break;
      }
      case 'submit': {
        const firstTime = submission.first_submitted_at === null;
        await tx
          .updateTable('submissions')
          .set({
            status: 'submitted',
            first_submitted_at: firstTime ? now : submission.first_submitted_at,
            last_submitted_at: now,
            // A first submission, or one sent again after an edit took it back to draft, is late past the deadline.
            late: submission.status === 'draft' && state.pastDeadline ? true : submission.late,
          })
          .where('id', '=', submission.id)
          .execute();
        await recordAudit(tx, { actor: `person:${personId}`, action: firstTime ? 'submission.submit' : 'submission.resubmit', details: { submissionId: submission.id }, at: now });
        break;
      }
      case 'unsubmit':
        await tx.updateTable('submissions').set({ status: 'draft' }).where('id', '=', submission.id).execute();
        await recordAudit(tx, { actor: `person:${personId}`, action: 'submission.unsubmit', details: { submissionId: submission.id }, at: now });
        break;
      case 'late_reason':
        await tx.updateTable('submissions').set({ late_reason: effect.text }).where('id', '=', submission.id).execute();
        break;
    }
  }
}

function answeredCountAfter(report: LoadedReport, effects: readonly Effect[]): number {
  const keys = new Set(report.state.answers.keys());
  for (const e of effects) {
    if (e.kind === 'set') keys.add(e.key);
    if (e.kind === 'unset') keys.delete(e.key);
  }
  return keys.size;
}

async function saveCursor(
  tx: Kysely<Database>,
  report: LoadedReport,
  cursor: Cursor,
  answeredCount: number,
  personId: string,
  now: Date,
): Promise<number> {
  const updated = await tx
    .updateTable('submissions')
    .set({ cursor: JSON.stringify(cursor), step: sql<number>`step + 1`, answered_count: answeredCount, updated_at: now, updated_by: personId })
    .where('id', '=', report.submission.id)
    .returning('step')
    .executeTakeFirstOrThrow();
  return updated.step;
}

async function rememberWhatPersonSaw(tx: Kysely<Database>, personId: string, submissionId: string, step: number): Promise<void> {
  await tx.updateTable('people').set({ active_submission_id: submissionId, seen_step: step }).where('id', '=', personId).execute();
}

function promptReply(report: LoadedReport, step: number, notice?: string, inPlace = false): ReportReply {
  return { kind: 'prompt', submissionId: report.submission.id, step, notice, prompt: renderPrompt(report.state, report.state.cursor), inPlace };
}

/** One message or button press of a reporter, in one transaction. */
export async function handleReportInput(deps: ReportingDeps, request: ReportInput): Promise<ReportReply> {
  if (request.button && !isBigintId(request.button.submissionId)) return { kind: 'no_active' };
  return deps.db.transaction().execute(async (tx) => {
    // A redelivered update was answered the first time: nothing changes, nothing more is said.
    if (!(await markUpdateProcessed(tx, request.event))) return { kind: 'duplicate' };
    const person = await tx.selectFrom('people').select(['id', 'active_submission_id', 'seen_step']).where('id', '=', request.personId).executeTakeFirst();
    const submissionId = request.button?.submissionId ?? person?.active_submission_id;
    if (!person || !submissionId) return { kind: 'no_active' };
    const report = await loadReport(tx, deps, submissionId);
    if (!report) return { kind: 'no_active' };
    if (!(await isReporterOf(tx, person.id, report.submission.organization_id))) return { kind: 'forbidden' };
    const current = report.submission.step;

    if (request.button && request.button.step !== current) {
      await rememberWhatPersonSaw(tx, person.id, report.submission.id, current);
      return promptReply(report, current, msg.stalePrompt);
    }
    // The person typed an answer to a question that a co-reporter has since moved past.
    const sawOtherStep = person.active_submission_id === report.submission.id && person.seen_step !== null && person.seen_step !== current;
    if (!request.button && request.input.kind === 'text' && sawOtherStep) {
      await rememberWhatPersonSaw(tx, person.id, report.submission.id, current);
      return promptReply(report, current, msg.movedByCoReporter);
    }

    const transition = step(report.state, request.input);
    const now = deps.clock.now();
    let newStep = current;
    if (transition.changed) {
      await applyEffects(tx, report, transition.effects, person.id, now);
      newStep = await saveCursor(tx, report, transition.cursor, answeredCountAfter(report, transition.effects), person.id, now);
    }
    await rememberWhatPersonSaw(tx, person.id, report.submission.id, newStep);
    return {
      kind: 'prompt',
      submissionId: report.submission.id,
      step: newStep,
      notice: transition.notice,
      prompt: transition.prompt,
      inPlace: transition.inPlace ?? false,
    };
  });
}

export interface OpenReportRequest {
  personId: string;
  campaignId: string;
  organizationId: string;
}

/**
 * /baocao: starts the organization's report for a campaign, or resumes it exactly
 * where it stopped. Authorization is checked here, not in the chat layer.
 */
export async function openReport(deps: ReportingDeps, request: OpenReportRequest): Promise<ReportReply> {
  if (!isBigintId(request.campaignId) || !isBigintId(request.organizationId)) return { kind: 'forbidden' };
  return deps.db.transaction().execute(async (tx) => {
    const now = deps.clock.now();
    const allowed = await tx
      .selectFrom('memberships as m')
      .innerJoin('campaign_targets as t', 't.organization_id', 'm.organization_id')
      .innerJoin('campaigns as c', 'c.id', 't.campaign_id')
      .select(['c.form_id', 'c.form_version', 'c.opens_at'])
      .where('m.person_id', '=', request.personId)
      .where('m.organization_id', '=', request.organizationId)
      .where('t.campaign_id', '=', request.campaignId)
      .executeTakeFirst();
    if (!allowed || allowed.opens_at.getTime() > now.getTime()) return { kind: 'forbidden' };
    const form: Form = await deps.forms.get(allowed.form_id, allowed.form_version, tx);
    await tx
      .insertInto('submissions')
      .values({
        campaign_id: request.campaignId,
        organization_id: request.organizationId,
        cursor: JSON.stringify(startCursor(form, new Map())),
        started_at: now,
        updated_at: now,
        updated_by: request.personId,
      })
      .onConflict((oc) => oc.columns(['campaign_id', 'organization_id']).doNothing())
      .execute();
    const { id } = await tx
      .selectFrom('submissions')
      .select('id')
      .where('campaign_id', '=', request.campaignId)
      .where('organization_id', '=', request.organizationId)
      .executeTakeFirstOrThrow();
    const report = (await loadReport(tx, deps, id))!;
    let current = report.submission.step;
    const cursor = reopenCursor(report.state);
    // A locked report is only shown (its review), never written to: opening it after the
    // deadline must not make it look updated after the deadline.
    if (cursor !== report.state.cursor) {
      if (!report.state.locked) current = await saveCursor(tx, report, cursor, report.state.answers.size, request.personId, now);
      report.state = { ...report.state, cursor };
    }
    await rememberWhatPersonSaw(tx, request.personId, id, current);
    return promptReply(report, current);
  });
}

/**
 * The prompt for `step` never reached the person (sending failed after the answer
 * was stored). Their next typed message was written for the question before it, so
 * it must not be taken as the answer to the new one: it gets the current question
 * shown instead.
 */
export async function forgetSeenPrompt(db: Kysely<Database>, personId: string): Promise<void> {
  await db.updateTable('people').set({ seen_step: UNSEEN_STEP }).where('id', '=', personId).execute();
}

/** /huy: the person stops answering; every answer stays stored. */
export async function pauseReport(db: Kysely<Database>, personId: string): Promise<boolean> {
  const result = await db
    .updateTable('people')
    .set({ active_submission_id: null, seen_step: null })
    .where('id', '=', personId)
    .where('active_submission_id', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

