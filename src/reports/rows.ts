/**
 * The full lists behind the workbook: every target organization with its answers,
 * those that have not submitted with their reporters, the late ones, every free-text
 * answer. Read page by page by organization code (keyset pagination, never OFFSET),
 * so a round of any size is never held in memory: a caller that writes each row as
 * it comes holds one page.
 *
 * Answers come from the typed columns the summary aggregates (num_value, bool_value,
 * …) and only from submitted reports of target organizations, so a sheet built from
 * these rows adds up to the summary's totals.
 */
import { sql, type Kysely } from 'kysely';
import type { ChannelName } from '../chat/port.js';
import { isBigintId } from '../db/ids.js';
import type { Database, OrganizationType } from '../db/schema.js';
import type { AnswerValue, Form, Question } from '../forms/schema.js';

/** Organizations read per query. */
export const ROWS_PAGE_SIZE = 1000;

export interface RowsOptions {
  /** Organizations per query; ROWS_PAGE_SIZE unless told (tests use a tiny one). */
  pageSize?: number;
  /** textAnswers: at most this many answers per question (the Word annex prints no more). */
  perQuestion?: number;
  /** notSubmittedRows: the enabled channels, on which a reporter is reachable or not (unset: every channel). */
  channels?: readonly ChannelName[];
}

export type ReportStatus = 'submitted' | 'draft' | 'not_started';

export interface DetailRow {
  code: string;
  name: string;
  type: OrganizationType;
  parentCode: string | null;
  parentName: string | null;
  status: ReportStatus;
  /** When the report was last submitted; null unless it is submitted now. */
  submittedAt: Date | null;
  /** Submitted after the deadline (only a submitted report is late). */
  late: boolean;
  lateReason: string | null;
  /** By question key; empty unless the report is submitted. A skipped question is null. */
  answers: Map<string, AnswerValue>;
}

export interface Reporter {
  name: string;
  /** The chat apps the person has an account in ('telegram', 'zalo'), in name order. */
  channels: string[];
  /** Has an account on an enabled channel that has not refused a message to them. */
  reachable: boolean;
  /**
   * The accounts whose chat app refused a message (blocked, deleted), with the app's reason
   * (identities.unreachable_reason): one of two refused leaves the person reachable on the other.
   */
  refused: Array<{ channel: string; reason: string | null }>;
}

export interface NotSubmittedRow {
  code: string;
  name: string;
  type: OrganizationType;
  status: 'draft' | 'not_started';
  /** In name order; empty when nobody reports for the organization. */
  reporters: Reporter[];
}

export interface LateRow {
  code: string;
  name: string;
  submittedAt: Date | null;
  lateReason: string | null;
}

export interface TextAnswerRow {
  questionKey: string;
  code: string;
  name: string;
  text: string;
}

function pageSizeOf(options: RowsOptions | undefined): number {
  const size = options?.pageSize ?? ROWS_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1) throw new Error(`rows: page size must be a positive integer, got ${size}`);
  return size;
}

/** The target organizations of the campaign, with their report if any: the base of every list. */
function targetsWithReport(db: Kysely<Database>, campaignId: string) {
  return db
    .selectFrom('campaign_targets as t')
    .innerJoin('organizations as o', 'o.id', 't.organization_id')
    .leftJoin('submissions as s', (j) => j.onRef('s.campaign_id', '=', 't.campaign_id').onRef('s.organization_id', '=', 't.organization_id'))
    .where('t.campaign_id', '=', campaignId);
}

interface AnswerColumns {
  num_value: string | null;
  bool_value: boolean | null;
  text_value: string | null;
  date_value: string | null;
  choice_values: string[] | null;
  skipped: boolean;
}

/** The answer from its typed columns (the inverse of reportState.typedColumns). */
function answerValue(question: Question, a: AnswerColumns): AnswerValue {
  if (a.skipped) return null;
  switch (question.type) {
    case 'integer':
    case 'decimal':
      return a.num_value === null ? null : Number(a.num_value);
    case 'yes_no':
      return a.bool_value;
    case 'choice':
    case 'text':
      return a.text_value;
    case 'date':
      return a.date_value;
    case 'multi_choice':
      return a.choice_values;
  }
}

/** The answers of these submissions to the form's questions, by submission id. */
async function answersOf(db: Kysely<Database>, submissionIds: string[], form: Form): Promise<Map<string, Map<string, AnswerValue>>> {
  const bySubmission = new Map<string, Map<string, AnswerValue>>();
  if (submissionIds.length === 0) return bySubmission;
  const questions = new Map(form.questions.map((q) => [q.key, q]));
  const rows = await db
    .selectFrom('answers')
    .select(['submission_id', 'question_key', 'num_value', 'bool_value', 'text_value', 'date_value', 'choice_values', 'skipped'])
    .where(sql<boolean>`submission_id = any(${submissionIds}::bigint[])`)
    .where(sql<boolean>`question_key = any(${[...questions.keys()]}::text[])`)
    .execute();
  for (const r of rows) {
    const question = questions.get(r.question_key);
    if (!question) continue;
    let answers = bySubmission.get(r.submission_id);
    if (!answers) bySubmission.set(r.submission_id, (answers = new Map()));
    answers.set(r.question_key, answerValue(question, r));
  }
  return bySubmission;
}

/**
 * Every target organization of the campaign, by code, with its report's state and,
 * when submitted, its answers. One page of organizations (and their answers) in memory.
 */
export async function* detailRows(db: Kysely<Database>, campaignId: string, form: Form, options?: RowsOptions): AsyncGenerator<DetailRow> {
  if (!isBigintId(campaignId)) return;
  const pageSize = pageSizeOf(options);
  let after: string | undefined;
  for (;;) {
    let query = targetsWithReport(db, campaignId)
      .leftJoin('organizations as p', 'p.id', 'o.parent_id')
      .select([
        'o.code',
        'o.name',
        'o.type',
        'p.code as parent_code',
        'p.name as parent_name',
        's.id as submission_id',
        's.status',
        's.last_submitted_at',
        's.first_submitted_at',
        's.late',
        's.late_reason',
      ])
      .orderBy('o.code')
      .limit(pageSize);
    if (after !== undefined) query = query.where('o.code', '>', after);
    const page = await query.execute();
    if (page.length === 0) return;
    const submitted = page.filter((r) => r.status === 'submitted' && r.submission_id !== null).map((r) => r.submission_id as string);
    const answers = await answersOf(db, submitted, form);
    for (const r of page) {
      const isSubmitted = r.status === 'submitted';
      yield {
        code: r.code,
        name: r.name,
        type: r.type,
        parentCode: r.parent_code,
        parentName: r.parent_name,
        status: isSubmitted ? 'submitted' : r.submission_id !== null ? 'draft' : 'not_started',
        submittedAt: isSubmitted ? (r.last_submitted_at ?? r.first_submitted_at) : null,
        late: isSubmitted && r.late === true,
        lateReason: isSubmitted ? r.late_reason : null,
        answers: (isSubmitted && r.submission_id !== null ? answers.get(r.submission_id) : undefined) ?? new Map(),
      };
    }
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.code;
  }
}

type Account = { channel: ChannelName; refused: boolean; reason: string | null };

/** The reporters of these organizations, by organization id, each in name order. */
async function reportersOf(db: Kysely<Database>, organizationIds: string[], enabled: readonly ChannelName[] | undefined): Promise<Map<string, Reporter[]>> {
  const byOrg = new Map<string, Reporter[]>();
  if (organizationIds.length === 0) return byOrg;
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .select([
      'm.organization_id',
      'p.display_name',
      (eb) =>
        eb
          .selectFrom('identities as i')
          .select(
            sql<Account[]>`coalesce(json_agg(json_build_object('channel', i.channel, 'refused', i.unreachable_at is not null, 'reason', i.unreachable_reason)
              order by i.channel), '[]')`.as('accounts'),
          )
          .whereRef('i.person_id', '=', 'p.id')
          .as('accounts'),
    ])
    .where(sql<boolean>`m.organization_id = any(${organizationIds}::bigint[])`)
    .orderBy('m.organization_id')
    .orderBy('p.display_name')
    .orderBy('p.id')
    .execute();
  for (const r of rows) {
    const accounts = r.accounts ?? [];
    let reporters = byOrg.get(r.organization_id);
    if (!reporters) byOrg.set(r.organization_id, (reporters = []));
    reporters.push({
      name: r.display_name,
      channels: accounts.map((a) => a.channel),
      reachable: accounts.some((a) => !a.refused && (!enabled || enabled.includes(a.channel))),
      refused: accounts.filter((a) => a.refused).map((a) => ({ channel: a.channel, reason: a.reason })),
    });
  }
  return byOrg;
}

/** Every target organization without a submitted report, by code, with who reports for it. */
export async function* notSubmittedRows(db: Kysely<Database>, campaignId: string, options?: RowsOptions): AsyncGenerator<NotSubmittedRow> {
  if (!isBigintId(campaignId)) return;
  const pageSize = pageSizeOf(options);
  let after: string | undefined;
  for (;;) {
    let query = targetsWithReport(db, campaignId)
      .select(['o.id', 'o.code', 'o.name', 'o.type', 's.id as submission_id'])
      .where((eb) => eb.or([eb('s.id', 'is', null), eb('s.status', '<>', 'submitted')]))
      .orderBy('o.code')
      .limit(pageSize);
    if (after !== undefined) query = query.where('o.code', '>', after);
    const page = await query.execute();
    if (page.length === 0) return;
    const reporters = await reportersOf(
      db,
      page.map((r) => r.id),
      options?.channels,
    );
    for (const r of page) {
      yield { code: r.code, name: r.name, type: r.type, status: r.submission_id === null ? 'not_started' : 'draft', reporters: reporters.get(r.id) ?? [] };
    }
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.code;
  }
}

/** Target organizations whose submitted report is late, by code. */
export async function* lateRows(db: Kysely<Database>, campaignId: string, options?: RowsOptions): AsyncGenerator<LateRow> {
  if (!isBigintId(campaignId)) return;
  const pageSize = pageSizeOf(options);
  let after: string | undefined;
  for (;;) {
    let query = db
      .selectFrom('campaign_targets as t')
      .innerJoin('organizations as o', 'o.id', 't.organization_id')
      .innerJoin('submissions as s', (j) => j.onRef('s.campaign_id', '=', 't.campaign_id').onRef('s.organization_id', '=', 't.organization_id'))
      .select(['o.code', 'o.name', 's.last_submitted_at', 's.first_submitted_at', 's.late_reason'])
      .where('t.campaign_id', '=', campaignId)
      .where('s.status', '=', 'submitted')
      .where('s.late', '=', true)
      .orderBy('o.code')
      .limit(pageSize);
    if (after !== undefined) query = query.where('o.code', '>', after);
    const page = await query.execute();
    if (page.length === 0) return;
    for (const r of page) {
      yield { code: r.code, name: r.name, submittedAt: r.last_submitted_at ?? r.first_submitted_at, lateReason: r.late_reason };
    }
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.code;
  }
}

/**
 * Every non-empty free-text answer of the submitted reports of target organizations:
 * question by question in form order, then by organization code. "Non-empty" is
 * what the summary counts: something besides spaces.
 */
export async function* textAnswers(db: Kysely<Database>, campaignId: string, form: Form, options?: RowsOptions): AsyncGenerator<TextAnswerRow> {
  if (!isBigintId(campaignId)) return;
  const pageSize = pageSizeOf(options);
  const perQuestion = options?.perQuestion ?? Number.POSITIVE_INFINITY;
  for (const question of form.questions) {
    if (question.type !== 'text') continue;
    let after: string | undefined;
    for (let given = 0; given < perQuestion; ) {
      let query = db
        .selectFrom('campaign_targets as t')
        .innerJoin('organizations as o', 'o.id', 't.organization_id')
        .innerJoin('submissions as s', (j) => j.onRef('s.campaign_id', '=', 't.campaign_id').onRef('s.organization_id', '=', 't.organization_id'))
        // Each report's answer looked up by its key (answers' primary key), never a scan of every
        // round's answers for the question: with many rounds in the database the planner chose one.
        // The limit (one row by the key anyway) keeps Postgres from turning it back into a join.
        .innerJoinLateral(
          (eb) =>
            eb
              .selectFrom('answers')
              .select(['text_value', 'skipped'])
              .whereRef('answers.submission_id', '=', 's.id')
              .where('answers.question_key', '=', question.key)
              .limit(1)
              .as('a'),
          (join) => join.onTrue(),
        )
        .select(['o.code', 'o.name', 'a.text_value'])
        .where('t.campaign_id', '=', campaignId)
        .where('s.status', '=', 'submitted')
        .where('a.skipped', '=', false)
        .where(sql<boolean>`btrim(coalesce(a.text_value, '')) <> ''`)
        .orderBy('o.code')
        .limit(Math.min(pageSize, perQuestion - given));
      if (after !== undefined) query = query.where('o.code', '>', after);
      const page = await query.execute();
      for (const r of page) yield { questionKey: question.key, code: r.code, name: r.name, text: r.text_value ?? '' };
      given += page.length;
      if (page.length < pageSize) break;
      after = page[page.length - 1]!.code;
    }
  }
}
