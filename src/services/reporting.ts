/**
 * The report dialogue over the database. One message a reporter sends is two round
 * trips: one statement reads everything the step needs (the person, the report, its
 * answers, whether the event was seen before, last round's figures for the plausibility
 * check), the pure state machine decides, and one statement writes everything
 * (stepWrite.ts), conditioned on the report's step counter: if a co-reporter moved the
 * report meanwhile, nothing is written and the step is decided again on fresh data.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { ChatOrder, EventKey, Identity } from '../chat/port.js';
import { PREPARED } from '../db/connect.js';
import { isBigintId } from '../db/ids.js';
import type { Database, ShownPromptColumns } from '../db/schema.js';
import { reopenCursor, startCursor, step } from '../dialogue/machine.js';
import { findQuestion, renderPrompt } from '../dialogue/prompts.js';
import type { DialogueState, Effect, Input, Prompt, Transition } from '../dialogue/types.js';
import type { AnswerValue, Form } from '../forms/schema.js';
import { resolvePlausibility } from '../forms/plausibility.js';
import { normalizeTypedText } from '../text/normalize.js';
import type { Clock } from '../time.js';
import type { FormCache } from './forms.js';
import { reportingMessages as msg } from './messages/reporting.js';
import type { PercentileCache } from './percentiles.js';
import { identitySeen, KNOWN_PERSON_COLUMNS, knownPersonOf, type KnownPerson, type KnownPersonRow } from './people.js';
import { dialogueState, typedColumns, type ReportRow } from './reportState.js';
import { writeChange, writeStay, type AnswerWrite, type StatusWrite } from './stepWrite.js';
import { markUpdateProcessed, samePrompt, type ShownPrompt } from './processedUpdates.js';
import { loadAnswers } from './answers.js';
import { acknowledgeByOpening } from './deliveries.js';
import { inTransaction, isTransientConflict } from '../db/transaction.js';
import { latestFirst, standsBefore } from './previousRound.js';

export interface ReportingDeps {
  db: Kysely<Database>;
  clock: Clock;
  forms: FormCache;
  /** This round's 99th percentiles for the plausibility check; without it only last round's figures are compared. */
  percentiles?: PercentileCache;
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
      /** This input was applied and stored (not refused, not stale, not only shown again). */
      taken?: boolean;
    }
  /** The person has no report in progress: tell them how to start one. */
  | { kind: 'no_active' }
  /**
   * The same inbound event was handled before: nothing changes. `current`: the report's
   * current prompt, and when the event was first handled, if its reply was never recorded as
   * shown (the process may have died before it went out); absent when the event was caught
   * mid-write, where the handler that got there first replies.
   */
  | { kind: 'duplicate'; current?: { prompt: Extract<ReportReply, { kind: 'prompt' }>; handledAt: Date } }
  /** The person is not a reporter of that organization or the campaign does not target it. */
  | { kind: 'forbidden' };

/** The inbound event as the answer path needs it. */
export interface ReportEvent extends EventKey {
  /** channel:chat:message of the person's message: an edit of it later changes this answer. */
  messageRef?: string;
  /** The message's place in its chat (see InboundEvent): compared with where the current prompt was shown. */
  order?: ChatOrder;
}

export interface ReportInput {
  event: ReportEvent;
  personId: string;
  input: Input;
  /** Set for button presses: the report and step the button belongs to. */
  button?: { submissionId: string; step: number };
  /** The report an edited message belongs to (it need not be the one the person is answering now). */
  submissionId?: string;
  /** Where this process last showed the person a prompt: Postgres's record of it is written a moment later. */
  shownHere?: ShownPrompt;
}

/** A step number no report has: the person has not seen the current prompt. */
const UNSEEN_STEP = -1;
/** Steps decided again after a co-reporter's step got there first, before giving up. */
const MAX_ATTEMPTS = 5;
/** The last answer's text kept to recognise it typed twice. */
const LAST_TEXT_CHARS = 200;

/** What a step reads of the person and its event; `shown_*`: where they were last shown a prompt, as recorded (markPromptsShown). */
interface StepRead extends Selectable<ShownPromptColumns> {
  person_id: string;
  active_submission_id: string | null;
  seen_step: number | null;
  last_answer_text: string | null;
  duplicate: boolean;
  /** Handled before at this time, its reply not known to have been shown; null otherwise. */
  unreplied_since: Date | null;
  member: boolean;
  answers: Record<string, AnswerValue> | null;
  previous: Record<string, { value: number; periodLabel: string }> | null;
}

type StepRow = StepRead & Partial<ReportRow> & { id: string | null };

/** What a step reads of the person `p` (KNOWN_PERSON_COLUMNS has these too). */
const STEP_PERSON_COLUMNS = sql`p.id as person_id, p.active_submission_id, p.seen_step, p.last_answer_text`;

/**
 * What a step reads besides the person's own columns: where they were last shown a prompt,
 * the event's record (`u`) and the report it is on (`s`, `c`, `o`).
 */
const STEP_COLUMNS = sql`p.shown_channel, p.shown_submission_id, p.shown_step, p.shown_order,
      u.dedupe_key is not null as duplicate, case when u.replied_at is null then u.processed_at end as unreplied_since,
      s.id, s.campaign_id, s.organization_id, s.status, s.cursor, s.step, s.answered_count, s.started_at, s.first_submitted_at,
      s.last_submitted_at, s.late, s.late_reason, s.reopened_at, s.updated_at, s.updated_by, c.form_id, c.form_version, c.period_label, c.period_start, c.period_end, c.due_at, c.closed_at, o.name as org_name,
      exists (select 1 from memberships m where m.person_id = p.id and m.organization_id = s.organization_id) as member,
      (select json_object_agg(a.question_key, a.value) from answers a where a.submission_id = s.id) as answers,
      (select json_object_agg(pa.question_key, json_build_object('value', pa.num_value, 'periodLabel', prev.period_label))
        from (select ps.id, pc.period_label from campaigns pc
              join submissions ps on ps.campaign_id = pc.id and ps.organization_id = s.organization_id and ps.status = 'submitted'
              where pc.form_id = c.form_id and ${standsBefore('pc', 'c')} order by ${latestFirst('pc')} limit 1) prev
        join answers pa on pa.submission_id = prev.id and pa.num_value is not null) as previous`;

/**
 * The event's record, if it was handled before (one probe of its key), and the report of
 * the step: the given one (a button's, an edited message's) or the person's current one.
 */
function stepJoins(event: EventKey, override: string | null) {
  return sql`left join processed_updates u on u.channel = ${event.channel} and u.dedupe_key = ${event.dedupeKey}
    left join submissions s on s.id = coalesce(${override}::bigint, p.active_submission_id)
    left join campaigns c on c.id = s.campaign_id
    left join organizations o on o.id = s.organization_id`;
}

/** Everything a step needs, in one statement. */
async function readStep(db: Kysely<Database>, request: ReportInput): Promise<StepRow | undefined> {
  const override = request.button?.submissionId ?? request.submissionId ?? null;
  const { rows } = await sql<StepRow>`${sql.raw(PREPARED)}
    select ${STEP_PERSON_COLUMNS}, ${STEP_COLUMNS}
    from people p
    ${stepJoins(request.event, override)}
    where p.id = ${request.personId}
  `.execute(db);
  return rows[0];
}

/** A typed answer's step read together with who wrote (identifyForAnswer): handed to handleReportInput. */
export interface PrefetchedStep {
  readonly event: EventKey;
  readonly row: StepRow;
}

/**
 * Who wrote, and the step their message answers, in one statement: a typed message that
 * is neither a command nor a reply to a prompt is most likely an answer to the current
 * question, so the lookup of the person (with its writes, identitySeen) and the step's
 * read go together, and the answer costs two round trips. Undefined for someone unknown.
 * One statement, one transaction: if the read fails, the record that they wrote from this
 * account fails with it, and is made when the event, received again, is handled.
 */
export async function identifyForAnswer(
  db: Kysely<Database>,
  identity: Identity,
  event: EventKey,
  now: Date,
): Promise<{ known: KnownPerson; step: PrefetchedStep } | undefined> {
  const { rows } = await sql<StepRow & KnownPersonRow>`${sql.raw(PREPARED)}
    with ${identitySeen(identity, now)}
    select ${KNOWN_PERSON_COLUMNS}, ${STEP_COLUMNS}
    from identities me join people p on p.id = me.person_id
    ${stepJoins(event, null)}
    where me.channel = ${identity.channel} and me.external_id = ${identity.externalId}
  `.execute(db);
  const row = rows[0];
  return row ? { known: knownPersonOf(row), step: { event, row } } : undefined;
}

function promptReply(submissionId: string, state: DialogueState, stepNo: number, notice?: string): Extract<ReportReply, { kind: 'prompt' }> {
  return { kind: 'prompt', submissionId, step: stepNo, notice, prompt: renderPrompt(state, state.cursor), inPlace: false };
}

function answeredCountAfter(state: DialogueState, effects: readonly Effect[]): number {
  const keys = new Set(state.answers.keys());
  for (const e of effects) {
    if (e.kind === 'set') keys.add(e.key);
    if (e.kind === 'unset') keys.delete(e.key);
  }
  return keys.size;
}

/**
 * The typed message was sent before the person was shown the prompt of the step the
 * report is at: its place in the chat is before that prompt's. Judged by the marks of this
 * very prompt, this process's and Postgres's (a mark of another step, or of another chat
 * app, says nothing about it), by the earliest of them: a prompt shown again at its step
 * (a refused answer, on this replica or another) was on screen from the first time; a
 * mark never recorded judges nothing.
 */
function sentBeforeShown(request: ReportInput, row: StepRow, submissionId: string, step: number): boolean {
  const { order, channel } = request.event;
  if (order === undefined) return false;
  const recorded: ShownPrompt | undefined =
    row.shown_channel !== null && row.shown_submission_id !== null && row.shown_step !== null && row.shown_order !== null
      ? { personId: request.personId, channel: row.shown_channel, submissionId: row.shown_submission_id, step: row.shown_step, order: Number(row.shown_order) }
      : undefined;
  const current = { personId: request.personId, channel, submissionId, step };
  const places = [request.shownHere, recorded].flatMap((mark) => (mark !== undefined && samePrompt(mark, current) ? [mark.order] : []));
  return places.length > 0 && order < Math.min(...places);
}

/** Which question number a prompt is at, for the "sent before it was shown" notice. */
function questionNoOf(state: DialogueState): number | undefined {
  const { cursor } = state;
  if (cursor.at !== 'question' && cursor.at !== 'confirm' && cursor.at !== 'plausible') return undefined;
  return state.form.questions.findIndex((q) => q.key === cursor.key) + 1;
}

type Attempt = ReportReply | 'conflict';

async function attemptStep(deps: ReportingDeps, request: ReportInput, prefetched?: StepRow): Promise<Attempt> {
  const { db, clock } = deps;
  const now = clock.now();
  const row = prefetched ?? (await readStep(db, request));
  if (row?.duplicate) return duplicateOf(deps, row, now);
  const stay = async (shown?: { submissionId: string; step: number }) => writeStay(db, { event: request.event, personId: request.personId, shown, now });
  if (!row || !row.id) return (await stay()) ? { kind: 'no_active' } : { kind: 'duplicate' };
  if (!row.member) return (await stay()) ? { kind: 'forbidden' } : { kind: 'duplicate' };

  const report = row as StepRow & ReportRow;
  const state = await reportStateOf(deps, report, now);
  const current = report.step;
  const shownAgain = async (notice: string): Promise<ReportReply> =>
    (await stay({ submissionId: report.id, step: current })) ? promptReply(report.id, state, current, notice) : { kind: 'duplicate' };

  if (request.button && request.button.step !== current) return shownAgain(msg.stalePrompt);
  const typed = request.input.kind === 'text' && !request.button;
  const onThisReport = row.active_submission_id === report.id && row.seen_step !== null;
  // The person typed an answer to a question that a co-reporter has since moved past.
  if (typed && onThisReport && row.seen_step !== current) return shownAgain(msg.movedByCoReporter);
  // Sent before the current question was shown (two quick messages): it was meant for the one before.
  const questionNo = questionNoOf(state);
  if (typed && questionNo !== undefined && sentBeforeShown(request, row, report.id, current)) {
    const text = normalizedText(request.input);
    return shownAgain(msg.sentBeforeShown(questionNo, text, text !== '' && text === row.last_answer_text));
  }

  const transition: Transition = step(state, request.input);
  if (!transition.changed) {
    return (await stay({ submissionId: report.id, step: current }))
      ? { kind: 'prompt', submissionId: report.id, step: current, notice: transition.notice, prompt: transition.prompt, inPlace: transition.inPlace ?? false }
      : { kind: 'duplicate' };
  }
  const written = await writeChange(db, {
    event: request.event,
    personId: request.personId,
    submissionId: report.id,
    expectedStep: current,
    cursor: transition.cursor,
    answeredCount: answeredCountAfter(state, transition.effects),
    ...effectWrites(request, state, transition.effects),
    afterSubmission: report.status === 'submitted',
    audit: auditOf(report, transition.effects),
    ...(typed ? { lastAnswerText: normalizedText(request.input).slice(0, LAST_TEXT_CHARS) } : {}),
    now,
  });
  if (written.kind === 'conflict') return 'conflict';
  return { kind: 'prompt', submissionId: report.id, step: written.step, notice: transition.notice, prompt: transition.prompt, inPlace: transition.inPlace ?? false, taken: true };
}

/** The dialogue's state of the report the step read, with what the plausibility check compares against. */
async function reportStateOf(deps: ReportingDeps, report: StepRow & ReportRow, now: Date): Promise<DialogueState> {
  const form: Form = await deps.forms.get(report.form_id, report.form_version);
  const state = dialogueState(report, form, new Map(Object.entries(report.answers ?? {})), now);
  const plausibility = await plausibilityContext(deps, report, form, now);
  return plausibility ? { ...state, plausibility } : state;
}

/**
 * A duplicate seen on reading. If its reply was never recorded as shown, with the report's
 * current prompt (read with the step: no more statements) and when the first handling
 * was, for the caller to decide whether that handler may have died before replying.
 */
async function duplicateOf(deps: ReportingDeps, row: StepRow, now: Date): Promise<ReportReply> {
  if (!row.unreplied_since || !row.id || !row.member || row.active_submission_id !== row.id) return { kind: 'duplicate' };
  const report = row as StepRow & ReportRow;
  // With the plausibility context: a plausibility question shown again keeps its reason (last round's figure).
  const state = await reportStateOf(deps, report, now);
  return { kind: 'duplicate', current: { prompt: promptReply(report.id, state, report.step, msg.alreadyRecorded), handledAt: row.unreplied_since } };
}

function normalizedText(input: Input): string {
  if (input.kind !== 'text') return '';
  const normalized = normalizeTypedText(input.text);
  return normalized.ok ? normalized.text : '';
}

/** The transition's effects as rows: answers set and removed, and the submission's status. */
function effectWrites(request: ReportInput, state: DialogueState, effects: readonly Effect[]): { sets: AnswerWrite[]; unsets: Array<{ key: string; oldJson: string | null }>; status: StatusWrite } {
  const sets: AnswerWrite[] = [];
  const unsets: Array<{ key: string; oldJson: string | null }> = [];
  const status: StatusWrite = {};
  const old = (key: string) => (state.answers.has(key) ? JSON.stringify(state.answers.get(key)) : null);
  const fromMessage = request.input.kind === 'text' || request.input.kind === 'edit_answer';
  for (const effect of effects) {
    switch (effect.kind) {
      case 'set':
        sets.push({
          key: effect.key,
          value: effect.value,
          columns: typedColumns(findQuestion(state.form, effect.key), effect.value),
          oldJson: old(effect.key),
          confirmedOutlier: effect.confirmedOutlier ?? false,
          sourceMessage: fromMessage ? (request.event.messageRef ?? null) : null,
        });
        break;
      case 'unset':
        unsets.push({ key: effect.key, oldJson: old(effect.key) });
        break;
      case 'submit':
        status.submit = { pastDeadline: state.pastDeadline };
        break;
      case 'unsubmit':
        status.unsubmit = true;
        break;
      case 'late_reason':
        status.lateReason = effect.text;
        break;
    }
  }
  return { sets, unsets, status };
}

function auditOf(report: ReportRow, effects: readonly Effect[]): { action: string; details: unknown } | undefined {
  const details = { submissionId: report.id };
  if (effects.some((e) => e.kind === 'submit')) return { action: report.first_submitted_at === null ? 'submission.submit' : 'submission.resubmit', details };
  if (effects.some((e) => e.kind === 'unsubmit')) return { action: 'submission.unsubmit', details };
  return undefined;
}

/** Last round's figures of this organization (read with the step) and this round's percentiles (cached). */
async function plausibilityContext(deps: ReportingDeps, report: StepRow & ReportRow, form: Form, now: Date): Promise<DialogueState['plausibility']> {
  const asked = new Map<string, number>();
  for (const q of form.questions) {
    if (q.type !== 'integer' && q.type !== 'decimal') continue;
    const settings = resolvePlausibility(q, form.plausibility);
    if (!settings.off) asked.set(q.key, settings.percentile);
  }
  if (asked.size === 0) return undefined;
  const previous = new Map(Object.entries(report.previous ?? {}).map(([key, p]) => [key, { value: Number(p.value), periodLabel: p.periodLabel }]));
  // Without this round's percentiles the check still compares with last round: an answer is never refused for it.
  const percentiles = deps.percentiles ? await deps.percentiles.get(deps.db, report.campaign_id, asked, now.getTime()).catch(() => new Map()) : new Map();
  return { previous, percentiles };
}

/**
 * One message or button press of a reporter: read, decide, write, in two statements.
 * If a co-reporter's step got in between, the step is decided again on what they left:
 * a typed answer meant for a question they moved past is then shown the current question
 * instead of being stored on the wrong one.
 */
export async function handleReportInput(deps: ReportingDeps, request: ReportInput, prefetched?: PrefetchedStep): Promise<ReportReply> {
  if (request.button && !isBigintId(request.button.submissionId)) return { kind: 'no_active' };
  if (request.submissionId !== undefined && !isBigintId(request.submissionId)) return { kind: 'no_active' };
  // Read with the person for this very event, of the person's current report: only then does it stand for readStep.
  const usable =
    prefetched &&
    !request.button &&
    request.submissionId === undefined &&
    prefetched.row.person_id === request.personId &&
    prefetched.event.channel === request.event.channel &&
    prefetched.event.dedupeKey === request.event.dedupeKey
      ? prefetched.row
      : undefined;
  for (let attempt = 1; ; attempt++) {
    // A retry after a co-reporter's step reads afresh; so does one after Postgres aborted the
    // write to break a deadlock (nothing of it was written).
    const outcome = await attemptStep(deps, request, attempt === 1 ? usable : undefined).catch((error: unknown) => {
      if (isTransientConflict(error)) return 'conflict' as const;
      throw error;
    });
    if (outcome !== 'conflict') return outcome;
    if (attempt >= MAX_ATTEMPTS) throw new Error(`report step of person ${request.personId} conflicted ${attempt} times`);
    // Co-reporters answering at the same moment: a short, jittered pause lets one of them through.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
  }
}

export interface OpenReportRequest {
  personId: string;
  campaignId: string;
  organizationId: string;
  /** Recorded with the report's opening: a redelivered /baocao or button changes nothing. */
  event?: EventKey;
}

/**
 * /baocao: starts the organization's report for a campaign, or resumes it exactly where
 * it stopped, in one transaction that also counts as acknowledging the round's
 * announcement. Authorization is checked here, not in the chat layer.
 */
export async function openReport(deps: ReportingDeps, request: OpenReportRequest): Promise<ReportReply> {
  if (!isBigintId(request.campaignId) || !isBigintId(request.organizationId)) return { kind: 'forbidden' };
  return inTransaction(deps.db, async (tx): Promise<ReportReply> => {
    const now = deps.clock.now();
    if (request.event && !(await markUpdateProcessed(tx, request.event))) return { kind: 'duplicate' };
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
    const row = await tx
      .selectFrom('submissions as s')
      .innerJoin('campaigns as c', 'c.id', 's.campaign_id')
      .innerJoin('organizations as o', 'o.id', 's.organization_id')
      .selectAll('s')
      .select(['c.form_id', 'c.form_version', 'c.period_label', 'c.period_start', 'c.period_end', 'c.due_at', 'c.closed_at', 'o.name as org_name'])
      .where('s.campaign_id', '=', request.campaignId)
      .where('s.organization_id', '=', request.organizationId)
      .forUpdate('s')
      .executeTakeFirstOrThrow();
    let state = dialogueState(row, form, await loadAnswers(tx, row.id), now);
    let current = row.step;
    const cursor = reopenCursor(state);
    // A locked report is only shown (its review), never written to: opening it after the
    // deadline must not make it look updated after the deadline.
    if (cursor !== state.cursor) {
      if (!state.locked) {
        const saved = await tx
          .updateTable('submissions')
          .set({ cursor: JSON.stringify(cursor), step: sql<number>`step + 1`, updated_at: now, updated_by: request.personId })
          .where('id', '=', row.id)
          .returning('step')
          .executeTakeFirstOrThrow();
        current = saved.step;
      }
      state = { ...state, cursor };
    }
    await tx.updateTable('people').set({ active_submission_id: row.id, seen_step: current }).where('id', '=', request.personId).execute();
    // Starting the report proves the announcement arrived: it counts as «Đã nhận».
    await acknowledgeByOpening(tx, { campaignId: request.campaignId, personId: request.personId }, now);
    return promptReply(row.id, state, current);
  });
}

/**
 * The prompt for `step` never reached the person (sending failed after the answer
 * was stored). Their next typed message was written for the question before it, so
 * it must not be taken as the answer to the new one: it gets the current question
 * shown instead. Its own use case: it runs on the channel's failure, not on an update.
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
