/**
 * The round's workbook against a real database: written with the streaming writer,
 * read back with exceljs, checked cell by cell against the summary and the rows.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/connect.js';
import type { Database } from '../../src/db/schema.js';
import { formSchema, type AnswerValue, type Form, type FormInput } from '../../src/forms/schema.js';
import { buildSummary, type GroupFigures, type Summary } from '../../src/reports/figures.js';
import { detailRows, lateRows, notSubmittedRows, textAnswers, type DetailRow } from '../../src/reports/rows.js';
import { bytesOf } from '../../src/reports/artifacts.js';
import { asciiSlug } from '../../src/reports/format.js';
import { workbookFileName, writeWorkbook } from '../../src/reports/xlsx.js';
import { FormCache, syncBundledForms } from '../../src/services/forms.js';
import { createTestDb, TEST_PG_SERVER, type TestDb } from '../support/db.js';
import { at, insertCampaign, insertOrg, insertPerson, insertReport } from '../support/fixtures.js';

let t: TestDb;
let db: Kysely<Database>;
const NOW = at('2026-12-16T09:00');
const EVIL = '<b>A & B</b>';
const PROPOSAL = 'Đề nghị tăng cường bồi dưỡng nghiệp vụ cho cấp ủy viên; «Dân vận khéo» ở cơ sở…\nDòng thứ hai: "trích dẫn" & <thẻ>.';

const FORM_INPUT: FormInput = {
  id: 'bang_tinh_thu',
  version: 1,
  title: 'Báo cáo thử nghiệm bảng tính',
  questions: [
    { key: 'so_dang_vien', type: 'integer', text: 'Tổng số đảng viên của tổ chức?', summary: { label: 'đảng viên' } },
    { key: 'diem', type: 'decimal', decimals: 2, min: 0, max: 100, required: false, text: 'Điểm tự chấm (thang 100)?', summary: { label: 'điểm tự chấm' } },
    { key: 'ban_chi_dao', type: 'yes_no', text: 'Đã thành lập Ban Chỉ đạo chưa?', summary: { label: 'tổ chức có Ban Chỉ đạo' } },
    {
      key: 'xep_loai',
      type: 'choice',
      text: 'Tự xếp loại ở mức nào?',
      choices: [
        { value: 'tot', label: 'Tốt' },
        { value: 'kha', label: 'Khá' },
        { value: 'yeu', label: 'Yếu' },
      ],
      summary: {
        label: 'tổ chức tự xếp loại',
        groups: [{ label: 'tốt và khá', choices: ['tot', 'kha'] }],
        target: { choices: ['tot'], share: 0.8, label: 'tổ chức xếp loại tốt' },
      },
    },
    {
      key: 'hinh_thuc',
      type: 'multi_choice',
      text: 'Những hình thức tuyên truyền đã dùng?',
      choices: [
        { value: 'hop', label: 'Họp chi bộ' },
        { value: 'bang_tin', label: 'Bảng tin' },
        { value: 'mang', label: 'Mạng xã hội' },
      ],
    },
    { key: 'ngay_hop', type: 'date', text: 'Ngày họp kiểm điểm?', summary: { label: 'ngày họp kiểm điểm' } },
    { key: 'kien_nghi', type: 'text', required: false, text: 'Đề xuất, kiến nghị (nếu có)?', summary: { label: 'đề xuất, kiến nghị' } },
  ],
};

interface SubmissionSeed {
  status?: 'draft' | 'submitted';
  /** Local time of the (last) submission. */
  submitted?: string;
  late?: boolean;
  lateReason?: string;
}

/** A submission and its answers as the reporting service stores them, submitted at `seed.submitted` (local time). */
async function submit(campaignId: string, form: Form, code: string, answers: Record<string, AnswerValue>, seed: SubmissionSeed = {}): Promise<void> {
  const { submitted, ...rest } = seed;
  await insertReport(db, campaignId, form, code, answers, { ...rest, submittedAt: at(submitted ?? '2026-12-14T10:00') });
}

function workbookBuffer(input: Parameters<typeof writeWorkbook>[0]): Promise<Buffer> {
  return bytesOf((output) => writeWorkbook(input, output));
}

/** The sheet's rows as arrays of cell values, column 1 at index 0. */
function rowsOf(sheet: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const values = row.values as unknown[];
    rows.push(values.slice(1));
  });
  return rows;
}

async function collect<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of gen) all.push(item);
  return all;
}

let form: Form;
let campaignId: string;
let summary: Summary;
let byParent: GroupFigures[];
let workbook: ExcelJS.Workbook;
let buffer: Buffer;

const CODES = ['C1', 'C2', 'C3', 'C4', 'C5', 'D1', 'T1'];

beforeAll(async () => {
  t = await createTestDb('workbook');
  db = t.db;
  form = formSchema.parse(FORM_INPUT);
  await syncBundledForms(db, [form]);

  const d1 = await insertOrg(db, { code: 'D1', name: 'Đảng bộ Công ty Điện lực', type: 'dang_bo_co_so' });
  await insertOrg(db, { code: 'T1', name: 'Chi bộ Phòng Kế toán', parentCode: 'D1' });
  const c1 = await insertOrg(db, { code: 'C1', name: EVIL, type: 'chi_bo_co_so' });
  await insertOrg(db, { code: 'C2', name: 'Chi bộ Trường Tiểu học Hòa Bình', type: 'chi_bo_co_so' });
  const c3 = await insertOrg(db, { code: 'C3', name: 'Chi bộ Trạm Y tế', type: 'chi_bo_co_so' });
  const c4 = await insertOrg(db, { code: 'C4', name: 'Chi bộ Ấp Đông', type: 'chi_bo_co_so' });
  await insertOrg(db, { code: 'C5', name: 'Chi bộ Ấp Tây', type: 'chi_bo_co_so' });
  // Not a target: its report must appear nowhere.
  await insertOrg(db, { code: 'X9', name: 'Chi bộ ngoài đợt', type: 'chi_bo_co_so' });

  await insertPerson(db, { telegramUserId: 101, name: 'Nguyễn Văn An', orgIds: [d1] });
  const twoApps = await insertPerson(db, { telegramUserId: 103, zaloUserId: '9000000000000000001', name: 'Trần Thị Bình', orgIds: [c3, c1] });
  // Blocked the bot on Zalo only: Telegram still reaches her.
  await db
    .updateTable('identities')
    .set({ unreachable_at: at('2026-12-11T08:00'), unreachable_reason: 'Forbidden: the user has blocked the bot' })
    .where('person_id', '=', twoApps)
    .where('channel', '=', 'zalo')
    .execute();
  const unreachable = await insertPerson(db, { telegramUserId: 104, name: 'Lê Văn Cường', orgIds: [c4] });
  await db.updateTable('identities').set({ unreachable_at: at('2026-12-10T08:00'), unreachable_reason: 'Forbidden: bot was blocked by the user' }).where('person_id', '=', unreachable).execute();
  await insertPerson(db, { telegramUserId: 0, zaloUserId: '9000000000000000002', name: 'Phạm Thị Dung', orgIds: [c4] });

  // The previous round: D1 alone reported 1.000 party members.
  const previousId = await insertCampaign(db, { formId: form.id, periodLabel: 'Năm 2025', opens: '2025-12-01T00:00', due: '2025-12-15T17:00', orgCodes: ['D1'] });
  await submit(previousId, form, 'D1', { so_dang_vien: 1000, diem: 80, ban_chi_dao: true, xep_loai: 'kha', hinh_thuc: ['hop'], ngay_hop: '2025-12-05', kien_nghi: null }, { submitted: '2025-12-10T10:00' });

  campaignId = await insertCampaign(db, { formId: form.id, periodLabel: 'Năm 2026 – Đợt 1', orgCodes: CODES });
  await submit(campaignId, form, 'D1', { so_dang_vien: 1234, diem: 87.5, ban_chi_dao: true, xep_loai: 'tot', hinh_thuc: ['hop', 'bang_tin'], ngay_hop: '2026-12-10', kien_nghi: PROPOSAL }, { submitted: '2026-12-14T10:05' });
  await submit(campaignId, form, 'T1', { so_dang_vien: 20, diem: 90.25, ban_chi_dao: false, xep_loai: 'kha', hinh_thuc: ['mang'], ngay_hop: '2026-12-11', kien_nghi: '   ' });
  await submit(campaignId, form, 'C1', { so_dang_vien: 7, diem: null, ban_chi_dao: true, xep_loai: 'tot', hinh_thuc: ['hop'], ngay_hop: '2026-12-01', kien_nghi: null });
  await submit(
    campaignId,
    form,
    'C2',
    { so_dang_vien: 3, diem: 70, ban_chi_dao: true, xep_loai: 'yeu', hinh_thuc: ['hop', 'mang'], ngay_hop: '2026-12-12', kien_nghi: 'Cần thêm kinh phí <nhiều>' },
    { submitted: '2026-12-15T20:30', late: true, lateReason: 'Bí thư đi công tác <dài ngày>' },
  );
  await submit(campaignId, form, 'C3', { so_dang_vien: 999, ban_chi_dao: true, kien_nghi: 'nháp, chưa nộp' }, { status: 'draft' });
  // X9 is not a target of the round: a (impossible in practice) report of it counts for nothing.
  await submit(campaignId, form, 'X9', { so_dang_vien: 5000, kien_nghi: 'không thuộc đợt' });

  summary = (await buildSummary(db, campaignId, new FormCache(db), NOW))!;
  // A parent đảng bộ column as a caller would give it (D1 and its chi bộ trực thuộc).
  byParent = [{ key: 'D1', label: 'Đảng bộ Công ty Điện lực', targets: 2, submitted: 2, questions: summary.byType[0]!.questions }];
  buffer = await workbookBuffer({ summary, form, byParent, db });
  workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
});

afterAll(async () => {
  await t?.drop();
});

describe('the workbook of a round', () => {
  const detail = () => workbook.getWorksheet('Chi tiết')!;
  const questionColumn = (key: string) => 9 + form.questions.findIndex((q) => q.key === key);
  const detailRowOf = (code: string) => {
    const sheet = detail();
    for (let r = 2; r <= sheet.rowCount; r++) if (sheet.getCell(r, 1).value === code) return sheet.getRow(r);
    throw new Error(`no row ${code}`);
  };

  it('has the five sheets in order and a file name with an ASCII slug', () => {
    expect(buffer.subarray(0, 2).toString()).toBe('PK');
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Tổng hợp', 'Chi tiết', 'Chưa nộp', 'Nộp muộn', 'Ý kiến']);
    expect(workbookFileName(summary)).toBe(`tong-hop-${campaignId}-nam-2026-dot-1.xlsx`);
    expect(asciiSlug('Quý IV/2026 — Đảng bộ Khối Dân – Chính – Đảng')).toBe('quy-iv-2026-dang-bo-khoi-dan-chinh-dang');
  });

  it('every sheet prints on A4 landscape, as wide as the page, with its page number at the foot', () => {
    for (const sheet of workbook.worksheets) {
      expect(sheet.pageSetup, sheet.name).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
      expect(sheet.headerFooter.oddFooter, sheet.name).toBe('&CTrang &P/&N');
    }
  });

  it('every list sheet prints its header row again at the top of each page', () => {
    const lists = workbook.worksheets.filter((w) => w.name !== 'Tổng hợp');
    expect(lists.map((w) => w.name)).toEqual(['Chi tiết', 'Chưa nộp', 'Nộp muộn', 'Ý kiến']);
    for (const sheet of lists) expect(sheet.pageSetup.printTitlesRow, sheet.name).toBe('1:1');
    expect(workbook.getWorksheet('Tổng hợp')!.pageSetup.printTitlesRow).toBeUndefined();
  });

  it('Chi tiết: a header and one row per target organization, by code', () => {
    const rows = rowsOf(detail());
    expect(rows[0]).toEqual(['Mã', 'Tên tổ chức', 'Loại hình', 'Trực thuộc', 'Trạng thái', 'Nộp lúc', 'Muộn', 'Lý do nộp muộn', ...form.questions.map((q, i) => `${i + 1}. ${q.text}`)]);
    expect(rows.length - 1).toBe(summary.targets.total);
    expect(rows.slice(1).map((r) => r[0])).toEqual(CODES);
    expect(detail().getRow(1).getCell(1).font?.bold).toBe(true);
    expect(detailRowOf('T1').getCell(3).value).toBe('Chi bộ trực thuộc');
    expect(detailRowOf('T1').getCell(4).value).toBe('Đảng bộ Công ty Điện lực');
    expect(detailRowOf('D1').getCell(3).value).toBe('Đảng bộ cơ sở');
    expect(['C1', 'C3', 'C4', 'D1', 'T1'].map((c) => detailRowOf(c).getCell(5).value)).toEqual(['Đã nộp', 'Đang soạn', 'Chưa nộp', 'Đã nộp', 'Đã nộp']);
  });

  it('Chi tiết: numbers as numbers, dates as dates, Có/Không, choice labels, names literally', () => {
    const d1 = detailRowOf('D1');
    const count = d1.getCell(questionColumn('so_dang_vien'));
    expect(count.value).toBe(1234);
    expect(count.numFmt).toBe('#,##0');
    const score = detailRowOf('T1').getCell(questionColumn('diem'));
    expect(score.value).toBe(90.25);
    expect(score.numFmt).toBe('#,##0.0#');
    // A skipped answer is an empty cell.
    expect(detailRowOf('C1').getCell(questionColumn('diem')).value).toBeNull();
    const date = d1.getCell(questionColumn('ngay_hop'));
    expect(date.value).toBeInstanceOf(Date);
    expect((date.value as Date).toISOString()).toBe('2026-12-10T00:00:00.000Z');
    expect(date.numFmt).toBe('dd/mm/yyyy');
    // Submitted at 10:05 in Vietnam: the cell shows 14/12/2026 10:05.
    const submittedAt = d1.getCell(6);
    expect(submittedAt.value).toBeInstanceOf(Date);
    expect((submittedAt.value as Date).toISOString()).toBe('2026-12-14T10:05:00.000Z');
    expect(submittedAt.numFmt).toBe('dd/mm/yyyy hh:mm');
    expect(d1.getCell(questionColumn('ban_chi_dao')).value).toBe('Có');
    expect(detailRowOf('T1').getCell(questionColumn('ban_chi_dao')).value).toBe('Không');
    expect(d1.getCell(questionColumn('xep_loai')).value).toBe('Tốt');
    expect(detailRowOf('C2').getCell(questionColumn('xep_loai')).value).toBe('Yếu');
    expect(d1.getCell(questionColumn('hinh_thuc')).value).toBe('Họp chi bộ; Bảng tin');
    expect(d1.getCell(questionColumn('kien_nghi')).value).toBe(PROPOSAL);
    expect(detailRowOf('C1').getCell(2).value).toBe(EVIL);
    expect([detailRowOf('C2').getCell(7).value, detailRowOf('C2').getCell(8).value]).toEqual(['Có', 'Bí thư đi công tác <dài ngày>']);
    expect(d1.getCell(7).value).toBe('Không');
    // A draft shows nothing of its answers: the sheet adds up to the summary.
    const draft = detailRowOf('C3');
    expect(draft.getCell(questionColumn('so_dang_vien')).value).toBeNull();
    expect(draft.getCell(6).value).toBeNull();
    expect(draft.getCell(7).value).toBeNull();
  });

  it('list sheets: frozen bold header and a filter over it', () => {
    for (const name of ['Chi tiết', 'Chưa nộp', 'Nộp muộn', 'Ý kiến']) {
      const sheet = workbook.getWorksheet(name)!;
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      const filter = sheet.autoFilter as unknown;
      const ref = typeof filter === 'string' ? filter : JSON.stringify(filter);
      expect(ref).toMatch(/A1/);
      expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    }
    const lastColumn = detail().getRow(1).cellCount;
    expect(detail().autoFilter).toBe(`A1:${detail().getColumn(lastColumn).letter}1`);
    expect(detail().getColumn(2).width).toBe(40);
  });

  it('Tổng hợp: the figures equal the summary and the detail rows add up to them', () => {
    const sheet = workbook.getWorksheet('Tổng hợp')!;
    const rows = rowsOf(sheet);
    expect(rows[0]![0]).toBe('TỔNG HỢP BÁO CÁO: Báo cáo thử nghiệm bảng tính');
    expect(rows[1]![0]).toBe('Kỳ báo cáo: Năm 2026 – Đợt 1');
    expect(rows[2]![0]).toBe('Hạn chót: 17:00 thứ Ba, 15/12/2026 (đã hết hạn)');
    expect(rows[3]![0]).toBe('Số liệu tính đến 16/12/2026 09:00.');
    const header = rows.find((r) => r[0] === 'Chỉ tiêu')!;
    expect(header.slice(1)).toEqual(['Số liệu', 'Toàn bộ', 'Đảng bộ cơ sở', 'Chi bộ cơ sở', 'Chi bộ trực thuộc', 'Đảng bộ Công ty Điện lực', 'Năm 2025', 'Tăng (+) / giảm (−) so với năm 2025']);

    const row = (label: string, figure?: string) => {
      const start = rows.findIndex((r) => r[0] === label);
      expect(start, label).toBeGreaterThanOrEqual(0);
      if (figure === undefined) return rows[start]!;
      for (let i = start; i < rows.length; i++) if (rows[i]![1] === figure) return rows[i]!;
      throw new Error(`no ${figure} under ${label}`);
    };
    const progress = (item: string) => Array.from({ length: 5 }, (_, i) => row(item)[2 + i] ?? null);
    expect(progress('Số tổ chức phải báo cáo')).toEqual([7, 1, 5, 1, 2]);
    expect(progress('Đã nộp')).toEqual([4, 1, 2, 1, 2]);
    expect(progress('Nộp đúng hạn')).toEqual([3, 1, 1, 1, null]);
    expect(progress('Nộp muộn')).toEqual([1, 0, 1, 0, null]);
    expect(progress('Chưa nộp')).toEqual([3, 0, 3, 0, 0]);
    expect(summary.submitted).toMatchObject({ total: 4, onTime: 3, late: 1 });

    // The integer sum: summary == Tổng hợp == the column of Chi tiết over submitted rows.
    const members = summary.questions.find((q) => q.key === 'so_dang_vien')!;
    expect(members).toMatchObject({ kind: 'number', sum: 1264 });
    const detailSum = rowsOf(detail())
      .slice(1)
      .filter((r) => r[4] === 'Đã nộp')
      .reduce((s: number, r) => s + ((r[questionColumn('so_dang_vien') - 1] as number | null) ?? 0), 0);
    expect(detailSum).toBe(1264);
    const sumRow = row('Đảng viên', 'Tổng số');
    expect(sumRow.slice(2)).toEqual([1264, 1234, 10, 20, 1234, 1000, 264]);
    const cell = sheet.getRow(rows.indexOf(sumRow) + 1).getCell(3);
    expect(cell.numFmt).toBe('#,##0');

    const average = row('Điểm tự chấm', 'Bình quân');
    expect(average[2]).toBeCloseTo((87.5 + 90.25 + 70) / 3, 10);
    expect(row('Điểm tự chấm', 'Thấp nhất')[2]).toBe(70);
    expect(row('Tổ chức có Ban Chỉ đạo', 'Số tổ chức trả lời «Có»').slice(2, 5)).toEqual([3, 1, 2]);
    expect(row('Tổ chức có Ban Chỉ đạo', 'Tỷ lệ «Có»')[2]).toBeCloseTo(0.75, 10);
    expect(row('Tổ chức tự xếp loại', 'Tốt').slice(2)).toEqual([2, 1, 1, 0, 1, 0, 2]);
    expect(row('Tổ chức tự xếp loại', 'Khá').slice(2)).toEqual([1, 0, 0, 1, 0, 1, 0]);
    expect(row('Tổ chức tự xếp loại', 'Cộng: tốt và khá')[2]).toBe(3);
    expect(row('Tổ chức tự xếp loại', 'Đánh giá chỉ tiêu')[2]).toBe('Chưa đạt chỉ tiêu');
    const tot = summary.questions.find((q) => q.key === 'xep_loai');
    expect(tot?.kind === 'choice' && tot.choices[0]!.count).toBe(2);
    expect(row('Những hình thức tuyên truyền đã dùng?', 'Họp chi bộ')[2]).toBe(3);
    expect(row('Đề xuất, kiến nghị', 'Số tổ chức có nội dung')[2]).toBe(2);
    const earliest = row('Ngày họp kiểm điểm', 'Sớm nhất')[2];
    expect(earliest).toBeInstanceOf(Date);
    expect((earliest as Date).toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  it('Chưa nộp: every target without a submitted report, one row per reporter, with reachability per account', () => {
    const rows = rowsOf(workbook.getWorksheet('Chưa nộp')!);
    expect(rows[0]).toEqual(['Mã', 'Tên tổ chức', 'Loại hình', 'Trạng thái', 'Người báo cáo', 'Tài khoản liên lạc', 'Liên lạc được', 'Ghi chú']);
    const body = rows.slice(1).map((r) => [r[0], r[3], r[4], r[5] ?? null, r[6], r[7] ?? null]);
    expect(body).toEqual([
      // Blocked on Zalo, reachable on Telegram: reachable, and the office reads which app refused.
      ['C3', 'Đang soạn', 'Trần Thị Bình', 'Telegram, Zalo', 'Có', 'Zalo từ chối gửi tin: Forbidden: the user has blocked the bot'],
      ['C4', 'Chưa nộp', 'Lê Văn Cường', 'Telegram', 'Không', 'Telegram từ chối gửi tin: Forbidden: bot was blocked by the user'],
      ['C4', 'Chưa nộp', 'Phạm Thị Dung', 'Zalo', 'Có', null],
      ['C5', 'Chưa nộp', 'Chưa có người báo cáo', null, 'Không', null],
    ]);
  });

  it('Chưa nộp on an installation of one channel: reachable means an account there that did not refuse messages', async () => {
    const reachability = async (channels: Array<'telegram' | 'zalo'>) => {
      const book = new ExcelJS.Workbook();
      await book.xlsx.load((await workbookBuffer({ summary, form, db, channels })) as unknown as ArrayBuffer);
      return rowsOf(book.getWorksheet('Chưa nộp')!)
        .slice(1)
        .filter((r) => r[4] !== 'Chưa có người báo cáo')
        .map((r) => [r[4], r[6], r[7] ?? null]);
    };
    expect(await reachability(['telegram'])).toEqual([
      ['Trần Thị Bình', 'Có', 'Zalo từ chối gửi tin: Forbidden: the user has blocked the bot'],
      ['Lê Văn Cường', 'Không', 'Telegram từ chối gửi tin: Forbidden: bot was blocked by the user'],
      ['Phạm Thị Dung', 'Không', 'Không có tài khoản trên kênh chat bot đang dùng'],
    ]);
    expect(await reachability(['zalo'])).toEqual([
      ['Trần Thị Bình', 'Không', 'Zalo từ chối gửi tin: Forbidden: the user has blocked the bot'],
      ['Lê Văn Cường', 'Không', 'Telegram từ chối gửi tin: Forbidden: bot was blocked by the user'],
      ['Phạm Thị Dung', 'Có', null],
    ]);
  });

  it('Nộp muộn: the late reports with their time and reason', () => {
    const rows = rowsOf(workbook.getWorksheet('Nộp muộn')!);
    expect(rows[0]).toEqual(['Mã', 'Tên tổ chức', 'Nộp lúc', 'Lý do nộp muộn']);
    expect(rows.length).toBe(2);
    expect(rows[1]![0]).toBe('C2');
    expect((rows[1]![2] as Date).toISOString()).toBe('2026-12-15T20:30:00.000Z');
    expect(rows[1]![3]).toBe('Bí thư đi công tác <dài ngày>');
  });

  it('Ý kiến: every non-empty free-text answer in full, diacritics intact', () => {
    const sheet = workbook.getWorksheet('Ý kiến')!;
    const rows = rowsOf(sheet);
    expect(rows).toEqual([
      ['Câu hỏi', 'Mã', 'Tên tổ chức', 'Nội dung'],
      ['Đề xuất, kiến nghị', 'C2', 'Chi bộ Trường Tiểu học Hòa Bình', 'Cần thêm kinh phí <nhiều>'],
      ['Đề xuất, kiến nghị', 'D1', 'Đảng bộ Công ty Điện lực', PROPOSAL],
    ]);
    expect(sheet.getRow(3).getCell(4).alignment?.wrapText).toBe(true);
  });
});

describe('a failure while writing', () => {
  it('rejects and destroys the output instead of leaving a half-written file open', async () => {
    const broken = createDb(`${TEST_PG_SERVER}/baocao_no_such_database_${process.pid}`, { max: 1 });
    const sink = new PassThrough();
    sink.resume();
    try {
      await expect(writeWorkbook({ summary, form, db: broken }, sink)).rejects.toThrow();
      expect(sink.destroyed).toBe(true);
    } finally {
      await broken.destroy();
    }
  });
});

describe('the rows behind the workbook, page by page', () => {
  /** The same list in one straightforward query. */
  async function expectedDetail(): Promise<Array<Pick<DetailRow, 'code' | 'status' | 'parentCode'> & { answers: Record<string, unknown> }>> {
    const result = await sql<{ code: string; status: string | null; parent_code: string | null; answers: Record<string, unknown> | null }>`
      select o.code, s.status, p.code as parent_code,
        (select jsonb_object_agg(a.question_key, a.value) from answers a where a.submission_id = s.id and s.status = 'submitted') as answers
      from campaign_targets t
      join organizations o on o.id = t.organization_id
      left join organizations p on p.id = o.parent_id
      left join submissions s on s.campaign_id = t.campaign_id and s.organization_id = t.organization_id
      where t.campaign_id = ${campaignId}
      order by o.code`.execute(db);
    return result.rows.map((r) => ({
      code: r.code,
      status: r.status === 'submitted' ? 'submitted' : r.status === 'draft' ? 'draft' : 'not_started',
      parentCode: r.parent_code,
      answers: r.answers ?? {},
    }));
  }

  it('detailRows gives the same rows whatever the page size, across page boundaries', async () => {
    const expected = await expectedDetail();
    expect(expected.map((r) => r.code)).toEqual(CODES);
    for (const pageSize of [1, 2, 3, 7, 1000]) {
      const rows = await collect(detailRows(db, campaignId, form, { pageSize }));
      expect(rows.map((r) => ({ code: r.code, status: r.status, parentCode: r.parentCode, answers: Object.fromEntries(r.answers) })), `page size ${pageSize}`).toEqual(expected);
    }
  });

  it('the other lists page the same way', async () => {
    for (const pageSize of [1, 2]) {
      expect((await collect(notSubmittedRows(db, campaignId, { pageSize }))).map((r) => [r.code, r.reporters.length])).toEqual([
        ['C3', 1],
        ['C4', 2],
        ['C5', 0],
      ]);
      expect((await collect(lateRows(db, campaignId, { pageSize }))).map((r) => r.code)).toEqual(['C2']);
      expect((await collect(textAnswers(db, campaignId, form, { pageSize: 1 }))).map((r) => [r.questionKey, r.code])).toEqual([
        ['kien_nghi', 'C2'],
        ['kien_nghi', 'D1'],
      ]);
    }
  });

  it('an unknown campaign has no rows', async () => {
    expect(await collect(detailRows(db, '999999', form))).toEqual([]);
    expect(await collect(detailRows(db, 'abc', form))).toEqual([]);
  });
});
