/**
 * The workbook of a 50,000-organization round: time, peak RSS and size of the file.
 * `npx tsx bench/workbookScale.ts [organizations]` seeds a throwaway database
 * (baocao_bench_workbook, dropped at the end) with generate_series, builds the summary
 * and writes the workbook to a sink that only counts bytes.
 */
import { pathToFileURL } from 'node:url';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { createDb } from '../src/db/connect.js';
import type { Database } from '../src/db/schema.js';
import type { Form } from '../src/forms/schema.js';
import { buildSummary, type Summary } from '../src/reports/figures.js';
import { writeWorkbook } from '../src/reports/xlsx.js';
import { createCampaign } from '../src/services/campaigns.js';
import { FormCache } from '../src/services/forms.js';
import { ManualClock } from '../src/time.js';
import { countingSink, DATABASE_SERVER, freshDatabase } from './support.js';

export interface WorkbookMeasure {
  ms: number;
  peakRssMb: number;
  bytes: number;
}

const MB = 1024 * 1024;

/**
 * Writes the campaign's workbook to a sink that counts the bytes (taking each chunk on
 * the next tick, as a socket would) and samples process.memoryUsage().rss every 20 ms
 * and at every chunk. RSS is the whole process's: the baseline is included.
 */
export async function measureWorkbook(db: Kysely<Database>, campaignId: string, summary: Summary, form: Form): Promise<WorkbookMeasure> {
  if (summary.campaign.id !== campaignId) throw new Error(`measureWorkbook: the summary is of campaign ${summary.campaign.id}, not ${campaignId}`);
  const sink = countingSink();
  const started = performance.now();
  try {
    await writeWorkbook({ summary, form, db }, sink.sink);
  } finally {
    sink.stop();
  }
  const ms = performance.now() - started;
  return { ms, peakRssMb: sink.peakRss() / MB, bytes: sink.bytes() };
}

const LONG_TEXT =
  'Đề nghị cấp ủy cấp trên tăng cường tập huấn, bồi dưỡng nghiệp vụ công tác dân vận cho cán bộ cơ sở; ' +
  'quan tâm bố trí kinh phí thực hiện Quy chế dân chủ và nhân rộng các mô hình «Dân vận khéo» tiêu biểu.';

/**
 * A round of `count` organizations on the QCDC form (14 questions): 2% đảng bộ cơ sở with
 * 9 chi bộ trực thuộc each, the rest chi bộ cơ sở; one reporter each (every 50th unreachable);
 * 90% submitted (every 10th of them late), 5% drafts, 5% not started; every submitted report
 * answers the 14 questions, a third write a limitation, a fifth a proposal.
 */
export async function seedRound(db: Kysely<Database>, count: number): Promise<string> {
  const parents = Math.floor(count * 0.02);
  const cells = parents * 9;
  await sql`insert into organizations (code, name, type)
    select 'DB' || lpad(i::text, 6, '0'), 'Đảng bộ số ' || i, 'dang_bo_co_so' from generate_series(1, ${parents}) i`.execute(db);
  await sql`insert into organizations (code, name, type, parent_id)
    select 'DB' || lpad((1 + (i - 1) / 9)::text, 6, '0') || '-' || (1 + (i - 1) % 9), 'Chi bộ trực thuộc số ' || i, 'chi_bo_truc_thuoc', p.id
    from generate_series(1, ${cells}) i join organizations p on p.code = 'DB' || lpad((1 + (i - 1) / 9)::text, 6, '0')`.execute(db);
  await sql`insert into organizations (code, name, type)
    select 'CB' || lpad(i::text, 6, '0'), 'Chi bộ cơ sở số ' || i || ' <b>A & B</b>', 'chi_bo_co_so' from generate_series(1, ${count - parents - cells}) i`.execute(db);
  await sql`insert into people (display_name) select 'Bí thư ' || o.id from organizations o order by o.id`.execute(db);
  await sql`insert into identities (channel, external_id, person_id, unreachable_at, unreachable_reason)
    select 'telegram', (1000000 + p.id)::text, p.id, case when p.id % 50 = 0 then now() end, case when p.id % 50 = 0 then 'Forbidden: bot was blocked by the user' end
    from people p`.execute(db);
  await sql`insert into memberships (person_id, organization_id)
    select p.id, substr(p.display_name, 8)::bigint from people p`.execute(db);

  const at = (local: string) => new Date(`${local}:00+07:00`);
  const { id: campaignId } = await createCampaign(
    db,
    { formId: 'dan_van_qcdc', periodLabel: 'Năm 2026', opensAt: at('2026-12-01T00:00'), dueAt: at('2026-12-15T17:00'), organizationCodes: 'all', reminderOffsets: [] },
    new ManualClock(at('2026-11-23T09:00')),
  );
  // n = row number by code: 0..89 of every 100 submitted, 90..94 drafts, 95..99 nothing.
  await sql`insert into submissions (campaign_id, organization_id, status, cursor, first_submitted_at, last_submitted_at, late, late_reason)
    select ${campaignId}, o.id, case when o.n % 100 < 90 then 'submitted' else 'draft' end, '{}'::jsonb,
      case when o.n % 100 < 90 then timestamptz '2026-12-14 10:00+07' + (o.n % 97) * interval '1 minute' + (case when o.n % 10 = 3 then interval '2 days' else interval '0' end) end,
      case when o.n % 100 < 90 then timestamptz '2026-12-14 10:00+07' + (o.n % 97) * interval '1 minute' + (case when o.n % 10 = 3 then interval '2 days' else interval '0' end) end,
      o.n % 100 < 90 and o.n % 10 = 3,
      case when o.n % 100 < 90 and o.n % 10 = 3 then 'Bí thư đi công tác, đơn vị ' || o.code end
    from (select id, code, row_number() over (order by code) - 1 as n from organizations) o
    where o.n % 100 < 95`.execute(db);
  const submitted = sql`from submissions s where s.campaign_id = ${campaignId} and s.status = 'submitted'`;
  const yesNo = async (key: string, cond: string) =>
    sql`insert into answers (submission_id, question_key, value, bool_value)
      select s.id, ${key}, to_jsonb(${sql.raw(cond)}), ${sql.raw(cond)} ${submitted}`.execute(db);
  const integer = async (key: string, expr: string) =>
    sql`insert into answers (submission_id, question_key, value, num_value)
      select s.id, ${key}, to_jsonb(${sql.raw(expr)}), ${sql.raw(expr)} ${submitted}`.execute(db);
  const choice = async (key: string, expr: string) =>
    sql`insert into answers (submission_id, question_key, value, text_value)
      select s.id, ${key}, to_jsonb(${sql.raw(expr)}), ${sql.raw(expr)} ${submitted}`.execute(db);
  await yesNo('ban_chi_dao', 's.id % 7 <> 0');
  await yesNo('bcd_quy_che', 's.id % 5 <> 0');
  await integer('so_mo_hinh_dvk', '(s.id % 6)::int');
  await yesNo('dang_ky_mo_hinh', 's.id % 3 = 0');
  await choice('ten_mo_hinh', `'Mô hình «Dân vận khéo» số ' || s.id`);
  await yesNo('hoi_nghi_nld', 's.id % 4 <> 0');
  await choice('thoa_uoc', `(array['da_ky', 'chua_ky', 'khong_ap_dung'])[1 + s.id % 3]`);
  await integer('so_doi_thoai', '(s.id % 5)::int');
  await integer('so_tap_huan', '(10 + s.id % 40)::int');
  await integer('khen_tap_the', '(s.id % 3)::int');
  await integer('khen_ca_nhan', '(s.id % 4)::int');
  await choice('tu_danh_gia', `(array['tot', 'tot', 'tot', 'kha', 'trung_binh', 'yeu'])[1 + s.id % 6]`);
  await sql`insert into answers (submission_id, question_key, value, text_value, skipped)
    select s.id, 'han_che', case when s.id % 3 = 0 then to_jsonb(${LONG_TEXT}::text) else 'null'::jsonb end,
      case when s.id % 3 = 0 then ${LONG_TEXT} end, s.id % 3 <> 0 ${submitted}`.execute(db);
  await sql`insert into answers (submission_id, question_key, value, text_value, skipped)
    select s.id, 'kien_nghi', case when s.id % 5 = 0 then to_jsonb('Kiến nghị của đơn vị ' || s.id) else 'null'::jsonb end,
      case when s.id % 5 = 0 then 'Kiến nghị của đơn vị ' || s.id end, s.id % 5 <> 0 ${submitted}`.execute(db);
  await sql`analyze`.execute(db);
  return campaignId;
}

/** WORKBOOK_BENCH_KEEP=1 keeps the seeded database and reuses it on the next run. */
const KEEP = process.env.WORKBOOK_BENCH_KEEP === '1';

async function seededDatabase(name: string, count: number): Promise<{ db: Kysely<Database>; campaignId: string }> {
  if (KEEP) {
    const db = createDb(`${DATABASE_SERVER}/${name}`, { max: 4 });
    const found = await db
      .selectFrom('campaigns')
      .select('id')
      .where(sql<boolean>`(select count(*) from campaign_targets t where t.campaign_id = campaigns.id) = ${count}`)
      .executeTakeFirst()
      .catch(() => undefined);
    if (found) return { db, campaignId: found.id };
    await db.destroy();
  }
  const db = await freshDatabase(name, 4);
  const seedStart = performance.now();
  const campaignId = await seedRound(db, count);
  console.log(`seeded ${count} organizations in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  return { db, campaignId };
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 50_000);
  const name = 'baocao_bench_workbook';
  const { db, campaignId } = await seededDatabase(name, count);
  try {
    const forms = new FormCache(db);
    const summary = (await buildSummary(db, campaignId, forms, new Date('2026-12-16T02:00:00Z')))!;
    const form = await forms.get(summary.campaign.formId, summary.campaign.formVersion);
    console.log(`targets ${summary.targets.total}, submitted ${summary.submitted.total}, late ${summary.submitted.late}, questions ${form.questions.length}`);
    const baseline = process.memoryUsage().rss / MB;
    const result = await measureWorkbook(db, campaignId, summary, form);
    console.log(
      `workbook: ${(result.ms / 1000).toFixed(2)} s, peak RSS ${result.peakRssMb.toFixed(0)} MB (baseline ${baseline.toFixed(0)} MB), ${(result.bytes / MB).toFixed(1)} MB written`,
    );
  } finally {
    await db.destroy();
    if (!KEEP) {
      const admin = new pg.Client({ connectionString: `${DATABASE_SERVER}/postgres` });
      await admin.connect();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
