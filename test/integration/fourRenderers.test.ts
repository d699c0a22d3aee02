/**
 * One round, four renderers: the chat text, the workbook, the Word draft and the chart
 * all read the same figures, so the same totals appear in each.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { sql, type Kysely } from 'kysely';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import type { Form } from '../../src/forms/schema.js';
import { WorkbookAbandonedError } from '../../src/reports/abandoned.js';
import { artifactBytes, prepareArtifact, type ArtifactDeps } from '../../src/reports/artifacts.js';
import { chartData } from '../../src/reports/chart.js';
import { ANNEX_ANSWERS_PER_QUESTION, buildSummary, type ChoiceFigures, type NumberFigures, type Summary } from '../../src/reports/figures.js';
import { MAX_PARENT_COLUMNS } from '../../src/reports/parents.js';
import { renderSummary } from '../../src/reports/text.js';
import { FormCache } from '../../src/services/forms.js';
import { ManualClock } from '../../src/time.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { at, bundledForm, insertCampaign, insertOrg, insertReport, seedForms } from '../support/fixtures.js';

let t: TestDb;
let db: Kysely<Database>;
let form: Form;
let summary: Summary;
let deps: ArtifactDeps;
const NOW = at('2026-12-16T09:00');

const RATINGS = ['htxs', 'htt', 'htt', 'ht', 'htt', 'khong_ht', 'htxs'];

beforeAll(async () => {
  t = await createTestDb('four_renderers');
  db = t.db;
  await seedForms(db);
  form = await bundledForm('xep_loai_to_chuc_dang');
  await insertOrg(db, { code: 'DB01', name: 'Đảng bộ Công ty Điện lực', type: 'dang_bo_co_so' });
  for (let i = 1; i <= 3; i++) await insertOrg(db, { code: `CT0${i}`, name: `Chi bộ trực thuộc ${i}`, parentCode: 'DB01' });
  for (let i = 1; i <= 4; i++) await insertOrg(db, { code: `CB0${i}`, name: `Chi bộ cơ sở ${i}`, type: 'chi_bo_co_so' });
  const campaignId = await insertCampaign(db, { formId: form.id, due: '2026-12-20T17:00' });
  const codes = ['DB01', 'CT01', 'CT02', 'CT03', 'CB01', 'CB02', 'CB03'];
  for (const [i, code] of codes.entries()) {
    const members = 10 + i;
    await insertReport(db, campaignId, form, code, {
      tong_dang_vien: members,
      dv_htxs: 1,
      dv_htt: members - 3,
      dv_ht: 1,
      dv_khong_ht: 1,
      diem_tu_cham: 80 + i,
      tu_xep_loai: RATINGS[i]!,
    });
  }
  deps = { db, forms: new FormCache(db), clock: new ManualClock(NOW), letterhead: { subject: 'Đảng bộ Khối' } };
  summary = (await buildSummary(db, campaignId, deps.forms, NOW))!;
});

afterAll(() => t.drop());

const numberFigure = (key: string) => summary.questions.find((q) => q.key === key) as NumberFigures;
const ratingFigure = () => summary.questions.find((q) => q.kind === 'choice') as ChoiceFigures;

describe('the four renderers of one round', () => {
  it('agree on the members total and the ratings', async () => {
    const members = numberFigure('tong_dang_vien').sum;
    expect(members).toBe(10 + 11 + 12 + 13 + 14 + 15 + 16);
    const rating = ratingFigure();
    const counts = Object.fromEntries(rating.choices.map((c) => [c.value, c.count]));
    expect(counts).toMatchObject({ htxs: 2, htt: 3, ht: 1, khong_ht: 1 });

    // Chat text.
    expect(renderSummary(summary, 'plain')).toContain(`${members} đảng viên được đánh giá`);

    // Workbook: the Tổng hợp row of the question, and the column of Chi tiết.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await artifactBytes((await prepareArtifact(deps, summary.campaign.id, 'xlsx'))!)) as unknown as ArrayBuffer);
    const overview: unknown[][] = [];
    workbook.getWorksheet('Tổng hợp')!.eachRow((row) => overview.push(Array.from(row.values as unknown[])));
    const membersRow = overview.find((r) => r.some((v) => typeof v === 'string' && v.toLowerCase().includes('đảng viên được đánh giá')));
    expect(membersRow).toContain(members);
    expect(detailMembers(workbook)).toBe(members);
    // Per parent đảng bộ: DB01 with its three chi bộ trực thuộc.
    expect(overview.flat().some((v) => v === 'Đảng bộ Công ty Điện lực')).toBe(true);

    // Word draft.
    const zip = await JSZip.loadAsync(await artifactBytes((await prepareArtifact(deps, summary.campaign.id, 'docx'))!));
    const text = (await zip.file('word/document.xml')!.async('string')).replace(/<[^>]+>/g, '');
    expect(text).toContain(`Đảng bộ Khối có ${members} đảng viên được đánh giá`);

    // Chart: the rating panel plots the same counts.
    const panels = chartData(summary);
    const ratingPanel = panels.find((p) => p.labels.includes('Hoàn thành tốt nhiệm vụ'));
    expect(ratingPanel?.datasets[0]?.data).toEqual(rating.choices.map((c) => c.count));
  });

  it('name the parents in Tổng hợp as columns for a province, and point to the filter at national scale', async () => {
    const many = MAX_PARENT_COLUMNS + 1;
    for (let i = 1; i <= many; i++) {
      await insertOrg(db, { code: `PX${String(i).padStart(3, '0')}`, name: `Đảng bộ ${i}`, type: 'dang_bo_co_so' });
      await insertOrg(db, { code: `PX${String(i).padStart(3, '0')}-1`, name: `Chi bộ trực thuộc của ${i}`, parentCode: `PX${String(i).padStart(3, '0')}` });
    }
    const national = await insertCampaign(db, { formId: form.id, periodLabel: 'Năm 2027', opens: '2027-12-01T00:00', due: '2027-12-20T17:00' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await artifactBytes((await prepareArtifact(deps, national, 'xlsx'))!)) as unknown as ArrayBuffer);
    const cells: string[] = [];
    workbook.getWorksheet('Tổng hợp')!.eachRow((row) => cells.push(...Array.from(row.values as unknown[], (v) => String(v ?? ''))));
    // Its own 61 and DB01 of the first round.
    expect(cells.some((c) => c.includes(`Đợt có ${many + 1} đảng bộ cơ sở có chi bộ trực thuộc, quá nhiều`))).toBe(true);
    expect(cells).not.toContain('Đảng bộ 1');
  });

  it('are not built for a round that does not exist', async () => {
    for (const kind of ['xlsx', 'docx', 'png'] as const) expect(await prepareArtifact(deps, '999999', kind)).toBeUndefined();
    expect(await prepareArtifact(deps, 'not-a-round', 'xlsx')).toBeUndefined();
  });
});

/** The members column of Chi tiết, summed over its rows. */
function detailMembers(workbook: ExcelJS.Workbook): number {
  const details = workbook.getWorksheet('Chi tiết')!;
  const column = Array.from(details.getRow(1).values as unknown[], (v) => String(v ?? '')).findIndex((h) => h.includes('Tổng số đảng viên'));
  let sum = 0;
  details.eachRow((row, n) => {
    const value = row.getCell(column).value;
    if (n > 1 && typeof value === 'number') sum += value;
  });
  return sum;
}

describe('a file written while reports come in', () => {
  it('reads its totals and its rows from one snapshot', async () => {
    const campaignId = await insertCampaign(db, { formId: form.id, periodLabel: 'Quý I/2027', due: '2026-12-20T17:00' });
    const report = (members: number) => ({ tong_dang_vien: members, dv_htxs: 1, dv_htt: members - 3, dv_ht: 1, dv_khong_ht: 1, diem_tu_cham: 90, tu_xep_loai: 'htt' });
    await insertReport(db, campaignId, form, 'CB01', report(10));
    await insertReport(db, campaignId, form, 'CB02', report(20));
    // A secretary submits the moment the file is being written, once its round was read.
    const forms = new FormCache(db);
    let writing = false;
    let submitted = false;
    const racing: FormCache = Object.create(forms, {
      get: {
        value: async (...args: Parameters<FormCache['get']>) => {
          if (writing && !submitted) {
            submitted = true;
            await insertReport(db, campaignId, form, 'CB03', report(30));
          }
          return forms.get(...args);
        },
      },
    });
    const artifact = (await prepareArtifact({ ...deps, forms: racing }, campaignId, 'xlsx'))!;
    writing = true;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await artifactBytes(artifact)) as unknown as ArrayBuffer);
    expect(submitted).toBe(true);

    const overview: unknown[][] = [];
    workbook.getWorksheet('Tổng hợp')!.eachRow((row) => overview.push(Array.from(row.values as unknown[])));
    const membersRow = overview.find((r) => r.some((v) => typeof v === 'string' && v.toLowerCase().includes('đảng viên được đánh giá')));
    expect(membersRow).toContain(30);
    expect(detailMembers(workbook)).toBe(30);
    // Submitted meanwhile: in the next file, in all of its sheets.
    const next = new ExcelJS.Workbook();
    await next.xlsx.load((await artifactBytes((await prepareArtifact(deps, campaignId, 'xlsx'))!)) as unknown as ArrayBuffer);
    expect(detailMembers(next)).toBe(60);
  });
});

describe('a file downloaded slowly or not at all', () => {
  /** Backends of this database inside a transaction (the test's own pool is idle between statements). */
  const openTransactions = async () =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from pg_stat_activity where datname = current_database() and xact_start is not null and pid <> pg_backend_pid()`.execute(db))
        .rows[0]!.n,
    );

  it('holds no transaction while the reader is slow', async () => {
    const artifact = (await prepareArtifact(deps, summary.campaign.id, 'xlsx'))!;
    // Nobody reads: the copy stalls on its first bytes.
    const stalled = new PassThrough({ highWaterMark: 16 });
    const written = artifact.write(stalled);
    await new Promise((resolve) => stalled.once('readable', resolve));
    expect(await openTransactions()).toBe(0);
    const chunks: Buffer[] = [];
    stalled.on('data', (chunk: Buffer) => chunks.push(chunk));
    await written;
    expect(Buffer.concat(chunks).subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('stops when the download is cancelled', async () => {
    const artifact = (await prepareArtifact(deps, summary.campaign.id, 'xlsx'))!;
    const cancelled = new PassThrough();
    cancelled.destroy();
    await expect(artifact.write(cancelled)).rejects.toBeInstanceOf(WorkbookAbandonedError);
  });
});

describe('a round with more free-text answers than the Word annex prints', () => {
  it('prints the first ANNEX_ANSWERS_PER_QUESTION by code and counts the rest; the workbook has them all', async () => {
    const n = ANNEX_ANSWERS_PER_QUESTION + 3;
    const codes = Array.from({ length: n }, (_, i) => `YK${String(i + 1).padStart(3, '0')}`);
    for (const code of codes) await insertOrg(db, { code, name: `Chi bộ ${code}`, type: 'chi_bo_co_so' });
    const campaignId = await insertCampaign(db, { formId: form.id, periodLabel: 'Quý II/2027', due: '2026-12-20T17:00', orgCodes: codes });
    // In reverse, so the annex's order is the codes' and not the reports'.
    for (const code of [...codes].reverse()) await insertReport(db, campaignId, form, code, { ghi_chu: `Ý kiến của ${code}` });

    const zip = await JSZip.loadAsync(await artifactBytes((await prepareArtifact(deps, campaignId, 'docx'))!));
    const xml = await zip.file('word/document.xml')!.async('string');
    const paragraphs = [...xml.matchAll(/<w:p(?:\s[^>]*)?>([\s\S]*?)<\/w:p>/g)].map((p) => p[1]!.replace(/<[^>]+>/g, ''));
    expect(paragraphs).toContain(`3.1. Ghi chú (${n})`);
    const answers = paragraphs.filter((p) => /^YK\d{3} — /.test(p));
    expect(answers).toEqual(codes.slice(0, ANNEX_ANSWERS_PER_QUESTION).map((code) => `${code} — Chi bộ ${code}: Ý kiến của ${code}`));
    expect(paragraphs[paragraphs.indexOf(answers.at(-1)!) + 1]).toBe('Ngoài ra còn 03 ý kiến khác; toàn bộ ý kiến xem tại trang «Ý kiến» của tệp Excel tổng hợp.');

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await artifactBytes((await prepareArtifact(deps, campaignId, 'xlsx'))!)) as unknown as ArrayBuffer);
    expect(workbook.getWorksheet('Ý kiến')!.actualRowCount).toBe(1 + n);
  });
});
