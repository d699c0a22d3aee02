import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCanvas, GlobalFonts, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { CHART_FONT_FAMILY, chartData, chartFileName, chartSize, renderChart } from '../../src/reports/chart.js';
import type { ChoiceFigures, GroupFigures, QuestionFigures, Summary } from '../../src/reports/figures.js';
import { targetSentence } from '../../src/reports/text.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function choiceQuestion(key: string, label: string, choices: Array<[string, number]>, answered?: number): ChoiceFigures {
  const total = choices.reduce((t, [, n]) => t + n, 0);
  return {
    key,
    label,
    kind: 'choice',
    answered: answered ?? total,
    choices: choices.map(([choiceLabel, count], i) => ({ value: `c${i}`, label: choiceLabel, count })),
    groups: [],
  };
}

const RATINGS: Array<[string, number]> = [
  ['Hoàn thành xuất sắc nhiệm vụ', 18],
  ['Hoàn thành tốt nhiệm vụ', 97],
  ['Hoàn thành nhiệm vụ', 31],
  ['Không hoàn thành nhiệm vụ', 6],
];

/** A plausible summary: 159 targets of two types, a number question and `choiceQuestions` rating questions. */
function makeSummary(options: { choiceQuestions?: ChoiceFigures[]; submitted?: { dbcs: number; cbcs: number; late: number } } = {}): Summary {
  const sub = options.submitted ?? { dbcs: 76, cbcs: 76, late: 2 };
  const questions: QuestionFigures[] = [
    {
      key: 'so_dang_vien',
      label: 'đảng viên được đánh giá, xếp loại',
      kind: 'number',
      type: 'integer',
      answered: sub.dbcs + sub.cbcs,
      sum: 4_812,
      min: 3,
      max: 215,
      average: 31.6,
      confirmedOutliers: 0,
    },
    ...(options.choiceQuestions ?? [
      choiceQuestion('xep_loai_tcd', 'xếp loại chất lượng tổ chức cơ sở đảng', RATINGS),
      choiceQuestion('xep_loai_cap_uy', 'tự đánh giá tập thể cấp ủy', [
        ['Hoàn thành xuất sắc nhiệm vụ', 22],
        ['Hoàn thành tốt nhiệm vụ', 101],
        ['Hoàn thành nhiệm vụ', 27],
        ['Không hoàn thành nhiệm vụ', 2],
      ]),
    ]),
  ];
  const byType: GroupFigures[] = [
    { key: 'dang_bo_co_so', label: 'Đảng bộ cơ sở', targets: 80, submitted: sub.dbcs, questions: [] },
    { key: 'chi_bo_co_so', label: 'Chi bộ cơ sở', targets: 79, submitted: sub.cbcs, questions: [] },
  ];
  const submittedTotal = sub.dbcs + sub.cbcs;
  return {
    campaign: {
      id: '42',
      formId: 'xep_loai_to_chuc_dang',
      formVersion: 1,
      formTitle: 'Kiểm điểm, đánh giá, xếp loại chất lượng tổ chức cơ sở đảng và đảng viên',
      periodLabel: 'Năm 2026',
      opensAt: new Date('2026-12-01T01:00:00Z'),
      dueAt: new Date('2026-12-15T10:00:00Z'),
      closedAt: null,
      closed: false,
      pastDue: false,
    },
    generatedAt: new Date('2026-12-14T08:30:00Z'),
    targets: { total: 159, byType: { dang_bo_co_so: 80, chi_bo_co_so: 79, chi_bo_truc_thuoc: 0 } },
    submitted: {
      total: submittedTotal,
      onTime: submittedTotal - sub.late,
      late: sub.late,
      byType: { dang_bo_co_so: sub.dbcs, chi_bo_co_so: sub.cbcs, chi_bo_truc_thuoc: 0 },
    },
    notSubmitted: { total: 159 - submittedTotal, first: [] },
    late: { total: sub.late, first: [] },
    questions,
    byType,
  };
}

function pngSize(png: Buffer): { width: number; height: number } {
  // The IHDR chunk comes first: length (4), "IHDR" (4), width (4), height (4).
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Non-white pixels in the rows [top, bottom) of the image. */
async function inkInRows(png: Buffer, top: number, bottom: number): Promise<number> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const data = ctx.getImageData(0, top, image.width, bottom - top).data;
  let ink = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i]! < 200 || data[i + 1]! < 200 || data[i + 2]! < 200) ink++;
  }
  return ink;
}

describe('renderChart', () => {
  it('renders a PNG of the size chartSize says', async () => {
    const summary = makeSummary();
    const png = await renderChart(summary);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const size = chartSize(summary);
    expect(pngSize(png)).toEqual(size);
    expect(size.width).toBeGreaterThan(0);
    expect(size.height).toBeGreaterThan(0);
  });

  it('states a choice question\'s target in the panel, in the sentence of the report (over every target organization)', async () => {
    const rated = choiceQuestion('tu_danh_gia', 'tổ chức cơ sở đảng tự đánh giá thực hiện QCDC', [['Tốt', 114], ['Khá', 30], ['Trung bình', 8], ['Yếu', 0]]);
    const withTarget: ChoiceFigures = {
      ...rated,
      target: { label: 'tổ chức cơ sở đảng thực hiện tốt QCDC', choices: ['c0'], share: 0.8, count: 114, base: 159, actualShare: 114 / 159, submitted: 152, submittedShare: 114 / 152, reached: false, verdict: 'provisional' },
    };
    const plain = chartSize(makeSummary({ choiceQuestions: [rated] }));
    const summary = makeSummary({ choiceQuestions: [withTarget] });
    expect(chartSize(summary).height).toBeGreaterThan(plain.height);
    const note = chartData(summary).find((p) => p.labels.includes('Tốt'))!.note;
    expect(note).toContain(targetSentence(withTarget.target!, false));
    expect(note).toContain('có 114/159 tổ chức (71,7%)');
    const png = await renderChart(summary);
    if (process.env.CHART_PNG) writeFileSync(process.env.CHART_PNG, png);
    expect(pngSize(png)).toEqual(chartSize(summary));
  });

  it('grows with the number of choice panels and of choices', () => {
    const two = chartSize(makeSummary());
    const one = chartSize(makeSummary({ choiceQuestions: [choiceQuestion('q', 'xếp loại', RATINGS)] }));
    const none = chartSize(makeSummary({ choiceQuestions: [] }));
    const many = chartSize(
      makeSummary({
        choiceQuestions: [
          choiceQuestion(
            'q',
            'xếp loại',
            Array.from({ length: 12 }, (_, i): [string, number] => [`Lựa chọn thứ ${i + 1} có nhãn khá dài để thử việc xuống dòng của nhãn`, i]),
          ),
        ],
      }),
    );
    expect(one.width).toBe(two.width);
    expect(none.height).toBeLessThan(one.height);
    expect(one.height).toBeLessThan(two.height);
    expect(many.height).toBeGreaterThan(one.height);
  });

  it('is deterministic', async () => {
    const summary = makeSummary();
    expect(chartSize(summary)).toEqual(chartSize(makeSummary()));
    const [a, b] = await Promise.all([renderChart(summary), renderChart(makeSummary())]);
    expect(a.equals(b)).toBe(true);
  });

  it('draws something in the header and in every panel', async () => {
    const summary = makeSummary();
    const png = await renderChart(summary);
    const { height } = chartSize(summary);
    const progressOnly = chartSize(makeSummary({ choiceQuestions: [] })).height;
    const oneChoice = chartSize(makeSummary({ choiceQuestions: [choiceQuestion('q', 'xếp loại', RATINGS)] })).height;
    // Panels are stacked: without choice panels the image ends after the progress panel,
    // and each choice panel adds the same height here (same number of choices and lines).
    const choicePanel = oneChoice - progressOnly;
    expect(height - oneChoice).toBe(choicePanel);
    const regions: Array<[number, number]> = [
      [0, 60],
      [progressOnly - 24 - 200, progressOnly - 24],
      [progressOnly, oneChoice],
      [oneChoice, height],
    ];
    for (const [top, bottom] of regions) {
      expect(await inkInRows(png, top, bottom)).toBeGreaterThan(500);
    }
  });

  it('renders without choice questions, with nothing submitted and with many choices', async () => {
    const cases = [
      makeSummary({ choiceQuestions: [] }),
      makeSummary({
        submitted: { dbcs: 0, cbcs: 0, late: 0 },
        choiceQuestions: [choiceQuestion('q', 'xếp loại', RATINGS.map(([l]) => [l, 0]), 0)],
      }),
      makeSummary({
        choiceQuestions: [choiceQuestion('q', 'xếp loại', Array.from({ length: 15 }, (_, i): [string, number] => [`Lựa chọn ${i + 1}`, i * 3]))],
      }),
    ];
    for (const summary of cases) {
      const png = await renderChart(summary);
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(pngSize(png)).toEqual(chartSize(summary));
    }
  });

  it('names the file after the campaign', () => {
    expect(chartFileName(makeSummary())).toBe('bieu-do-42.png');
  });

  it('registers the bundled regular and bold faces under its own family', () => {
    chartSize(makeSummary());
    const family = GlobalFonts.families.find((f) => f.family === CHART_FONT_FAMILY);
    expect(family?.styles.map((st) => st.weight).sort()).toEqual([400, 700]);
  });

  it('finds its fonts whatever the working directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chart-cwd-'));
    try {
      const chart = new URL('../../src/reports/chart.ts', import.meta.url).href;
      const script = join(dir, 'render.mts');
      writeFileSync(
        script,
        `import { renderChart } from ${JSON.stringify(chart)};
const day = new Date('2026-12-14T08:30:00Z');
const png = await renderChart({
  campaign: { id: '1', formId: 'f', formVersion: 1, formTitle: 'Đảng bộ', periodLabel: 'Năm 2026', opensAt: day, dueAt: day, closedAt: null, closed: false, pastDue: false },
  generatedAt: day,
  targets: { total: 2, byType: { dang_bo_co_so: 2, chi_bo_co_so: 0, chi_bo_truc_thuoc: 0 } },
  submitted: { total: 1, onTime: 1, late: 0, byType: { dang_bo_co_so: 1, chi_bo_co_so: 0, chi_bo_truc_thuoc: 0 } },
  notSubmitted: { total: 1, first: [] }, late: { total: 0, first: [] }, questions: [],
  byType: [{ key: 'dang_bo_co_so', label: 'Đảng bộ cơ sở', targets: 2, submitted: 1, questions: [] }],
});
process.stdout.write(String(png.length));
`,
      );
      const out = execFileSync(fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url)), [script], { cwd: dir, encoding: 'utf8' });
      expect(Number(out)).toBeGreaterThan(1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
