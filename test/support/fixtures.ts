/**
 * Rows a test needs before it can exercise a use case: organizations, people
 * bound to them, the bundled forms, a campaign. Written straight into the test's
 * own database so each test states only what it cares about.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database, OrganizationType } from '../../src/db/schema.js';
import { bundledFormsDir, loadFormsFromDir } from '../../src/forms/load.js';
import type { AnswerValue, Form } from '../../src/forms/schema.js';
import { typedColumns } from '../../src/services/reportState.js';
import { createCampaign } from '../../src/services/campaigns.js';
import { syncBundledForms } from '../../src/services/forms.js';
import { ManualClock } from '../../src/time.js';

let bundled: Promise<Form[]> | undefined;

/** The forms under forms/, parsed once per test file. */
export function bundledForms(): Promise<Form[]> {
  bundled ??= loadFormsFromDir(bundledFormsDir);
  return bundled;
}

export async function bundledForm(id: string): Promise<Form> {
  const form = (await bundledForms()).find((f) => f.id === id);
  if (!form) throw new Error(`no bundled form ${id}`);
  return form;
}

export async function seedForms(db: Kysely<Database>): Promise<void> {
  await syncBundledForms(db, await bundledForms());
}

export interface OrgSeed {
  code: string;
  name?: string;
  type?: OrganizationType;
  parentCode?: string;
}

export async function insertOrg(db: Kysely<Database>, seed: OrgSeed): Promise<string> {
  const parent = seed.parentCode
    ? await db.selectFrom('organizations').select('id').where('code', '=', seed.parentCode).executeTakeFirstOrThrow()
    : undefined;
  const row = await db
    .insertInto('organizations')
    .values({
      code: seed.code,
      name: seed.name ?? `Chi bộ ${seed.code}`,
      type: seed.type ?? (seed.parentCode ? 'chi_bo_truc_thuoc' : 'chi_bo_co_so'),
      parent_id: parent?.id ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface PersonSeed {
  /** The person's Telegram id (their identity on the Telegram channel). */
  telegramUserId: number;
  /** Their Zalo id as well, or instead when telegramUserId is 0. */
  zaloUserId?: string;
  name?: string;
  admin?: boolean;
  /** Organization ids the person reports for. */
  orgIds?: string[];
}

export async function insertPerson(db: Kysely<Database>, seed: PersonSeed): Promise<string> {
  const row = await db
    .insertInto('people')
    .values({ display_name: seed.name ?? `Người ${seed.telegramUserId || seed.zaloUserId}`, is_admin: seed.admin ?? false })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (seed.telegramUserId) await db.insertInto('identities').values({ channel: 'telegram', external_id: String(seed.telegramUserId), person_id: row.id }).execute();
  if (seed.zaloUserId) await db.insertInto('identities').values({ channel: 'zalo', external_id: seed.zaloUserId, person_id: row.id }).execute();
  for (const orgId of seed.orgIds ?? []) {
    await db.insertInto('memberships').values({ person_id: row.id, organization_id: orgId }).execute();
  }
  return row.id;
}

export interface NumberedOrgsSeed {
  /** Organizations `${letter}001`…: code letter and digits. */
  letter: string;
  digits: number;
  count: number;
  /** The reporter of organization i (from 1) has chat id firstChat + i − 1 and is named "Bí thư i". */
  firstChat: number;
}

/** `count` organizations with one reporter each, in three statements however many there are. */
export async function insertNumberedOrgs(db: Kysely<Database>, seed: NumberedOrgsSeed): Promise<void> {
  const { letter, digits, count, firstChat } = seed;
  const code = (n: RawBuilder<unknown>) => sql`${letter}::text || lpad(${n}::text, ${digits}::int, '0')`;
  await sql`insert into organizations (code, name, type) select ${code(sql`i`)}, 'Chi bộ ' || ${code(sql`i`)}, 'chi_bo_co_so' from generate_series(1, ${count}) i`.execute(db);
  await sql`with p as (insert into people (display_name) select 'Bí thư ' || i from generate_series(1, ${count}) i returning id, display_name)
    insert into identities (channel, external_id, person_id)
    select 'telegram', (${firstChat - 1} + substr(display_name, 8)::int)::text, id from p`.execute(db);
  await sql`insert into memberships (person_id, organization_id) select i.person_id, o.id from identities i
    join organizations o on o.code = ${code(sql`(i.external_id::bigint - ${firstChat - 1})`)}
    where i.channel = 'telegram' and i.external_id::bigint between ${firstChat} and ${firstChat + count - 1}`.execute(db);
}

export interface CampaignSeed {
  formId?: string;
  periodLabel?: string;
  /** Local time, 'YYYY-MM-DDTHH:mm' at +07:00. */
  opens?: string;
  due?: string;
  orgCodes?: 'all' | string[];
}

export const at = (local: string): Date => new Date(`${local}:00+07:00`);

export async function insertCampaign(db: Kysely<Database>, seed: CampaignSeed = {}): Promise<string> {
  const { id } = await createCampaign(
    db,
    {
      formId: seed.formId ?? 'dan_van_qcdc',
      periodLabel: seed.periodLabel ?? 'Năm 2026',
      opensAt: at(seed.opens ?? '2026-12-01T00:00'),
      dueAt: at(seed.due ?? '2026-12-15T17:00'),
      organizationCodes: seed.orgCodes ?? 'all',
    },
    new ManualClock(at('2026-11-23T09:00')),
  );
  return id;
}

export interface StoredReportSeed {
  status?: 'draft' | 'submitted';
  late?: boolean;
  lateReason?: string;
  submittedAt?: Date;
}

/**
 * A report of `code` to the campaign with these answers, stored the way the reporting
 * service stores them (typed columns filled); the submission's id.
 */
export async function insertReport(
  db: Kysely<Database>,
  campaignId: string,
  form: Form,
  code: string,
  answers: Record<string, AnswerValue>,
  seed: StoredReportSeed = {},
): Promise<string> {
  const org = await db.selectFrom('organizations').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  const status = seed.status ?? 'submitted';
  const submittedAt = status === 'submitted' ? (seed.submittedAt ?? new Date()) : null;
  const submission = await db
    .insertInto('submissions')
    .values({
      campaign_id: campaignId,
      organization_id: org.id,
      status: 'draft',
      cursor: JSON.stringify({}),
      late_reason: seed.lateReason ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const rows = Object.entries(answers).map(([key, value]) => {
    const question = form.questions.find((q) => q.key === key);
    if (!question) throw new Error(`no question ${key} in ${form.id}`);
    return { submission_id: submission.id, question_key: key, value: JSON.stringify(value), skipped: value === null, ...typedColumns(question, value) };
  });
  if (rows.length > 0) await db.insertInto('answers').values(rows).execute();
  // Submitted last, as the dialogue does: the answers are in place when the report counts.
  if (status === 'submitted') {
    await db
      .updateTable('submissions')
      .set({ status, first_submitted_at: submittedAt, last_submitted_at: submittedAt, late: seed.late ?? false })
      .where('id', '=', submission.id)
      .execute();
  }
  return submission.id;
}
