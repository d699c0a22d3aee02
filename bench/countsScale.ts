/**
 * What the round's counts cost: the maintained aggregates (readRoundCounts) against the
 * full scan of the answers (scanRoundCounts) on the same campaign, and what the triggers
 * that maintain them add to an answer write.
 *
 *   measureCounts(db, campaignId, form)  → p50 of each reader (for the reports bench)
 *   measureAnswerWrites(db)              → answer upserts with and without the triggers
 *
 * Run alone (`npx tsx bench/countsScale.ts [organizations]`, default 50,000) it seeds a
 * fresh database — every organization a target, submitted, a 28-question form of every
 * type — checks that both readers agree and prints both measures.
 */
import { sql, type Kysely } from 'kysely';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { Database } from '../src/db/schema.js';
import type { Form, FormInput } from '../src/forms/schema.js';
import { readRoundCounts, scanRoundCounts } from '../src/reports/counts.js';
import { freshDatabase, ms, percentile } from './support.js';
import { syncSyntheticForms } from './syntheticForms.js';

async function p50(runs: number, f: () => Promise<unknown>): Promise<number> {
  await f(); // warm: plans, caches
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await f();
    times.push(performance.now() - start);
  }
  return percentile(times.sort((a, b) => a - b), 50);
}

/** The median time of each reader over `runs` runs, after one warm-up each. */
export async function measureCounts(db: Kysely<Database>, campaignId: string, form: Form, runs = 15): Promise<{ maintainedMs: number; scanMs: number }> {
  const maintainedMs = await p50(runs, () => readRoundCounts(db, campaignId, form));
  const scanMs = await p50(Math.max(3, Math.ceil(runs / 3)), () => scanRoundCounts(db, campaignId, form));
  return { maintainedMs, scanMs };
}

export interface AnswerWriteCost {
  /** Mean µs per single-answer statement shaped as the dialogue's step write (submission row + answer upsert). */
  draftStep: { withTriggers: number; withoutTriggers: number };
  /** The same on a submitted report (an edit after submission): the recount runs. */
  submittedStep: { withTriggers: number; withoutTriggers: number };
  /** A bare answer upsert on a draft (no submission update in the statement). */
  draftUpsert: { withTriggers: number; withoutTriggers: number };
}

/**
 * `writes` answer writes on one draft and one submitted report, with the figure triggers
 * and with every user trigger of answers and submissions disabled (ALTER TABLE … DISABLE
 * TRIGGER USER: run this on a bench database only). Writes cycle over the form's number
 * questions, so most are updates of an existing answer as in a real dialogue.
 */
export async function measureAnswerWrites(db: Kysely<Database>, campaignId: string, form: Form, writes = 2000): Promise<AnswerWriteCost> {
  const keys = form.questions.filter((q) => q.type === 'integer').map((q) => q.key);
  const { rows: orgs } = await sql<{ id: string }>`
    insert into organizations (code, name, type) values ('BENCH_W1', 'Bench 1', 'chi_bo_co_so'), ('BENCH_W2', 'Bench 2', 'chi_bo_co_so')
    on conflict (code) do update set name = excluded.name returning id`.execute(db);
  await sql`insert into campaign_targets (campaign_id, organization_id) select ${campaignId}, unnest(${orgs.map((o) => o.id)}::bigint[]) on conflict do nothing`.execute(db);
  const ids: string[] = [];
  for (const [i, org] of orgs.entries()) {
    const { rows } = await sql<{ id: string }>`
      insert into submissions (campaign_id, organization_id, cursor, status) values (${campaignId}, ${org.id}, '{}', ${i === 0 ? 'draft' : 'submitted'})
      on conflict (campaign_id, organization_id) do update set status = excluded.status returning id`.execute(db);
    ids.push(rows[0]!.id);
  }
  const [draftId, submittedId] = ids as [string, string];

  const step = (id: string, n: number) => sql`
    with upd as (update submissions set step = step + 1, updated_at = now() where id = ${id} returning id)
    insert into answers (submission_id, question_key, value, num_value, skipped, confirmed_outlier, answered_at)
    select upd.id, ${keys[n % keys.length]!}::text, to_jsonb(${n}::int), ${n}::numeric, false, false, now() from upd
    on conflict (submission_id, question_key) do update set value = excluded.value, num_value = excluded.num_value,
      skipped = excluded.skipped, confirmed_outlier = excluded.confirmed_outlier, answered_at = excluded.answered_at`;
  const upsert = (id: string, n: number) => sql`
    insert into answers (submission_id, question_key, value, num_value, skipped, confirmed_outlier, answered_at)
    values (${id}, ${keys[n % keys.length]!}, to_jsonb(${n}::int), ${n}, false, false, now())
    on conflict (submission_id, question_key) do update set value = excluded.value, num_value = excluded.num_value,
      skipped = excluded.skipped, confirmed_outlier = excluded.confirmed_outlier, answered_at = excluded.answered_at`;

  // One connection, so every write pays the same round trip; commits without waiting for
  // the WAL flush, whose time (the disk's) would hide the triggers' own.
  const time = (write: (n: number) => ReturnType<typeof step>) =>
    db.connection().execute(async (conn) => {
      await sql`set synchronous_commit to off`.execute(conn);
      for (let n = 0; n < 200; n++) await write(n).execute(conn); // warm
      const start = performance.now();
      for (let n = 0; n < writes; n++) await write(n).execute(conn);
      const perWrite = ((performance.now() - start) * 1000) / writes;
      await sql`reset synchronous_commit`.execute(conn);
      return perWrite;
    });
  const setTriggers = async (enabled: boolean) => {
    const verb = sql.raw(enabled ? 'enable' : 'disable');
    await sql`alter table answers ${verb} trigger user`.execute(db);
    await sql`alter table submissions ${verb} trigger user`.execute(db);
  };

  const measure = async () => ({
    draftStep: await time((n) => step(draftId, n)),
    submittedStep: await time((n) => step(submittedId, n)),
    draftUpsert: await time((n) => upsert(draftId, n)),
  });
  // Interleaved, three times each, the median kept: less noise from the machine.
  const runs: Array<{ on: boolean; r: Awaited<ReturnType<typeof measure>> }> = [];
  try {
    for (const on of [true, false, true, false, true, false]) {
      await setTriggers(on);
      runs.push({ on, r: await measure() });
    }
  } finally {
    await setTriggers(true);
  }
  const best = (on: boolean, k: keyof AnswerWriteCost) => percentile(runs.filter((x) => x.on === on).map((x) => x.r[k]).sort((a, b) => a - b), 50);
  const pair = (k: keyof AnswerWriteCost) => ({ withTriggers: best(true, k), withoutTriggers: best(false, k) });
  // The submitted report got its answers while the triggers were off: recount it, so the figures are right again.
  await sql`select figure_recount(array[${submittedId}::bigint])`.execute(db);
  return { draftStep: pair('draftStep'), submittedStep: pair('submittedStep'), draftUpsert: pair('draftUpsert') };
}

// ---------------------------------------------------------------- standalone run

const choices = ['a', 'b', 'c', 'd'].map((v) => ({ value: v, label: `Lựa chọn ${v}` }));
const TYPES = ['integer', 'yes_no', 'choice', 'decimal', 'multi_choice', 'text', 'date'] as const;

/** 28 questions, every type four times. */
function scaleFormDefinition(): FormInput {
  return {
    id: 'counts_scale',
    version: 1,
    title: 'Biểu mẫu thử: mọi loại câu hỏi',
    questions: Array.from({ length: 28 }, (_, i) => {
      const type = TYPES[i % TYPES.length]!;
      const base = { key: `cau_${i + 1}`, text: `Câu ${i + 1}?` };
      switch (type) {
        case 'choice':
        case 'multi_choice':
          return { ...base, type, choices };
        default:
          return { ...base, type };
      }
    }),
  };
}

/** One INSERT … SELECT per question: typed columns as the reporting service fills them. */
function answerSelect(form: Form, campaignId: string) {
  return form.questions.map((q) => {
    const typed = (() => {
      switch (q.type) {
        case 'integer':
          return sql`(random() * 40)::int::numeric, null::boolean, null::text, null::date, null::text[]`;
        case 'decimal':
          return sql`round((random() * 100)::numeric, 2), null::boolean, null::text, null::date, null::text[]`;
        case 'yes_no':
          return sql`null::numeric, random() < 0.7, null::text, null::date, null::text[]`;
        case 'choice':
          return sql`null::numeric, null::boolean, (array['a','b','c','d'])[1 + floor(random() * 4)::int], null::date, null::text[]`;
        case 'multi_choice':
          return sql`null::numeric, null::boolean, null::text, null::date,
            array_remove(array[case when random() < 0.5 then 'a' end, case when random() < 0.3 then 'b' end, case when random() < 0.6 then 'c' end], null)`;
        case 'text':
          return sql`null::numeric, null::boolean, case when random() < 0.8 then 'Nội dung ' || s.id end, null::date, null::text[]`;
        case 'date':
          return sql`null::numeric, null::boolean, null::text, date '2026-01-01' + (random() * 300)::int, null::text[]`;
      }
    })();
    return sql`
      insert into answers (submission_id, question_key, value, num_value, bool_value, text_value, date_value, choice_values, skipped)
      select id, ${q.key}, to_jsonb(coalesce(num::text, b::text, txt, d::text, array_to_string(cs, ','), '')), num, b, txt, d, cs, false
      from (select s.id, ${typed} from submissions s where s.campaign_id = ${campaignId}) as v(id, num, b, txt, d, cs)`;
  });
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 50_000);
  const db = await freshDatabase('baocao_counts_bench', 12);
  try {
    const [form] = await syncSyntheticForms(db, [scaleFormDefinition()]);
    const step = async (label: string, f: () => Promise<unknown>) => {
      const start = performance.now();
      await f();
      console.log(`${label.padEnd(52)} ${ms(performance.now() - start)}`);
    };
    let campaignId = '';
    await step(`${count} organizations, one campaign, all targets`, async () => {
      await sql`insert into organizations (code, name, type)
        select 'S' || lpad(i::text, 6, '0'), 'Chi bộ ' || i,
          (array['chi_bo_co_so', 'dang_bo_co_so', 'chi_bo_truc_thuoc'])[1 + i % 3]
        from generate_series(1, ${count}) i`.execute(db);
      const { rows } = await sql<{ id: string }>`insert into campaigns (form_id, form_version, period_label, opens_at, due_at)
        values (${form!.id}, ${form!.version}, 'Năm 2026', now() - interval '1 day', now() + interval '10 days') returning id`.execute(db);
      campaignId = rows[0]!.id;
      await sql`insert into campaign_targets (campaign_id, organization_id) select ${campaignId}, id from organizations`.execute(db);
    });
    await step('drafts, with 28 answers each', async () => {
      await sql`insert into submissions (campaign_id, organization_id, cursor) select ${campaignId}, id, '{}' from organizations`.execute(db);
      for (const insert of answerSelect(form!, campaignId)) await insert.execute(db);
    });
    await step('all submitted in one UPDATE (recounted by 1,000)', () =>
      sql`update submissions set status = 'submitted', late = (random() < 0.1) where campaign_id = ${campaignId}`.execute(db),
    );
    await sql`analyze`.execute(db);

    const [maintained, scanned] = await Promise.all([readRoundCounts(db, campaignId, form!), scanRoundCounts(db, campaignId, form!)]);
    console.log(`readers agree: ${isDeepStrictEqual(maintained, scanned)}`);
    const { maintainedMs, scanMs } = await measureCounts(db, campaignId, form!);
    console.log(`readRoundCounts p50 (maintained)                     ${ms(maintainedMs)}`);
    console.log(`scanRoundCounts p50 (full scan)                      ${ms(scanMs)}`);

    const cost = await measureAnswerWrites(db, campaignId, form!);
    const us = (n: number) => `${n.toFixed(0)} µs`;
    for (const [label, c] of Object.entries(cost) as Array<[string, { withTriggers: number; withoutTriggers: number }]>) {
      console.log(`${label.padEnd(14)} with triggers ${us(c.withTriggers).padStart(8)}   without ${us(c.withoutTriggers).padStart(8)}   (+${us(c.withTriggers - c.withoutTriggers)})`);
    }
    const [after, reference] = await Promise.all([readRoundCounts(db, campaignId, form!), scanRoundCounts(db, campaignId, form!)]);
    console.log(`readers agree after the write bench: ${isDeepStrictEqual(after, reference)}`);
  } finally {
    await db.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
