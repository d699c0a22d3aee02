/**
 * The figures of a round as one PNG chart, sent with the summary: submission
 * progress by organization type, then one panel per choice question (the quality
 * ratings). Each panel is a Chart.js chart on its own canvas, drawn onto one white
 * image under a title line.
 *
 * Text is drawn only with the Noto Sans files bundled in assets/fonts, registered
 * under a family name of our own, so the image is the same on a machine without
 * any installed font (a system "Noto Sans" or "sans-serif" is never picked).
 *
 * Every size is computed from the summary before anything is drawn (chartSize), with
 * the bundled font's metrics for the wrapped labels, so the size is deterministic.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  SubTitle,
  Title,
  type ChartConfiguration,
  type ChartDataset,
  type ChartItem,
  type Plugin,
} from 'chart.js';
import { formatDateTime } from '../time.js';
import type { ChoiceFigures, Summary } from './figures.js';
import { capitalize, formatCount, formatFraction, formatPercent } from './format.js';
import { chartMessages as m } from './messages.js';
import { targetSentence } from './text.js';

/** The family the bundled fonts are registered under; no installed font has this name. */
export const CHART_FONT_FAMILY = 'BaoCaoNotoSans';

const FONT_FILES = ['NotoSans-Regular.ttf', 'NotoSans-Bold.ttf'] as const;

/** assets/fonts of the repository, from src/reports or dist/src/reports, whatever the cwd. */
export const bundledFontsDir: string = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  const twoUp = resolve(here, '..', '..');
  return join(basename(twoUp) === 'dist' ? dirname(twoUp) : twoUp, 'assets', 'fonts');
})();

// ---------------------------------------------------------------------------
// Layout (pixels). The image is WIDTH wide; panels are stacked with gaps.

const WIDTH = 1200;
const MARGIN = 24;
const PANEL_WIDTH = WIDTH - 2 * MARGIN;
const PANEL_GAP = 20;
const PANEL_RADIUS = 8;

const HEADER_TOP = 28;
const TITLE_SIZE = 26;
const TITLE_LINE = 34;
const TITLE_MAX_LINES = 3;
const AS_OF_SIZE = 16;
const AS_OF_LINE = 24;
const HEADER_BOTTOM = 18;

/** Inside a panel. */
const PANEL_PAD_X = 20;
const PANEL_PAD_TOP = 6;
const PANEL_PAD_BOTTOM = 12;
const PANEL_TITLE_SIZE = 18;
const PANEL_TITLE_LINE_HEIGHT = 1.3;
const PANEL_TITLE_MAX_LINES = 3;
const PANEL_TITLE_PAD = { top: 12, bottom: 4 };
const NOTE_SIZE = 14;
const NOTE_LINE_HEIGHT = 1.3;
const NOTE_PAD = { top: 0, bottom: 12 };
/** The legend row of the progress panel: box, padding and the gap under it. */
const LEGEND_HEIGHT = 42;
/** The x axis: tick length, padding and one line of 14px ticks. */
const X_AXIS_HEIGHT = 34;

const TICK_SIZE = 15;
const TICK_LINE_HEIGHT = 1.25;
const TICK_LINE = TICK_SIZE * TICK_LINE_HEIGHT;
/** The category labels' column: the same in every panel, so the bars line up. */
const LABEL_COLUMN = 380;
const LABEL_TICK_PAD = 14;
const LABEL_WIDTH = LABEL_COLUMN - LABEL_TICK_PAD - 8;
const LABEL_MAX_LINES = 3;
const ROW_MIN = 46;
const ROW_PAD = 22;

const VALUE_SIZE = 14;
const VALUE_FONT = `bold ${VALUE_SIZE}px ${CHART_FONT_FAMILY}`;

const COLORS = {
  text: '#263238',
  muted: '#546e7a',
  grid: '#e6eaee',
  border: '#d5dbe1',
  background: '#ffffff',
  submitted: '#1565c0',
  onTime: '#2e7d32',
  late: '#f9a825',
  notSubmitted: '#cfd8dc',
  choice: '#1565c0',
  onDark: '#ffffff',
  onLight: '#263238',
} as const;

// ---------------------------------------------------------------------------
// Fonts and Chart.js, set up once per process.

let ready = false;

function setup(): void {
  if (ready) return;
  if (!GlobalFonts.has(CHART_FONT_FAMILY)) {
    for (const file of FONT_FILES) {
      const path = join(bundledFontsDir, file);
      if (!GlobalFonts.registerFromPath(path, CHART_FONT_FAMILY)) throw new Error(`chart: cannot load the font ${path}`);
    }
  }
  Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Title, SubTitle);
  Chart.defaults.font.family = CHART_FONT_FAMILY;
  Chart.defaults.font.size = TICK_SIZE;
  Chart.defaults.color = COLORS.text;
  ready = true;
}

let measureContext: SKRSContext2D | undefined;

function measure(): SKRSContext2D {
  measureContext ??= createCanvas(1, 1).getContext('2d');
  measureContext.lang = 'vi';
  return measureContext;
}

function font(size: number, bold = false): string {
  return `${bold ? 'bold ' : ''}${size}px ${CHART_FONT_FAMILY}`;
}

function textWidth(text: string, fontString: string): number {
  const ctx = measure();
  ctx.font = fontString;
  return ctx.measureText(text).width;
}

/** The text cut to fit `maxWidth`, with an ellipsis. */
function truncate(text: string, fontString: string, maxWidth: number): string {
  if (textWidth(text, fontString) <= maxWidth) return text;
  const chars = Array.from(text);
  while (chars.length > 0 && textWidth(`${chars.join('').trimEnd()}${m.ellipsis}`, fontString) > maxWidth) chars.pop();
  return `${chars.join('').trimEnd()}${m.ellipsis}`;
}

/** A word wider than a line, cut into pieces that fit. */
function splitWord(word: string, fontString: string, maxWidth: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const ch of Array.from(word)) {
    if (piece && textWidth(piece + ch, fontString) > maxWidth) {
      pieces.push(piece);
      piece = ch;
    } else piece += ch;
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/** Greedy word wrap to `maxWidth`, at most `maxLines` lines (the last one cut short with an ellipsis). */
export function wrapText(text: string, fontString: string, maxWidth: number, maxLines: number): string[] {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    const candidate = current ? `${current} ${word}` : word;
    if (textWidth(candidate, fontString) <= maxWidth) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    if (textWidth(word, fontString) <= maxWidth) current = word;
    else {
      const pieces = splitWord(word, fontString, maxWidth);
      lines.push(...pieces.slice(0, -1));
      current = pieces[pieces.length - 1] ?? '';
    }
  }
  if (current) lines.push(current);
  if (lines.length === 0) return [''];
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = truncate(`${kept[maxLines - 1]} ${lines[maxLines]}`, fontString, maxWidth);
  return kept;
}

// ---------------------------------------------------------------------------
// Panels: each is a height and the Chart.js configuration drawn at that height.

interface Panel {
  height: number;
  config: () => ChartConfiguration<'bar', Array<number | null>, string[]>;
}

interface Header {
  titleLines: string[];
  asOf: string;
  height: number;
}

function header(summary: Summary): Header {
  const title = m.title(summary.campaign.formTitle, summary.campaign.periodLabel);
  const titleLines = wrapText(title, font(TITLE_SIZE, true), WIDTH - 2 * MARGIN, TITLE_MAX_LINES);
  return {
    titleLines,
    asOf: m.asOf(formatDateTime(summary.generatedAt)),
    height: HEADER_TOP + titleLines.length * TITLE_LINE + AS_OF_LINE + HEADER_BOTTOM,
  };
}

/** Pixels of a Chart.js title block: lines × line height + padding. */
function blockHeight(lines: number, size: number, lineHeight: number, pad: { top: number; bottom: number }): number {
  return lines * size * lineHeight + pad.top + pad.bottom;
}

function rowHeight(labels: string[][]): number {
  const lines = Math.max(1, ...labels.map((l) => l.length));
  return Math.max(ROW_MIN, Math.ceil(lines * TICK_LINE + ROW_PAD));
}

/** A panel's Chart.js height: title, note, legend, rows and the x axis. */
function panelHeight(titleLines: number, noteLines: number, legend: boolean, rows: number, row: number): number {
  return Math.ceil(
    PANEL_PAD_TOP +
      blockHeight(titleLines, PANEL_TITLE_SIZE, PANEL_TITLE_LINE_HEIGHT, PANEL_TITLE_PAD) +
      blockHeight(noteLines, NOTE_SIZE, NOTE_LINE_HEIGHT, NOTE_PAD) +
      (legend ? LEGEND_HEIGHT : 0) +
      rows * row +
      X_AXIS_HEIGHT +
      PANEL_PAD_BOTTOM,
  );
}

function wrapLabel(text: string): string[] {
  return wrapText(text, font(TICK_SIZE), LABEL_WIDTH, LABEL_MAX_LINES);
}

function wrapPanelTitle(text: string): string[] {
  return wrapText(text, font(PANEL_TITLE_SIZE, true), PANEL_WIDTH - 2 * PANEL_PAD_X, PANEL_TITLE_MAX_LINES);
}

function wrapNote(text: string): string[] {
  return wrapText(text, font(NOTE_SIZE), PANEL_WIDTH - 2 * PANEL_PAD_X, 2);
}

/** Text drawn on bars: `texts[dataset][index]`, inside the segment or after its end. */
interface BarTexts {
  texts: Array<Array<string | null>>;
  colors: string[];
  place: 'inside' | 'end';
}

/**
 * The inline plugin of every panel: pins the text language (Vietnamese shaping) and
 * draws the counts on the bars. A count that does not fit inside its segment is left
 * out; the figure is also in the bar's label.
 */
function barTextPlugin({ texts, colors, place }: BarTexts): Plugin<'bar'> {
  return {
    id: 'baocaoBarTexts',
    beforeDraw(chart) {
      (chart.ctx as unknown as SKRSContext2D).lang = 'vi';
    },
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.font = VALUE_FONT;
      ctx.textBaseline = 'middle';
      chart.data.datasets.forEach((_, di) => {
        const meta = chart.getDatasetMeta(di);
        if (meta.hidden) return;
        meta.data.forEach((element, i) => {
          const text = texts[di]?.[i];
          if (!text) return;
          const { x, y, base } = element.getProps(['x', 'y', 'base'], true) as { x: number; y: number; base: number };
          const width = ctx.measureText(text).width;
          if (place === 'end') {
            ctx.fillStyle = COLORS.text;
            ctx.textAlign = 'left';
            ctx.fillText(text, Math.max(x, base) + 8, y);
            return;
          }
          if (Math.abs(x - base) < width + 10) return;
          ctx.fillStyle = colors[di] ?? COLORS.text;
          ctx.textAlign = 'center';
          ctx.fillText(text, (x + base) / 2, y);
        });
      });
      ctx.restore();
    },
  };
}

/** What every panel shares: no animation, fixed size, our font, the fixed label column. */
function baseOptions(titleLines: string[], noteLines: string[], legend: boolean, rightPad: number) {
  return {
    indexAxis: 'y' as const,
    animation: false as const,
    responsive: false,
    maintainAspectRatio: false,
    devicePixelRatio: 1,
    events: [],
    layout: { padding: { left: PANEL_PAD_X, right: rightPad, top: PANEL_PAD_TOP, bottom: PANEL_PAD_BOTTOM } },
    plugins: {
      title: {
        display: true,
        text: titleLines,
        align: 'start' as const,
        color: COLORS.text,
        font: { size: PANEL_TITLE_SIZE, weight: 'bold' as const, lineHeight: PANEL_TITLE_LINE_HEIGHT },
        padding: PANEL_TITLE_PAD,
      },
      subtitle: {
        display: noteLines.length > 0,
        text: noteLines,
        align: 'start' as const,
        color: COLORS.muted,
        font: { size: NOTE_SIZE, lineHeight: NOTE_LINE_HEIGHT },
        padding: NOTE_PAD,
      },
      legend: legend
        ? {
            display: true,
            position: 'top' as const,
            align: 'start' as const,
            labels: { boxWidth: 16, boxHeight: 16, padding: 14, font: { size: TICK_SIZE }, color: COLORS.text },
          }
        : { display: false },
      tooltip: { enabled: false },
    },
  };
}

function yScale() {
  return {
    type: 'category' as const,
    grid: { display: false },
    border: { color: COLORS.border },
    ticks: {
      autoSkip: false,
      crossAlign: 'far' as const,
      padding: LABEL_TICK_PAD,
      color: COLORS.text,
      font: { size: TICK_SIZE, lineHeight: TICK_LINE_HEIGHT },
    },
    afterFit(scale: { width: number }) {
      scale.width = LABEL_COLUMN;
    },
  };
}

function progressPanel(summary: Summary): Panel {
  const rows = [
    ...summary.byType.map((g) => ({ label: g.label, targets: g.targets, submitted: g.submitted, total: false })),
    { label: m.total, targets: summary.targets.total, submitted: summary.submitted.total, total: true },
  ];
  const { onTime, late } = summary.submitted;
  const detail = (text: string) => truncate(text, font(TICK_SIZE), LABEL_WIDTH);
  // The bar's label carries its figures too: a segment too narrow for its count shows none.
  const labels = rows.map((r) => [
    ...wrapLabel(r.label),
    detail(m.submittedDetail(formatFraction(r.submitted, r.targets), formatPercent(r.submitted, r.targets))),
    ...(r.total && r.submitted > 0 ? [detail(m.onTimeLateDetail(formatCount(onTime), late > 0 ? formatCount(late) : undefined))] : []),
  ]);
  const titleLines = wrapPanelTitle(m.progressTitle);
  const noteLines = wrapNote(m.progressNote);
  const row = rowHeight(labels);
  const height = panelHeight(titleLines.length, noteLines.length, true, rows.length, row);

  const share = (n: number, base: number) => (base > 0 ? (100 * n) / base : 0);
  const label = (n: number) => (n > 0 ? formatCount(n) : null);
  const notSubmitted = (r: (typeof rows)[number]) => Math.max(0, r.targets - r.submitted);
  const series: Array<{ name: string; color: string; text: string; values: Array<number | null>; counts: Array<number | null> }> = [
    {
      name: m.series.submitted,
      color: COLORS.submitted,
      text: COLORS.onDark,
      values: rows.map((r) => (r.total ? null : share(r.submitted, r.targets))),
      counts: rows.map((r) => (r.total ? null : r.submitted)),
    },
    {
      name: m.series.onTime,
      color: COLORS.onTime,
      text: COLORS.onDark,
      values: rows.map((r) => (r.total ? share(onTime, r.targets) : null)),
      counts: rows.map((r) => (r.total ? onTime : null)),
    },
    {
      name: m.series.late,
      color: COLORS.late,
      text: COLORS.onLight,
      values: rows.map((r) => (r.total ? share(late, r.targets) : null)),
      counts: rows.map((r) => (r.total ? late : null)),
    },
    {
      name: m.series.notSubmitted,
      color: COLORS.notSubmitted,
      text: COLORS.onLight,
      values: rows.map((r) => share(notSubmitted(r), r.targets)),
      counts: rows.map((r) => notSubmitted(r)),
    },
  ];

  return {
    height,
    config: () => {
      const datasets: Array<ChartDataset<'bar', Array<number | null>>> = series.map((s) => ({
        label: s.name,
        data: s.values,
        backgroundColor: s.color,
        borderWidth: 0,
        barPercentage: 0.72,
        categoryPercentage: 0.9,
        maxBarThickness: 34,
      }));
      return {
        type: 'bar',
        data: { labels, datasets },
        options: {
          ...baseOptions(titleLines, noteLines, true, PANEL_PAD_X + 8),
          scales: {
            y: { ...yScale(), stacked: true },
            x: {
              type: 'linear',
              stacked: true,
              min: 0,
              max: 100,
              grid: { color: COLORS.grid },
              border: { display: false },
              ticks: { stepSize: 20, color: COLORS.muted, font: { size: NOTE_SIZE }, callback: (v) => `${v}%` },
            },
          },
        },
        plugins: [
          barTextPlugin({
            texts: series.map((s) => s.counts.map((n) => (n === null ? null : label(n)))),
            colors: series.map((s) => s.text),
            place: 'inside',
          }),
        ],
      };
    },
  };
}

function choicePanel(q: ChoiceFigures, closed: boolean): Panel {
  const labels = q.choices.map((c) => wrapLabel(c.label));
  const values = q.choices.map((c) => m.choiceValue(formatCount(c.count), formatPercent(c.count, q.answered)));
  const titleLines = wrapPanelTitle(capitalize(q.label));
  // The target (DOMAIN: the share rated «Tốt» against 80%) in the sentence the report states it in.
  const base = q.answered > 0 ? m.answeredBase(formatCount(q.answered)) : m.noAnswers;
  const noteLines = wrapNote(q.target ? `${base}. ${targetSentence(q.target, closed)}.` : base);
  const row = rowHeight(labels);
  const height = panelHeight(titleLines.length, noteLines.length, false, Math.max(1, q.choices.length), row);
  const valueWidth = Math.ceil(Math.max(0, ...values.map((v) => textWidth(v, VALUE_FONT))));
  const max = Math.max(0, ...q.choices.map((c) => c.count));

  return {
    height,
    config: () => ({
      type: 'bar',
      data: {
        labels,
        datasets: [
          {
            label: capitalize(q.label),
            data: q.choices.map((c) => c.count),
            backgroundColor: COLORS.choice,
            borderWidth: 0,
            barPercentage: 0.72,
            categoryPercentage: 0.9,
            maxBarThickness: 34,
          },
        ],
      },
      options: {
        ...baseOptions(titleLines, noteLines, false, PANEL_PAD_X + valueWidth + 16),
        scales: {
          y: yScale(),
          x: {
            type: 'linear',
            min: 0,
            suggestedMax: Math.max(1, max),
            grid: { color: COLORS.grid },
            border: { display: false },
            // Nothing answered: an axis from 0 to 1 would say nothing; the note says why the bars are empty.
            ticks: { display: max > 0, precision: 0, color: COLORS.muted, font: { size: NOTE_SIZE }, callback: (v) => formatCount(Number(v)) },
          },
        },
      },
      plugins: [barTextPlugin({ texts: [values], colors: [COLORS.text], place: 'end' })],
    }),
  };
}

function layout(summary: Summary): { header: Header; panels: Panel[]; width: number; height: number } {
  setup();
  const head = header(summary);
  const panels = [
    progressPanel(summary),
    ...summary.questions.filter((q): q is ChoiceFigures => q.kind === 'choice').map((q) => choicePanel(q, summary.campaign.closed)),
  ];
  const height = head.height + panels.reduce((total, p) => total + p.height, 0) + (panels.length - 1) * PANEL_GAP + MARGIN;
  return { header: head, panels, width: WIDTH, height };
}

// ---------------------------------------------------------------------------

/** What each panel plots and says under its title, in order: for checking the chart against the summary. */
export function chartData(summary: Summary): Array<{ labels: string[]; datasets: Array<{ label: string; data: Array<number | null> }>; note: string }> {
  setup();
  return layout(summary).panels.map((panel) => {
    const { data, options } = panel.config();
    const subtitle = options?.plugins?.subtitle?.text;
    return {
      labels: (data.labels ?? []).map((l) => (Array.isArray(l) ? l.join(' ') : String(l))),
      datasets: data.datasets.map((d) => ({ label: String(d.label ?? ''), data: [...d.data] })),
      note: Array.isArray(subtitle) ? subtitle.join(' ') : String(subtitle ?? ''),
    };
  });
}

/** The size of the chart's image: deterministic from the summary. */
export function chartSize(summary: Summary): { width: number; height: number } {
  const { width, height } = layout(summary);
  return { width, height };
}

/** "bieu-do-42.png" */
export function chartFileName(summary: Pick<Summary, 'campaign'>): string {
  return m.fileName(summary.campaign.id);
}

/** The chart of the round's figures, as a PNG. */
export async function renderChart(summary: Summary): Promise<Buffer> {
  const { header: head, panels, width, height } = layout(summary);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.lang = 'vi';
  ctx.fillStyle = COLORS.background;
  ctx.fillRect(0, 0, width, height);

  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  ctx.fillStyle = COLORS.text;
  ctx.font = font(TITLE_SIZE, true);
  let y = HEADER_TOP;
  for (const line of head.titleLines) {
    ctx.fillText(line, MARGIN, y + TITLE_SIZE);
    y += TITLE_LINE;
  }
  ctx.fillStyle = COLORS.muted;
  ctx.font = font(AS_OF_SIZE);
  ctx.fillText(head.asOf, MARGIN, y + AS_OF_SIZE + 2);

  y = head.height;
  for (const panel of panels) {
    const panelCanvas = createCanvas(PANEL_WIDTH, panel.height);
    const panelCtx = panelCanvas.getContext('2d');
    panelCtx.lang = 'vi';
    const chart = new Chart(panelCtx as unknown as ChartItem, panel.config());
    try {
      ctx.save();
      ctx.beginPath();
      ctx.roundRect(MARGIN + 0.5, y + 0.5, PANEL_WIDTH - 1, panel.height - 1, PANEL_RADIUS);
      ctx.strokeStyle = COLORS.border;
      ctx.lineWidth = 1;
      ctx.stroke();
      ctx.restore();
      ctx.drawImage(panelCanvas, MARGIN, y);
    } finally {
      chart.destroy();
    }
    y += panel.height + PANEL_GAP;
  }
  return canvas.encode('png');
}
