/**
 * Benchmark of the office's files at 1,000, 10,000 and 50,000 organizations (the QCDC
 * form, 14 questions; seeded by workbookScale.ts's seedRound): the summary figures from
 * the maintained aggregates against the full scan of the answers (side by side,
 * interleaved, p50 of several runs), the workbook's time and peak RSS, the Word draft's
 * time, the chart's time. Targets (issue 9): figures p50 ≤ 150 ms at 50,000; workbook
 * < 15 s and < 300 MB; Word < 5 s.
 *
 *   npm run bench -- reports      (BENCH_REPORT_SIZES=1000,10000 to choose the sizes)
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { Database } from '../src/db/schema.js';
import { prepareArtifact, type ArtifactDeps } from '../src/reports/artifacts.js';
import { readRoundCounts, scanRoundCounts } from '../src/reports/counts.js';
import { buildSummary } from '../src/reports/figures.js';
import { FormCache } from '../src/services/forms.js';
import { ManualClock } from '../src/time.js';
import { countingSink, DATABASE_SERVER, freshDatabase, ms, percentile } from './support.js';
import { seedRound } from './workbookScale.js';

const SIZES = (process.env.BENCH_REPORT_SIZES ?? '1000,10000,50000').split(',').map(Number);
const FIGURE_RUNS = 15;
const MB = 1024 * 1024;
const NOW = new Date('2026-12-16T02:00:00Z');
const DATABASE = 'baocao_bench_reports';

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await f();
  return [performance.now() - started, value];
}

interface SizeResult {
  organizations: number;
  maintainedP50: number;
  scanP50: number;
  summaryP50: number;
  workbookMs: number;
  workbookPeakMb: number;
  workbookMb: number;
  wordMs: number;
  chartMs: number;
  agree: boolean;
}

async function measureSize(count: number): Promise<SizeResult> {
  const db: Kysely<Database> = await freshDatabase(DATABASE, 6);
  try {
    const [seedMs, campaignId] = await timed(() => seedRound(db, count));
    console.log(`\n${count.toLocaleString('en')} organizations (seeded in ${(seedMs / 1000).toFixed(1)} s)`);
    const forms = new FormCache(db);
    const summary = (await buildSummary(db, campaignId, forms, NOW))!;
    const form = await forms.get(summary.campaign.formId, summary.campaign.formVersion);

    // Interleaved, so both see the same machine.
    const maintained: number[] = [];
    const scanned: number[] = [];
    const summaries: number[] = [];
    let agree = true;
    for (let i = 0; i < FIGURE_RUNS; i++) {
      const [a, fromAggregates] = await timed(() => readRoundCounts(db, campaignId, form));
      const [b, fromScan] = await timed(() => scanRoundCounts(db, campaignId, form));
      const [c] = await timed(() => buildSummary(db, campaignId, forms, NOW));
      if (i > 0) {
        maintained.push(a);
        scanned.push(b);
        summaries.push(c);
      }
      agree &&= JSON.stringify(fromAggregates, mapReplacer) === JSON.stringify(fromScan, mapReplacer);
    }
    const deps: ArtifactDeps = { db, forms, clock: new ManualClock(NOW), letterhead: { issuingBody: 'Đảng ủy Khối', superiorBody: 'Đảng bộ tỉnh', place: 'Trà Vinh' } };
    const write = async (kind: 'xlsx' | 'docx' | 'png') => {
      const artifact = (await prepareArtifact(deps, campaignId, kind))!;
      const sink = countingSink();
      const [elapsed] = await timed(() => artifact.write(sink.sink));
      sink.stop();
      return { ms: elapsed, peakMb: sink.peakRss() / MB, mb: sink.bytes() / MB };
    };
    const workbook = await workbookInItsOwnProcess(campaignId);
    const word = await write('docx');
    const chart = await write('png');
    const result: SizeResult = {
      organizations: count,
      maintainedP50: median(maintained),
      scanP50: median(scanned),
      summaryP50: median(summaries),
      workbookMs: workbook.ms,
      workbookPeakMb: workbook.peakMb,
      workbookMb: workbook.mb,
      wordMs: word.ms,
      chartMs: chart.ms,
      agree,
    };
    console.log(`  figures (counts):     maintained p50 ${ms(result.maintainedP50)}, full scan p50 ${ms(result.scanP50)} (scan/maintained ${(result.scanP50 / result.maintainedP50).toFixed(1)}×); equal: ${agree ? 'yes' : 'NO'}`);
    console.log(`  summary (buildSummary, lists included): p50 ${ms(result.summaryP50)}`);
    console.log(`  workbook:             ${(workbook.ms / 1000).toFixed(2)} s, peak RSS ${workbook.peakMb.toFixed(0)} MB (a process of its own, Node and the app loaded included), ${workbook.mb.toFixed(1)} MB`);
    console.log(`  Word draft:           ${(word.ms / 1000).toFixed(2)} s, ${word.mb.toFixed(1)} MB`);
    console.log(`  chart:                ${ms(chart.ms)}, ${(chart.mb * 1024).toFixed(0)} KB`);
    return result;
  } finally {
    await db.destroy();
  }
}

/** The workbook written by bench/workbookProcess.ts: its RSS is the workbook's, not this process's history. */
function workbookInItsOwnProcess(campaignId: string): Promise<{ ms: number; peakMb: number; mb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./workbookProcess.ts', import.meta.url)), `${DATABASE_SERVER}/${DATABASE}`, campaignId], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`workbookProcess exited with ${code}`));
      const { ms, peakRssMb, bytes } = JSON.parse(out.trim().split('\n').pop()!) as { ms: number; peakRssMb: number; bytes: number };
      resolve({ ms, peakMb: peakRssMb, mb: bytes / MB });
    });
  });
}

function mapReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries([...value.entries()].sort(([a], [b]) => String(a).localeCompare(String(b))));
  return value;
}

export async function runReportsBench(): Promise<boolean> {
  const results: SizeResult[] = [];
  for (const size of SIZES) results.push(await measureSize(size));
  const largest = results[results.length - 1]!;
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(`\ntargets (issue 9) at ${largest.organizations.toLocaleString('en')} organizations:`);
  console.log(`  summary figures p50 ≤ 150 ms:   ${ms(largest.summaryP50)} ${met(largest.summaryP50 <= 150)}`);
  console.log(`  workbook < 15 s, < 300 MB:      ${(largest.workbookMs / 1000).toFixed(2)} s, ${largest.workbookPeakMb.toFixed(0)} MB ${met(largest.workbookMs < 15_000 && largest.workbookPeakMb < 300)}`);
  console.log(`  Word draft < 5 s:               ${(largest.wordMs / 1000).toFixed(2)} s ${met(largest.wordMs < 5_000)}`);
  // Figures that disagree are a defect, not a slow run.
  return results.every((r) => r.agree);
}
