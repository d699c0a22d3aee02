/**
 * The consolidated report of a campaign (/tonghop): every figure is aggregated
 * in SQL, in a fixed number of queries whatever the number of organizations;
 * only per-question and per-choice rows (a few dozen) come back to the process.
 * Lists of organizations are capped, so a summary stays small at 50,000 targets.
 */
import { sql, type Kysely } from 'kysely';
import { isClosed } from '../campaigns/state.js';
import { isBigintId } from '../db/ids.js';
import { ORGANIZATION_TYPES, type Database, type OrganizationType } from '../db/schema.js';
import type { Question } from '../forms/schema.js';
import type { FormCache } from '../services/forms.js';
import { formatDateTime, formatDeadline } from '../time.js';
import { formatDateVi, formatNumberVi } from '../forms/format.js';
import { formatCount, formatFraction, formatPercent, formatRatio, markupFor, type Markup } from './format.js';
import { organizationTypeNouns, summaryMessages as m } from './messages.js';

/** How many organizations the capped lists carry. */
export const SUMMARY_LIST_LIMIT = 30;

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

export interface Summary {
  campaign: SummaryCampaign;
  generatedAt: Date;
  targets: { total: number; byType: TypeCounts };
  submitted: { total: number; onTime: number; late: number; byType: TypeCounts };
  notSubmitted: OrgList;
  late: OrgList<LateOrgRef>;
  /** In form order, without questions whose summary is hidden. */
  questions: QuestionFigures[];
}

const emptyTypeCounts = (): TypeCounts => ({ dang_bo_co_so: 0, chi_bo_co_so: 0, chi_bo_truc_thuoc: 0 });


function toNumber(v: string | number | bigint | null | undefined): number {
  return v === null || v === undefined ? 0 : Number(v);
}

function toNumberOrNull(v: string | number | bigint | null | undefined): number | null {
  return v === null || v === undefined ? null : Number(v);
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

/** Target organizations of the campaign that have no submitted report, first `limit` by code. */
export async function listNotSubmitted(db: Kysely<Database>, campaignId: string, { limit }: { limit: number }): Promise<OrgList> {
  if (!isBigintId(campaignId)) return { total: 0, first: [] };
  const pending = db
    .selectFrom('campaign_targets as t')
    .innerJoin('organizations as o', 'o.id', 't.organization_id')
    .leftJoin('submissions as s', (j) => j.onRef('s.campaign_id', '=', 't.campaign_id').onRef('s.organization_id', '=', 't.organization_id'))
    .where('t.campaign_id', '=', campaignId)
    .where((eb) => eb.or([eb('s.id', 'is', null), eb('s.status', '<>', 'submitted')]));
  const [count, rows] = await Promise.all([
    pending.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    limit > 0 ? pending.select(['o.code', 'o.name']).orderBy('o.code').limit(limit).execute() : Promise.resolve([]),
  ]);
  return { total: toNumber(count.n), first: rows.map((r) => ({ code: r.code, name: r.name })) };
}

/** Target organizations that submitted late, first `limit` by code, with their reasons. */
export async function listLate(db: Kysely<Database>, campaignId: string, { limit }: { limit: number }): Promise<OrgList<LateOrgRef>> {
  if (!isBigintId(campaignId)) return { total: 0, first: [] };
  const late = db
    .selectFrom('submissions as s')
    .innerJoin('campaign_targets as t', (j) => j.onRef('t.campaign_id', '=', 's.campaign_id').onRef('t.organization_id', '=', 's.organization_id'))
    .innerJoin('organizations as o', 'o.id', 's.organization_id')
    .where('s.campaign_id', '=', campaignId)
    .where('s.status', '=', 'submitted')
    .where('s.late', '=', true);
  const [count, rows] = await Promise.all([
    late.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    limit > 0 ? late.select(['o.code', 'o.name', 's.late_reason']).orderBy('o.code').limit(limit).execute() : Promise.resolve([]),
  ]);
  return {
    total: toNumber(count.n),
    first: rows.map((r) => ({ code: r.code, name: r.name, lateReason: r.late_reason })),
  };
}

interface AnswerAggregate {
  answered: number;
  numAnswered: number;
  sum: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  confirmedOutliers: number;
  yes: number;
  no: number;
  textNonEmpty: number;
  dateAnswered: number;
  earliest: string | null;
  latest: string | null;
}

/** Everything that is one row per question: one GROUP BY over the submitted answers. */
async function aggregateAnswers(db: Kysely<Database>, campaignId: string, keys: string[]): Promise<Map<string, AnswerAggregate>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('answers as a')
    .innerJoin('submissions as s', 's.id', 'a.submission_id')
    .innerJoin('campaign_targets as t', (j) => j.onRef('t.campaign_id', '=', 's.campaign_id').onRef('t.organization_id', '=', 's.organization_id'))
    .where('s.campaign_id', '=', campaignId)
    .where('s.status', '=', 'submitted')
    .where('a.question_key', 'in', keys)
    .groupBy('a.question_key')
    .select((eb) => [
      'a.question_key',
      eb.fn.countAll<string>().filterWhere('a.skipped', '=', false).as('answered'),
      eb.fn.count<string>('a.num_value').as('num_answered'),
      eb.fn.sum<string | null>('a.num_value').as('sum'),
      eb.fn.min<string | null>('a.num_value').as('min'),
      eb.fn.max<string | null>('a.num_value').as('max'),
      eb.fn.avg<string | null>('a.num_value').as('avg'),
      eb.fn.countAll<string>().filterWhere(sql<boolean>`a.confirmed_outlier`).as('confirmed_outliers'),
      eb.fn.countAll<string>().filterWhere('a.bool_value', '=', true).as('yes'),
      eb.fn.countAll<string>().filterWhere('a.bool_value', '=', false).as('no'),
      eb.fn.countAll<string>().filterWhere(sql<boolean>`btrim(coalesce(a.text_value, '')) <> ''`).as('text_non_empty'),
      eb.fn.count<string>('a.date_value').as('date_answered'),
      eb.fn.min<string | null>('a.date_value').as('earliest'),
      eb.fn.max<string | null>('a.date_value').as('latest'),
    ])
    .execute();
  return new Map(
    rows.map((r) => [
      r.question_key,
      {
        answered: toNumber(r.answered),
        numAnswered: toNumber(r.num_answered),
        sum: toNumber(r.sum),
        min: toNumberOrNull(r.min),
        max: toNumberOrNull(r.max),
        avg: toNumberOrNull(r.avg),
        confirmedOutliers: toNumber(r.confirmed_outliers),
        yes: toNumber(r.yes),
        no: toNumber(r.no),
        textNonEmpty: toNumber(r.text_non_empty),
        dateAnswered: toNumber(r.date_answered),
        earliest: r.earliest,
        latest: r.latest,
      },
    ]),
  );
}

/**
 * Counts per (question, choice): one choice lives in text_value, several in
 * choice_values (unnested). One query for all choice questions of the form.
 */
async function countChoices(
  db: Kysely<Database>,
  campaignId: string,
  singleKeys: string[],
  multiKeys: string[],
): Promise<Map<string, Map<string, number>>> {
  const result = new Map<string, Map<string, number>>();
  if (singleKeys.length === 0 && multiKeys.length === 0) return result;
  // ARRAY[''] keeps `= any(...)` well-typed when one of the lists is empty.
  const single = singleKeys.length > 0 ? singleKeys : [''];
  const multi = multiKeys.length > 0 ? multiKeys : [''];
  const { rows } = await sql<{ question_key: string; choice: string; n: string }>`
    with submitted as (
      select s.id
      from submissions s
      join campaign_targets t on t.campaign_id = s.campaign_id and t.organization_id = s.organization_id
      where s.campaign_id = ${campaignId} and s.status = 'submitted'
    )
    select a.question_key, a.text_value as choice, count(*) as n
    from answers a join submitted on submitted.id = a.submission_id
    where a.question_key = any(${single}::text[]) and a.text_value is not null
    group by a.question_key, a.text_value
    union all
    select a.question_key, c.choice, count(distinct a.submission_id) as n
    from answers a join submitted on submitted.id = a.submission_id
    cross join lateral unnest(a.choice_values) as c(choice)
    where a.question_key = any(${multi}::text[])
    group by a.question_key, c.choice
  `.execute(db);
  for (const r of rows) {
    let perChoice = result.get(r.question_key);
    if (!perChoice) result.set(r.question_key, (perChoice = new Map()));
    perChoice.set(r.choice, toNumber(r.n));
  }
  return result;
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

function figuresFor(
  question: Question,
  agg: AnswerAggregate | undefined,
  choiceCounts: Map<string, number> | undefined,
  { targetTotal, submittedTotal, final }: FiguresContext,
): QuestionFigures {
  const label = question.summary?.label ?? question.text;
  const base = { key: question.key, label, answered: agg?.answered ?? 0 };
  switch (question.type) {
    case 'integer':
    case 'decimal':
      return {
        ...base,
        kind: 'number',
        type: question.type,
        answered: agg?.numAnswered ?? 0,
        sum: agg?.sum ?? 0,
        min: agg?.min ?? null,
        max: agg?.max ?? null,
        average: agg?.avg ?? null,
        confirmedOutliers: agg?.confirmedOutliers ?? 0,
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
      return { ...base, kind: 'date', answered: agg?.dateAnswered ?? 0, earliest: agg?.earliest ?? null, latest: agg?.latest ?? null };
  }
}

/**
 * The consolidated figures of a campaign; undefined when there is no such campaign.
 * Only submitted reports of target organizations count.
 */
export async function buildSummary(db: Kysely<Database>, campaignId: string, forms: FormCache, now: Date): Promise<Summary | undefined> {
  const campaign = await getSummaryCampaign(db, campaignId, now);
  if (!campaign) return undefined;
  const form = await forms.get(campaign.formId, campaign.formVersion);
  const questions = form.questions.filter((q) => !q.summary?.hidden);
  const keys = questions.map((q) => q.key);
  const singleKeys = questions.filter((q) => q.type === 'choice').map((q) => q.key);
  const multiKeys = questions.filter((q) => q.type === 'multi_choice').map((q) => q.key);

  const countsQuery = db
    .selectFrom('campaign_targets as t')
    .innerJoin('organizations as o', 'o.id', 't.organization_id')
    .leftJoin('submissions as s', (j) => j.onRef('s.campaign_id', '=', 't.campaign_id').onRef('s.organization_id', '=', 't.organization_id'))
    .where('t.campaign_id', '=', campaignId)
    .groupBy('o.type')
    .select((eb) => [
      'o.type',
      eb.fn.countAll<string>().as('targets'),
      eb.fn.countAll<string>().filterWhere('s.status', '=', 'submitted').as('submitted'),
      eb.fn
        .countAll<string>()
        .filterWhere((f) => f.and([f('s.status', '=', 'submitted'), f('s.late', '=', true)]))
        .as('late'),
    ])
    .execute();

  const [countRows, aggregates, choiceCounts, notSubmitted, late] = await Promise.all([
    countsQuery,
    aggregateAnswers(db, campaignId, keys),
    countChoices(db, campaignId, singleKeys, multiKeys),
    listNotSubmitted(db, campaignId, { limit: SUMMARY_LIST_LIMIT }),
    listLate(db, campaignId, { limit: SUMMARY_LIST_LIMIT }),
  ]);

  const targetsByType = emptyTypeCounts();
  const submittedByType = emptyTypeCounts();
  let lateTotal = 0;
  for (const r of countRows) {
    targetsByType[r.type] = toNumber(r.targets);
    submittedByType[r.type] = toNumber(r.submitted);
    lateTotal += toNumber(r.late);
  }
  const targetTotal = ORGANIZATION_TYPES.reduce((t, type) => t + targetsByType[type], 0);
  const submittedTotal = ORGANIZATION_TYPES.reduce((t, type) => t + submittedByType[type], 0);
  const context: FiguresContext = {
    targetTotal,
    submittedTotal,
    final: submittedTotal >= targetTotal || campaign.closed || campaign.pastDue,
  };

  return {
    campaign,
    generatedAt: now,
    targets: { total: targetTotal, byType: targetsByType },
    submitted: { total: submittedTotal, onTime: submittedTotal - lateTotal, late: lateTotal, byType: submittedByType },
    notSubmitted,
    late,
    questions: questions.map((q) => figuresFor(q, aggregates.get(q.key), choiceCounts.get(q.key), context)),
  };
}

// ---------------------------------------------------------------- rendering

/** "05", "152"; zero is written out by the caller. */
const count = formatCount;
/** "00/01", "03/09", "152/159". */
const fraction = formatFraction;

function capitalize(s: string): string {
  return s.length === 0 ? s : s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);
}

function lowerFirst(s: string): string {
  return s.length === 0 ? s : s.charAt(0).toLocaleLowerCase('vi') + s.slice(1);
}

/** "a", "a và b", "a, b và c" */
function joinAnd(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} ${m.and} ${parts[parts.length - 1]}`;
}

/** The generic noun for the targets: base organizations, or party organizations when cells under a committee report too. */
function unitNoun(byType: TypeCounts): string {
  return byType.chi_bo_truc_thuoc > 0 ? m.anyOrgNoun : m.baseOrgNoun;
}

function headingLines(campaign: SummaryCampaign, heading: string, mk: Markup): string[] {
  const lines = [mk.bold(heading)];
  lines.push(m.period(mk.esc(campaign.periodLabel)));
  const deadline = formatDeadline(campaign.dueAt);
  lines.push(m.deadline(campaign.pastDue ? `${deadline} (${m.deadlinePassed})` : deadline));
  if (campaign.closed && campaign.closedAt) lines.push(m.closedAt(formatDateTime(campaign.closedAt)));
  return lines;
}

function orgItem(org: OrgRef, mk: Markup): string {
  return m.orgRef(mk.esc(org.code), mk.esc(org.name));
}

function cappedList<T extends OrgRef>(list: OrgList<T>, item: (org: T) => string): string {
  const items = list.first.map(item).join(m.listSeparator);
  const rest = list.total - list.first.length;
  return rest > 0 ? `${items}${m.andOthers(formatCount(rest))}` : items;
}

/**
 * After a number question's figures: how many of its answers were far from the
 * usual and confirmed by their organization, so the office knows which figures
 * were checked at entry before it publishes them.
 */
const confirmedOutliersNote = (n: string): string => ` (${n} số liệu bất thường đã được đơn vị xác nhận)`;

function renderQuestion(q: QuestionFigures, submittedTotal: number, closed: boolean, mk: Markup): string[] {
  const label = mk.esc(q.label);
  if (q.answered === 0 && q.kind !== 'text') return [m.noAnswers(capitalize(label))];
  const partial = q.answered < submittedTotal ? m.answeredBy(fraction(q.answered, submittedTotal)) : '';
  switch (q.kind) {
    case 'number': {
      const outliers = q.confirmedOutliers > 0 ? confirmedOutliersNote(count(q.confirmedOutliers)) : '';
      if (q.type === 'decimal') {
        return [
          m.decimal(
            capitalize(label),
            formatNumberVi(q.average ?? 0, 1),
            formatNumberVi(q.min ?? 0, 2),
            formatNumberVi(q.max ?? 0, 2),
            formatCount(q.answered),
          ) + outliers,
        ];
      }
      return [(q.sum === 0 ? capitalize(m.sumNone(label)) : m.sum(count(q.sum), label)) + partial + outliers];
    }
    case 'yes_no':
      return [q.yes === 0 ? m.yesNone(fraction(0, q.answered), label) : m.yes(formatPercent(q.yes, q.answered), fraction(q.yes, q.answered), label)];
    case 'choice': {
      const grouped = new Set(q.groups.flatMap((g) => g.choices));
      const parts: string[] = [];
      // The first part with a count carries the base: "không có …; 01/01 đơn vị …".
      let baseShown = false;
      const showsBase = (n: number): boolean => {
        const shows = n > 0 && !baseShown;
        if (shows) baseShown = true;
        return shows;
      };
      for (const g of q.groups) {
        const members = q.choices.filter((c) => g.choices.includes(c.value));
        const detail =
          members.length > 1
            ? m.groupDetail(
                members
                  .map((c) => (c.count === 0 ? m.groupMemberNone(mk.esc(lowerFirst(c.label))) : m.groupMember(count(c.count), mk.esc(lowerFirst(c.label)))))
                  .join(', '),
              )
            : '';
        parts.push(groupOrChoice(g.count, label, mk.esc(g.label), showsBase(g.count), q.answered) + detail);
      }
      for (const c of q.choices) {
        if (grouped.has(c.value)) continue;
        const withBase = showsBase(c.count);
        parts.push(
          c.phrase !== undefined
            ? choicePhrase(c.count, mk.esc(c.phrase), withBase, q.answered)
            : groupOrChoice(c.count, label, mk.esc(lowerFirst(c.label)), withBase, q.answered),
        );
      }
      const lines = [capitalize(parts.join('; '))];
      if (q.target) {
        const t = q.target;
        // The share among those who reported helps only while reports can still come in.
        const amongSubmitted = t.submitted < t.base && !closed ? m.targetAmongSubmitted(fraction(t.count, t.submitted), formatPercent(t.count, t.submitted)) : undefined;
        lines.push(
          m.target(
            formatRatio(t.share),
            mk.esc(t.label),
            m.targetCounted(fraction(t.count, t.base), formatPercent(t.count, t.base)),
            amongSubmitted,
            m.targetVerdicts[t.verdict],
          ),
        );
      }
      return lines;
    }
    case 'multi_choice':
      return [
        m.multi(
          capitalize(label),
          q.choices.map((c) => m.multiPart(mk.esc(c.label), c.count === 0 ? m.none : count(c.count))).join('; '),
        ) + partial,
      ];
    case 'text':
      return [q.nonEmpty === 0 ? m.textNone(capitalize(label)) : m.text(capitalize(label), count(q.nonEmpty))];
    case 'date':
      return [
        m.date(capitalize(label), count(q.answered), formatDateVi(q.earliest ?? ''), formatDateVi(q.latest ?? '')) + partial,
      ];
  }
}

/** One part of a choice sentence: `withBase` shows the base ("152/159 …"), a zero is "không có …". */
function groupOrChoice(n: number, label: string, choice: string, withBase: boolean, answered: number): string {
  if (n === 0) return m.choiceNone(label, choice);
  return m.choicePart(withBase ? fraction(n, answered) : count(n), label, choice);
}

/** The same with the form's phrase for the choice: "03/04 đơn vị đã ký …", "không có đơn vị …". */
function choicePhrase(n: number, phrase: string, withBase: boolean, answered: number): string {
  if (n === 0) return m.choicePhraseNone(phrase);
  return m.choicePhrase(withBase ? fraction(n, answered) : count(n), phrase);
}

/**
 * The consolidated report as text for Telegram ('html', every value from the
 * database or a form file escaped) or for a terminal ('plain', no tags). Each
 * line is self-contained, so the channel's splitter can cut between any two lines.
 */
export function renderSummary(summary: Summary, markup: 'html' | 'plain'): string {
  const mk = markupFor(markup);
  const { campaign, targets, submitted } = summary;
  const lines = headingLines(campaign, m.heading(mk.esc(campaign.formTitle)), mk);
  lines.push(m.asOf(formatDateTime(summary.generatedAt)));

  lines.push('', mk.bold(m.sectionProgress));
  const noun = unitNoun(targets.byType);
  const typeParts = ORGANIZATION_TYPES.filter((t) => targets.byType[t] > 0).map((t) => `${count(targets.byType[t])} ${organizationTypeNouns[t]}`);
  lines.push(m.targets(count(targets.total), noun, typeParts.length > 1 ? joinAnd(typeParts) : undefined));

  if (submitted.total === 0) {
    lines.push(m.nothingSubmitted);
  } else {
    lines.push(
      m.submitted(
        fraction(submitted.total, targets.total),
        formatPercent(submitted.total, targets.total),
        submitted.onTime === 0 ? m.noneOnTime : m.onTime(count(submitted.onTime)),
        submitted.late === 0 ? m.noneLate : m.late(count(submitted.late)),
      ),
    );
    const presentTypes = ORGANIZATION_TYPES.filter((t) => targets.byType[t] > 0);
    if (presentTypes.length > 1) {
      lines.push(
        m.submittedByType(
          presentTypes.map((t) => m.typeFraction(organizationTypeNouns[t], fraction(submitted.byType[t], targets.byType[t]))).join('; '),
        ),
      );
    }
  }
  if (summary.notSubmitted.total === 0) lines.push(m.allSubmitted);
  else lines.push(m.notSubmittedList(count(summary.notSubmitted.total), cappedList(summary.notSubmitted, (o) => orgItem(o, mk))));
  if (summary.late.total > 0) {
    lines.push(
      m.lateList(
        count(summary.late.total),
        cappedList(summary.late, (o) => orgItem(o, mk) + (o.lateReason?.trim() ? m.lateReason(mk.esc(o.lateReason.trim())) : '')),
      ),
    );
  }

  if (submitted.total > 0 && summary.questions.length > 0) {
    lines.push('', mk.bold(m.sectionFigures));
    for (const q of summary.questions) {
      for (const line of renderQuestion(q, submitted.total, campaign.closed, mk)) lines.push(`${m.bullet}${line}.`);
    }
  }
  return lines.join('\n');
}

/**
 * The /chuanop message: who has not reported yet, one organization per line.
 * Takes a Summary, or just `{ campaign }` from getSummaryCampaign.
 */
export function renderNotSubmitted(info: { campaign: SummaryCampaign }, list: OrgList, markup: 'html' | 'plain'): string {
  const mk = markupFor(markup);
  const { campaign } = info;
  const lines = headingLines(campaign, m.notSubmittedHeading(mk.esc(campaign.formTitle), mk.esc(campaign.periodLabel)), mk).filter(
    (_, i) => i !== 1, // the period is already in the heading
  );
  if (list.total === 0) {
    lines.push(m.notSubmittedNone);
    return lines.join('\n');
  }
  lines.push(m.notSubmittedCount(count(list.total)));
  list.first.forEach((org, i) => lines.push(m.numbered(i + 1, orgItem(org, mk))));
  const rest = list.total - list.first.length;
  if (rest > 0) lines.push(m.notSubmittedMore(formatCount(rest)));
  return lines.join('\n');
}
