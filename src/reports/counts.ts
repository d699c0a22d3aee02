/**
 * The counts behind a round's figures, per organization type: progress (targets,
 * submitted, late) and, per question, what the submitted reports of target organizations
 * answered. readRoundCounts reads the aggregates Postgres maintains as reports change
 * (migrations/0005_round_figures.ts): a few hundred rows and index probes whatever the
 * number of organizations. scanRoundCounts computes the same from the answers themselves;
 * it is the reference the maintained figures are tested against.
 *
 * Both return the same shape: every organization type is present (zeros included); a
 * question appears in `questions` only when one of its counts is not zero, a choice only
 * when its count is not zero; `ranges` has the questions with a number or a date.
 * Only the form's questions are counted; choices for its choice and multi-choice questions.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { isBigintId } from '../db/ids.js';
import { ORGANIZATION_TYPES, type Database, type OrganizationType } from '../db/schema.js';
import type { Form } from '../forms/schema.js';

export interface QuestionCounts {
  /** Non-skipped answers. */
  answered: number;
  /** Answers with a number, and their sum. */
  numCount: number;
  numSum: number;
  /** Answers confirmed although implausible. */
  outliers: number;
  yes: number;
  no: number;
  /** Answers whose text is not blank. */
  textNonEmpty: number;
  /** Answers with a date. */
  dateCount: number;
  /** Per choice value: reports that chose it. */
  choices: Map<string, number>;
}

export interface TypeRoundCounts {
  targets: number;
  submitted: number;
  late: number;
  questions: Map<string, QuestionCounts>;
}

export interface QuestionRange {
  min: number | null;
  max: number | null;
  /** 'YYYY-MM-DD' */
  earliest: string | null;
  latest: string | null;
}

export interface RoundCounts {
  byType: Record<OrganizationType, TypeRoundCounts>;
  ranges: Map<string, QuestionRange>;
}

type Numeric = string | number | bigint | null | undefined;

const toNumber = (v: Numeric): number => (v === null || v === undefined ? 0 : Number(v));
const toNumberOrNull = (v: Numeric): number | null => (v === null || v === undefined ? null : Number(v));

const emptyQuestion = (): QuestionCounts => ({
  answered: 0,
  numCount: 0,
  numSum: 0,
  outliers: 0,
  yes: 0,
  no: 0,
  textNonEmpty: 0,
  dateCount: 0,
  choices: new Map(),
});

function emptyRound(): RoundCounts {
  const byType = {} as Record<OrganizationType, TypeRoundCounts>;
  for (const type of ORGANIZATION_TYPES) byType[type] = { targets: 0, submitted: 0, late: 0, questions: new Map() };
  return { byType, ranges: new Map() };
}

function isOrganizationType(v: string): v is OrganizationType {
  return (ORGANIZATION_TYPES as readonly string[]).includes(v);
}

/** The counts of question `key` in `questions`, made empty when first asked for. */
function questionIn(questions: Map<string, QuestionCounts>, key: string): QuestionCounts {
  let q = questions.get(key);
  if (!q) questions.set(key, (q = emptyQuestion()));
  return q;
}

/** Drops what both readers leave out: all-zero questions and zero choices. */
function normalize(round: RoundCounts): RoundCounts {
  for (const type of ORGANIZATION_TYPES) {
    const questions = round.byType[type].questions;
    for (const [key, q] of questions) {
      for (const [value, n] of q.choices) if (n === 0) q.choices.delete(value);
      const zero =
        q.answered === 0 &&
        q.numCount === 0 &&
        q.numSum === 0 &&
        q.outliers === 0 &&
        q.yes === 0 &&
        q.no === 0 &&
        q.textNonEmpty === 0 &&
        q.dateCount === 0 &&
        q.choices.size === 0;
      if (zero) questions.delete(key);
    }
  }
  for (const [key, r] of round.ranges) {
    if (r.min === null && r.max === null && r.earliest === null && r.latest === null) round.ranges.delete(key);
  }
  return round;
}

function formKeys(form: Form) {
  return {
    keys: form.questions.map((q) => q.key),
    single: form.questions.filter((q) => q.type === 'choice').map((q) => q.key),
    multi: form.questions.filter((q) => q.type === 'multi_choice').map((q) => q.key),
  };
}

/** The counts from the maintained aggregates: two queries, in parallel. */
export async function readRoundCounts(db: Kysely<Database>, campaignId: string, form: Form): Promise<RoundCounts> {
  const round = emptyRound();
  if (!isBigintId(campaignId)) return round;
  const { keys, single, multi } = formKeys(form);
  const choiceKeys = new Set([...single, ...multi]);
  const [counts, ranges] = await Promise.all([
    sql<{ org_type: string; question_key: string; bucket: string; n: string; total: string }>`
      select org_type, question_key, bucket, n, total from figure_counts
      where campaign_id = ${campaignId} and (question_key = '' or question_key = any(${keys}::text[]))
        and (n <> 0 or total <> 0)
    `.execute(db),
    // min/max over (campaign_id, question_key, value) of the numbers' and the dates' histograms: index probes per question.
    sql<{ key: string; min: string | null; max: string | null; earliest: string | null; latest: string | null }>`
      select k.key,
        (select min(f.value) from figure_numbers f where f.campaign_id = ${campaignId} and f.question_key = k.key) as min,
        (select max(f.value) from figure_numbers f where f.campaign_id = ${campaignId} and f.question_key = k.key) as max,
        (select min(f.value) from figure_dates f where f.campaign_id = ${campaignId} and f.question_key = k.key) as earliest,
        (select max(f.value) from figure_dates f where f.campaign_id = ${campaignId} and f.question_key = k.key) as latest
      from unnest(${keys}::text[]) as k(key)
    `.execute(db),
  ]);

  for (const r of counts.rows) {
    if (!isOrganizationType(r.org_type)) continue;
    const n = toNumber(r.n);
    if (r.question_key === '') {
      const t = round.byType[r.org_type];
      if (r.bucket === 'target') t.targets = n;
      else if (r.bucket === 'submitted') t.submitted = n;
      else if (r.bucket === 'late') t.late = n;
      continue;
    }
    const q = questionIn(round.byType[r.org_type].questions, r.question_key);
    switch (r.bucket) {
      case 'answered':
        q.answered = n;
        break;
      case 'num':
        q.numCount = n;
        q.numSum = toNumber(r.total);
        break;
      case 'outlier':
        q.outliers = n;
        break;
      case 'yes':
        q.yes = n;
        break;
      case 'no':
        q.no = n;
        break;
      case 'text':
        q.textNonEmpty = n;
        break;
      case 'date':
        q.dateCount = n;
        break;
      default:
        if (r.bucket.startsWith('c:') && choiceKeys.has(r.question_key)) q.choices.set(r.bucket.slice(2), n);
    }
  }

  for (const r of ranges.rows) {
    round.ranges.set(r.key, { min: toNumberOrNull(r.min), max: toNumberOrNull(r.max), earliest: r.earliest, latest: r.latest });
  }
  return normalize(round);
}

/** How a scan groups organizations: by type, or by the đảng bộ cơ sở (of `parents`, ids) they belong to. */
export type ScanGrouping = 'type' | { parents: readonly string[] };

/**
 * The group of an organization: its type; or, by parent, the đảng bộ cơ sở itself for a
 * đảng bộ cơ sở and its parent for a chi bộ trực thuộc, only for the parents asked for
 * (the others, and a chi bộ cơ sở, belong to none: never counted, not counted to be dropped).
 */
function groupColumn(grouping: ScanGrouping) {
  if (grouping === 'type') return sql`o.type`;
  const ids = sql`${[...grouping.parents]}::bigint[]`;
  return sql`(case when o.type = 'dang_bo_co_so' and o.id = any(${ids}) then o.id
    when o.type = 'chi_bo_truc_thuoc' and o.parent_id = any(${ids}) then o.parent_id end)::text`;
}

/** The submitted reports of target organizations, with their group. */
function countedReports(campaignId: string, group: RawBuilder<unknown>) {
  return sql`
    select s.id, ${group} as grp
    from submissions s
    join campaign_targets t on t.campaign_id = s.campaign_id and t.organization_id = s.organization_id
    join organizations o on o.id = s.organization_id
    where s.campaign_id = ${campaignId} and s.status = 'submitted'
  `;
}

/** Counts per group from a full scan of the campaign's submitted answers. */
export async function scanGroupCounts(db: Kysely<Database>, campaignId: string, form: Form, grouping: ScanGrouping): Promise<Map<string, TypeRoundCounts>> {
  const groups = new Map<string, TypeRoundCounts>();
  if (!isBigintId(campaignId)) return groups;
  const { keys, single, multi } = formKeys(form);
  const group = groupColumn(grouping);
  const counted = countedReports(campaignId, group);
  const [progress, answers, choices] = await Promise.all([
    sql<{ grp: string | null; targets: string; submitted: string; late: string }>`
      select ${group} as grp, count(*) as targets,
        count(*) filter (where s.status = 'submitted') as submitted,
        count(*) filter (where s.status = 'submitted' and s.late) as late
      from campaign_targets t
      join organizations o on o.id = t.organization_id
      left join submissions s on s.campaign_id = t.campaign_id and s.organization_id = t.organization_id
      where t.campaign_id = ${campaignId}
      group by 1
    `.execute(db),
    sql<{
      grp: string | null;
      question_key: string;
      answered: string;
      num_count: string;
      num_sum: string | null;
      outliers: string;
      yes: string;
      no: string;
      text_non_empty: string;
      date_count: string;
    }>`
      with counted as (${counted})
      select c.grp, a.question_key,
        count(*) filter (where not a.skipped) as answered,
        count(a.num_value) as num_count,
        sum(a.num_value) as num_sum,
        count(*) filter (where a.confirmed_outlier) as outliers,
        count(*) filter (where a.bool_value = true) as yes,
        count(*) filter (where a.bool_value = false) as no,
        count(*) filter (where btrim(coalesce(a.text_value, '')) <> '') as text_non_empty,
        count(a.date_value) as date_count
      from answers a join counted c on c.id = a.submission_id
      where a.question_key = any(${keys}::text[])
      group by c.grp, a.question_key
    `.execute(db),
    sql<{ grp: string | null; question_key: string; choice: string; n: string }>`
      with counted as (${counted})
      select c.grp, a.question_key, a.text_value as choice, count(*) as n
      from answers a join counted c on c.id = a.submission_id
      where a.question_key = any(${single}::text[]) and a.text_value is not null
      group by c.grp, a.question_key, a.text_value
      union all
      select c.grp, a.question_key, e.choice, count(distinct a.submission_id) as n
      from answers a join counted c on c.id = a.submission_id
      cross join lateral unnest(a.choice_values) as e(choice)
      where a.question_key = any(${multi}::text[]) and e.choice is not null
      group by c.grp, a.question_key, e.choice
    `.execute(db),
  ]);

  const groupOf = (key: string): TypeRoundCounts => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { targets: 0, submitted: 0, late: 0, questions: new Map() }));
    return g;
  };
  // Organizations outside every group (a chi bộ cơ sở, by parent) are left out.
  for (const r of progress.rows) {
    if (r.grp === null) continue;
    const g = groupOf(r.grp);
    g.targets = toNumber(r.targets);
    g.submitted = toNumber(r.submitted);
    g.late = toNumber(r.late);
  }
  for (const r of answers.rows) {
    if (r.grp === null) continue;
    const q = questionIn(groupOf(r.grp).questions, r.question_key);
    q.answered = toNumber(r.answered);
    q.numCount = toNumber(r.num_count);
    q.numSum = toNumber(r.num_sum);
    q.outliers = toNumber(r.outliers);
    q.yes = toNumber(r.yes);
    q.no = toNumber(r.no);
    q.textNonEmpty = toNumber(r.text_non_empty);
    q.dateCount = toNumber(r.date_count);
  }
  for (const r of choices.rows) {
    if (r.grp !== null) questionIn(groupOf(r.grp).questions, r.question_key).choices.set(r.choice, toNumber(r.n));
  }
  return groups;
}

/** Each question's range (min and max number, earliest and latest date) over the whole round, from a full scan. */
async function scanRanges(db: Kysely<Database>, campaignId: string, form: Form): Promise<Map<string, QuestionRange>> {
  const ranges = new Map<string, QuestionRange>();
  if (!isBigintId(campaignId)) return ranges;
  const { rows } = await sql<{ question_key: string; min: string | null; max: string | null; earliest: string | null; latest: string | null }>`
    with counted as (${countedReports(campaignId, sql`null`)})
    select a.question_key, min(a.num_value) as min, max(a.num_value) as max, min(a.date_value) as earliest, max(a.date_value) as latest
    from answers a join counted c on c.id = a.submission_id
    where a.question_key = any(${formKeys(form).keys}::text[])
    group by a.question_key
  `.execute(db);
  for (const r of rows) ranges.set(r.question_key, { min: toNumberOrNull(r.min), max: toNumberOrNull(r.max), earliest: r.earliest, latest: r.latest });
  return ranges;
}

/** The same counts as readRoundCounts from a full scan of the campaign's submitted answers: the reference. */
export async function scanRoundCounts(db: Kysely<Database>, campaignId: string, form: Form): Promise<RoundCounts> {
  const round = emptyRound();
  const [groups, ranges] = await Promise.all([scanGroupCounts(db, campaignId, form, 'type'), scanRanges(db, campaignId, form)]);
  for (const [type, counts] of groups) if (isOrganizationType(type)) round.byType[type] = counts;
  round.ranges = ranges;
  return normalize(round);
}
