/**
 * The round a round is compared with, in the summary ("so với Năm 2025") and in the
 * plausibility check ("(Năm 2025: 3)"), is the one whose period ends last before its own,
 * not the one opened last before it: a past year entered late, so that the first year in
 * the bot has something to compare with, does not become the previous round of the next.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import type { Form } from '../../src/forms/schema.js';
import { buildSummary } from '../../src/reports/figures.js';
import { FormCache } from '../../src/services/forms.js';
import { handleReportInput } from '../../src/services/reporting.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { at, bundledForm, insertCampaign, insertReport, seedForms } from '../support/fixtures.js';
import { asPrompt, open, reportScene, telegramUpdate, type ReportScene } from '../support/reporting.js';

let t: TestDb;
let db: Kysely<Database>;
let form: Form;
let s: ReportScene;
const rounds: Record<string, string> = {};

/** A round of the QCDC form for the scene's organization, opened at `opens` (local), with its report giving `models`. */
async function pastRound(label: string, opens: string, models: number): Promise<string> {
  const id = await insertCampaign(db, { periodLabel: label, orgCodes: ['CB01'] });
  // Opened and due in the past, straight into the row: no wizard accepts a deadline gone by.
  await db.updateTable('campaigns').set({ opens_at: at(opens), due_at: new Date(at(opens).getTime() + 14 * 86_400_000) }).where('id', '=', id).execute();
  const answers = Object.fromEntries(form.questions.map((q) => [q.key, q.type === 'integer' ? models : q.type === 'yes_no' ? true : q.type === 'text' ? 'Không có' : null]));
  await insertReport(db, id, form, 'CB01', { ...answers, so_mo_hinh_dvk: models });
  return id;
}

beforeAll(async () => {
  t = await createTestDb('previous_round');
  db = t.db;
  await seedForms(db);
  form = await bundledForm('dan_van_qcdc');
  // The scene's round: «Năm 2026», opened 01/12/2026.
  s = await reportScene(db, 'CB01', () => 7_700_001);
  rounds['2026'] = s.campaignId;
  rounds['2025'] = await pastRound('Năm 2025', '2025-12-01T08:00', 3);
  // Entered late, opened after «Năm 2025» and just before «Năm 2026»: the latest opened before it, yet not its previous.
  rounds['2024'] = await pastRound('Năm 2024', '2026-11-20T08:00', 300);
});

afterAll(() => t?.drop());

const previousLabel = async (campaignId: string) => (await buildSummary(db, campaignId, new FormCache(db), at('2026-12-10T09:00')))?.previous?.periodLabel;

describe('the previous round', () => {
  it('is the one whose period ends last before, whenever it was entered', async () => {
    expect(await previousLabel(rounds['2026']!)).toBe('Năm 2025');
    expect(await previousLabel(rounds['2025']!)).toBe('Năm 2024');
    expect(await previousLabel(rounds['2024']!)).toBeUndefined();
  });

  it('is what the plausibility check compares with', async () => {
    const first = await open(s);
    const me = s.people[0]!;
    let reply = asPrompt(await handleReportInput(s.deps, { event: telegramUpdate(9_100_001), personId: me, input: { kind: 'text', text: 'có' } }));
    reply = asPrompt(await handleReportInput(s.deps, { event: telegramUpdate(9_100_002), personId: me, input: { kind: 'text', text: 'có' } }));
    expect(reply.prompt.text).toContain('Câu 3/14');
    // 40 against «Năm 2025»'s 3 is far off; against «Năm 2024»'s 300 it would not be.
    reply = asPrompt(await handleReportInput(s.deps, { event: telegramUpdate(9_100_003), personId: me, input: { kind: 'text', text: '40' } }));
    expect(reply.prompt.text).toContain('(Năm 2025: 3)');
    expect(first.submissionId).toBe(reply.submissionId);
  });

  it('is never a round of the same period', async () => {
    const again = await pastRound('Năm 2025', '2026-01-10T08:00', 5);
    expect(await previousLabel(again)).toBe('Năm 2024');
  });
});
