/**
 * The figures of a round, as data: what the chat summary, the workbook, the Word draft
 * and the chart all read, so the four never disagree. Counts come from the aggregates
 * Postgres maintains as reports are submitted and changed (counts.ts), so building the
 * figures costs a few index reads whatever the number of organizations; only the
 * capped lists of organizations are queried here.
 */
import type { Kysely } from 'kysely';
import { isClosed } from '../campaigns/state.js';
import { isBigintId } from '../db/ids.js';
import { ORGANIZATION_TYPES, type Database, type OrganizationType } from '../db/schema.js';
import type { Form, Question } from '../forms/schema.js';
import type { FormCache } from '../services/forms.js';
import { readRoundCounts, type QuestionCounts, type RoundCounts } from './counts.js';
import { organizationTypeHeadings } from './messages.js';
import { latestFirst, standsBefore } from '../services/previousRound.js';

/** How many organizations the capped lists carry. */
export const SUMMARY_LIST_LIMIT = 30;

/**
 * Free-text answers the Word draft's annex prints per question, the first by organization
 * code; it counts the rest and points to the workbook's «Ý kiến» sheet, which has them
 * all. Why: an office files a report of a few pages, and at 50,000 organizations every
 * answer made an annex of 69,270 paragraphs (about 3,400 pages) built in memory.
 */
export const ANNEX_ANSWERS_PER_QUESTION = 50;

export type TypeCounts = Record<OrganizationType, number>;

export interface OrgRef {
  code: string;
  name: string;
}

export interface LateOrgRef extends OrgRef {
  lateReason: string | null;
}

/** A capped list: `total` organizations, the first ones by code in `first`. */
export interface OrgList<T extends OrgRef = OrgRef> {
  total: number;
  first: T[];
}

export interface SummaryCampaign {
  id: string;
  formId: string;
  formVersion: number;
  formTitle: string;
  periodLabel: string;
  opensAt: Date;
  dueAt: Date;
  closedAt: Date | null;
  /** closed_at has passed. */
  closed: boolean;
  /** The deadline has passed. */
  pastDue: boolean;
}

interface QuestionBase {
  key: string;
  /** summary.label, or the question text when the form gives none. */
  label: string;
  /** Submitted organizations that gave a (non-skipped) answer. */
  answered: number;
}

export interface NumberFigures extends QuestionBase {
  kind: 'number';
  type: 'integer' | 'decimal';
  sum: number;
  min: number | null;
  max: number | null;
  average: number | null;
  /** Answers that failed the plausibility check at entry and that the organization confirmed. */
  confirmedOutliers: number;
}

export interface YesNoFigures extends QuestionBase {
  kind: 'yes_no';
  yes: number;
  no: number;
  /** yes / answered, 0 when nobody answered. */
  share: number;
}

export interface ChoiceCount {
  value: string;
  label: string;
  count: number;
  /** summary.phrases[value]: the whole predicate, "đơn vị đã ký Thỏa ước lao động tập thể". */
  phrase?: string;
}

export interface GroupCount {
  label: string;
  choices: string[];
  count: number;
}

/**
 * 'reached' / 'not_reached' once the figure is final: every target has
 * submitted, or the round is closed or past its deadline (an organization that
 * has not reported then counts as not meeting the target). 'provisional' before.
 */
export type TargetVerdict = 'reached' | 'not_reached' | 'provisional';

export interface TargetFigures {
  label: string;
  choices: Array<string | number | boolean>;
  /** The target share, e.g. 0.8. */
  share: number;
  /** Submitted organizations whose answer is one of `choices`. */
  count: number;
  /** The base of the share that counts: every target organization of the campaign. */
  base: number;
  /** count / base. */
  actualShare: number;
  /** Target organizations that have submitted. */
  submitted: number;
  /** count / submitted, 0 when nobody has submitted: shown while reports are missing. */
  submittedShare: number;
  /** count / base reaches `share`. */
  reached: boolean;
  verdict: TargetVerdict;
}

export interface ChoiceFigures extends QuestionBase {
  kind: 'choice';
  /** Every choice of the form, in form order, zeros included. */
  choices: ChoiceCount[];
  groups: GroupCount[];
  target?: TargetFigures;
}

export interface MultiChoiceFigures extends QuestionBase {
  kind: 'multi_choice';
  choices: ChoiceCount[];
}

export interface TextFigures extends QuestionBase {
  kind: 'text';
  /** Non-empty answers (the content is not part of the summary). */
  nonEmpty: number;
}

export interface DateFigures extends QuestionBase {
  kind: 'date';
  /** 'YYYY-MM-DD' */
  earliest: string | null;
  latest: string | null;
}

export type QuestionFigures = NumberFigures | YesNoFigures | ChoiceFigures | MultiChoiceFigures | TextFigures | DateFigures;

/** The figures of one group of organizations (an organization type, a parent đảng bộ). */
export interface GroupFigures {
  key: string;
  /** "Đảng bộ cơ sở", or the parent's name. */
  label: string;
  targets: number;
  submitted: number;
  /** Of the submitted, how many late: known per organization type, not per parent. */
  late?: number;
  /** Same order as Summary.questions. Ranges (min, max, earliest, latest) are only known for the whole round. */
  questions: QuestionFigures[];
}

/** The previous round of the same form (any version), to compare with. */
export interface PreviousRound {
  campaignId: string;
  periodLabel: string;
  submitted: number;
  /** By question key; only questions whose kind is unchanged. */
  questions: ReadonlyMap<string, QuestionFigures>;
}

export interface Summary {
  campaign: SummaryCampaign;
  generatedAt: Date;
  targets: { total: number; byType: TypeCounts };
  submitted: { total: number; onTime: number; late: number; byType: TypeCounts };
  notSubmitted: OrgList;
  late: OrgList<LateOrgRef>;
  /** In form order, without questions whose summary is hidden. */
  questions: QuestionFigures[];
  /** The same figures per organization type present among the targets, in ORGANIZATION_TYPES order. */
  byType: GroupFigures[];
  previous?: PreviousRound;
}

const emptyTypeCounts = (): TypeCounts => ({ dang_bo_co_so: 0, chi_bo_co_so: 0, chi_bo_truc_thuoc: 0 });


function toNumber(v: string | number | bigint | null | undefined): number {
  return v === null || v === undefined ? 0 : Number(v);
}

/** The campaign and its form's title; undefined when there is no such campaign. */
export async function getSummaryCampaign(db: Kysely<Database>, campaignId: string, now: Date): Promise<SummaryCampaign | undefined> {
  if (!isBigintId(campaignId)) return undefined;
  const row = await db
    .selectFrom('campaigns as c')
    .innerJoin('forms as f', (j) => j.onRef('f.id', '=', 'c.form_id').onRef('f.version', '=', 'c.form_version'))
    .select(['c.id', 'c.form_id', 'c.form_version', 'f.title', 'c.period_label', 'c.opens_at', 'c.due_at', 'c.closed_at'])
    .where('c.id', '=', campaignId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    formId: row.form_id,
    formVersion: row.form_version,
    formTitle: row.title,
    periodLabel: row.period_label,
    opensAt: row.opens_at,
    dueAt: row.due_at,
    closedAt: row.closed_at,
    closed: isClosed(row, now),
    pastDue: row.due_at.getTime() < now.getTime(),
  };
}

/**
 * Target organizations of the campaign that have no submitted report; of one đảng bộ cơ sở
 * (itself and its chi bộ trực thuộc) when `parentId` is given.
 */
function notSubmittedTargets(db: Kysely<Database>, campaignId: string, parentId?: string) {
  let q = db
    .selectFrom('campaign_targets as t')
    .innerJoin('organizations as o', 'o.id', 't.organization_id')
    .leftJoin('submissions as s', (j) => j.onRef('s.campaign_id', '=', 't.campaign_id').onRef('s.organization_id', '=', 't.organization_id'))
    .where('t.campaign_id', '=', campaignId)
    .where((eb) => eb.or([eb('s.id', 'is', null), eb('s.status', '<>', 'submitted')]));
  if (parentId !== undefined) q = q.where((eb) => eb.or([eb('o.id', '=', parentId), eb('o.parent_id', '=', parentId)]));
  return q;
}

/** Which not-submitted organizations to name: `limit` of them by code, after the first `offset`, of one parent if given. */
export interface NotSubmittedQuery {
  limit: number;
  offset?: number;
  /** The page after this code (a «Trang sau» pressed): reports submitted meanwhile shift no one past it. */
  afterCode?: string;
  parentId?: string;
}

/** The not-submitted organizations asked for, by code (no count: the summary has it from the aggregates). */
async function firstNotSubmitted(db: Kysely<Database>, campaignId: string, query: NotSubmittedQuery): Promise<OrgRef[]> {
  if (!isBigintId(campaignId) || query.limit <= 0) return [];
  let rows = notSubmittedTargets(db, campaignId, query.parentId).select(['o.code', 'o.name']).orderBy('o.code').limit(query.limit);
  rows = query.afterCode !== undefined ? rows.where('o.code', '>', query.afterCode) : rows.offset(query.offset ?? 0);
  return (await rows.execute()).map((r) => ({ code: r.code, name: r.name }));
}

/** How many target organizations have not submitted, and the ones asked for (a page of /chuanop). */
export async function listNotSubmitted(db: Kysely<Database>, campaignId: string, query: NotSubmittedQuery): Promise<OrgList> {
  if (!isBigintId(campaignId) || (query.parentId !== undefined && !isBigintId(query.parentId))) return { total: 0, first: [] };
  const [count, first] = await Promise.all([
    notSubmittedTargets(db, campaignId, query.parentId).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    firstNotSubmitted(db, campaignId, query),
  ]);
  return { total: toNumber(count.n), first };
}

/** Target organizations that submitted late, first `limit` by code, with their reasons. */
function lateSubmissions(db: Kysely<Database>, campaignId: string) {
  return db
    .selectFrom('submissions as s')
    .innerJoin('campaign_targets as t', (j) => j.onRef('t.campaign_id', '=', 's.campaign_id').onRef('t.organization_id', '=', 's.organization_id'))
    .innerJoin('organizations as o', 'o.id', 's.organization_id')
    .where('s.campaign_id', '=', campaignId)
    .where('s.status', '=', 'submitted')
    .where('s.late', '=', true);
}

/** The first `limit` target organizations that submitted late, by code, with their reasons (no count). */
async function firstLate(db: Kysely<Database>, campaignId: string, limit: number): Promise<LateOrgRef[]> {
  if (!isBigintId(campaignId) || limit <= 0) return [];
  const rows = await lateSubmissions(db, campaignId).select(['o.code', 'o.name', 's.late_reason']).orderBy('o.code').limit(limit).execute();
  return rows.map((r) => ({ code: r.code, name: r.name, lateReason: r.late_reason }));
}

function targetReached(count: number, base: number, share: number): boolean {
  // count / base >= share without float surprises at exact boundaries (8/10 vs 0.8).
  return base > 0 && count * 1e6 >= Math.round(share * 1e6) * base;
}

interface FiguresContext {
  targetTotal: number;
  submittedTotal: number;
  /** Every target has submitted, or the round is closed or past its deadline. */
  final: boolean;
}

type Range = { min: number | null; max: number | null; earliest: string | null; latest: string | null };

function figuresFor(
  question: Question,
  agg: QuestionCounts | undefined,
  range: Range | undefined,
  { targetTotal, submittedTotal, final }: FiguresContext,
): QuestionFigures {
  const label = question.summary?.label ?? question.text;
  const base = { key: question.key, label, answered: agg?.answered ?? 0 };
  const choiceCounts = agg?.choices;
  switch (question.type) {
    case 'integer':
    case 'decimal':
      return {
        ...base,
        kind: 'number',
        type: question.type,
        answered: agg?.numCount ?? 0,
        sum: agg?.numSum ?? 0,
        min: range?.min ?? null,
        max: range?.max ?? null,
        average: agg && agg.numCount > 0 ? agg.numSum / agg.numCount : null,
        confirmedOutliers: agg?.outliers ?? 0,
      };
    case 'yes_no': {
      const yes = agg?.yes ?? 0;
      const no = agg?.no ?? 0;
      return { ...base, kind: 'yes_no', answered: yes + no, yes, no, share: yes + no > 0 ? yes / (yes + no) : 0 };
    }
    case 'choice': {
      const phrases = question.summary?.phrases ?? {};
      const choices = question.choices.map((c): ChoiceCount => {
        const choice: ChoiceCount = { value: c.value, label: c.label, count: choiceCounts?.get(c.value) ?? 0 };
        const phrase = phrases[c.value];
        if (phrase !== undefined) choice.phrase = phrase;
        return choice;
      });
      const countOf = (values: ReadonlyArray<string | number | boolean>) =>
        choices.filter((c) => values.includes(c.value)).reduce((total, c) => total + c.count, 0);
      const groups = (question.summary?.groups ?? []).map((g) => ({ label: g.label, choices: [...g.choices], count: countOf(g.choices) }));
      const figures: ChoiceFigures = { ...base, kind: 'choice', choices, groups };
      const target = question.summary?.target;
      if (target) {
        const count = countOf(target.choices);
        const reached = targetReached(count, targetTotal, target.share);
        figures.target = {
          label: target.label,
          choices: [...target.choices],
          share: target.share,
          count,
          base: targetTotal,
          actualShare: targetTotal > 0 ? count / targetTotal : 0,
          submitted: submittedTotal,
          submittedShare: submittedTotal > 0 ? count / submittedTotal : 0,
          reached,
          verdict: !final ? 'provisional' : reached ? 'reached' : 'not_reached',
        };
      }
      return figures;
    }
    case 'multi_choice':
      return {
        ...base,
        kind: 'multi_choice',
        choices: question.choices.map((c) => ({ value: c.value, label: c.label, count: choiceCounts?.get(c.value) ?? 0 })),
      };
    case 'text':
      return { ...base, kind: 'text', nonEmpty: agg?.textNonEmpty ?? 0 };
    case 'date':
      return { ...base, kind: 'date', answered: agg?.dateCount ?? 0, earliest: range?.earliest ?? null, latest: range?.latest ?? null };
  }
}


/** The counts of several organization types added together (the whole round, or one type). */
export function mergeQuestionCounts(parts: ReadonlyArray<QuestionCounts | undefined>): QuestionCounts | undefined {
  const present = parts.filter((p): p is QuestionCounts => p !== undefined);
  if (present.length === 0) return undefined;
  const total: QuestionCounts = { answered: 0, numCount: 0, numSum: 0, outliers: 0, yes: 0, no: 0, textNonEmpty: 0, dateCount: 0, choices: new Map() };
  for (const p of present) {
    total.answered += p.answered;
    total.numCount += p.numCount;
    total.numSum += p.numSum;
    total.outliers += p.outliers;
    total.yes += p.yes;
    total.no += p.no;
    total.textNonEmpty += p.textNonEmpty;
    total.dateCount += p.dateCount;
    for (const [value, n] of p.choices) total.choices.set(value, (total.choices.get(value) ?? 0) + n);
  }
  return total;
}

/** The questions a summary shows: in form order, without hidden ones. */
export function summaryQuestions(form: Form): Question[] {
  return form.questions.filter((q) => !q.summary?.hidden);
}

interface GroupInput {
  targets: number;
  submitted: number;
  questions: ReadonlyMap<string, QuestionCounts>;
}

/** One group's figures from its counts; the round's ranges apply only to the whole round. */
export function groupFigures(questions: readonly Question[], group: GroupInput, final: boolean, ranges?: RoundCounts['ranges']): QuestionFigures[] {
  const context: FiguresContext = { targetTotal: group.targets, submittedTotal: group.submitted, final: final || group.submitted >= group.targets };
  return questions.map((q) => figuresFor(q, group.questions.get(q.key), ranges?.get(q.key), context));
}

/** The previous round of the same form (any version): the latest whose period ends before this one's (services/previousRound.ts). */
async function previousCampaignId(db: Kysely<Database>, campaign: SummaryCampaign): Promise<{ id: string; formVersion: number; periodLabel: string } | undefined> {
  const row = await db
    .selectFrom('campaigns as p')
    .innerJoin('campaigns as c', (join) => join.on('c.id', '=', campaign.id))
    .select(['p.id', 'p.form_version', 'p.period_label'])
    .whereRef('p.form_id', '=', 'c.form_id')
    .where(standsBefore('p', 'c'))
    .orderBy(latestFirst('p'))
    .limit(1)
    .executeTakeFirst();
  return row ? { id: row.id, formVersion: row.form_version, periodLabel: row.period_label } : undefined;
}

/** The whole round's figures from its counts. */
function roundFigures(questions: readonly Question[], counts: RoundCounts, final: (submitted: number, targets: number) => boolean) {
  const targets = ORGANIZATION_TYPES.reduce((t, type) => t + counts.byType[type].targets, 0);
  const submitted = ORGANIZATION_TYPES.reduce((t, type) => t + counts.byType[type].submitted, 0);
  const merged = new Map<string, QuestionCounts>();
  for (const q of questions) {
    const total = mergeQuestionCounts(ORGANIZATION_TYPES.map((type) => counts.byType[type].questions.get(q.key)));
    if (total) merged.set(q.key, total);
  }
  const figures = groupFigures(questions, { targets, submitted, questions: merged }, final(submitted, targets), counts.ranges);
  return { targets, submitted, figures };
}

async function buildPrevious(db: Kysely<Database>, campaign: SummaryCampaign, current: readonly Question[], forms: FormCache): Promise<PreviousRound | undefined> {
  const previous = await previousCampaignId(db, campaign);
  if (!previous) return undefined;
  const form = await forms.get(campaign.formId, previous.formVersion);
  const counts = await readRoundCounts(db, previous.id, form);
  // Same key and same type: an integer and a decimal are both numbers, yet not comparable.
  const types = new Map(current.map((q) => [q.key, q.type]));
  const comparable = summaryQuestions(form).filter((q) => types.get(q.key) === q.type);
  // The previous round is over: its figures are final.
  const { submitted, figures } = roundFigures(comparable, counts, () => true);
  return { campaignId: previous.id, periodLabel: previous.periodLabel, submitted, questions: new Map(figures.map((f) => [f.key, f])) };
}

/**
 * The consolidated figures of a campaign; undefined when there is no such campaign.
 * Only submitted reports of target organizations count.
 */
export async function buildSummary(db: Kysely<Database>, campaignId: string, forms: FormCache, now: Date): Promise<Summary | undefined> {
  const campaign = await getSummaryCampaign(db, campaignId, now);
  if (!campaign) return undefined;
  const form = await forms.get(campaign.formId, campaign.formVersion);
  const questions = summaryQuestions(form);
  const [counts, notSubmittedFirst, lateFirst, previous] = await Promise.all([
    readRoundCounts(db, campaignId, form),
    firstNotSubmitted(db, campaignId, { limit: SUMMARY_LIST_LIMIT }),
    firstLate(db, campaignId, SUMMARY_LIST_LIMIT),
    buildPrevious(db, campaign, questions, forms),
  ]);
  const closedOrPastDue = campaign.closed || campaign.pastDue;
  const round = roundFigures(questions, counts, (submitted, targets) => submitted >= targets || closedOrPastDue);

  const targetsByType = emptyTypeCounts();
  const submittedByType = emptyTypeCounts();
  let lateTotal = 0;
  for (const type of ORGANIZATION_TYPES) {
    targetsByType[type] = counts.byType[type].targets;
    submittedByType[type] = counts.byType[type].submitted;
    lateTotal += counts.byType[type].late;
  }
  const byType: GroupFigures[] = ORGANIZATION_TYPES.filter((type) => counts.byType[type].targets > 0).map((type) => ({
    key: type,
    label: organizationTypeHeadings[type],
    targets: counts.byType[type].targets,
    submitted: counts.byType[type].submitted,
    late: counts.byType[type].late,
    questions: groupFigures(questions, counts.byType[type], closedOrPastDue),
  }));

  const summary: Summary = {
    campaign,
    generatedAt: now,
    targets: { total: round.targets, byType: targetsByType },
    submitted: { total: round.submitted, onTime: round.submitted - lateTotal, late: lateTotal, byType: submittedByType },
    // The totals from the same aggregate read as the figures, so "152/159" and "chưa nộp 07" always agree;
    // the lists name the first organizations as they are a moment later.
    notSubmitted: { total: round.targets - round.submitted, first: notSubmittedFirst },
    late: { total: lateTotal, first: lateFirst },
    questions: round.figures,
    byType,
  };
  if (previous) summary.previous = previous;
  return summary;
}
