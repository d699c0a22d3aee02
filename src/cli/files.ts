/**
 * The office's files of a round from the terminal: `export ROUND --xlsx FILE`,
 * `report ROUND --docx FILE`, `chart ROUND --png FILE`. The same builder as the chat
 * buttons and the download links (reports/artifacts.ts).
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { rename, rm } from 'node:fs/promises';
import type { Command } from 'commander';
import type { FileKind } from '../chat/port.js';
import { prepareArtifact } from '../reports/artifacts.js';
import { FormCache } from '../services/forms.js';
import { CliError, type CliContext } from './context.js';
import { cliMessages as msg } from './messages.js';

/** Writes next to the target and renames at the end: a failed export never leaves half a file under the name asked for. */
async function writeFileFrom(path: string, write: (output: Writable) => Promise<void>): Promise<void> {
  const partial = `${path}.partial`;
  const output = createWriteStream(partial);
  // Listened to from the start: a missing folder or a full disk is an error of this command, not an unhandled one.
  const closed = finished(output);
  closed.catch(() => undefined);
  try {
    await write(output);
    await closed;
    await rename(partial, path);
  } catch (error) {
    output.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}

function register(program: Command, ctx: CliContext, name: string, file: FileKind, description: string): void {
  program
    .command(name)
    .description(description)
    .argument('<campaign>', msg.campaignArgument)
    .requiredOption(`--${file} <file>`, msg.fileOption)
    .action(async (campaignId: string, options: Record<string, string>) => {
      const path = options[file]!;
      const deps = { db: ctx.db, forms: new FormCache(ctx.db), clock: ctx.clock, letterhead: ctx.config.letterhead };
      const artifact = await prepareArtifact(deps, campaignId.trim().replace(/^#/, ''), file);
      if (!artifact) throw new CliError(msg.unknownCampaign(campaignId));
      await writeFileFrom(path, (output) => artifact.write(output));
      ctx.out(msg.fileWritten(path));
    });
}

export function registerFileCommands(program: Command, ctx: CliContext): void {
  register(program, ctx, 'export', 'xlsx', msg.exportDescription);
  register(program, ctx, 'report', 'docx', msg.reportDescription);
  register(program, ctx, 'chart', 'png', msg.chartDescription);
}
