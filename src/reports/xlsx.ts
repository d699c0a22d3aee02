/**
 * The workbook of a round (.xlsx), streamed: the figures of the summary (Tổng hợp),
 * then every target organization with its answers (Chi tiết), the organizations that
 * have not submitted with their reporters (Chưa nộp), the late ones (Nộp muộn) and
 * every free-text answer (Ý kiến). Full lists, never cut: the lists are read page by
 * page (rows.ts) and each row is committed to the zip as it is written, so memory
 * stays flat whatever the number of organizations.
 *
 * Numbers are number cells, dates are date cells: Excel formats them with the
 * reader's locale (a Vietnamese Excel shows 1.234,5). Excel has no time zone, so an
 * instant is written as its wall time in Vietnam (wallClock). Every string from a user or a
 * file is written as a plain string cell, exactly as it is.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { ChannelName } from '../chat/port.js';
import type { Database } from '../db/schema.js';
import type { AnswerValue, Form, Question } from '../forms/schema.js';
import { formatDateTime, formatDeadline, wallClock } from '../time.js';
import { WorkbookAbandonedError } from './abandoned.js';
import { choiceChange, groupChange, headlineChange, previousFigures, type Change } from './compare.js';
import type { GroupFigures, QuestionFigures, Summary } from './figures.js';
import { asciiSlug, capitalize, formatCount, formatPercent, lowerFirst } from './format.js';
import { organizationTypeHeadings, summaryMessages, workbookMessages as m } from './messages.js';
import { detailRows, lateRows, notSubmittedRows, textAnswers, type DetailRow } from './rows.js';

export interface WorkbookInput {
  summary: Summary;
  form: Form;
  /** The figures per parent đảng bộ, when the caller has them: one column each. */
  byParent?: GroupFigures[];
  /** So many đảng bộ cơ sở that they are not columns (see MAX_PARENT_COLUMNS): Tổng hợp says where to find them. */
  parentsNotShown?: number;
  db: Kysely<Database>;
  /** The enabled channels: a reporter is reachable on an account there (unset: every channel). */
  channels?: readonly ChannelName[];
}

export const NUMBER_FORMATS = {
  integer: '#,##0',
  decimal: '#,##0.0#',
  /** A change: "+3", "-2", "0". */
  integerChange: '+#,##0;-#,##0;0',
  decimalChange: '+#,##0.0#;-#,##0.0#;0',
  percent: '0.0%',
  percentChange: '+0.0%;-0.0%;0.0%',
  date: 'dd/mm/yyyy',
  dateTime: 'dd/mm/yyyy hh:mm',
} as const;

/** 'YYYY-MM-DD' as a date cell (midnight UTC, which Excel reads as that day); undefined for anything else. */
export function excelDate(iso: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return undefined;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** "tong-hop-12-nam-2026.xlsx" */
export function workbookFileName(summary: Pick<Summary, 'campaign'>): string {
  return m.fileName(summary.campaign.id, asciiSlug(summary.campaign.periodLabel));
}

// ---------------------------------------------------------------------------
// Styles. One object per style, shared by every cell that has it: exceljs looks
// styles up by object identity first, so a shared object costs nothing per cell.

type CellStyle = Partial<ExcelJS.Style>;

const bold: Partial<ExcelJS.Font> = { bold: true };
const STYLE = {
  title: { font: { bold: true, size: 14 } },
  section: { font: { bold: true, size: 12 } },
  header: { font: bold, alignment: { wrapText: true, vertical: 'top' } },
  label: { font: bold, alignment: { wrapText: true, vertical: 'top' } },
  wrap: { alignment: { wrapText: true, vertical: 'top' } },
  integer: { numFmt: NUMBER_FORMATS.integer },
  decimal: { numFmt: NUMBER_FORMATS.decimal },
  integerChange: { numFmt: NUMBER_FORMATS.integerChange },
  decimalChange: { numFmt: NUMBER_FORMATS.decimalChange },
  percent: { numFmt: NUMBER_FORMATS.percent },
  percentChange: { numFmt: NUMBER_FORMATS.percentChange },
  date: { numFmt: NUMBER_FORMATS.date },
  dateTime: { numFmt: NUMBER_FORMATS.dateTime },
} satisfies Record<string, CellStyle>;

type StyleName = keyof typeof STYLE;
type CellValue = string | number | boolean | Date | null;

/** Writes one row with its styles and commits it: the row leaves memory. */
function writeRow(sheet: ExcelJS.Worksheet, values: CellValue[], styles?: ReadonlyArray<CellStyle | undefined>, height?: number): void {
  const row = sheet.addRow(values);
  if (styles) {
    for (let i = 0; i < styles.length; i++) {
      const style = styles[i];
      // An empty cell keeps no style: Excel would otherwise store it.
      if (style && values[i] !== null && values[i] !== undefined) row.getCell(i + 1).style = style;
    }
  }
  if (height !== undefined) row.height = height;
  row.commit();
}

interface ListColumn {
  header: string;
  width: number;
  /** The style of the column's cells below the header (none when undefined). */
  style?: CellStyle | undefined;
}

/** A list sheet, and how a row is written to it: each cell with its column's style. */
interface ListSheet {
  sheet: ExcelJS.Worksheet;
  write(values: CellValue[]): void;
}

/**
 * How every sheet prints: A4 landscape, as wide as the page (as many pages down as it
 * takes), narrow margins, "Trang 2/5" at the foot. Without it Excel prints Letter at 100%,
 * a wide sheet cut into strips over dozens of pages.
 */
const PRINT = {
  pageSetup: {
    paperSize: 9,
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
  },
  headerFooter: { oddFooter: m.printFooter },
} satisfies Partial<ExcelJS.AddWorksheetOptions>;

/** A header taller than this is a sign of a column too narrow for it, not of a header that needs it. */
const MAX_HEADER_LINES = 12;

/**
 * A list sheet: frozen bold header with a filter over it, printed again at the top of
 * every page (a list of 50,000 organizations runs to hundreds of pages).
 */
function listSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, name: string, columns: ListColumn[]): ListSheet {
  const sheet = workbook.addWorksheet(name, { ...PRINT, pageSetup: { ...PRINT.pageSetup, printTitlesRow: '1:1' }, views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ width: c.width }));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  // Tall enough for the longest header wrapped in its column.
  const lines = Math.max(1, ...columns.map((c) => Math.ceil(c.header.length / Math.max(1, c.width - 1))));
  writeRow(
    sheet,
    columns.map((c) => c.header),
    columns.map(() => STYLE.header),
    Math.min(lines, MAX_HEADER_LINES) * 15,
  );
  const styles = columns.map((c) => c.style);
  return { sheet, write: (values) => writeRow(sheet, values, styles) };
}

/** The columns that several lists share. */
const LIST_COLUMN = {
  code: { header: m.columns.code, width: 12 },
  name: { header: m.columns.name, width: 40 },
  type: { header: m.columns.type, width: 18 },
  status: { header: m.columns.status, width: 12 },
  submittedAt: { header: m.columns.submittedAt, width: 17, style: STYLE.dateTime },
} satisfies Record<string, ListColumn>;

/** Waits while the output holds more than it wants: a slow reader must not make the zip pile up in memory. */
async function drained(output: NodeJS.WritableStream): Promise<void> {
  const writable = output as Partial<Writable>;
  // The reader went away (a download cancelled): stop reading pages for nobody.
  if (writable.destroyed) throw new WorkbookAbandonedError();
  if (!writable.writableNeedDrain) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      writable.off?.('drain', done);
      writable.off?.('close', done);
      resolve();
    };
    writable.once?.('drain', done);
    writable.once?.('close', done);
  });
}

/** Every this-many rows the writer lets the output catch up. */
const DRAIN_EVERY = 1000;

// ---------------------------------------------------------------------------
// Tổng hợp

interface FigureColumn {
  header: string;
  /** The figures of the question at this index, for this column. */
  figuresAt(index: number): QuestionFigures | undefined;
}

/** One line of a question: what it shows, and how to read it from a column's figures. */
interface FigureLine {
  figure: string;
  value(f: QuestionFigures): CellValue;
  style: StyleName;
  previous?: CellValue;
  change?: Change | undefined;
  changeStyle?: StyleName;
}

function dateValue(iso: string | null): Date | null {
  return iso === null ? null : (excelDate(iso) ?? null);
}

/** The lines of a question in the Tổng hợp sheet, each with its previous figure and change. */
function figureLines(q: QuestionFigures, prev: QuestionFigures | undefined): FigureLine[] {
  const answered: FigureLine = { figure: m.figures.answered, value: (f) => f.answered, style: 'integer', previous: prev ? prev.answered : null };
  switch (q.kind) {
    case 'number': {
      const p = prev?.kind === 'number' ? prev : undefined;
      const num = (f: QuestionFigures) => (f.kind === 'number' ? f : undefined);
      const lines: FigureLine[] = [];
      if (q.type === 'integer') {
        lines.push({ figure: m.figures.sum, value: (f) => num(f)?.sum ?? null, style: 'integer', previous: p?.sum ?? null, change: headlineChange(q, prev), changeStyle: 'integerChange' });
      } else {
        lines.push(
          { figure: m.figures.average, value: (f) => num(f)?.average ?? null, style: 'decimal', previous: p?.average ?? null, change: headlineChange(q, prev), changeStyle: 'decimalChange' },
          { figure: m.figures.min, value: (f) => num(f)?.min ?? null, style: 'decimal', previous: p?.min ?? null },
          { figure: m.figures.max, value: (f) => num(f)?.max ?? null, style: 'decimal', previous: p?.max ?? null },
        );
      }
      lines.push(answered);
      if (q.confirmedOutliers > 0) lines.push({ figure: m.figures.confirmedOutliers, value: (f) => num(f)?.confirmedOutliers ?? null, style: 'integer' });
      return lines;
    }
    case 'yes_no': {
      const p = prev?.kind === 'yes_no' && prev.answered > 0 ? prev : undefined;
      const yn = (f: QuestionFigures) => (f.kind === 'yes_no' ? f : undefined);
      return [
        { figure: m.figures.yes, value: (f) => yn(f)?.yes ?? null, style: 'integer', previous: p?.yes ?? null, change: headlineChange(q, prev), changeStyle: 'integerChange' },
        { figure: m.figures.yesShare, value: (f) => (yn(f) && f.answered > 0 ? yn(f)!.share : null), style: 'percent', previous: p?.share ?? null },
        answered,
      ];
    }
    case 'choice':
    case 'multi_choice': {
      const choiceCount = (f: QuestionFigures, value: string) =>
        f.kind === 'choice' || f.kind === 'multi_choice' ? (f.choices.find((c) => c.value === value)?.count ?? 0) : null;
      const p = (prev?.kind === 'choice' || prev?.kind === 'multi_choice') && prev.answered > 0 ? prev : undefined;
      const lines: FigureLine[] = q.choices.map((c) => ({
        figure: c.label,
        value: (f) => choiceCount(f, c.value),
        style: 'integer',
        previous: p ? (p.choices.find((pc) => pc.value === c.value)?.count ?? 0) : null,
        change: choiceChange(prev, c.value, c.count),
        changeStyle: 'integerChange',
      }));
      if (q.kind === 'choice') {
        const pg = p?.kind === 'choice' ? p : undefined;
        for (const g of q.groups) {
          lines.push({
            figure: m.figures.group(g.label),
            value: (f) => (f.kind === 'choice' ? (f.groups.find((x) => x.label === g.label)?.count ?? 0) : null),
            style: 'integer',
            previous: pg?.groups.find((x) => x.label === g.label)?.count ?? null,
            change: groupChange(prev, g.label, g.count),
            changeStyle: 'integerChange',
          });
        }
        if (q.target) {
          const target = (f: QuestionFigures) => (f.kind === 'choice' ? f.target : undefined);
          const pt = pg?.target;
          lines.push(
            {
              figure: m.figures.targetShare(formatPercent(Math.round(q.target.share * 1000), 1000)),
              value: (f) => target(f)?.actualShare ?? null,
              style: 'percent',
              previous: pt?.actualShare ?? null,
            },
            {
              figure: m.figures.targetVerdict,
              value: (f) => {
                const t = target(f);
                return t ? capitalize(summaryMessages.targetVerdicts[t.verdict]) : null;
              },
              style: 'wrap',
              previous: pt ? capitalize(summaryMessages.targetVerdicts[pt.verdict]) : null,
            },
          );
        }
      }
      lines.push(answered);
      return lines;
    }
    case 'text': {
      const p = prev?.kind === 'text' ? prev : undefined;
      return [{ figure: m.figures.nonEmpty, value: (f) => (f.kind === 'text' ? f.nonEmpty : null), style: 'integer', previous: p?.nonEmpty ?? null }];
    }
    case 'date': {
      const p = prev?.kind === 'date' ? prev : undefined;
      const d = (f: QuestionFigures) => (f.kind === 'date' ? f : undefined);
      return [
        { figure: m.figures.earliest, value: (f) => dateValue(d(f)?.earliest ?? null), style: 'date', previous: dateValue(p?.earliest ?? null) },
        { figure: m.figures.latest, value: (f) => dateValue(d(f)?.latest ?? null), style: 'date', previous: dateValue(p?.latest ?? null) },
        answered,
      ];
    }
  }
}

async function writeSummarySheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, input: WorkbookInput): Promise<void> {
  const { summary } = input;
  const { campaign } = summary;
  const byType = summary.byType;
  const byParent = input.byParent ?? [];
  const previous = summary.previous;

  // Columns: A item, B figure, C the whole round, then types, parents, previous, change.
  const columns: FigureColumn[] = [
    { header: m.total, figuresAt: (i) => summary.questions[i] },
    ...byType.map((g) => ({ header: g.label, figuresAt: (i: number) => g.questions[i] })),
    ...byParent.map((g) => ({ header: g.label, figuresAt: (i: number) => g.questions[i] })),
  ];
  const previousAt = columns.length + 2;
  const width = columns.length + 2 + (previous ? 2 : 0);

  const sheet = workbook.addWorksheet(m.sheets.summary, { ...PRINT, views: [{ state: 'frozen', xSplit: 2 }] });
  sheet.columns = [{ width: 55 }, { width: 34 }, ...columns.map((c) => ({ width: Math.min(30, Math.max(14, c.header.length + 2)) })), ...(previous ? [{ width: 16 }, { width: 18 }] : [])];

  const blank = (): CellValue[] => new Array<CellValue>(width).fill(null);
  const headerRow = (first: string, second: string | null): void => {
    const values = blank();
    values[0] = first;
    values[1] = second;
    columns.forEach((c, i) => (values[i + 2] = c.header));
    if (previous) {
      values[previousAt] = m.previousColumn(previous.periodLabel);
      values[previousAt + 1] = m.changeColumn(lowerFirst(previous.periodLabel));
    }
    writeRow(sheet, values, values.map(() => STYLE.header), 45);
  };

  writeRow(sheet, [m.heading(campaign.formTitle)], [STYLE.title], 20);
  writeRow(sheet, [m.period(campaign.periodLabel)]);
  const deadline = formatDeadline(campaign.dueAt);
  writeRow(sheet, [m.deadline(campaign.pastDue ? `${deadline} (${summaryMessages.deadlinePassed})` : deadline)]);
  if (campaign.closed && campaign.closedAt) writeRow(sheet, [m.closedAt(formatDateTime(campaign.closedAt))]);
  writeRow(sheet, [m.asOf(formatDateTime(summary.generatedAt))]);
  if (input.parentsNotShown) writeRow(sheet, [m.parentsNotShown(formatCount(input.parentsNotShown))]);
  writeRow(sheet, []);

  // Progress: targets / submitted / on time / late, total, per type, per parent.
  writeRow(sheet, [m.sectionProgress], [STYLE.section]);
  headerRow(m.progressItem, null);
  type Group = { targets: number; submitted: number; late: number | null };
  const groups: Group[] = [
    { targets: summary.targets.total, submitted: summary.submitted.total, late: summary.submitted.late },
    ...byType.map((g) => ({ targets: g.targets, submitted: g.submitted, late: g.late ?? null })),
    // The late count of a parent's organizations is not part of its figures.
    ...byParent.map((g) => ({ targets: g.targets, submitted: g.submitted, late: null })),
  ];
  const progressLines: Array<{ item: string; value: (g: Group) => number | null; style: StyleName; previous?: number }> = [
    { item: m.progress.targets, value: (g) => g.targets, style: 'integer' },
    { item: m.progress.submitted, value: (g) => g.submitted, style: 'integer', ...(previous ? { previous: previous.submitted } : {}) },
    { item: m.progress.submittedShare, value: (g) => (g.targets > 0 ? g.submitted / g.targets : null), style: 'percent' },
    { item: m.progress.onTime, value: (g) => (g.late === null ? null : g.submitted - g.late), style: 'integer' },
    { item: m.progress.late, value: (g) => g.late, style: 'integer' },
    { item: m.progress.notSubmitted, value: (g) => g.targets - g.submitted, style: 'integer' },
  ];
  for (const line of progressLines) {
    const values = blank();
    const styles: Array<CellStyle | undefined> = new Array<CellStyle | undefined>(width).fill(STYLE[line.style]);
    values[0] = line.item;
    styles[0] = STYLE.label;
    styles[1] = undefined;
    groups.forEach((g, i) => (values[i + 2] = line.value(g)));
    if (previous && line.previous !== undefined) {
      values[previousAt] = line.previous;
      values[previousAt + 1] = summary.submitted.total - line.previous;
      styles[previousAt + 1] = STYLE.integerChange;
    }
    writeRow(sheet, values, styles);
  }
  writeRow(sheet, []);

  // Figures: one block of lines per question.
  writeRow(sheet, [m.sectionFigures], [STYLE.section]);
  headerRow(m.questionColumn, m.figureColumn);
  summary.questions.forEach((q, index) => {
    const prev = previousFigures(summary, q);
    const lines = figureLines(q, prev);
    lines.forEach((line, n) => {
      const values = blank();
      const styles: Array<CellStyle | undefined> = new Array<CellStyle | undefined>(width).fill(STYLE[line.style]);
      values[0] = n === 0 ? capitalize(q.label) : null;
      styles[0] = STYLE.label;
      values[1] = line.figure;
      styles[1] = STYLE.wrap;
      columns.forEach((c, i) => {
        const f = c.figuresAt(index);
        values[i + 2] = f && f.key === q.key ? line.value(f) : null;
      });
      if (previous) {
        values[previousAt] = line.previous ?? null;
        values[previousAt + 1] = line.change ? line.change.delta : null;
        styles[previousAt + 1] = STYLE[line.changeStyle ?? 'integerChange'];
      }
      writeRow(sheet, values, styles);
    });
  });
  if (summary.questions.length === 0) writeRow(sheet, [m.noFigures]);
  sheet.commit();
}

// ---------------------------------------------------------------------------
// Chi tiết

/** How an answer is written in its column. */
interface AnswerColumn {
  question: Question;
  width: number;
  style: CellStyle | undefined;
  cell(value: AnswerValue): CellValue;
}

function answerColumn(question: Question): AnswerColumn {
  const labels = 'choices' in question ? new Map(question.choices.map((c) => [c.value, c.label])) : new Map<string, string>();
  const labelOf = (v: string) => labels.get(v) ?? v;
  switch (question.type) {
    case 'integer':
    case 'decimal':
      return { question, width: 18, style: STYLE[question.type], cell: (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null) };
    case 'yes_no':
      return { question, width: 18, style: undefined, cell: (v) => (typeof v === 'boolean' ? (v ? m.yes : m.no) : null) };
    case 'choice':
      return {
        question,
        width: Math.min(40, Math.max(16, ...question.choices.map((c) => c.label.length + 2))),
        style: undefined,
        cell: (v) => (typeof v === 'string' && v !== '' ? labelOf(v) : null),
      };
    case 'multi_choice':
      return { question, width: 40, style: STYLE.wrap, cell: (v) => (Array.isArray(v) && v.length > 0 ? v.map(labelOf).join(m.choiceSeparator) : null) };
    case 'text':
      return { question, width: 50, style: STYLE.wrap, cell: (v) => (typeof v === 'string' && v !== '' ? v : null) };
    case 'date':
      return { question, width: 13, style: STYLE.date, cell: (v) => (typeof v === 'string' ? (excelDate(v) ?? v) : null) };
  }
}

async function writeDetailSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, input: WorkbookInput, output: NodeJS.WritableStream): Promise<void> {
  const answerColumns = input.form.questions.map(answerColumn);
  const c = m.columns;
  const list = listSheet(workbook, m.sheets.detail, [
    LIST_COLUMN.code,
    LIST_COLUMN.name,
    LIST_COLUMN.type,
    { header: c.parent, width: 32 },
    LIST_COLUMN.status,
    LIST_COLUMN.submittedAt,
    { header: c.late, width: 8 },
    { header: c.lateReason, width: 30 },
    // Numbered as the form is ("sửa 3" in chat, Câu 3 in the Word draft); the full text, wrapped in a header row tall enough for it.
    ...answerColumns.map((a, i) => ({ header: `${i + 1}. ${a.question.text}`, width: a.width, style: a.style })),
  ]);
  await streamRows(list, detailRows(input.db, input.summary.campaign.id, input.form), (row) => list.write(detailValues(row, answerColumns)), output);
}

function detailValues(row: DetailRow, answerColumns: AnswerColumn[]): CellValue[] {
  const submitted = row.status === 'submitted';
  const values: CellValue[] = [
    row.code,
    row.name,
    organizationTypeHeadings[row.type] ?? row.type,
    row.parentName,
    m.statuses[row.status],
    row.submittedAt ? wallClock(row.submittedAt) : null,
    submitted ? (row.late ? m.yes : m.no) : null,
    row.lateReason,
  ];
  for (const a of answerColumns) {
    const value = row.answers.get(a.question.key);
    values.push(value === undefined || value === null ? null : a.cell(value));
  }
  return values;
}

// ---------------------------------------------------------------------------
// Chưa nộp, Nộp muộn, Ý kiến

function channelList(channels: string[]): string | null {
  return channels.length === 0 ? null : channels.map((ch) => m.channelNames[ch] ?? ch).join(m.channelSeparator);
}

async function writeNotSubmittedSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, input: WorkbookInput, output: NodeJS.WritableStream): Promise<void> {
  const c = m.columns;
  const list = listSheet(workbook, m.sheets.notSubmitted, [
    LIST_COLUMN.code,
    LIST_COLUMN.name,
    LIST_COLUMN.type,
    LIST_COLUMN.status,
    { header: c.reporter, width: 28 },
    { header: c.channels, width: 18 },
    { header: c.reachable, width: 12 },
    { header: c.reachNote, width: 45, style: STYLE.wrap },
  ]);
  await streamRows(
    list,
    notSubmittedRows(input.db, input.summary.campaign.id, { channels: input.channels }),
    (org) => {
      const head: CellValue[] = [org.code, org.name, organizationTypeHeadings[org.type] ?? org.type, m.statuses[org.status]];
      if (org.reporters.length === 0) list.write([...head, m.noReporter, null, m.no, null]);
      for (const r of org.reporters) {
        // Each refused account by app: one blocked of two is worth knowing even when the other still reaches them.
        const note =
          r.channels.length === 0
            ? m.noAccount
            : r.refused.length > 0
              ? r.refused.map((a) => m.refusedBy(m.channelNames[a.channel] ?? a.channel, a.reason)).join(m.noteSeparator)
              : r.reachable
                ? null
                : m.noEnabledAccount;
        list.write([...head, r.name, channelList(r.channels), r.reachable ? m.yes : m.no, note]);
      }
    },
    output,
  );
}

/** Streams `rows` into the sheet, one row each, waiting for a slow reader every DRAIN_EVERY rows, then commits it. */
async function streamRows<T>(
  { sheet }: ListSheet,
  rows: AsyncIterable<T>,
  write: (row: T) => void,
  output: NodeJS.WritableStream,
): Promise<void> {
  let n = 0;
  for await (const row of rows) {
    write(row);
    if (++n % DRAIN_EVERY === 0) await drained(output);
  }
  sheet.commit();
}

async function writeLateSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, input: WorkbookInput, output: NodeJS.WritableStream): Promise<void> {
  const list = listSheet(workbook, m.sheets.late, [
    LIST_COLUMN.code,
    LIST_COLUMN.name,
    LIST_COLUMN.submittedAt,
    { header: m.columns.lateReason, width: 60, style: STYLE.wrap },
  ]);
  await streamRows(
    list,
    lateRows(input.db, input.summary.campaign.id),
    (r) => list.write([r.code, r.name, r.submittedAt ? wallClock(r.submittedAt) : null, r.lateReason]),
    output,
  );
}

async function writeTextsSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, input: WorkbookInput, output: NodeJS.WritableStream): Promise<void> {
  const c = m.columns;
  const list = listSheet(workbook, m.sheets.texts, [
    { header: c.question, width: 30, style: STYLE.wrap },
    LIST_COLUMN.code,
    { header: c.name, width: 36, style: STYLE.wrap },
    { header: c.text, width: 90, style: STYLE.wrap },
  ]);
  const labels = new Map(input.form.questions.map((q) => [q.key, capitalize(q.summary?.label ?? q.text)]));
  await streamRows(
    list,
    textAnswers(input.db, input.summary.campaign.id, input.form),
    (t) => list.write([labels.get(t.questionKey) ?? t.questionKey, t.code, t.name, t.text]),
    output,
  );
}

/**
 * Writes the round's workbook to `output` and ends it; resolves once the output has
 * taken the last byte. On a failure the output is destroyed (a half-written file
 * must not look complete) and the error is rethrown.
 */
export async function writeWorkbook(input: WorkbookInput, output: NodeJS.WritableStream): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output as Writable, useStyles: true, useSharedStrings: false });
  workbook.creator = 'baocao';
  workbook.created = input.summary.generatedAt;
  try {
    // One sheet at a time: each is streamed into the zip as it is written.
    await writeSummarySheet(workbook, input);
    await writeDetailSheet(workbook, input, output);
    await writeNotSubmittedSheet(workbook, input, output);
    await writeLateSheet(workbook, input, output);
    await writeTextsSheet(workbook, input, output);
    if ((output as Partial<Writable>).destroyed) throw new WorkbookAbandonedError();
    await workbook.commit();
  } catch (error) {
    const zip = (workbook as unknown as { zip?: { abort?: () => void } }).zip;
    zip?.abort?.();
    (output as Partial<Writable>).destroy?.();
    throw error;
  }
}
