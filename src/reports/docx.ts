/**
 * The Word draft of a round's report, in the party's document format (Hướng dẫn
 * 36-HD/VPTW): A4, Times New Roman, the letterhead as a borderless two-column
 * table, the figures stated in the same sentences as the chat summary
 * (figureSentences), the signature block, and an annex with the capped lists and the
 * first free-text answers of each question (the workbook has them all). What the bot cannot know (the number, the signer, the
 * recipients, a letterhead value that is not configured) is a bracketed blank
 * highlighted in yellow, so the office sees what to fill in.
 *
 * Every value from a user or a file is passed to docx as text, which escapes it:
 * an organization named "<b>A & B</b>" is printed as typed, never as markup.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  FileChild,
  Header,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableBorders,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable as VerticalAlign,
  type TableVerticalAlign,
  WidthType,
  type IRunOptions,
  type IXmlableObject,
  type ParagraphChild,
} from 'docx';
import { formatLocalDate, formatLocalTime, localDate } from '../time.js';
import { ANNEX_ANSWERS_PER_QUESTION, type OrgList, type OrgRef, type Summary } from './figures.js';
import { asciiSlug, capitalize, documentMarkup, formalCount, formalFraction, formatPercent, lowerFirst, unitNoun } from './format.js';
import { reportDocumentMessages as d, summaryMessages as m } from './messages.js';
import { figureSentences, submittedByType, targetsByType } from './text.js';

export interface Letterhead {
  /** PARENT_ORG_NAME, e.g. "Đảng bộ tỉnh Trà Vinh"; printed in capitals. */
  superiorBody?: string;
  /** ORG_NAME, e.g. "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh". */
  issuingBody?: string;
  /** PLACE_NAME, e.g. "Trà Vinh". */
  place?: string;
  /** How the body names the whole party organization, e.g. "Đảng bộ Khối" (REPORT_SUBJECT); default "Toàn Đảng bộ". */
  subject?: string;
}

export interface ReportDocumentInput {
  summary: Summary;
  letterhead: Letterhead;
  /** The date printed (usually today). */
  date: Date;
  /**
   * The free-text answers for the annex, per text question in form order: `entries` by
   * organization code, of which the annex prints the first ANNEX_ANSWERS_PER_QUESTION;
   * `total`, the question's non-blank answers when `entries` holds only the first of them.
   */
  texts: Array<{ questionLabel: string; total?: number; entries: Array<{ code: string; name: string; text: string }> }>;
}

// Sizes in half-points, lengths in twips (1/20 pt; 1 mm ≈ 56.7 twips).
const FONT = 'Times New Roman';
const SIZE_BODY = 28; // 14 pt
const SIZE_PARTY = 30; // 15 pt
const SIZE_DOCUMENT_TYPE = 32; // 16 pt
const SIZE_SMALL = 24; // 12 pt: recipients
const SIZE_TABLE = 26; // 13 pt: the annex lists

/** Rounded up, so a margin is never under its minimum. */
const mm = (n: number): number => Math.ceil((n * 1440) / 25.4);
const PAGE_WIDTH = 11906; // A4
const PAGE_HEIGHT = 16838;
const MARGIN = { top: mm(20), bottom: mm(20), left: mm(30), right: mm(15) };
const TEXT_WIDTH = PAGE_WIDTH - MARGIN.left - MARGIN.right;
/** Default left and right cell margins of a Word table. */
const CELL_MARGIN = 108;
/** The letterhead's columns: the issuing body on the left, the party's name and the date on the right. */
const LEFT_COLUMN = 4150;
const RIGHT_COLUMN = TEXT_WIDTH - LEFT_COLUMN;
/**
 * "ĐẢNG CỘNG SẢN VIỆT NAM" in Times New Roman Bold 15 pt is 13.78 em/1000 × 15 pt ≈ 4,130 twips
 * wide (its advance widths; Liberation Serif has the same metrics): the rule under it is that long.
 */
const PARTY_RULE_WIDTH = 4140;

const STYLE_BODY = 'BaoCaoBody';
const STYLE_HEADING = 'BaoCaoHeading';
const STYLE_ANNEX = 'BaoCaoAnnex';

/** Characters XML 1.0 cannot carry (controls, lone surrogates, U+FFFE/U+FFFF): a corrupt file otherwise. */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A value from a user or a file, as text Word can show: docx escapes it; this drops what XML cannot hold. */
function literal(s: string): string {
  return s.replace(XML_INVALID, '').replace(/\t/g, ' ');
}

function upper(s: string): string {
  return s.toLocaleUpperCase('vi');
}

/** A sentence ends with a full stop unless it already ends with one. */
function sentence(s: string): string {
  return /[.!?…]$/.test(s) ? s : `${s}.`;
}

function nonEmpty(s: string | undefined): string | undefined {
  const t = s === undefined ? '' : literal(s).trim();
  return t === '' ? undefined : t;
}

/** A run for a value that may be missing: the bracketed blank, highlighted, when it is. */
function valueOrBlank(value: string | undefined, blank: string, options: Omit<IRunOptions, 'text'>): TextRun {
  return value === undefined ? new TextRun({ ...options, text: blank, highlight: 'yellow' }) : new TextRun({ ...options, text: value });
}

function blank(text: string, options: Omit<IRunOptions, 'text'> = {}): TextRun {
  return new TextRun({ ...options, text, highlight: 'yellow' });
}

function centered(children: ParagraphChild[], extra: { spacingBefore?: number; spacingAfter?: number } = {}): Paragraph {
  return new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: extra.spacingBefore ?? 0, after: extra.spacingAfter ?? 0 }, children });
}

/** "ngày 05 tháng 01 năm 2027" parts of the day in Vietnam. */
function dateParts(date: Date): { day: string; month: string; year: string } {
  const [year = '', month = '', day = ''] = localDate(date).split('-');
  return { day, month, year };
}

const noBorders = TableBorders.NONE;

function cell(width: number, children: Array<Paragraph | Table>, verticalAlign: TableVerticalAlign = VerticalAlign.TOP): TableCell {
  return new TableCell({ width: { size: width, type: WidthType.DXA }, verticalAlign, children });
}

/** The top of the first page: issuing body left, the party's name right, then the number and the date. */
function letterheadTable(letterhead: Letterhead, date: Date): Table {
  const superior = nonEmpty(letterhead.superiorBody);
  const issuing = nonEmpty(letterhead.issuingBody);
  const place = nonEmpty(letterhead.place);
  const { day, month, year } = dateParts(date);
  const ruleIndent = Math.max(0, Math.floor((RIGHT_COLUMN - 2 * CELL_MARGIN - PARTY_RULE_WIDTH) / 2));

  const left = cell(LEFT_COLUMN, [
    centered([valueOrBlank(superior && upper(superior), d.blanks.superiorBody, {})]),
    centered([valueOrBlank(issuing && upper(issuing), d.blanks.issuingBody, { bold: true })]),
    centered([new TextRun({ text: d.star })]),
  ]);
  const right = cell(RIGHT_COLUMN, [
    centered([new TextRun({ text: d.party, bold: true, size: SIZE_PARTY })]),
    // The rule: an empty, 2 pt high paragraph as wide as the words above, with its top border drawn.
    new Paragraph({
      alignment: AlignmentType.CENTER,
      indent: { left: ruleIndent, right: ruleIndent },
      spacing: { before: 0, after: 0, line: 40, lineRule: LineRuleType.EXACT },
      border: { top: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 1 } },
      children: [new TextRun({ text: '', size: 2 })],
    }),
  ]);
  const number = cell(LEFT_COLUMN, [centered([blank(d.blanks.number)], { spacingBefore: 60 })]);
  const dateCell = cell(RIGHT_COLUMN, [
    centered([valueOrBlank(place, d.blanks.place, { italics: true }), new TextRun({ text: d.dateLine(day, month, year), italics: true })], { spacingBefore: 60 }),
  ]);
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [LEFT_COLUMN, RIGHT_COLUMN],
    layout: TableLayoutType.FIXED,
    borders: noBorders,
    rows: [new TableRow({ children: [left, right] }), new TableRow({ children: [number, dateCell] })],
  });
}

/** "kết quả công tác dân vận … năm 2026" */
function summaryLine(summary: Summary): string {
  return d.summaryLine(lowerFirst(literal(summary.campaign.formTitle).trim()), lowerFirst(literal(summary.campaign.periodLabel).trim()));
}

function titleBlock(line: string): Paragraph[] {
  return [
    centered([new TextRun({ text: d.documentType, bold: true, size: SIZE_DOCUMENT_TYPE })], { spacingBefore: 360 }),
    centered([new TextRun({ text: line, bold: true })]),
    centered([new TextRun({ text: d.summaryRule })], { spacingAfter: 240 }),
  ];
}

function body(text: string, options: { keepNext?: boolean } = {}): Paragraph {
  return new Paragraph({ style: STYLE_BODY, ...(options.keepNext ? { keepNext: true } : {}), children: [new TextRun(text)] });
}

/** The page number, centered at the top, from the second page on (Hướng dẫn 36: the first page has none). */
function pageNumberHeaders() {
  return {
    first: new Header({ children: [] }),
    default: new Header({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT] })] })] }),
  };
}

function heading(text: string): Paragraph {
  return new Paragraph({ style: STYLE_HEADING, children: [new TextRun(text)] });
}

/** I. TÌNH HÌNH NỘP BÁO CÁO: the progress in the document's own sentences (the chat's are fragments: «Đã nộp 152/159 (95,6%): …»). */
function progressSection(summary: Summary): Paragraph[] {
  const { targets, submitted } = summary;
  const out = [heading(d.sectionProgress)];
  out.push(body(d.progressTargets(formalCount(targets.total), unitNoun(targets.byType), targetsByType(summary, documentMarkup))));
  const when = d.progressWhen(formatLocalTime(summary.generatedAt), formatLocalDate(summary.generatedAt));
  if (submitted.total === 0) {
    out.push(body(d.progressNothing(when)));
  } else {
    const split =
      submitted.late === 0 ? d.progressAllOnTime : submitted.onTime === 0 ? d.progressAllLate : d.progressSplit(formalCount(submitted.onTime), formalCount(submitted.late));
    out.push(body(d.progressSubmitted(when, formalFraction(submitted.total, targets.total), formatPercent(submitted.total, targets.total), split)));
    const byType = submittedByType(summary, documentMarkup);
    if (byType) out.push(body(byType));
  }
  out.push(body(summary.notSubmitted.total === 0 ? m.allSubmitted : d.notSubmitted(formalCount(summary.notSubmitted.total))));
  if (summary.late.total > 0) out.push(body(d.late(formalCount(summary.late.total))));
  return out;
}

const NONE_PREFIX = `${m.none} `;

/**
 * The document's sentences of one question: figureSentences, with the report's subject
 * before those that start with a count ("Đảng bộ Khối có 152/159 …").
 */
export function documentSentences(summary: Summary, q: Summary['questions'][number], subject: string): string[] {
  return figureSentences(summary, q, 'document').map((s) => {
    if (!s.startsWithCount) return sentence(s.text);
    const lowered = lowerFirst(s.text);
    return sentence(lowered.startsWith(NONE_PREFIX) ? d.withSubjectNone(subject, lowered) : d.withSubject(subject, lowered));
  });
}

/** II. KẾT QUẢ: one paragraph per question. */
function resultsSection(summary: Summary, subject: string, textsInAnnex: boolean): Paragraph[] {
  const out = [heading(d.sectionResults)];
  if (summary.submitted.total === 0) {
    out.push(body(m.nothingSubmitted));
    return out;
  }
  for (const q of summary.questions) {
    const sentences = documentSentences(summary, q, subject);
    if (q.kind === 'text' && q.nonEmpty > 0 && textsInAnnex) sentences.push(d.textInAnnex);
    out.push(body(literal(sentences.join(' '))));
  }
  return out;
}

function signatureTable(): Table {
  const small = { size: SIZE_SMALL };
  const left = cell(LEFT_COLUMN, [
    new Paragraph({ children: [new TextRun({ text: d.recipientsHeading, bold: true, ...small })] }),
    new Paragraph({ children: [new TextRun({ text: '- ', ...small }), blank(d.blanks.recipients, small), new TextRun({ text: ',', ...small })] }),
    new Paragraph({ children: [new TextRun({ text: d.recipientArchive, ...small })] }),
  ]);
  const right = cell(RIGHT_COLUMN, [
    centered([new TextRun({ text: d.signingAuthority, bold: true })]),
    centered([blank(d.blanks.signerTitle, { bold: true })]),
    // Room for the signature and the seal.
    ...Array.from({ length: 4 }, () => centered([])),
    centered([blank(d.blanks.signerName, { bold: true })]),
  ]);
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [LEFT_COLUMN, RIGHT_COLUMN],
    layout: TableLayoutType.FIXED,
    borders: noBorders,
    rows: [new TableRow({ cantSplit: true, children: [left, right] })],
  });
}

const LIST_BORDER = { style: BorderStyle.SINGLE, size: 4, color: '000000' } as const;
const listBorders = { top: LIST_BORDER, bottom: LIST_BORDER, left: LIST_BORDER, right: LIST_BORDER, insideHorizontal: LIST_BORDER, insideVertical: LIST_BORDER };

function listCell(width: number, text: string, options: { bold?: boolean; center?: boolean } = {}): TableCell {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    verticalAlign: VerticalAlign.CENTER,
    children: [
      new Paragraph({
        alignment: options.center ? AlignmentType.CENTER : AlignmentType.LEFT,
        spacing: { before: 40, after: 40 },
        children: [new TextRun({ text: literal(text), size: SIZE_TABLE, bold: options.bold ?? false })],
      }),
    ],
  });
}

/** A capped list of organizations as a bordered table: STT, code, name (and a fourth column). */
function orgTable<T extends OrgRef>(list: OrgList<T>, extra?: { heading: string; value: (org: T) => string }): Table {
  const index = 850;
  const code = 1500;
  const extraWidth = extra ? 3000 : 0;
  const name = TEXT_WIDTH - index - code - extraWidth;
  const widths = extra ? [index, code, name, extraWidth] : [index, code, name];
  const headings = [d.columns.index, d.columns.code, d.columns.name, ...(extra ? [extra.heading] : [])];
  const header = new TableRow({
    tableHeader: true,
    children: headings.map((h, i) => listCell(widths[i]!, h, { bold: true, center: true })),
  });
  const rows = list.first.map(
    (org, i) =>
      new TableRow({
        cantSplit: true,
        children: [
          listCell(index, String(i + 1), { center: true }),
          listCell(code, org.code),
          listCell(name, org.name),
          ...(extra ? [listCell(extraWidth, extra.value(org))] : []),
        ],
      }),
  );
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: listBorders,
    rows: [header, ...rows],
  });
}

function orgListSection<T extends OrgRef>(title: string, list: OrgList<T>, extra?: { heading: string; value: (org: T) => string }): Array<Paragraph | Table> {
  const out: Array<Paragraph | Table> = [heading(title)];
  if (list.total === 0) {
    out.push(body(d.annexNone));
    return out;
  }
  if (list.first.length > 0) out.push(orgTable(list, extra));
  const rest = list.total - list.first.length;
  if (rest > 0 || list.first.length > 0) {
    out.push(new Paragraph({ style: STYLE_ANNEX, spacing: { before: 120 }, children: rest > 0 ? [new TextRun(d.annexMore(formalCount(rest)))] : [] }));
  }
  return out;
}

function annex(input: ReportDocumentInput, dateText: string): FileChild[] {
  const { summary, texts } = input;
  const out: FileChild[] = [
    new Paragraph({ alignment: AlignmentType.CENTER, pageBreakBefore: true, children: [new TextRun({ text: d.annexTitle, bold: true })] }),
    centered([new TextRun({ text: d.annexAttachedBefore, italics: true }), blank(d.blanks.numberOnly, { italics: true }), new TextRun({ text: d.annexAttachedAfter(dateText), italics: true })], {
      spacingAfter: 240,
    }),
    ...orgListSection(d.annexNotSubmitted(formalCount(summary.notSubmitted.total)), summary.notSubmitted),
    ...orgListSection(d.annexLate(formalCount(summary.late.total)), summary.late, {
      heading: d.columns.lateReason,
      value: (org) => nonEmpty(org.lateReason ?? undefined) ?? d.noLateReason,
    }),
  ];
  if (texts.length > 0) {
    out.push(heading(d.annexTexts));
    texts.forEach((group, i) => {
      const entries = group.entries.filter((e) => e.text.trim() !== '');
      const total = Math.max(group.total ?? 0, entries.length);
      out.push(heading(d.annexTextQuestion(i + 1, capitalize(literal(group.questionLabel).trim()), formalCount(total))));
      if (total === 0) {
        out.push(body(d.annexTextNone));
        return;
      }
      const shown = entries.slice(0, ANNEX_ANSWERS_PER_QUESTION);
      for (const e of shown) out.push(new AnswerParagraph(d.annexEntryOrg(e.code, e.name), e.text.trim()));
      const rest = total - shown.length;
      if (rest > 0) out.push(new Paragraph({ style: STYLE_ANNEX, spacing: { before: 120 }, children: [new TextRun(d.annexTextMore(formalCount(rest)))] }));
    });
  }
  return out;
}

const PRESERVE = { _attr: { 'xml:space': 'preserve' } } as const;
const BOLD_RUN_PROPERTIES = { 'w:rPr': [{ 'w:b': {} }, { 'w:bCs': {} }] } as const;
const ANNEX_PARAGRAPH_PROPERTIES = { 'w:pPr': [{ 'w:pStyle': { _attr: { 'w:val': STYLE_ANNEX } } }] } as const;

/**
 * One free-text answer of the annex, "MÃ — Tên: nội dung", the organization in bold:
 * the XML docx writes for a Paragraph in the annex style with a bold TextRun and a plain
 * one (line breaks included), without building those objects. Why: when the annex had
 * every answer (up to 100,000), docx's Paragraph and TextRun took 60% of the time; it now
 * prints ANNEX_ANSWERS_PER_QUESTION per question, but a form may have many text questions.
 * docx still serializes (and escapes) the text, so it stays literal.
 */
class AnswerParagraph extends FileChild {
  constructor(
    private readonly org: string,
    private readonly text: string,
  ) {
    super('w:p');
  }

  override prepForXml(): IXmlableObject {
    const runs: IXmlableObject[] = [{ 'w:r': [BOLD_RUN_PROPERTIES, { 'w:t': [PRESERVE, literal(this.org)] }] }];
    literal(this.text)
      .split(/\r\n|\r|\n/)
      .forEach((line, i) => runs.push({ 'w:r': i === 0 ? [{ 'w:t': [PRESERVE, line] }] : [{ 'w:br': {} }, { 'w:t': [PRESERVE, line] }] }));
    return { 'w:p': [ANNEX_PARAGRAPH_PROPERTIES, ...runs] };
  }
}

function hasAnnex(input: ReportDocumentInput): boolean {
  return input.summary.notSubmitted.total > 0 || input.summary.late.total > 0 || input.texts.some((t) => (t.total ?? 0) > 0 || t.entries.some((e) => e.text.trim() !== ''));
}

/** The report as a .docx file. */
export async function renderReportDocx(input: ReportDocumentInput): Promise<Buffer> {
  const { summary, letterhead, date } = input;
  const subject = nonEmpty(letterhead.subject) ?? d.defaultSubject;
  const line = summaryLine(summary);
  const withAnnex = hasAnnex(input);
  const { day, month, year } = dateParts(date);
  const textsInAnnex = withAnnex && input.texts.length > 0;

  const children: FileChild[] = [
    letterheadTable(letterhead, date),
    ...titleBlock(line),
    ...progressSection(summary),
    ...resultsSection(summary, subject, textsInAnnex),
    // Kept with the signature: "Nơi nhận" and the signer never open a page of their own.
    body(d.closing(line), { keepNext: true }),
    new Paragraph({ spacing: { before: 120 }, keepNext: true, children: [] }),
    signatureTable(),
  ];
  if (withAnnex) children.push(...annex(input, `${day}/${month}/${year}`));

  const document = new Document({
    creator: 'baocao-bot',
    title: `${d.documentType} ${line}`,
    styles: {
      default: {
        document: {
          run: { font: FONT, size: SIZE_BODY, language: { value: 'vi-VN' } },
          // 1.15: capitals with stacked diacritics (ẢNG, ỦY) need room above them.
          paragraph: { spacing: { before: 0, after: 0, line: 276 } },
        },
      },
      paragraphStyles: [
        {
          id: STYLE_BODY,
          name: 'Báo cáo — nội dung',
          basedOn: 'Normal',
          quickFormat: true,
          run: { font: FONT, size: SIZE_BODY },
          paragraph: { alignment: AlignmentType.JUSTIFIED, indent: { firstLine: mm(10) }, spacing: { before: 0, after: 120, line: 288 } },
        },
        {
          id: STYLE_HEADING,
          name: 'Báo cáo — đề mục',
          basedOn: STYLE_BODY,
          next: STYLE_BODY,
          quickFormat: true,
          run: { bold: true },
          paragraph: { keepNext: true },
        },
        {
          id: STYLE_ANNEX,
          name: 'Báo cáo — phụ lục',
          basedOn: STYLE_BODY,
          // Left-aligned: an answer's own line breaks would stretch the justified line before each one.
          paragraph: { alignment: AlignmentType.LEFT, spacing: { before: 0, after: 80, line: 264 } },
        },
      ],
    },
    sections: [
      {
        properties: {
          titlePage: true,
          page: {
            size: { width: PAGE_WIDTH, height: PAGE_HEIGHT },
            margin: { ...MARGIN, header: mm(10), footer: mm(10), gutter: 0 },
          },
        },
        headers: pageNumberHeaders(),
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}

/** bao-cao-<campaignId>-<ascii slug of period>.docx */
export function reportFileName(summary: Pick<Summary, 'campaign'>): string {
  const parts = ['bao-cao', asciiSlug(summary.campaign.id), asciiSlug(summary.campaign.periodLabel)].filter((p) => p !== '');
  return `${parts.join('-')}.docx`;
}
