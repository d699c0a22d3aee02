/**
 * The round's percentile for the plausibility check, read from the value histogram
 * Postgres keeps (figure_numbers): the same figure as percentile_cont over the submitted
 * reports' answers themselves, drafts left out, whatever the spread of values.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import type { Form } from '../../src/forms/schema.js';
import { roundPercentiles } from '../../src/services/percentiles.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { bundledForm, insertCampaign, insertNumberedOrgs, insertReport, seedForms } from '../support/fixtures.js';

let t: TestDb;
let db: Kysely<Database>;
let form: Form;
const ORGS = 60;
const code = (i: number) => `P${String(i).padStart(3, '0')}`;

beforeAll(async () => {
  t = await createTestDb('percentiles');
  db = t.db;
  await seedForms(db);
  form = await bundledForm('dan_van_qcdc');
  await insertNumberedOrgs(db, { letter: 'P', digits: 3, count: ORGS, firstChat: 7_100_001 });
});

afterAll(async () => {
  await t?.drop();
});

/** percentile_cont over the answers of the round's submitted reports, as the check meant it. */
async function direct(campaignId: string, key: string, fraction: number): Promise<{ p: number; n: number } | undefined> {
  const { rows } = await sql<{ p: string | null; n: string }>`
    select percentile_cont(${fraction}::float8) within group (order by a.num_value) as p, count(*) as n
    from answers a join submissions s on s.id = a.submission_id
    where s.campaign_id = ${campaignId} and s.status = 'submitted' and a.question_key = ${key} and a.num_value is not null
  `.execute(db);
  const row = rows[0];
  return row && row.p !== null ? { p: Number(row.p), n: Number(row.n) } : undefined;
}

describe('roundPercentiles', () => {
  const spreads: Array<[string, (i: number) => number]> = [
    ['many equal values and one far out', (i) => (i === 7 ? 5000 : 3)],
    ['every value different', (i) => i * 17],
    ['a few values, many times each', (i) => [0, 2, 2, 9, 40][i % 5]!],
  ];

  for (const [what, valueOf] of spreads) {
    it(`equals percentile_cont over the submitted answers: ${what}`, async () => {
      const campaignId = await insertCampaign(db, { periodLabel: what });
      for (let i = 1; i <= ORGS; i++) {
        // Every fifth report is still a draft: what it holds does not count yet.
        const status = i % 5 === 0 ? 'draft' : 'submitted';
        await insertReport(db, campaignId, form, code(i), { so_mo_hinh_dvk: status === 'draft' ? 1_000_000 : valueOf(i), so_doi_thoai: i }, { status });
      }
      const asked = new Map([
        ['so_mo_hinh_dvk', 99],
        ['so_doi_thoai', 90],
      ]);
      const got = await roundPercentiles(db, campaignId, asked);
      for (const [key, percentile] of asked) {
        const expected = (await direct(campaignId, key, percentile / 100))!;
        expect(got.get(key)?.answered, key).toBe(expected.n);
        expect(got.get(key)?.p99, key).toBeCloseTo(expected.p, 9);
      }
      expect(got.get('so_mo_hinh_dvk')!.answered).toBe(48);
      expect(got.get('so_mo_hinh_dvk')!.p99).toBeLessThan(1_000_000);
    });
  }

  it('a question nobody has answered in a submitted report has no percentile', async () => {
    const campaignId = await insertCampaign(db, { periodLabel: 'Trống' });
    await insertReport(db, campaignId, form, code(1), { so_mo_hinh_dvk: 4 }, { status: 'draft' });
    expect(await roundPercentiles(db, campaignId, new Map([['so_mo_hinh_dvk', 99]]))).toEqual(new Map());
  });
});
