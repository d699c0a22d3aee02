/**
 * The Word draft of the report (src/reports/docx.ts): the party's document format
 * (A4, Times New Roman, the letterhead), the figures in the chat summary's own
 * sentences, literal user text, and highlighted blanks for what the bot cannot know.
 * The .docx is unzipped with jszip (there through exceljs) and word/document.xml read.
 */
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentSentences, renderReportDocx, reportFileName, type Letterhead, type ReportDocumentInput } from '../../src/reports/docx.js';
import { ANNEX_ANSWERS_PER_QUESTION, type QuestionFigures, type Summary } from '../../src/reports/figures.js';
import { figureSentences } from '../../src/reports/text.js';

const TRICKY_NAME = '<b>A & B</b>';
const DIACRITICS = 'Hồ Chí Minh, Đắk Lắk, Thừa Thiên Huế — ỷ ỹ ỵ Ư Ơ đ; “trích dẫn” «mô hình» \'nháy\' {1} {x} 😀';
/** The same words decomposed (NFD), as some phones send them: kept as typed. */
const DECOMPOSED = 'Quảng Ngãi'.normalize('NFD');

const questions: QuestionFigures[] = [
  {
    kind: 'choice',
    key: 'xep_loai',
    label: 'tổ chức cơ sở đảng',
    answered: 159,
    choices: [
      { value: 'htxs', label: 'Hoàn thành xuất sắc nhiệm vụ', count: 100 },
      { value: 'htt', label: 'Hoàn thành tốt nhiệm vụ', count: 52 },
      { value: 'ht', label: 'Hoàn thành nhiệm vụ', count: 7 },
      { value: 'khong_ht', label: 'Không hoàn thành nhiệm vụ', count: 0 },
    ],
    groups: [{ label: 'hoàn thành tốt và hoàn thành xuất sắc nhiệm vụ', choices: ['htxs', 'htt'], count: 152 }],
  },
  { kind: 'yes_no', key: 'ban_chi_dao', label: 'tổ chức cơ sở đảng thành lập Ban Chỉ đạo thực hiện QCDC', answered: 159, yes: 159, no: 0, share: 1 },
  { kind: 'number', type: 'integer', key: 'so_mo_hinh', label: 'mô hình «Dân vận khéo» đang được duy trì', answered: 159, sum: 26, min: 0, max: 3, average: 26 / 159, confirmedOutliers: 0 },
  { kind: 'number', type: 'integer', key: 'khen_tap_the', label: 'tập thể được khen thưởng', answered: 159, sum: 0, min: 0, max: 0, average: 0, confirmedOutliers: 0 },
  { kind: 'text', key: 'han_che', label: 'hạn chế, khó khăn', answered: 3, nonEmpty: 3 },
];

function makeSummary(overrides: Partial<Summary> = {}): Summary {
  return {
    campaign: {
      id: '42',
      formId: 'xep_loai_to_chuc_dang',
      formVersion: 1,
      formTitle: 'Đánh giá, xếp loại chất lượng tổ chức đảng',
      periodLabel: 'Năm 2026',
      opensAt: new Date('2026-12-01T01:00:00Z'),
      dueAt: new Date('2026-12-15T10:00:00Z'),
      closedAt: null,
      closed: false,
      pastDue: true,
    },
    generatedAt: new Date('2026-12-16T02:30:00Z'),
    targets: { total: 165, byType: { dang_bo_co_so: 80, chi_bo_co_so: 85, chi_bo_truc_thuoc: 0 } },
    submitted: { total: 159, onTime: 157, late: 2, byType: { dang_bo_co_so: 80, chi_bo_co_so: 79, chi_bo_truc_thuoc: 0 } },
    notSubmitted: {
      total: 36,
      first: [
        { code: 'CB101', name: TRICKY_NAME },
        { code: 'CB102', name: 'Chi bộ Trường THPT Phạm Thái Bường' },
      ],
    },
    late: { total: 2, first: [{ code: 'CB007', name: 'Chi bộ Sở Tư pháp', lateReason: 'Đồng chí Bí thư đi công tác' }, { code: 'CB008', name: 'Chi bộ Báo Trà Vinh', lateReason: null }] },
    questions,
    byType: [],
    ...overrides,
  };
}

const texts: ReportDocumentInput['texts'] = [
  {
    questionLabel: 'hạn chế, khó khăn',
    entries: [
      { code: 'CB001', name: 'Chi bộ Sở Tài chính', text: DIACRITICS },
      { code: 'CB002', name: TRICKY_NAME, text: 'Dòng một\nDòng hai <i>không phải thẻ</i> & hết' },
      { code: 'CB003', name: 'Chi bộ Sở Nội vụ', text: DECOMPOSED },
      { code: 'CB004', name: 'Chi bộ trống', text: '   ' },
    ],
  },
  { questionLabel: 'đề xuất, kiến nghị', entries: [] },
];

const fullLetterhead: Letterhead = {
  superiorBody: 'Đảng bộ tỉnh Trà Vinh',
  issuingBody: 'Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh',
  place: 'Trà Vinh',
  subject: 'Đảng bộ Khối',
};

/** 04/01/2027 18:30 UTC is 05/01/2027 01:30 in Vietnam. */
const PRINTED = new Date('2027-01-04T18:30:00Z');

interface Unzipped {
  document: string;
  styles: string;
  /** Every page header's XML, joined. */
  headers: string;
}

async function render(input: Partial<ReportDocumentInput> = {}): Promise<Unzipped> {
  const buffer = await renderReportDocx({ summary: makeSummary(), letterhead: fullLetterhead, date: PRINTED, texts, ...input });
  expect(buffer.subarray(0, 2).toString('latin1')).toBe('PK');
  const zip = await JSZip.loadAsync(buffer);
  const read = async (path: string): Promise<string> => {
    const file = zip.file(path);
    if (!file) throw new Error(`no ${path} in the docx`);
    return file.async('string');
  };
  const headers = await Promise.all(zip.file(/^word\/header\d*\.xml$/).map((f) => f.async('string')));
  return { document: await read('word/document.xml'), styles: await read('word/styles.xml'), headers: headers.join('\n') };
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The text of each paragraph as Word shows it: its runs' w:t joined, a line break as "\n". */
function paragraphs(xml: string): string[] {
  return [...xml.matchAll(/<w:p(?:\s[^>]*)?>([\s\S]*?)<\/w:p>/g)].map((p) =>
    [...p[1]!.matchAll(/<w:br\/>|<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((t) => (t[0] === '<w:br/>' ? '\n' : unescapeXml(t[1] ?? ''))).join(''),
  );
}

/** The runs (w:r) whose text is exactly `text`. */
function runsWithText(xml: string, text: string): string[] {
  return [...xml.matchAll(/<w:r>([\s\S]*?)<\/w:r>/g)].map((r) => r[1]!).filter((r) => [...r.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((t) => unescapeXml(t[1]!)).join('') === text);
}

function expectHighlighted(xml: string, text: string): void {
  const runs = runsWithText(xml, text);
  expect(runs.length, `a run reading ${text}`).toBeGreaterThan(0);
  for (const run of runs) expect(run).toContain('<w:highlight w:val="yellow"/>');
}

describe('the Word draft of the report', () => {
  let doc: Unzipped;
  let texts_: string[];
  beforeAll(async () => {
    doc = await render();
    texts_ = paragraphs(doc.document);
  });

  it('is A4 in Times New Roman 14 pt, with the party margins', () => {
    expect(doc.document).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    const margin = /<w:pgMar ([^>]*)\/>/.exec(doc.document)?.[1] ?? '';
    const twips = (side: string): number => Number(new RegExp(`w:${side}="(\\d+)"`).exec(margin)?.[1]);
    const mm = (t: number): number => (t * 25.4) / 1440;
    expect(mm(twips('top'))).toBeGreaterThanOrEqual(20);
    expect(mm(twips('top'))).toBeLessThanOrEqual(25);
    expect(mm(twips('bottom'))).toBeGreaterThanOrEqual(20);
    expect(mm(twips('left'))).toBeGreaterThanOrEqual(30);
    expect(mm(twips('left'))).toBeLessThanOrEqual(35);
    expect(mm(twips('right'))).toBeGreaterThanOrEqual(15);
    expect(mm(twips('right'))).toBeLessThanOrEqual(20);
    const defaults = /<w:docDefaults>([\s\S]*?)<\/w:docDefaults>/.exec(doc.styles)?.[1] ?? '';
    expect(defaults).toMatch(/<w:rFonts w:ascii="Times New Roman"[^>]*w:hAnsi="Times New Roman"/);
    expect(defaults).toContain('<w:sz w:val="28"/>');
    // No style brings another font in.
    const fonts = new Set([...doc.styles.matchAll(/w:(?:ascii|hAnsi|cs|eastAsia)="([^"]+)"/g)].map((f) => f[1]));
    expect([...fonts]).toEqual(['Times New Roman']);
    expect(doc.document).not.toMatch(/w:(?:ascii|hAnsi)="(?!Times New Roman)/);
  });

  it('has the letterhead: the party name with its rule, the issuing body, the number, the place and date in Vietnam time', () => {
    expect(texts_).toContain('ĐẢNG CỘNG SẢN VIỆT NAM');
    expect(runsWithText(doc.document, 'ĐẢNG CỘNG SẢN VIỆT NAM')[0]).toMatch(/<w:b\/>[\s\S]*<w:sz w:val="30"\/>/);
    // The rule is the paragraph right after the party's name, bordered.
    const partyAt = doc.document.indexOf('ĐẢNG CỘNG SẢN VIỆT NAM');
    const ruleParagraph = /<w:p>[\s\S]*?<\/w:p>/.exec(doc.document.slice(doc.document.indexOf('</w:p>', partyAt) + 6))?.[0] ?? '';
    expect(ruleParagraph).toMatch(/<w:pBdr><w:top w:val="single"/);
    expect(texts_).toContain('ĐẢNG BỘ TỈNH TRÀ VINH');
    expect(texts_).toContain('ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH');
    expect(runsWithText(doc.document, 'ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH')[0]).toContain('<w:b/>');
    expect(texts_).toContain('*');
    expect(texts_).toContain('Số      -BC/…');
    expect(texts_).toContain('Trà Vinh, ngày 05 tháng 01 năm 2027');
    for (const run of [...runsWithText(doc.document, 'Trà Vinh'), ...runsWithText(doc.document, ', ngày 05 tháng 01 năm 2027')]) expect(run).toContain('<w:i/>');
    // The letterhead is a table without borders, the first thing on the page.
    expect(doc.document.indexOf('<w:tbl>')).toBeLessThan(partyAt);
    const letterhead = doc.document.slice(doc.document.indexOf('<w:tbl>'), doc.document.indexOf('</w:tbl>'));
    expect(letterhead).toMatch(/<w:tblBorders><w:top w:val="none"/);
  });

  it('has the title and the summary line', () => {
    const at = texts_.indexOf('BÁO CÁO');
    expect(at).toBeGreaterThan(0);
    expect(texts_[at + 1]).toBe('kết quả đánh giá, xếp loại chất lượng tổ chức đảng năm 2026');
    expect(runsWithText(doc.document, 'BÁO CÁO')[0]).toMatch(/<w:b\/>[\s\S]*<w:sz w:val="32"\/>/);
  });

  it('states the submissions in sentences of its own (not the chat\'s fragments), and points to the annex', () => {
    expect(texts_).toContain('I. TÌNH HÌNH NỘP BÁO CÁO');
    expect(texts_).toContain('Đợt báo cáo có 165 tổ chức cơ sở đảng phải báo cáo, gồm 80 đảng bộ cơ sở và 85 chi bộ cơ sở.');
    expect(texts_).toContain('Tính đến 09 giờ 30 ngày 16/12/2026, có 159/165 tổ chức (96,4%) đã gửi báo cáo, trong đó 157 đúng hạn và 02 nộp muộn.');
    expect(texts_).toContain('Còn 36 tổ chức chưa nộp báo cáo (danh sách tại Phụ lục, mục 1).');
    expect(texts_).toContain('Có 02 tổ chức nộp báo cáo muộn (danh sách và lý do tại Phụ lục, mục 2).');
  });

  it('states each question in the figure sentences, with the subject before a count', () => {
    expect(texts_).toContain('II. KẾT QUẢ');
    expect(texts_).toContain(
      'Đảng bộ Khối có 152/159 tổ chức cơ sở đảng hoàn thành tốt và hoàn thành xuất sắc nhiệm vụ (trong đó 100 hoàn thành xuất sắc nhiệm vụ, 52 hoàn thành tốt nhiệm vụ); 07 tổ chức cơ sở đảng hoàn thành nhiệm vụ; không có tổ chức cơ sở đảng không hoàn thành nhiệm vụ.',
    );
    expect(texts_).toContain('Đảng bộ Khối có 100% (159/159) tổ chức cơ sở đảng thành lập Ban Chỉ đạo thực hiện QCDC.');
    expect(texts_).toContain('Đảng bộ Khối có 26 mô hình «Dân vận khéo» đang được duy trì.');
    // A zero sum is a sentence of its own ("Không có tập thể được khen thưởng"): the draft writes what the chat writes.
    expect(texts_).toContain(documentSentences(makeSummary(), questions[3]!, 'Đảng bộ Khối').join(' '));
    expect(texts_).toContain('Hạn chế, khó khăn: 03 tổ chức có nội dung. Nội dung cụ thể tại Phụ lục, mục 3.');
    // Word and chat never disagree: every sentence of the chat is in the draft, word for word, its counts as the document writes them.
    const summary = makeSummary();
    const body = texts_.join('\n');
    for (const q of summary.questions) {
      for (const s of figureSentences(summary, q, 'document')) {
        expect(body).toContain(s.startsWithCount ? s.text.replace(/^Không có/, 'không có') : s.text);
      }
      expect(documentSentences(summary, q, 'Đảng bộ Khối').length).toBe(figureSentences(summary, q, 'plain').length);
      expect(figureSentences(summary, q, 'document').map((s) => s.text.replace(/\b0(\d)\b/g, '$1'))).toEqual(figureSentences(summary, q, 'plain').map((s) => s.text));
    }
    // The chat writes counts as a message does: "7", not "07".
    expect(figureSentences(summary, questions[0]!, 'plain')[0]?.text).toContain('; 7 tổ chức cơ sở đảng hoàn thành nhiệm vụ;');
  });

  it('puts the subject before a counted sentence that starts with «không có» without a doubled «có»', () => {
    const choice = questions[0]!;
    if (choice.kind !== 'choice') throw new Error('the first question is the choice');
    const noneFirst: QuestionFigures = {
      ...choice,
      choices: choice.choices.map((c) => ({ ...c, count: c.value === 'ht' ? 159 : 0 })),
      groups: choice.groups.map((g) => ({ ...g, count: 0 })),
    };
    const [first] = figureSentences(makeSummary(), noneFirst, 'plain');
    expect(first?.startsWithCount).toBe(true);
    expect(first?.text.startsWith('Không có tổ chức cơ sở đảng hoàn thành tốt')).toBe(true);
    const [written] = documentSentences(makeSummary(), noneFirst, 'Đảng bộ Khối');
    expect(written).toBe(`Đảng bộ Khối k${first!.text.slice(1)}.`);
  });

  it('keeps the closing sentence with the signature block, and numbers the pages from the second on', () => {
    const closing = [...doc.document.matchAll(/<w:p>([\s\S]*?)<\/w:p>/g)].map((p) => p[1]!).find((p) => p.includes('Trên đây là báo cáo'));
    expect(closing).toMatch(/<w:keepNext\/>/);
    expect(doc.document).toMatch(/<w:titlePg\/>/);
    expect(doc.headers).toMatch(/PAGE/);
    // The annex's answers are left-aligned: their own line breaks would stretch a justified line.
    const annexStyle = /<w:style [^>]*w:styleId="BaoCaoAnnex"[\s\S]*?<\/w:style>/.exec(doc.styles)?.[0] ?? '';
    expect(annexStyle).toMatch(/<w:jc w:val="left"\/>/);
  });

  it('ends with the recipients and the signature block, blanks highlighted', () => {
    expect(texts_).toContain('Nơi nhận:');
    expect(texts_).toContain('- [Nơi nhận],');
    expect(texts_).toContain('T/M BAN THƯỜNG VỤ');
    expect(texts_).toContain('[Chức vụ người ký]');
    expect(texts_).toContain('[Họ và tên]');
    for (const blank of ['Số      -BC/…', '[Nơi nhận]', '[Chức vụ người ký]', '[Họ và tên]']) expectHighlighted(doc.document, blank);
    expect(runsWithText(doc.document, 'Nơi nhận:')[0]).toMatch(/<w:b\/>[\s\S]*<w:sz w:val="24"\/>/);
    expect(texts_.indexOf('T/M BAN THƯỜNG VỤ')).toBeLessThan(texts_.indexOf('PHỤ LỤC'));
  });

  it('prints what users and files wrote literally, escaped, diacritics intact', () => {
    expect(doc.document).toContain('&lt;b&gt;A &amp; B&lt;/b&gt;');
    expect(doc.document).not.toContain('<b>');
    expect(doc.document).not.toContain('<i>');
    expect(texts_).toContain(`CB001 — Chi bộ Sở Tài chính: ${DIACRITICS}`);
    expect(texts_).toContain(`CB002 — ${TRICKY_NAME}: Dòng một\nDòng hai <i>không phải thẻ</i> & hết`);
    expect(texts_).toContain(`CB003 — Chi bộ Sở Nội vụ: ${DECOMPOSED}`);
  });

  it('has the annex on a new page: the capped lists, the late reasons, the free-text answers', () => {
    const at = texts_.indexOf('PHỤ LỤC');
    expect(at).toBeGreaterThan(texts_.indexOf('[Họ và tên]'));
    expect(doc.document).toMatch(/<w:pageBreakBefore\/>[\s\S]*?PHỤ LỤC/);
    expect(texts_[at + 1]).toBe('(Kèm theo Báo cáo số      -BC/… ngày 05/01/2027)');
    const annex = texts_.slice(at);
    expect(annex).toContain('1. Các tổ chức chưa nộp báo cáo (36)');
    expect(annex).toContain(TRICKY_NAME);
    expect(annex).toContain('… và 34 tổ chức khác (xem tệp Excel).');
    expect(annex).toContain('2. Các tổ chức nộp báo cáo muộn (02)');
    expect(annex).toContain('Đồng chí Bí thư đi công tác');
    expect(annex).toContain('Không nêu lý do');
    expect(annex).toContain('3. Nội dung các tổ chức nêu');
    expect(annex).toContain('3.1. Hạn chế, khó khăn (03)');
    expect(annex).toContain('3.2. Đề xuất, kiến nghị (0)');
    expect(annex).toContain('Không có tổ chức nào nêu nội dung.');
    expect(annex.join('\n')).not.toContain('Chi bộ trống');
  });

  it('prints at most ANNEX_ANSWERS_PER_QUESTION answers per question, by code, and says how many more the workbook has', async () => {
    expect(ANNEX_ANSWERS_PER_QUESTION).toBe(50);
    const answers = (n: number, prefix = 'CB') =>
      Array.from({ length: n }, (_, i) => ({ code: `${prefix}${String(i + 1).padStart(4, '0')}`, name: `Chi bộ số ${i + 1}`, text: `Ý kiến số ${i + 1}` }));
    const more = 'Ngoài ra còn 1.234 ý kiến khác; toàn bộ ý kiến xem tại trang «Ý kiến» của tệp Excel tổng hợp.';
    const annexOf = async (input: Partial<ReportDocumentInput>) => {
      const p = paragraphs((await render(input)).document);
      return p.slice(p.indexOf('PHỤ LỤC'));
    };
    const printed = (annex: string[], question: string) => {
      const from = annex.indexOf(question) + 1;
      const to = annex.findIndex((t, i) => i >= from && (/^3\.\d+\. /.test(t) || t.startsWith('Ngoài ra')));
      return annex.slice(from, to === -1 ? undefined : to);
    };

    // Every answer given: the first 50 by code, then the sentence with the rest.
    const over = await annexOf({ texts: [{ questionLabel: 'hạn chế, khó khăn', entries: answers(50 + 1234) }, { questionLabel: 'đề xuất, kiến nghị', entries: answers(3, 'KN') }] });
    expect(over).toContain('3.1. Hạn chế, khó khăn (1.284)');
    const shown = printed(over, '3.1. Hạn chế, khó khăn (1.284)');
    expect(shown).toEqual(answers(50).map((a) => `${a.code} — ${a.name}: ${a.text}`));
    expect(over[over.indexOf(shown.at(-1)!) + 1]).toBe(more);
    expect(over.filter((t) => t.startsWith('Ngoài ra'))).toEqual([more]);
    // The other question is under the cap: all of it, no sentence.
    expect(over).toContain('3.2. Đề xuất, kiến nghị (03)');
    expect(printed(over, '3.2. Đề xuất, kiến nghị (03)')).toHaveLength(3);

    // Only the first answers given (as artifacts.ts does), with the question's total.
    const capped = await annexOf({ texts: [{ questionLabel: 'hạn chế, khó khăn', total: 1235, entries: answers(50) }] });
    expect(capped).toContain('3.1. Hạn chế, khó khăn (1.235)');
    expect(printed(capped, '3.1. Hạn chế, khó khăn (1.235)')).toHaveLength(50);
    expect(capped).toContain('Ngoài ra còn 1.185 ý kiến khác; toàn bộ ý kiến xem tại trang «Ý kiến» của tệp Excel tổng hợp.');
    // One left out is written as a formal count.
    expect(await annexOf({ texts: [{ questionLabel: 'hạn chế, khó khăn', entries: answers(51) }] })).toContain(
      'Ngoài ra còn 01 ý kiến khác; toàn bộ ý kiến xem tại trang «Ý kiến» của tệp Excel tổng hợp.',
    );

    // Exactly the cap, or under it: every answer, no sentence.
    for (const n of [50, 49]) {
      const annex = await annexOf({ texts: [{ questionLabel: 'hạn chế, khó khăn', entries: answers(n) }] });
      expect(printed(annex, `3.1. Hạn chế, khó khăn (${n})`)).toHaveLength(n);
      expect(annex.join('\n')).not.toContain('Ngoài ra');
    }
  });

  it('marks every letterhead value it was not given as a highlighted blank', async () => {
    const bare = await render({ letterhead: {} });
    const p = paragraphs(bare.document);
    expect(p).toContain('[TÊN CẤP ỦY CẤP TRÊN]');
    expect(p).toContain('[TÊN CẤP ỦY BAN HÀNH]');
    expect(p).toContain('[Địa danh], ngày 05 tháng 01 năm 2027');
    for (const blank of ['[TÊN CẤP ỦY CẤP TRÊN]', '[TÊN CẤP ỦY BAN HÀNH]', '[Địa danh]', 'Số      -BC/…', '[Chức vụ người ký]', '[Họ và tên]', '[Nơi nhận]']) {
      expectHighlighted(bare.document, blank);
    }
    // Without REPORT_SUBJECT the body speaks of the whole party organization.
    expect(p).toContain('Toàn Đảng bộ có 26 mô hình «Dân vận khéo» đang được duy trì.');
    // Blank-looking values count as missing too.
    const spaces = paragraphs((await render({ letterhead: { superiorBody: '  ', issuingBody: '', place: ' ' } })).document);
    expect(spaces).toContain('[TÊN CẤP ỦY CẤP TRÊN]');
    expect(spaces).toContain('[Địa danh], ngày 05 tháng 01 năm 2027');
  });

  it('without reports yet: no figures, no annex when there is nothing for it', async () => {
    const empty = await render({
      summary: makeSummary({
        submitted: { total: 0, onTime: 0, late: 0, byType: { dang_bo_co_so: 0, chi_bo_co_so: 0, chi_bo_truc_thuoc: 0 } },
        notSubmitted: { total: 0, first: [] },
        late: { total: 0, first: [] },
      }),
      texts: [],
    });
    const p = paragraphs(empty.document);
    expect(p).toContain('Tính đến 09 giờ 30 ngày 16/12/2026, chưa có tổ chức nào gửi báo cáo, nên chưa có số liệu tổng hợp.');
    expect(p.filter((t) => t === 'Chưa có tổ chức nào nộp báo cáo, nên chưa có số liệu tổng hợp.')).toHaveLength(1);
    expect(p).not.toContain('PHỤ LỤC');
    expect(p.join('\n')).not.toContain('Phụ lục');
  });

  it('drops characters XML cannot carry instead of writing a corrupt file', async () => {
    const broken = await render({ texts: [{ questionLabel: 'ghi chú', entries: [{ code: 'C\u0001D', name: 'Tên\uFFFE', text: 'a\u0000b\u0008c\uD800d' }] }] });
    expect(paragraphs(broken.document)).toContain('CD — Tên: abcd');
  });
});

describe('reportFileName', () => {
  it('is bao-cao-<campaign>-<ASCII period>.docx', () => {
    expect(reportFileName(makeSummary())).toBe('bao-cao-42-nam-2026.docx');
    const period = (periodLabel: string) => reportFileName(makeSummary({ campaign: { ...makeSummary().campaign, periodLabel } }));
    expect(period('Quý IV/2026 — Đợt 2')).toBe('bao-cao-42-quy-iv-2026-dot-2.docx');
    expect(period('6 tháng đầu năm 2026')).toBe('bao-cao-42-6-thang-dau-nam-2026.docx');
    expect(period('«»')).toBe('bao-cao-42.docx');
  });
});
