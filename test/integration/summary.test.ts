/**
 * The consolidated report against a real database: figures aggregated in SQL,
 * the Vietnamese lines rendered from them, capped lists at scale.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import type { AnswerValue, Form } from '../../src/forms/schema.js';
import { splitText } from '../../src/text/split.js';
import { buildSummary, getSummaryCampaign, listNotSubmitted, type ChoiceFigures, type Summary } from '../../src/reports/figures.js';
import { renderNotSubmitted, renderSummary } from '../../src/reports/text.js';
import { FormCache } from '../../src/services/forms.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { at, bundledForm, insertCampaign, insertOrg, insertReport, seedForms } from '../support/fixtures.js';

let t: TestDb;
let db: Kysely<Database>;
let forms: FormCache;
const NOW = at('2026-12-16T09:00');
const EVIL = '<b>A & B</b>';
const EVIL_HTML = '&lt;b&gt;A &amp; B&lt;/b&gt;';
/** A count padded to two digits ("05", "03/09", "00/04"): the formal document's way, which a chat message never writes. */
const PADDED_COUNT = /(?<![\d.,:/])0\d(?![\d:/])|(?<![\d.,:/])0\d\/\d+(?![\d/])|(?<![\d/])\d+\/0\d(?![\d/])/;

interface SubmissionSeed {
  status?: 'draft' | 'submitted';
  late?: boolean;
  lateReason?: string;
}

/** Writes a submission and its answers the way the reporting service stores them (typed columns filled). */
async function submit(
  campaignId: string,
  form: Form,
  code: string,
  answers: Record<string, AnswerValue>,
  seed: SubmissionSeed = {},
): Promise<void> {
  await insertReport(db, campaignId, form, code, answers, { ...seed, submittedAt: at(seed.late ? '2026-12-15T20:00' : '2026-12-14T10:00') });
}

/** The id of `code`'s submission to the campaign, as a subquery for changing its answers. */
function submissionOf(campaignId: string, code: string) {
  return db
    .selectFrom('submissions as s')
    .innerJoin('organizations as o', 'o.id', 's.organization_id')
    .select('s.id')
    .where('s.campaign_id', '=', campaignId)
    .where('o.code', '=', code);
}

/** Changes one choice answer of `code`'s report, its typed column included. */
async function changeChoice(campaignId: string, code: string, key: string, value: string): Promise<void> {
  await db
    .updateTable('answers')
    .set({ text_value: value, value: JSON.stringify(value) })
    .where('question_key', '=', key)
    .where('submission_id', 'in', submissionOf(campaignId, code))
    .execute();
}

function linesOf(text: string): string[] {
  return text.split('\n');
}

beforeAll(async () => {
  t = await createTestDb('summary');
  db = t.db;
  forms = new FormCache(db);
  await seedForms(db);
  await insertOrg(db, { code: 'D1', name: 'Đảng bộ Công ty Điện lực', type: 'dang_bo_co_so' });
  await insertOrg(db, { code: 'D2', name: 'Đảng bộ Sở Y tế', type: 'dang_bo_co_so' });
  await insertOrg(db, { code: 'D3', name: EVIL, type: 'dang_bo_co_so' });
  for (const n of [1, 2, 3, 4, 5, 6]) await insertOrg(db, { code: `C${n}`, type: 'chi_bo_co_so' });
  await insertOrg(db, { code: 'T1', name: 'Chi bộ Phòng Kế toán', parentCode: 'D1' });
});

afterAll(async () => {
  await t?.drop();
});

const BASE_CODES = ['D1', 'D2', 'D3', 'C1', 'C2', 'C3', 'C4', 'C5', 'C6'];

describe('QCDC campaign: 9 base organizations, 4 submitted, 1 draft', () => {
  let campaignId: string;
  let form: Form;
  let summary: Summary;
  let html: string;
  let plain: string;

  beforeAll(async () => {
    form = await bundledForm('dan_van_qcdc');
    campaignId = await insertCampaign(db, { formId: 'dan_van_qcdc', orgCodes: BASE_CODES });
    const common = { hoi_nghi_nld: true, kien_nghi: null };
    await submit(campaignId, form, 'D1', {
      ...common,
      ban_chi_dao: true,
      bcd_quy_che: true,
      so_mo_hinh_dvk: 3,
      dang_ky_mo_hinh: true,
      ten_mo_hinh: 'Mô hình A',
      thoa_uoc: 'da_ky',
      so_doi_thoai: 2,
      so_tap_huan: 10,
      khen_tap_the: 1,
      khen_ca_nhan: 0,
      tu_danh_gia: 'tot',
      han_che: 'Thiếu kinh phí',
    });
    await submit(
      campaignId,
      form,
      'D3',
      {
        ...common,
        ban_chi_dao: true,
        bcd_quy_che: false,
        so_mo_hinh_dvk: 5,
        dang_ky_mo_hinh: false,
        thoa_uoc: 'da_ky',
        so_doi_thoai: 1,
        so_tap_huan: 20,
        khen_tap_the: 2,
        khen_ca_nhan: 0,
        tu_danh_gia: 'tot',
        han_che: '   ',
      },
      { late: true, lateReason: 'Bí thư đi công tác <dài ngày>' },
    );
    await submit(campaignId, form, 'C1', {
      ...common,
      ban_chi_dao: false,
      so_mo_hinh_dvk: 0,
      dang_ky_mo_hinh: false,
      thoa_uoc: 'chua_ky',
      so_doi_thoai: 0,
      so_tap_huan: 5,
      khen_tap_the: 0,
      khen_ca_nhan: 0,
      tu_danh_gia: 'kha',
      han_che: 'Ít đảng viên',
    });
    await submit(
      campaignId,
      form,
      'C2',
      {
        ban_chi_dao: true,
        bcd_quy_che: true,
        so_mo_hinh_dvk: 2,
        dang_ky_mo_hinh: true,
        ten_mo_hinh: 'Mô hình B',
        hoi_nghi_nld: false,
        thoa_uoc: 'da_ky',
        so_doi_thoai: 3,
        so_tap_huan: 7,
        khen_tap_the: 2,
        khen_ca_nhan: 0,
        tu_danh_gia: 'tot',
        han_che: null,
        kien_nghi: null,
      },
      { late: true },
    );
    // A draft counts for nothing, not even as "submitted".
    await submit(campaignId, form, 'C3', { ban_chi_dao: true, so_mo_hinh_dvk: 100, khen_ca_nhan: 9, tu_danh_gia: 'yeu', han_che: 'nháp' }, { status: 'draft' });
    // T1 is not a target of this campaign: its (impossible in practice) submission must not count.
    await submit(campaignId, form, 'T1', { ban_chi_dao: true, so_mo_hinh_dvk: 1000, khen_ca_nhan: 50, tu_danh_gia: 'yeu' });

    summary = (await buildSummary(db, campaignId, forms, NOW))!;
    html = renderSummary(summary, 'html');
    plain = renderSummary(summary, 'plain');
  });

  it('counts targets by type, submitted, on time and late from submitted target reports only', () => {
    expect(summary.campaign.formTitle).toBe('Công tác dân vận và thực hiện Quy chế dân chủ ở cơ sở');
    expect(summary.campaign.periodLabel).toBe('Năm 2026');
    expect(summary.campaign.pastDue).toBe(true);
    expect(summary.campaign.closed).toBe(false);
    expect(summary.targets).toEqual({ total: 9, byType: { dang_bo_co_so: 3, chi_bo_co_so: 6, chi_bo_truc_thuoc: 0 } });
    expect(summary.submitted).toEqual({ total: 4, onTime: 2, late: 2, byType: { dang_bo_co_so: 2, chi_bo_co_so: 2, chi_bo_truc_thuoc: 0 } });
    expect(summary.notSubmitted).toEqual({
      total: 5,
      first: [
        { code: 'C3', name: 'Chi bộ C3' },
        { code: 'C4', name: 'Chi bộ C4' },
        { code: 'C5', name: 'Chi bộ C5' },
        { code: 'C6', name: 'Chi bộ C6' },
        { code: 'D2', name: 'Đảng bộ Sở Y tế' },
      ],
    });
    expect(summary.late).toEqual({
      total: 2,
      first: [
        { code: 'C2', name: 'Chi bộ C2', lateReason: null },
        { code: 'D3', name: EVIL, lateReason: 'Bí thư đi công tác <dài ngày>' },
      ],
    });
  });

  it('aggregates every question type in form order', () => {
    const byKey = new Map(summary.questions.map((q) => [q.key, q]));
    expect(summary.questions.map((q) => q.key)).toEqual(form.questions.map((q) => q.key));
    expect(byKey.get('so_mo_hinh_dvk')).toMatchObject({ kind: 'number', sum: 10, answered: 4 });
    expect(byKey.get('so_tap_huan')).toMatchObject({ kind: 'number', sum: 42, answered: 4 });
    expect(byKey.get('khen_ca_nhan')).toMatchObject({ kind: 'number', sum: 0, answered: 4 });
    expect(byKey.get('ban_chi_dao')).toMatchObject({ kind: 'yes_no', yes: 3, no: 1, answered: 4, share: 0.75 });
    expect(byKey.get('bcd_quy_che')).toMatchObject({ kind: 'yes_no', yes: 2, no: 1, answered: 3 });
    expect(byKey.get('ten_mo_hinh')).toMatchObject({ kind: 'text', nonEmpty: 2 });
    expect(byKey.get('han_che')).toMatchObject({ kind: 'text', nonEmpty: 2 });
    expect(byKey.get('kien_nghi')).toMatchObject({ kind: 'text', nonEmpty: 0, answered: 0 });
    const tuDanhGia = byKey.get('tu_danh_gia') as ChoiceFigures;
    expect(tuDanhGia.choices.map((c) => [c.value, c.count])).toEqual([
      ['tot', 3],
      ['kha', 1],
      ['trung_binh', 0],
      ['yeu', 0],
    ]);
    // The target counts over all 9 target organizations; past the deadline it has a verdict.
    expect(tuDanhGia.target).toEqual({
      label: 'tổ chức cơ sở đảng thực hiện tốt QCDC và phong trào thi đua «Dân vận khéo»',
      choices: ['tot'],
      share: 0.8,
      count: 3,
      base: 9,
      actualShare: 3 / 9,
      submitted: 4,
      submittedShare: 0.75,
      reached: false,
      verdict: 'not_reached',
    });
    const thoaUoc = byKey.get('thoa_uoc') as ChoiceFigures;
    expect(thoaUoc.choices).toEqual([
      { value: 'da_ky', label: 'Đã ký', count: 3, phrase: 'đơn vị đã ký Thỏa ước lao động tập thể' },
      { value: 'chua_ky', label: 'Chưa ký', count: 1, phrase: 'đơn vị chưa ký Thỏa ước lao động tập thể' },
      { value: 'khong_ap_dung', label: 'Không áp dụng', count: 0, phrase: 'đơn vị không thuộc diện ký Thỏa ước lao động tập thể' },
    ]);
  });

  it('renders the heading, deadline and progress lines, one organization a line', () => {
    expect(linesOf(plain).slice(0, 18)).toEqual([
      'TỔNG HỢP BÁO CÁO: Công tác dân vận và thực hiện Quy chế dân chủ ở cơ sở',
      'Kỳ báo cáo: Năm 2026',
      'Hạn chót: 17:00 thứ Ba, 15/12/2026 (đã hết hạn)',
      'Số liệu tính đến 16/12/2026 09:00.',
      '',
      'Tình hình nộp báo cáo',
      'Đối tượng báo cáo: 9 tổ chức cơ sở đảng, trong đó 3 đảng bộ cơ sở và 6 chi bộ cơ sở.',
      'Đã nộp 4/9 (44,4%): đúng hạn 2, muộn 2.',
      'Đã nộp theo loại hình: đảng bộ cơ sở 2/3; chi bộ cơ sở 2/6.',
      'Chưa nộp (5):',
      '• C3 — Chi bộ C3',
      '• C4 — Chi bộ C4',
      '• C5 — Chi bộ C5',
      '• C6 — Chi bộ C6',
      '• D2 — Đảng bộ Sở Y tế',
      'Nộp muộn (2):',
      '• C2 — Chi bộ C2',
      `• D3 — ${EVIL}: Bí thư đi công tác <dài ngày>`,
    ]);
    // Every organization is listed: no line pointing to the rest.
    expect(plain).not.toContain('tổ chức khác');
    expect(linesOf(html)[0]).toBe('<b>TỔNG HỢP BÁO CÁO: Công tác dân vận và thực hiện Quy chế dân chủ ở cơ sở</b>');
    expect(linesOf(html)).toContain(`• D3 — ${EVIL_HTML}: Bí thư đi công tác &lt;dài ngày&gt;`);
  });

  it('renders one line per question: sums, yes shares, choices with "không có", the target', () => {
    const figures = linesOf(plain).slice(linesOf(plain).indexOf('Kết quả tổng hợp') + 1);
    expect(figures).toEqual([
      '- 75% (3/4) tổ chức cơ sở đảng thành lập Ban Chỉ đạo thực hiện QCDC.',
      '- 66,7% (2/3) Ban Chỉ đạo có quy chế hoạt động và kế hoạch hằng năm.',
      '- 10 mô hình «Dân vận khéo» đang được duy trì.',
      '- 50% (2/4) tổ chức cơ sở đảng đăng ký mô hình «Dân vận khéo» mới.',
      '- Tên mô hình «Dân vận khéo» đăng ký mới: 2 tổ chức có nội dung.',
      '- 75% (3/4) đơn vị tổ chức Hội nghị người lao động (cán bộ, công chức, viên chức).',
      '- 3/4 đơn vị đã ký Thỏa ước lao động tập thể; 1 đơn vị chưa ký Thỏa ước lao động tập thể; không có đơn vị không thuộc diện ký Thỏa ước lao động tập thể.',
      '- 6 cuộc đối thoại định kỳ với người lao động.',
      '- 42 đồng chí tham dự tập huấn.',
      '- 5 tập thể được khen thưởng.',
      '- Không có cá nhân được khen thưởng.',
      '- 3/4 tổ chức cơ sở đảng tự đánh giá thực hiện QCDC tốt; 1 tổ chức cơ sở đảng tự đánh giá thực hiện QCDC khá; không có tổ chức cơ sở đảng tự đánh giá thực hiện QCDC trung bình; không có tổ chức cơ sở đảng tự đánh giá thực hiện QCDC yếu.',
      '- Chỉ tiêu 80% tổ chức cơ sở đảng thực hiện tốt QCDC và phong trào thi đua «Dân vận khéo»: có 3/9 tổ chức (33,3%); riêng các tổ chức đã nộp: 3/4 (75%) — chưa đạt chỉ tiêu.',
      '- Hạn chế, khó khăn: 2 tổ chức có nội dung.',
      '- Đề xuất, kiến nghị: không có tổ chức nào nêu nội dung.',
    ]);
  });

  it('writes counts as a person writes them in a message: no two-digit padding', () => {
    expect(plain).not.toMatch(PADDED_COUNT);
    expect(html).not.toMatch(PADDED_COUNT);
    expect(plain).toMatch(/\b\d\/\d\b/);
  });

  it('escapes every database value in html and adds no tags in plain', () => {
    expect(html).toContain(EVIL_HTML);
    expect(html).not.toContain(EVIL);
    // The only tags in html are the renderer's own <b>…</b>, each closed on its line.
    const tags = html.match(/<[^>]*>/g) ?? [];
    expect(new Set(tags)).toEqual(new Set(['<b>', '</b>']));
    for (const line of linesOf(html)) expect((line.match(/<b>/g) ?? []).length).toBe((line.match(/<\/b>/g) ?? []).length);
    // plain: the raw values, and nothing that looks like a tag besides them.
    expect(plain).toContain(EVIL);
    expect(plain.replaceAll(EVIL, '').replaceAll('<dài ngày>', '')).not.toMatch(/[<>]/);
    expect(plain).not.toContain('&amp;');
  });

  it('does not call the target reached from the reports in alone, and follows changed answers', async () => {
    await changeChoice(campaignId, 'C1', 'tu_danh_gia', 'tot');
    // Every report in says "Tốt", but 5 of the 9 targets have not reported past the deadline.
    const after = (await buildSummary(db, campaignId, forms, NOW))!;
    expect((after.questions.find((q) => q.key === 'tu_danh_gia') as ChoiceFigures).target).toMatchObject({
      count: 4,
      base: 9,
      submittedShare: 1,
      reached: false,
      verdict: 'not_reached',
    });
    const line = linesOf(renderSummary(after, 'plain')).find((l) => l.startsWith('- Chỉ tiêu'));
    expect(line).toBe(
      '- Chỉ tiêu 80% tổ chức cơ sở đảng thực hiện tốt QCDC và phong trào thi đua «Dân vận khéo»: có 4/9 tổ chức (44,4%); riêng các tổ chức đã nộp: 4/4 (100%) — chưa đạt chỉ tiêu.',
    );
    // The same figures before the deadline: no verdict yet.
    const before = (await buildSummary(db, campaignId, forms, at('2026-12-10T08:00')))!;
    expect(linesOf(renderSummary(before, 'plain')).find((l) => l.startsWith('- Chỉ tiêu'))).toBe(
      '- Chỉ tiêu 80% tổ chức cơ sở đảng thực hiện tốt QCDC và phong trào thi đua «Dân vận khéo»: có 4/9 tổ chức (44,4%); riêng các tổ chức đã nộp: 4/4 (100%) — chưa đủ báo cáo để kết luận.',
    );
  });

  it('says how many organizations a sum covers when some did not answer', async () => {
    await db
      .deleteFrom('answers')
      .where('question_key', '=', 'so_tap_huan')
      .where('submission_id', 'in', submissionOf(campaignId, 'C2'))
      .execute();
    const after = (await buildSummary(db, campaignId, forms, NOW))!;
    expect(after.questions.find((q) => q.key === 'so_tap_huan')).toMatchObject({ sum: 35, answered: 3 });
    expect(linesOf(renderSummary(after, 'plain'))).toContain('- 35 đồng chí tham dự tập huấn (số liệu của 3/4 tổ chức).');
  });

  it('lists the organizations that have not submitted for /chuanop', async () => {
    const list = await listNotSubmitted(db, campaignId, { limit: 3 });
    expect(list).toEqual({
      total: 5,
      first: [
        { code: 'C3', name: 'Chi bộ C3' },
        { code: 'C4', name: 'Chi bộ C4' },
        { code: 'C5', name: 'Chi bộ C5' },
      ],
    });
    const campaign = (await getSummaryCampaign(db, campaignId, NOW))!;
    expect(linesOf(renderNotSubmitted({ campaign }, list, 'plain'))).toEqual([
      'CHƯA NỘP BÁO CÁO: Công tác dân vận và thực hiện Quy chế dân chủ ở cơ sở — Năm 2026',
      'Hạn chót: 17:00 thứ Ba, 15/12/2026 (đã hết hạn)',
      'Còn 5 tổ chức chưa nộp báo cáo:',
      '1. C3 — Chi bộ C3',
      '2. C4 — Chi bộ C4',
      '3. C5 — Chi bộ C5',
      '… và 2 tổ chức khác.',
    ]);
  });

  it('returns undefined for a campaign that does not exist', async () => {
    expect(await buildSummary(db, '999999', forms, NOW)).toBeUndefined();
    expect(await buildSummary(db, 'abc', forms, NOW)).toBeUndefined();
  });
});

describe('the 80% target over all target organizations: 5 targets, reports coming in', () => {
  let campaignId: string;
  let form: Form;
  const BEFORE_DUE = at('2026-12-10T08:00');
  const PAST_DUE = at('2026-12-16T09:00');
  const TARGET = '- Chỉ tiêu 80% tổ chức cơ sở đảng thực hiện tốt QCDC và phong trào thi đua «Dân vận khéo»: ';

  const report = (overrides: Record<string, AnswerValue>): Record<string, AnswerValue> => ({
    ban_chi_dao: true,
    bcd_quy_che: true,
    so_mo_hinh_dvk: 1,
    dang_ky_mo_hinh: false,
    hoi_nghi_nld: true,
    thoa_uoc: 'da_ky',
    so_doi_thoai: 1,
    so_tap_huan: 1,
    khen_tap_the: 0,
    khen_ca_nhan: 0,
    tu_danh_gia: 'tot',
    han_che: null,
    kien_nghi: null,
    ...overrides,
  });

  async function render(now: Date): Promise<{ summary: Summary; lines: string[] }> {
    const summary = (await buildSummary(db, campaignId, forms, now))!;
    const plain = renderSummary(summary, 'plain');
    expect(plain).not.toMatch(PADDED_COUNT);
    return { summary, lines: linesOf(plain) };
  }
  const targetOf = (summary: Summary) => (summary.questions.find((q) => q.key === 'tu_danh_gia') as ChoiceFigures).target;
  const targetLine = (lines: string[]) => lines.find((l) => l.startsWith('- Chỉ tiêu'));

  beforeAll(async () => {
    form = await bundledForm('dan_van_qcdc');
    campaignId = await insertCampaign(db, { formId: 'dan_van_qcdc', orgCodes: ['D1', 'D2', 'D3', 'C1', 'C2'] });
    // Only D1 has reported: "Tốt", no Ban Chỉ đạo, not covered by a collective agreement.
    await submit(campaignId, form, 'D1', report({ ban_chi_dao: false, bcd_quy_che: null, thoa_uoc: 'khong_ap_dung' }));
  });

  it('1 of 5 in, before the deadline: the share over all 5 counts, the share among reports is added, no verdict', async () => {
    const { summary, lines } = await render(BEFORE_DUE);
    expect(targetOf(summary)).toMatchObject({ count: 1, base: 5, actualShare: 0.2, submitted: 1, submittedShare: 1, reached: false, verdict: 'provisional' });
    expect(targetLine(lines)).toBe(`${TARGET}có 1/5 tổ chức (20%); riêng các tổ chức đã nộp: 1/1 (100%) — chưa đủ báo cáo để kết luận.`);
    // Zeros inside fractions have two digits like every other count.
    expect(lines).toContain('Đã nộp theo loại hình: đảng bộ cơ sở 1/3; chi bộ cơ sở 0/2.');
    expect(lines).toContain('- Không có tổ chức cơ sở đảng thành lập Ban Chỉ đạo thực hiện QCDC (0/1).');
    // The base goes with the first choice that has a count; the phrases read as whole predicates.
    expect(lines).toContain(
      '- Không có đơn vị đã ký Thỏa ước lao động tập thể; không có đơn vị chưa ký Thỏa ước lao động tập thể; 1/1 đơn vị không thuộc diện ký Thỏa ước lao động tập thể.',
    );
  });

  it('1 of 5 in, past the deadline: the verdict is given over all 5', async () => {
    const { summary, lines } = await render(PAST_DUE);
    expect(targetOf(summary)).toMatchObject({ count: 1, base: 5, reached: false, verdict: 'not_reached' });
    expect(targetLine(lines)).toBe(`${TARGET}có 1/5 tổ chức (20%); riêng các tổ chức đã nộp: 1/1 (100%) — chưa đạt chỉ tiêu.`);
  });

  it('1 of 5 in, round closed before the deadline: the verdict over all 5, without the share among reports', async () => {
    await db.updateTable('campaigns').set({ closed_at: at('2026-12-09T17:00') }).where('id', '=', campaignId).execute();
    try {
      const { summary, lines } = await render(BEFORE_DUE);
      expect(summary.campaign).toMatchObject({ closed: true, pastDue: false });
      expect(targetOf(summary)).toMatchObject({ count: 1, base: 5, verdict: 'not_reached' });
      expect(targetLine(lines)).toBe(`${TARGET}có 1/5 tổ chức (20%) — chưa đạt chỉ tiêu.`);
    } finally {
      await db.updateTable('campaigns').set({ closed_at: null }).where('id', '=', campaignId).execute();
    }
  });

  it('4 of 5 in, all "Tốt", before the deadline: 80% over all is still provisional', async () => {
    for (const code of ['D2', 'D3', 'C1']) await submit(campaignId, form, code, report({}));
    const { summary, lines } = await render(BEFORE_DUE);
    expect(targetOf(summary)).toMatchObject({ count: 4, base: 5, submitted: 4, reached: true, verdict: 'provisional' });
    expect(targetLine(lines)).toBe(`${TARGET}có 4/5 tổ chức (80%); riêng các tổ chức đã nộp: 4/4 (100%) — chưa đủ báo cáo để kết luận.`);
  });

  it('all 5 in, before the deadline: 4 of 5 "Tốt" reaches 80% exactly', async () => {
    await submit(campaignId, form, 'C2', report({ tu_danh_gia: 'kha', thoa_uoc: 'chua_ky' }));
    const { summary, lines } = await render(BEFORE_DUE);
    expect(targetOf(summary)).toMatchObject({ count: 4, base: 5, submitted: 5, actualShare: 0.8, reached: true, verdict: 'reached' });
    expect(targetLine(lines)).toBe(`${TARGET}có 4/5 tổ chức (80%) — đạt chỉ tiêu.`);
    expect(lines).toContain(
      '- 3/5 đơn vị đã ký Thỏa ước lao động tập thể; 1 đơn vị chưa ký Thỏa ước lao động tập thể; 1 đơn vị không thuộc diện ký Thỏa ước lao động tập thể.',
    );
  });

  it('all 5 in, one rating lowered: 3 of 5 misses the target', async () => {
    await changeChoice(campaignId, 'C1', 'tu_danh_gia', 'kha');
    const { summary, lines } = await render(BEFORE_DUE);
    expect(targetOf(summary)).toMatchObject({ count: 3, base: 5, reached: false, verdict: 'not_reached' });
    expect(targetLine(lines)).toBe(`${TARGET}có 3/5 tổ chức (60%) — chưa đạt chỉ tiêu.`);
  });
});

describe('xếp loại campaign: grouped choices, decimals, dates, every organization type', () => {
  let summary: Summary;
  let plain: string;
  let html: string;

  beforeAll(async () => {
    const form = await bundledForm('xep_loai_to_chuc_dang');
    const campaignId = await insertCampaign(db, { formId: 'xep_loai_to_chuc_dang', periodLabel: 'Năm 2026', orgCodes: 'all' });
    const ratings: Array<[string, string, number, string]> = [
      ['D1', 'htxs', 95, '2026-12-02'],
      ['D2', 'htxs', 91.5, '2026-12-03'],
      ['D3', 'htt', 88, '2026-12-04'],
      ['C1', 'htt', 80, '2026-12-05'],
      ['C2', 'htt', 75.5, '2026-12-06'],
      ['C3', 'htt', 72, '2026-12-07'],
      ['C4', 'htt', 71, '2026-12-08'],
      ['C5', 'htt', 70, '2026-12-09'],
      ['C6', 'ht', 60, '2026-12-10'],
      ['T1', 'ht', 55, '2026-12-01'],
    ];
    for (const [code, rating, score, day] of ratings) {
      await submit(campaignId, form, code, {
        tong_dang_vien: 10,
        dv_htxs: 2,
        dv_htt: 6,
        dv_ht: 2,
        dv_khong_ht: 0,
        diem_tu_cham: score,
        tu_xep_loai: rating,
        ngay_kiem_diem: day,
        ghi_chu: null,
      });
    }
    summary = (await buildSummary(db, campaignId, forms, at('2026-12-10T08:00')))!;
    plain = renderSummary(summary, 'plain');
    html = renderSummary(summary, 'html');
  });

  it('groups "hoàn thành tốt và hoàn thành xuất sắc nhiệm vụ" and spells out a zero', () => {
    const rating = summary.questions.find((q) => q.key === 'tu_xep_loai') as ChoiceFigures;
    expect(rating.groups).toEqual([{ label: 'hoàn thành tốt và hoàn thành xuất sắc nhiệm vụ', choices: ['htxs', 'htt'], count: 8 }]);
    expect(linesOf(plain)).toContain(
      '- 8/10 tổ chức cơ sở đảng hoàn thành tốt và hoàn thành xuất sắc nhiệm vụ (trong đó 2 hoàn thành xuất sắc nhiệm vụ, 6 hoàn thành tốt nhiệm vụ); 2 tổ chức cơ sở đảng hoàn thành nhiệm vụ; không có tổ chức cơ sở đảng không hoàn thành nhiệm vụ.',
    );
  });

  it('renders sums, the score range, the date range and the full breakdown by type', () => {
    const lines = linesOf(plain);
    expect(lines).toContain('Hạn chót: 17:00 thứ Ba, 15/12/2026');
    expect(lines).toContain('Đối tượng báo cáo: 10 tổ chức đảng, trong đó 3 đảng bộ cơ sở, 6 chi bộ cơ sở và 1 chi bộ trực thuộc.');
    expect(lines).toContain('Đã nộp 10/10 (100%): đúng hạn 10, không có báo cáo nộp muộn.');
    expect(lines).toContain('Đã nộp theo loại hình: đảng bộ cơ sở 3/3; chi bộ cơ sở 6/6; chi bộ trực thuộc 1/1.');
    expect(lines).toContain('Tất cả các tổ chức đã nộp báo cáo.');
    expect(lines.some((l) => l.startsWith('Nộp muộn'))).toBe(false);
    expect(lines).toContain('- 100 đảng viên được đánh giá, xếp loại.');
    expect(lines).toContain('- 20 đảng viên hoàn thành xuất sắc nhiệm vụ.');
    expect(lines).toContain('- Không có đảng viên không hoàn thành nhiệm vụ.');
    expect(lines).toContain('- Điểm tự chấm: bình quân 75,8, thấp nhất 55, cao nhất 95 (10 tổ chức trả lời).');
    expect(lines).toContain('- Ngày họp kiểm điểm: 10 tổ chức báo cáo, sớm nhất 01/12/2026, muộn nhất 10/12/2026.');
    expect(lines).toContain('- Ghi chú: không có tổ chức nào nêu nội dung.');
    const score = summary.questions.find((q) => q.key === 'diem_tu_cham');
    expect(score).toMatchObject({ kind: 'number', type: 'decimal', sum: 758, min: 55, max: 95, answered: 10 });
    expect(html).toContain('<b>Kết quả tổng hợp</b>');
    expect(plain).not.toMatch(PADDED_COUNT);
  });
});

describe('a campaign nobody has submitted yet', () => {
  it('says so instead of printing empty figures', async () => {
    const campaignId = await insertCampaign(db, { formId: 'dan_van_qcdc', periodLabel: '6 tháng đầu năm 2027', due: '2027-06-15T17:00', opens: '2027-06-01T00:00', orgCodes: ['D1', 'C1'] });
    const summary = (await buildSummary(db, campaignId, forms, at('2027-06-02T08:00')))!;
    expect(summary.submitted.total).toBe(0);
    expect(summary.questions.every((q) => q.answered === 0)).toBe(true);
    const lines = linesOf(renderSummary(summary, 'plain'));
    expect(lines).toContain('Chưa có tổ chức nào nộp báo cáo, nên chưa có số liệu tổng hợp.');
    expect(lines).toContain('Đối tượng báo cáo: 2 tổ chức cơ sở đảng, trong đó 1 đảng bộ cơ sở và 1 chi bộ cơ sở.');
    const from = lines.indexOf('Chưa nộp (2):');
    expect(lines.slice(from, from + 3)).toEqual(['Chưa nộp (2):', '• C1 — Chi bộ C1', '• D1 — Đảng bộ Công ty Điện lực']);
    expect(lines).toContain('Hạn chót: 17:00 thứ Ba, 15/06/2027');
    expect(lines).not.toContain('Kết quả tổng hợp');
    expect(lines.some((l) => l.startsWith('Đã nộp'))).toBe(false);
  });
});

describe('2,000 target organizations', () => {
  let campaignId: string;

  beforeAll(async () => {
    const codes = Array.from({ length: 2000 }, (_, i) => `TC${String(i + 1).padStart(4, '0')}`);
    await db
      .insertInto('organizations')
      .values(codes.map((code, i) => ({ code, name: `Chi bộ số ${i + 1}`, type: i < 500 ? ('dang_bo_co_so' as const) : ('chi_bo_co_so' as const) })))
      .execute();
    campaignId = await insertCampaign(db, { formId: 'dan_van_qcdc', orgCodes: codes });
    // Every organization with an odd number has submitted (1,000), a hundred of them late.
    await sql`
      insert into submissions (campaign_id, organization_id, status, cursor, first_submitted_at, late)
      select ${campaignId}::bigint, o.id, 'submitted', '{}'::jsonb, now(), (substring(o.code from 3)::int % 20 = 1)
      from organizations o where o.code like 'TC%' and substring(o.code from 3)::int % 2 = 1
    `.execute(db);
    await sql`
      insert into answers (submission_id, question_key, value, num_value)
      select s.id, 'so_mo_hinh_dvk', '2'::jsonb, 2 from submissions s where s.campaign_id = ${campaignId}::bigint
    `.execute(db);
  });

  it('caps the lists, keeps the totals right and splits into valid Telegram messages', async () => {
    const summary = (await buildSummary(db, campaignId, forms, NOW))!;
    expect(summary.targets.total).toBe(2000);
    expect(summary.targets.byType).toEqual({ dang_bo_co_so: 500, chi_bo_co_so: 1500, chi_bo_truc_thuoc: 0 });
    expect(summary.submitted).toMatchObject({ total: 1000, late: 100, onTime: 900 });
    expect(summary.notSubmitted.total).toBe(1000);
    expect(summary.notSubmitted.first).toHaveLength(30);
    expect(summary.notSubmitted.first[0]).toEqual({ code: 'TC0002', name: 'Chi bộ số 2' });
    expect(summary.notSubmitted.first[29]).toEqual({ code: 'TC0060', name: 'Chi bộ số 60' });
    expect(summary.late.total).toBe(100);
    expect(summary.late.first).toHaveLength(30);
    expect(summary.late.first[0]?.code).toBe('TC0001');
    expect(summary.questions.find((q) => q.key === 'so_mo_hinh_dvk')).toMatchObject({ sum: 2000, answered: 1000 });

    const plain = renderSummary(summary, 'plain');
    const lines = linesOf(plain);
    // The first 10 of each list, one a line, then where the rest are.
    const notSubmitted = lines.indexOf('Chưa nộp (1.000):');
    expect(lines.slice(notSubmitted + 1, notSubmitted + 12)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `• TC${String(2 * (i + 1)).padStart(4, '0')} — Chi bộ số ${2 * (i + 1)}`),
      `… và 990 tổ chức khác: xem bằng lệnh /chuanop ${campaignId} hoặc trang «Chưa nộp» của tệp Excel.`,
    ]);
    const late = lines.indexOf('Nộp muộn (100):');
    expect(lines[late + 1]).toBe('• TC0001 — Chi bộ số 1');
    expect(lines.slice(late + 11, late + 13)).toEqual(['… và 90 tổ chức khác: xem trang «Nộp muộn» của tệp Excel.', '']);
    expect(linesOf(plain)).toContain('Đã nộp 1.000/2.000 (50%): đúng hạn 900, muộn 100.');
    expect(linesOf(plain)).toContain('- 2.000 mô hình «Dân vận khéo» đang được duy trì.');
    expect(linesOf(plain)).toContain('- Cuộc đối thoại định kỳ với người lao động: chưa có số liệu.');

    const html = renderSummary(summary, 'html');
    expect(splitText(html, 4096)).toEqual([html]);
    // Cut into small messages, every chunk is within the limit and keeps its tags closed.
    const chunks = splitText(html, 500);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(500);
      expect((chunk.match(/<b>/g) ?? []).length).toBe((chunk.match(/<\/b>/g) ?? []).length);
      expect(chunk).not.toMatch(/&[a-z]*$/);
    }
  });

  it('runs the same, small number of queries for 2,000 organizations as for two', async () => {
    const smallCampaign = await insertCampaign(db, { formId: 'dan_van_qcdc', orgCodes: ['D1', 'C1'] });
    const queriesOf = async (id: string): Promise<number> => {
      let queries = 0;
      const counted = db.withPlugin({
        transformQuery: (args) => {
          queries += 1;
          return args.node;
        },
        transformResult: async (args) => args.result,
      });
      // A fresh cache each time, so both runs load the form once.
      expect(await buildSummary(counted, id, new FormCache(counted), NOW)).toBeDefined();
      return queries;
    };
    const large = await queriesOf(campaignId);
    const small = await queriesOf(smallCampaign);
    expect(large).toBeGreaterThan(0);
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(10);
  });
});
