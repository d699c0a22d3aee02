/**
 * The round's counts maintained by Postgres triggers (migrations/0005_round_figures.ts)
 * against the full scan of the answers (scanRoundCounts): random sequences of what
 * reports, targets and organizations go through end with the same counts; a report's
 * figures by hand; deletions cascading; the backfill; twenty organizations submitting
 * at the same moment on their own connections.
 */
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigrator, migrateToLatest } from '../../src/db/migrate.js';
import { ORGANIZATION_TYPES, type Database, type OrganizationType } from '../../src/db/schema.js';
import { formSchema, type Form, type FormInput } from '../../src/forms/schema.js';
import { readRoundCounts, scanRoundCounts, type QuestionCounts, type RoundCounts } from '../../src/reports/counts.js';
import { createTestDb, type TestDb } from '../support/db.js';

let t: TestDb;
let db: Kysely<Database>;

const choices = [
  { value: 'a', label: 'A' },
  { value: 'b', label: 'B' },
  { value: 'c', label: 'C' },
];

/** Every question type. Form B gives two keys the other choice type, to check each campaign's types are used. */
const definitionA: FormInput = {
  id: 'rc_a',
  version: 1,
  title: 'Biểu mẫu A',
  questions: [
    { key: 'q_int', type: 'integer', text: 'Số nguyên?' },
    { key: 'q_dec', type: 'decimal', text: 'Số thập phân?' },
    { key: 'q_yn', type: 'yes_no', text: 'Có hay không?' },
    { key: 'q_ch', type: 'choice', text: 'Một lựa chọn?', choices },
    { key: 'q_mc', type: 'multi_choice', text: 'Nhiều lựa chọn?', choices },
    { key: 'q_tx', type: 'text', text: 'Chữ?' },
    { key: 'q_dt', type: 'date', text: 'Ngày?' },
  ],
};
const definitionB: FormInput = {
  ...definitionA,
  id: 'rc_b',
  title: 'Biểu mẫu B',
  questions: definitionA.questions.map((q) =>
    q.key === 'q_ch' ? { key: 'q_ch', type: 'multi_choice', text: 'Nhiều?', choices } : q.key === 'q_mc' ? { key: 'q_mc', type: 'choice', text: 'Một?', choices } : q,
  ),
};
const formA: Form = formSchema.parse(definitionA);
const formB: Form = formSchema.parse(definitionB);
const FORMS = [formA, formB] as const;
/** The form's keys and one that is in no form (answers to it are ignored). */
const KEYS = ['q_int', 'q_dec', 'q_yn', 'q_ch', 'q_mc', 'q_tx', 'q_dt', 'q_other'] as const;
type Key = (typeof KEYS)[number];

beforeAll(async () => {
  t = await createTestDb('round_counts');
  db = t.db;
  for (const form of FORMS) {
    await db.insertInto('forms').values({ id: form.id, version: form.version, title: form.title, definition: JSON.stringify(form), content_hash: form.id }).execute();
  }
});

afterAll(async () => {
  await t?.drop();
});

// ------------------------------------------------------------------ the world

let seq = 0;

interface World {
  orgs: string[];
  campaigns: string[];
}

async function insertCampaign(kysely: Kysely<Database>, form: Form): Promise<string> {
  const row = await kysely
    .insertInto('campaigns')
    .values({
      form_id: form.id,
      form_version: form.version,
      period_label: 'Năm 2026',
      opens_at: new Date('2026-12-01T00:00:00+07:00'),
      due_at: new Date('2026-12-15T17:00:00+07:00'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function insertOrgs(kysely: Kysely<Database>, types: readonly OrganizationType[]): Promise<string[]> {
  const run = ++seq;
  const rows = await kysely
    .insertInto('organizations')
    .values(types.map((type, i) => ({ code: `RC${run}_${i}`, name: `Chi bộ ${run}.${i}`, type })))
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

async function createWorld(types: readonly OrganizationType[], targets: readonly boolean[][]): Promise<World> {
  const orgs = await insertOrgs(db, types);
  const campaigns = [await insertCampaign(db, formA), await insertCampaign(db, formB)];
  const rows = campaigns.flatMap((c, ci) => orgs.filter((_, oi) => targets[ci]?.[oi]).map((o) => ({ campaign_id: c, organization_id: o })));
  if (rows.length > 0) await db.insertInto('campaign_targets').values(rows).execute();
  return { orgs, campaigns };
}

/** A raw answer: the value for each type; which one is stored depends on the campaign's form. */
interface Raw {
  num: number;
  bool: boolean;
  choice: string;
  multi: string[];
  text: string;
  date: string;
  skip: boolean;
  outlier: boolean;
}

interface AnswerRow {
  submission_id: string;
  question_key: string;
  value: string;
  num_value: number | null;
  bool_value: boolean | null;
  text_value: string | null;
  date_value: string | null;
  choice_values: string[] | null;
  skipped: boolean;
  confirmed_outlier: boolean;
}

/** The row the reporting service would store (typed columns as typedColumns fills them). */
function answerRow(form: Form, submissionId: string, key: string, raw: Raw): AnswerRow {
  const type = form.questions.find((q) => q.key === key)?.type ?? 'text';
  const row: AnswerRow = {
    submission_id: submissionId,
    question_key: key,
    value: 'null',
    num_value: null,
    bool_value: null,
    text_value: null,
    date_value: null,
    choice_values: null,
    skipped: raw.skip,
    confirmed_outlier: !raw.skip && raw.outlier && (type === 'integer' || type === 'decimal'),
  };
  if (raw.skip) return row;
  switch (type) {
    case 'integer':
      row.num_value = Math.trunc(raw.num);
      break;
    case 'decimal':
      row.num_value = raw.num;
      break;
    case 'yes_no':
      row.bool_value = raw.bool;
      break;
    case 'choice':
      row.text_value = raw.choice;
      break;
    case 'text':
      row.text_value = raw.text;
      break;
    case 'date':
      row.date_value = raw.date;
      break;
    case 'multi_choice':
      row.choice_values = raw.multi;
      break;
  }
  row.value = JSON.stringify(row.num_value ?? row.bool_value ?? row.text_value ?? row.date_value ?? row.choice_values);
  return row;
}

const upsertColumns = (kysely: Kysely<Database>, rows: AnswerRow[]) =>
  kysely
    .insertInto('answers')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['submission_id', 'question_key']).doUpdateSet((eb) => ({
        value: eb.ref('excluded.value'),
        num_value: eb.ref('excluded.num_value'),
        bool_value: eb.ref('excluded.bool_value'),
        text_value: eb.ref('excluded.text_value'),
        date_value: eb.ref('excluded.date_value'),
        choice_values: eb.ref('excluded.choice_values'),
        skipped: eb.ref('excluded.skipped'),
        confirmed_outlier: eb.ref('excluded.confirmed_outlier'),
      })),
    );

/** The organization's submission to the campaign, created as a draft when there is none. */
async function ensureSubmission(campaignId: string, orgId: string): Promise<string> {
  await sql`insert into submissions (campaign_id, organization_id, cursor) values (${campaignId}, ${orgId}, '{}'::jsonb)
    on conflict (campaign_id, organization_id) do nothing`.execute(db);
  return (await findSubmission(campaignId, orgId))!;
}

async function findSubmission(campaignId: string, orgId: string): Promise<string | undefined> {
  const row = await db.selectFrom('submissions').select('id').where('campaign_id', '=', campaignId).where('organization_id', '=', orgId).executeTakeFirst();
  return row?.id;
}

// ------------------------------------------------------------------ operations

type Op =
  | { kind: 'answer'; c: number; o: number; key: Key; raw: Raw }
  | { kind: 'unanswer'; c: number; o: number; key: Key }
  | { kind: 'submit'; c: number; o: number; late: boolean }
  | { kind: 'unsubmit'; c: number; o: number }
  | { kind: 'late'; c: number; o: number; late: boolean }
  /** One statement as the dialogue writes a step: the submission row and several answers. */
  | { kind: 'step'; c: number; o: number; status: 'keep' | 'submit' | 'unsubmit'; sets: Array<{ key: Key; raw: Raw }>; unsets: Key[] }
  /** One statement over every submission of the campaign. */
  | { kind: 'answerAll'; c: number; key: Key; raw: Raw }
  | { kind: 'submitAll'; c: number }
  | { kind: 'target'; c: number; o: number; on: boolean }
  | { kind: 'targetAll'; c: number; on: boolean }
  | { kind: 'orgType'; o: number; type: OrganizationType }
  | { kind: 'orgTypeAll'; type: OrganizationType }
  | { kind: 'delete'; c: number; o: number }
  | { kind: 'touch'; c: number };

const ORGS = 4;
const orgType = fc.constantFrom<OrganizationType>(...ORGANIZATION_TYPES);
const rawArb: fc.Arbitrary<Raw> = fc.record({
  num: fc.oneof(fc.integer({ min: -3, max: 40 }), fc.constantFrom(0, 1.5, 2.25, 1e6, 0.1)),
  bool: fc.boolean(),
  choice: fc.constantFrom('a', 'b', 'c', ''),
  multi: fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 4 }),
  text: fc.constantFrom('', '  ', 'x', ' y ', 'Có'),
  date: fc.constantFrom('2026-01-01', '2026-05-31', '2025-12-31', '2026-12-15'),
  skip: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  outlier: fc.boolean(),
});
const c = fc.integer({ min: 0, max: 1 });
const o = fc.integer({ min: 0, max: ORGS - 1 });
const key = fc.constantFrom<Key>(...KEYS);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('answer' as const), c, o, key, raw: rawArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unanswer' as const), c, o, key }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('submit' as const), c, o, late: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unsubmit' as const), c, o }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('late' as const), c, o, late: fc.boolean() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('step' as const),
      c,
      o,
      status: fc.constantFrom('keep' as const, 'submit' as const, 'unsubmit' as const),
      sets: fc.uniqueArray(fc.record({ key, raw: rawArb }), { selector: (s) => s.key, maxLength: 4 }),
      unsets: fc.uniqueArray(key, { maxLength: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('answerAll' as const), c, key, raw: rawArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('submitAll' as const), c }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('target' as const), c, o, on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('targetAll' as const), c, on: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('orgType' as const), o, type: orgType }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('orgTypeAll' as const), type: orgType }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), c, o }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('touch' as const), c }) },
);

async function apply(world: World, op: Op): Promise<void> {
  switch (op.kind) {
    case 'answer': {
      const id = await ensureSubmission(world.campaigns[op.c]!, world.orgs[op.o]!);
      await upsertColumns(db, [answerRow(FORMS[op.c]!, id, op.key, op.raw)]).execute();
      return;
    }
    case 'unanswer': {
      const id = await findSubmission(world.campaigns[op.c]!, world.orgs[op.o]!);
      if (id) await db.deleteFrom('answers').where('submission_id', '=', id).where('question_key', '=', op.key).execute();
      return;
    }
    case 'submit': {
      const id = await ensureSubmission(world.campaigns[op.c]!, world.orgs[op.o]!);
      await db.updateTable('submissions').set({ status: 'submitted', late: op.late, first_submitted_at: new Date() }).where('id', '=', id).execute();
      return;
    }
    case 'unsubmit':
      await db.updateTable('submissions').set({ status: 'draft', reopened_at: new Date() }).where('campaign_id', '=', world.campaigns[op.c]!).where('organization_id', '=', world.orgs[op.o]!).execute();
      return;
    case 'late':
      await db.updateTable('submissions').set({ late: op.late }).where('campaign_id', '=', world.campaigns[op.c]!).where('organization_id', '=', world.orgs[op.o]!).execute();
      return;
    case 'step': {
      const id = await ensureSubmission(world.campaigns[op.c]!, world.orgs[op.o]!);
      const rows = op.sets.map((s) => answerRow(FORMS[op.c]!, id, s.key, s.raw));
      const unsets = op.unsets.filter((k) => !op.sets.some((s) => s.key === k));
      const status = op.status === 'submit' ? sql`, status = 'submitted'` : op.status === 'unsubmit' ? sql`, status = 'draft'` : sql``;
      const values = sql.join(
        rows.map(
          (r) => sql`(${r.question_key}::text, ${r.value}::jsonb, ${r.num_value}::numeric, ${r.bool_value}::boolean, ${r.text_value}::text,
            ${r.date_value}::date, ${r.choice_values}::text[], ${r.skipped}::boolean, ${r.confirmed_outlier}::boolean)`,
        ),
      );
      await sql`
        with upd as (update submissions set step = step + 1, updated_at = now() ${status} where id = ${id} returning id)
        ${
          rows.length > 0
            ? sql`, ans as (
          insert into answers (submission_id, question_key, value, num_value, bool_value, text_value, date_value, choice_values, skipped, confirmed_outlier)
          select upd.id, v.k, v.value, v.num, v.bool, v.txt, v.d, v.choices, v.skipped, v.outlier
          from upd, (values ${values}) as v(k, value, num, bool, txt, d, choices, skipped, outlier)
          on conflict (submission_id, question_key) do update set
            value = excluded.value, num_value = excluded.num_value, bool_value = excluded.bool_value, text_value = excluded.text_value,
            date_value = excluded.date_value, choice_values = excluded.choice_values, skipped = excluded.skipped,
            confirmed_outlier = excluded.confirmed_outlier, answered_at = now())`
            : sql``
        }
        ${unsets.length > 0 ? sql`, gone as (delete from answers where submission_id = ${id} and question_key = any(${unsets}::text[]) and exists (select 1 from upd))` : sql``}
        select (select id from upd) as id
      `.execute(db);
      return;
    }
    case 'answerAll': {
      const ids = await db.selectFrom('submissions').select('id').where('campaign_id', '=', world.campaigns[op.c]!).execute();
      if (ids.length > 0) await upsertColumns(db, ids.map((r) => answerRow(FORMS[op.c]!, r.id, op.key, op.raw))).execute();
      return;
    }
    case 'submitAll':
      await db.updateTable('submissions').set({ status: 'submitted' }).where('campaign_id', '=', world.campaigns[op.c]!).execute();
      return;
    case 'target':
      if (op.on) {
        await db.insertInto('campaign_targets').values({ campaign_id: world.campaigns[op.c]!, organization_id: world.orgs[op.o]! }).onConflict((oc) => oc.doNothing()).execute();
      } else {
        await db.deleteFrom('campaign_targets').where('campaign_id', '=', world.campaigns[op.c]!).where('organization_id', '=', world.orgs[op.o]!).execute();
      }
      return;
    case 'targetAll':
      if (op.on) {
        await db
          .insertInto('campaign_targets')
          .values(world.orgs.map((org) => ({ campaign_id: world.campaigns[op.c]!, organization_id: org })))
          .onConflict((oc) => oc.doNothing())
          .execute();
      } else {
        await db.deleteFrom('campaign_targets').where('campaign_id', '=', world.campaigns[op.c]!).execute();
      }
      return;
    case 'orgType':
      await db.updateTable('organizations').set({ type: op.type }).where('id', '=', world.orgs[op.o]!).execute();
      return;
    case 'orgTypeAll':
      await db.updateTable('organizations').set({ type: op.type }).where('id', 'in', world.orgs).execute();
      return;
    case 'delete':
      await db.deleteFrom('submissions').where('campaign_id', '=', world.campaigns[op.c]!).where('organization_id', '=', world.orgs[op.o]!).execute();
      return;
    case 'touch':
      // Columns the counts do not read: no recount, and nothing changes.
      await sql`update answers set answered_at = now(), source_message = 'x' where submission_id in (select id from submissions where campaign_id = ${world.campaigns[op.c]!})`.execute(db);
      return;
  }
}

async function expectAgreement(world: World): Promise<void> {
  for (const [i, campaignId] of world.campaigns.entries()) {
    const form = FORMS[i]!;
    const [maintained, scanned] = await Promise.all([readRoundCounts(db, campaignId, form), scanRoundCounts(db, campaignId, form)]);
    expect(maintained).toEqual(scanned);
  }
  const stale = await sql<{ n: string }>`
    select (select count(*) from figure_numbers where n <= 0) + (select count(*) from figure_dates where n <= 0)
      + (select count(*) from figure_contributions fc where not exists (
          select 1 from submissions s join campaign_targets t on t.campaign_id = s.campaign_id and t.organization_id = s.organization_id
          where s.id = fc.submission_id and s.status = 'submitted')) as n
  `.execute(db);
  expect(Number(stale.rows[0]!.n)).toBe(0);
}

describe('maintained counts agree with the full scan', () => {
  it('after random sequences of report, target and organization changes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(orgType, { minLength: ORGS, maxLength: ORGS }),
        // Most organizations are targets at first.
        fc.array(fc.array(fc.integer({ min: 0, max: 3 }).map((n) => n > 0), { minLength: ORGS, maxLength: ORGS }), { minLength: 2, maxLength: 2 }),
        fc.array(opArb, { minLength: 10, maxLength: 40 }),
        async (types, targets, ops) => {
          const world = await createWorld(types, targets);
          for (const [i, op] of ops.entries()) {
            await apply(world, op);
            if (i === Math.floor(ops.length / 2)) await expectAgreement(world);
          }
          await expectAgreement(world);
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);
});

// ------------------------------------------------------------------ examples

const zeroQuestion = (): QuestionCounts => ({ answered: 0, numCount: 0, numSum: 0, outliers: 0, yes: 0, no: 0, textNonEmpty: 0, dateCount: 0, choices: new Map() });

function expectedRound(parts: Partial<Record<OrganizationType, { targets: number; submitted: number; late: number; questions?: Array<[string, Partial<QuestionCounts>]> }>>, ranges: RoundCounts['ranges']): RoundCounts {
  const byType = {} as RoundCounts['byType'];
  for (const type of ORGANIZATION_TYPES) {
    const p = parts[type];
    byType[type] = {
      targets: p?.targets ?? 0,
      submitted: p?.submitted ?? 0,
      late: p?.late ?? 0,
      questions: new Map((p?.questions ?? []).map(([k, q]) => [k, { ...zeroQuestion(), ...q }])),
    };
  }
  return { byType, ranges };
}

const raw = (partial: Partial<Raw>): Raw => ({ num: 0, bool: false, choice: 'a', multi: [], text: '', date: '2026-01-01', skip: false, outlier: false, ...partial });

async function submittedReport(campaignId: string, form: Form, orgId: string, answers: Array<[Key, Raw]>, late = false): Promise<string> {
  const id = await ensureSubmission(campaignId, orgId);
  await upsertColumns(db, answers.map(([k, r]) => answerRow(form, id, k, r))).execute();
  await db.updateTable('submissions').set({ status: 'submitted', late }).where('id', '=', id).execute();
  return id;
}

describe('one report by hand', () => {
  it('counts a late submitted report of a target and nothing of a draft', async () => {
    const [cell, committee, outsider] = await insertOrgs(db, ['chi_bo_co_so', 'dang_bo_co_so', 'chi_bo_co_so']);
    const campaign = await insertCampaign(db, formA);
    await db.insertInto('campaign_targets').values([cell!, committee!].map((org) => ({ campaign_id: campaign, organization_id: org }))).execute();
    await submittedReport(
      campaign,
      formA,
      cell!,
      [
        ['q_int', raw({ num: 7 })],
        ['q_dec', raw({ num: 2.5, outlier: true })],
        ['q_yn', raw({ bool: true })],
        ['q_ch', raw({ choice: 'b' })],
        ['q_mc', raw({ multi: ['a', 'c', 'a'] })],
        ['q_tx', raw({ text: ' hi ' })],
        ['q_dt', raw({ date: '2026-03-04' })],
        ['q_other', raw({ text: 'ignored' })],
      ],
      true,
    );
    // A draft of a target and a submitted report of an organization that is not one: neither counts.
    const draft = await ensureSubmission(campaign, committee!);
    await upsertColumns(db, [answerRow(formA, draft, 'q_int', raw({ num: 100 }))]).execute();
    await submittedReport(campaign, formA, outsider!, [['q_int', raw({ num: 1000 })]]);

    const expected = expectedRound(
      {
        chi_bo_co_so: {
          targets: 1,
          submitted: 1,
          late: 1,
          questions: [
            ['q_int', { answered: 1, numCount: 1, numSum: 7 }],
            ['q_dec', { answered: 1, numCount: 1, numSum: 2.5, outliers: 1 }],
            ['q_yn', { answered: 1, yes: 1 }],
            // The choice's value is text: a non-empty text as summary.ts counts it.
            ['q_ch', { answered: 1, textNonEmpty: 1, choices: new Map([['b', 1]]) }],
            ['q_mc', { answered: 1, choices: new Map([['a', 1], ['c', 1]]) }],
            ['q_tx', { answered: 1, textNonEmpty: 1 }],
            ['q_dt', { answered: 1, dateCount: 1 }],
          ],
        },
        dang_bo_co_so: { targets: 1, submitted: 0, late: 0 },
      },
      new Map([
        ['q_int', { min: 7, max: 7, earliest: null, latest: null }],
        ['q_dec', { min: 2.5, max: 2.5, earliest: null, latest: null }],
        ['q_dt', { min: null, max: null, earliest: '2026-03-04', latest: '2026-03-04' }],
      ]),
    );
    expect(await readRoundCounts(db, campaign, formA)).toEqual(expected);
    expect(await scanRoundCounts(db, campaign, formA)).toEqual(expected);

    // Skipping the number drops it from the counts and the range; answered counts only the rest.
    const id = (await findSubmission(campaign, cell!))!;
    await upsertColumns(db, [answerRow(formA, id, 'q_int', raw({ skip: true }))]).execute();
    const after = await readRoundCounts(db, campaign, formA);
    expect(after.byType.chi_bo_co_so.questions.has('q_int')).toBe(false);
    expect(after.ranges.has('q_int')).toBe(false);
    expect(after).toEqual(await scanRoundCounts(db, campaign, formA));
  });

  it('min and max follow the histogram when the extreme answer changes', async () => {
    const orgs = await insertOrgs(db, ['chi_bo_co_so', 'chi_bo_co_so', 'chi_bo_truc_thuoc']);
    const campaign = await insertCampaign(db, formA);
    await db.insertInto('campaign_targets').values(orgs.map((org) => ({ campaign_id: campaign, organization_id: org }))).execute();
    const ids = [];
    for (const [i, org] of orgs.entries()) ids.push(await submittedReport(campaign, formA, org, [['q_int', raw({ num: [3, 9, 5][i]! })]]));
    expect((await readRoundCounts(db, campaign, formA)).ranges.get('q_int')).toEqual({ min: 3, max: 9, earliest: null, latest: null });
    await upsertColumns(db, [answerRow(formA, ids[1]!, 'q_int', raw({ num: 4 }))]).execute();
    await db.updateTable('submissions').set({ status: 'draft' }).where('id', '=', ids[0]!).execute();
    expect((await readRoundCounts(db, campaign, formA)).ranges.get('q_int')).toEqual({ min: 4, max: 5, earliest: null, latest: null });
    const histogram = await sql<{ value: string; n: string }>`select value, n from figure_numbers where campaign_id = ${campaign} order by value`.execute(db);
    expect(histogram.rows.map((r) => [Number(r.value), Number(r.n)])).toEqual([
      [4, 1],
      [5, 1],
    ]);
  });
});

describe('deletions', () => {
  it('a deleted campaign leaves no figures; a deleted organization leaves the right ones', async () => {
    const orgs = await insertOrgs(db, ['chi_bo_co_so', 'dang_bo_co_so']);
    const gone = await insertCampaign(db, formA);
    const kept = await insertCampaign(db, formB);
    for (const campaign of [gone, kept]) {
      await db.insertInto('campaign_targets').values(orgs.map((org) => ({ campaign_id: campaign, organization_id: org }))).execute();
      for (const org of orgs) await submittedReport(campaign, campaign === gone ? formA : formB, org, [['q_int', raw({ num: 2 })], ['q_dt', raw({ date: '2026-02-02' })]]);
    }
    await db.deleteFrom('campaigns').where('id', '=', gone).execute();
    const left = await sql<{ n: string }>`
      select (select count(*) from figure_counts where campaign_id = ${gone}) + (select count(*) from figure_numbers where campaign_id = ${gone})
        + (select count(*) from figure_dates where campaign_id = ${gone}) + (select count(*) from figure_contributions where campaign_id = ${gone}) as n
    `.execute(db);
    expect(Number(left.rows[0]!.n)).toBe(0);

    // An organization without reports in any other campaign: only its own rows were created above.
    await db.deleteFrom('organizations').where('id', '=', orgs[1]!).execute();
    const counts = await readRoundCounts(db, kept, formB);
    expect(counts).toEqual(await scanRoundCounts(db, kept, formB));
    expect(counts.byType.dang_bo_co_so.targets).toBe(0);
    expect(counts.byType.chi_bo_co_so).toMatchObject({ targets: 1, submitted: 1 });
  });

  it('a campaign moved to another form is recounted with its question types', async () => {
    const [org] = await insertOrgs(db, ['chi_bo_co_so']);
    const campaign = await insertCampaign(db, formA);
    await db.insertInto('campaign_targets').values({ campaign_id: campaign, organization_id: org! }).execute();
    await submittedReport(campaign, formA, org!, [['q_ch', raw({ choice: 'b' })]]);
    await db.updateTable('campaigns').set({ form_id: formB.id }).where('id', '=', campaign).execute();
    // Form B makes q_ch a multi-choice question: a text value is no choice there.
    const counts = await readRoundCounts(db, campaign, formB);
    expect(counts.byType.chi_bo_co_so.questions.get('q_ch')?.choices).toEqual(new Map());
    expect(counts).toEqual(await scanRoundCounts(db, campaign, formB));
  });
});

describe('the migration', () => {
  it('backfills what the triggers maintain, and reverts cleanly', async () => {
    const orgs = await insertOrgs(db, ['chi_bo_co_so', 'dang_bo_co_so', 'chi_bo_truc_thuoc']);
    const campaign = await insertCampaign(db, formB);
    await db.insertInto('campaign_targets').values(orgs.map((org) => ({ campaign_id: campaign, organization_id: org }))).execute();
    for (const [i, org] of orgs.entries()) {
      await submittedReport(campaign, formB, org, [['q_dec', raw({ num: i * 1.5 })], ['q_ch', raw({ multi: ['a', 'b'] })], ['q_dt', raw({ date: `2026-0${i + 1}-01` })]], i === 1);
    }
    const before = await readRoundCounts(db, campaign, formB);
    const down = await createMigrator(db).migrateTo('0004_answer_path');
    expect(down.error).toBeUndefined();
    const tables = await sql<{ n: string }>`select count(*) as n from pg_class where relname like 'figure\\_%'`.execute(db);
    expect(Number(tables.rows[0]!.n)).toBe(0);
    await migrateToLatest(db);
    const after = await readRoundCounts(db, campaign, formB);
    expect(after).toEqual(before);
    expect(after).toEqual(await scanRoundCounts(db, campaign, formB));
  });
});

describe('twenty organizations submitting at the same moment', () => {
  it('end with the right counts and no deadlock', async () => {
    const N = 20;
    const types = Array.from({ length: N }, (_, i) => ORGANIZATION_TYPES[i % 3]!);
    const orgs = await insertOrgs(db, types);
    const campaigns = [await insertCampaign(db, formA), await insertCampaign(db, formB)];
    for (const campaign of campaigns) await db.insertInto('campaign_targets').values(orgs.map((org) => ({ campaign_id: campaign, organization_id: org }))).execute();
    const clients = await Promise.all(
      orgs.map(async () => {
        const client = new pg.Client({ connectionString: t.url });
        await client.connect();
        return client;
      }),
    );
    const rowSql = (r: AnswerRow) =>
      [r.submission_id, r.question_key, r.value, r.num_value, r.bool_value, r.text_value, r.date_value, r.choice_values, r.skipped, r.confirmed_outlier] as const;
    const upsert = `insert into answers (submission_id, question_key, value, num_value, bool_value, text_value, date_value, choice_values, skipped, confirmed_outlier)
      select * from unnest($1::bigint[], $2::text[], $3::jsonb[], $4::numeric[], $5::boolean[], $6::text[], $7::date[], $8::text[], $9::boolean[], $10::boolean[])
        as v(s, k, value, num, bool, txt, d, choices, skipped, outlier)
      on conflict (submission_id, question_key) do update set value = excluded.value, num_value = excluded.num_value,
        bool_value = excluded.bool_value, text_value = excluded.text_value, date_value = excluded.date_value,
        choice_values = excluded.choice_values, skipped = excluded.skipped, confirmed_outlier = excluded.confirmed_outlier`;
    // choice_values is text[] per row: passed as a JSON array per row and rebuilt, since pg has no text[][] of ragged rows.
    const upsertJson = upsert
      .replace('$8::text[]', '$8::jsonb[]')
      .replace('select * from', 'select v.s, v.k, v.value, v.num, v.bool, v.txt, v.d, (select array_agg(x) from jsonb_array_elements_text(v.choices) x), v.skipped, v.outlier from');
    const params = (rows: AnswerRow[]) => {
      const cols = rows.map(rowSql);
      return Array.from({ length: 10 }, (_, j) =>
        cols.map((r) => (j === 7 ? (r[7] === null ? null : JSON.stringify(r[7])) : (r[j] ?? null))),
      );
    };
    const barrier = (n: number) => {
      let arrived = 0;
      let release!: () => void;
      const all = new Promise<void>((resolve) => (release = resolve));
      return () => {
        if (++arrived === n) release();
        return all;
      };
    };
    try {
      const ready = barrier(N);
      const edited = barrier(N);
      const results = await Promise.allSettled(
        clients.map(async (client, i) => {
          const submissionIds: string[] = [];
          for (const [ci, campaign] of campaigns.entries()) {
            const r = await client.query<{ id: string }>(`insert into submissions (campaign_id, organization_id, cursor) values ($1, $2, '{}') returning id`, [campaign, orgs[i]]);
            const id = r.rows[0]!.id;
            submissionIds.push(id);
            const rows = KEYS.map((k) => answerRow(FORMS[ci]!, id, k, raw({ num: i, bool: i % 2 === 0, choice: 'abc'[i % 3]!, multi: ['a', 'b', 'c'].slice(i % 3), text: i % 4 ? 'x' : '', date: `2026-01-${String(i + 1).padStart(2, '0')}` })));
            await client.query(upsertJson, params(rows));
          }
          await ready();
          // Both reports submitted in one transaction, the two campaigns in either order.
          await client.query('begin');
          const order = i % 2 === 0 ? submissionIds : [...submissionIds].reverse();
          await client.query(`update submissions set status = 'submitted', late = $2 where id = any($1::bigint[])`, [order, i % 5 === 0]);
          await client.query('commit');
          await edited();
          // Then every report edited while submitted, the keys in a different order each, in one statement.
          const shuffled = [...KEYS].sort((a, b) => ((a.charCodeAt(3) * (i + 1)) % 7) - ((b.charCodeAt(3) * (i + 1)) % 7));
          for (const [ci, id] of submissionIds.entries()) {
            const rows = shuffled.map((k) => answerRow(FORMS[ci]!, id, k, raw({ num: i * 2 + 0.5, bool: i % 3 === 0, choice: 'cab'[i % 3]!, multi: ['c'], text: 'y', date: '2026-02-02' })));
            await client.query(upsertJson, params(rows));
          }
        }),
      );
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason));
      expect(failures).toEqual([]);
      for (const [ci, campaign] of campaigns.entries()) {
        const counts = await readRoundCounts(db, campaign, FORMS[ci]!);
        expect(counts).toEqual(await scanRoundCounts(db, campaign, FORMS[ci]!));
        expect(ORGANIZATION_TYPES.reduce((n, type) => n + counts.byType[type].submitted, 0)).toBe(N);
      }
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });
});

describe('reports, targets and organization types changing concurrently', () => {
  it('keep the right counts, without deadlocks between writes of one report per statement', async () => {
    // What the application does: one report per statement, the submission row first.
    const appOps = new Set<Op['kind']>(['step', 'submit', 'unsubmit', 'late', 'target', 'orgType', 'delete']);
    const errors: string[] = [];
    for (let round = 0; round < 4; round++) {
      const world = await createWorld(['chi_bo_co_so', 'dang_bo_co_so', 'chi_bo_truc_thuoc', 'chi_bo_co_so'], [
        [true, true, true, false],
        [true, false, true, true],
      ]);
      await Promise.all(
        Array.from({ length: 8 }, async (_, worker) => {
          const ops = fc
            .sample(opArb, { numRuns: 200, seed: round * 100 + worker })
            .filter((op) => appOps.has(op.kind))
            .slice(0, 30);
          for (const op of ops) {
            try {
              await apply(world, op);
            } catch (error) {
              const e = error as { code?: string; message?: string };
              // A report deleted by another worker between ensureSubmission and the write is the test's own race.
              if (e.code !== '23503') errors.push(`${op.kind}: ${e.code} ${e.message}`);
            }
          }
        }),
      );
      await expectAgreement(world);
    }
    expect(errors).toEqual([]);
  });
});

describe('bulk writes the application makes elsewhere', () => {
  it('an organization import that changes types (INSERT … ON CONFLICT DO UPDATE) moves targets and reports', async () => {
    const orgs = await insertOrgs(db, ['chi_bo_co_so', 'chi_bo_co_so']);
    const campaign = await insertCampaign(db, formA);
    await db.insertInto('campaign_targets').values(orgs.map((org) => ({ campaign_id: campaign, organization_id: org }))).execute();
    await submittedReport(campaign, formA, orgs[0]!, [['q_int', raw({ num: 3 })]]);
    const codes = await db.selectFrom('organizations').select(['code', 'name']).where('id', 'in', orgs).orderBy('id').execute();
    await sql`insert into organizations (code, name, type)
      select code, name, 'dang_bo_co_so' from unnest(${codes.map((r) => r.code)}::text[], ${codes.map((r) => r.name)}::text[]) as v(code, name)
      on conflict (code) do update set type = excluded.type`.execute(db);
    const counts = await readRoundCounts(db, campaign, formA);
    expect(counts).toEqual(await scanRoundCounts(db, campaign, formA));
    expect(counts.byType.dang_bo_co_so).toMatchObject({ targets: 2, submitted: 1 });
    expect(counts.byType.chi_bo_co_so).toMatchObject({ targets: 0, submitted: 0 });
  });
});

// Last: it empties every report of the file's database.
describe('a TRUNCATE', () => {
  it('rebuilds the figures from what is left', async () => {
    const [org] = await insertOrgs(db, ['chi_bo_co_so']);
    const campaign = await insertCampaign(db, formA);
    await db.insertInto('campaign_targets').values({ campaign_id: campaign, organization_id: org! }).execute();
    await submittedReport(campaign, formA, org!, [['q_int', raw({ num: 3 })], ['q_dt', raw({ date: '2026-04-04' })]]);
    await sql`truncate answers`.execute(db);
    const counts = await readRoundCounts(db, campaign, formA);
    expect(counts).toEqual(await scanRoundCounts(db, campaign, formA));
    expect(counts.byType.chi_bo_co_so).toMatchObject({ targets: 1, submitted: 1, questions: new Map() });
    expect(counts.ranges).toEqual(new Map());
  });
});
