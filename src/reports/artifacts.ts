/**
 * The office's files of a round, built on demand from the same figures (never stored):
 * the workbook, the Word draft and the chart. One entry point for the chat (Telegram
 * documents), the download links (Zalo) and the CLI, so the three always agree.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type { ChannelName, FileKind } from '../chat/port.js';
import type { Database } from '../db/schema.js';
import { inOneSnapshot } from '../db/snapshot.js';
import { WorkbookAbandonedError } from './abandoned.js';
import type { FormCache } from '../services/forms.js';
import type { Clock } from '../time.js';
import type { Letterhead, ReportDocumentInput } from './docx.js';
import { ANNEX_ANSWERS_PER_QUESTION, buildSummary, getSummaryCampaign, type Summary, type SummaryCampaign } from './figures.js';
import { parentBreakdown } from './parents.js';
import { textAnswers } from './rows.js';

export interface ArtifactDeps {
  db: Kysely<Database>;
  forms: FormCache;
  clock: Clock;
  letterhead: Letterhead;
  /** The enabled channels: the workbook tells whether each reporter is reachable on them (unset: every channel). */
  channels?: readonly ChannelName[];
}

export const CONTENT_TYPES: Record<FileKind, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  png: 'image/png',
};

/** A file ready to be written: its name and type are known before its bytes. */
export interface PreparedArtifact {
  kind: FileKind;
  fileName: string;
  contentType: string;
  /** The round, for the file's name and caption (its figures are read as the file is written). */
  campaign: SummaryCampaign;
  /** Writes the file to `output` and ends it. */
  write(output: Writable): Promise<void>;
}

function writeBuffer(output: Writable, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    output.once('error', reject);
    output.end(data, () => resolve());
  });
}

/**
 * The first free-text answers per text question, in form order, for the Word annex, and
 * how many each has: the count is the summary's (the same non-empty answers), and only
 * what the annex prints is read, not every answer of the round.
 */
async function annexTexts(deps: ArtifactDeps, summary: Summary): Promise<ReportDocumentInput['texts']> {
  const form = await deps.forms.get(summary.campaign.formId, summary.campaign.formVersion);
  const byKey = new Map<string, Array<{ code: string; name: string; text: string }>>();
  for await (const answer of textAnswers(deps.db, summary.campaign.id, form, { perQuestion: ANNEX_ANSWERS_PER_QUESTION })) {
    const entries = byKey.get(answer.questionKey) ?? [];
    if (entries.length === 0) byKey.set(answer.questionKey, entries);
    entries.push({ code: answer.code, name: answer.name, text: answer.text });
  }
  return summary.questions.flatMap((q) => (q.kind === 'text' ? [{ questionLabel: q.label, total: q.nonEmpty, entries: byKey.get(q.key) ?? [] }] : []));
}

/**
 * Files built at once by this process: a 50,000-organization workbook takes seconds and a
 * few hundred MB, so further requests wait their turn instead of stacking up beside the
 * reminders this process also sends.
 */
export const MAX_CONCURRENT_BUILDS = 2;
let building = 0;
const waiting: Array<() => void> = [];

async function inTurn<T>(build: () => Promise<T>): Promise<T> {
  if (building >= MAX_CONCURRENT_BUILDS) await new Promise<void>((resolve) => waiting.push(resolve));
  building++;
  try {
    return await build();
  } finally {
    building--;
    waiting.shift()?.();
  }
}

/** The file of a round; undefined when there is no such round. */
export async function prepareArtifact(deps: ArtifactDeps, campaignId: string, kind: FileKind): Promise<PreparedArtifact | undefined> {
  const artifact = await describeArtifact(deps, campaignId, kind);
  return artifact && { ...artifact, write: (output) => inTurn(() => artifact.write(output)) };
}

/**
 * How one kind of file is named and made, from a round's summary and its rows: the
 * workbook streams (it can be large), the Word draft and the chart are made in memory.
 */
type Renderer = { fileName(round: Pick<Summary, 'campaign'>): string } & (
  | { stream(output: Writable, deps: ArtifactDeps, summary: Summary): Promise<void> }
  | { render(deps: ArtifactDeps, summary: Summary): Promise<Buffer> }
);

// Each renderer is loaded when first asked for: a process writing workbooks never loads
// the canvas or the Word library, and the bot starts without any of them.
async function rendererOf(kind: FileKind): Promise<Renderer> {
  switch (kind) {
    case 'xlsx': {
      const { workbookFileName, writeWorkbook } = await import('./xlsx.js');
      return {
        fileName: workbookFileName,
        async stream(output, deps, summary) {
          const form = await deps.forms.get(summary.campaign.formId, summary.campaign.formVersion);
          const parents = await parentBreakdown(deps.db, summary, form);
          const byParent = parents.kind === 'columns' ? { byParent: parents.groups } : parents.kind === 'too_many' ? { parentsNotShown: parents.parents } : {};
          await writeWorkbook({ summary, form, db: deps.db, channels: deps.channels, ...byParent }, output);
        },
      };
    }
    case 'docx': {
      const { renderReportDocx, reportFileName } = await import('./docx.js');
      return {
        fileName: reportFileName,
        async render(deps, summary) {
          return renderReportDocx({ summary, letterhead: deps.letterhead, date: deps.clock.now(), texts: await annexTexts(deps, summary) });
        },
      };
    }
    case 'png': {
      const { chartFileName, renderChart } = await import('./chart.js');
      return { fileName: chartFileName, render: (_deps, summary) => renderChart(summary) };
    }
  }
}

async function describeArtifact(deps: ArtifactDeps, campaignId: string, kind: FileKind): Promise<PreparedArtifact | undefined> {
  const campaign = await getSummaryCampaign(deps.db, campaignId, deps.clock.now());
  if (!campaign) return undefined;
  const renderer = await rendererOf(kind);
  // The file's figures and rows from one snapshot, the summary built in it: on deadline
  // day reports come in while a workbook is written, and its sheets must still add up.
  const inSnapshot = <T>(make: (deps: ArtifactDeps, summary: Summary) => Promise<T>) =>
    inOneSnapshot(deps.db, async (db) => {
      const summary = await buildSummary(db, campaignId, deps.forms, deps.clock.now());
      // Rounds are never deleted: only a bug gets here.
      if (!summary) throw new Error(`round ${campaignId} is gone`);
      return make({ ...deps, db }, summary);
    });
  return {
    kind,
    contentType: CONTENT_TYPES[kind],
    fileName: renderer.fileName({ campaign }),
    campaign,
    write: (output) =>
      'stream' in renderer
        ? spooled(output, (file) => inSnapshot((snapshot, summary) => renderer.stream(file, snapshot, summary)))
        : inSnapshot((snapshot, summary) => renderer.render(snapshot, summary)).then((data) => writeBuffer(output, data)),
  };
}

/**
 * `make` writes the file into a temporary file, which is then copied to `output`: the
 * snapshot's transaction (a pooled connection, a horizon vacuum waits on) lasts as long
 * as the file takes to make, not as long as a slow phone takes to download it. A
 * download cancelled meanwhile stops the making (the workbook checks its output).
 */
async function spooled(output: Writable, make: (file: Writable) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'baocao-file-'));
  const path = join(dir, 'file');
  const abandoned = (error: unknown) => (output.destroyed ? new WorkbookAbandonedError() : error);
  try {
    const file = createWriteStream(path);
    const cancel = () => file.destroy();
    output.once('close', cancel);
    try {
      await make(file);
      await finished(file);
    } catch (error) {
      throw abandoned(error);
    } finally {
      output.off('close', cancel);
    }
    await pipeline(createReadStream(path), output).catch((error: unknown) => {
      throw abandoned(error);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What `write` puts into a stream, in memory: for a channel that uploads a file in one request. */
export async function bytesOf(write: (output: Writable) => Promise<void>): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    sink.once('end', resolve);
    sink.once('error', reject);
  });
  await write(sink);
  await ended;
  return Buffer.concat(chunks);
}

/** The whole file in memory. */
export function artifactBytes(artifact: PreparedArtifact): Promise<Buffer> {
  return bytesOf((output) => artifact.write(output));
}
