/**
 * The office's files of a round from the terminal: `export ROUND --xlsx FILE`,
 * `report ROUND --docx FILE`, `chart ROUND --png FILE`. The same builder as the chat
 * buttons and the download links (reports/artifacts.ts).
 */
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { open, rename, rm } from 'node:fs/promises';
import type { Command } from 'commander';
import type { FileKind } from '../chat/port.js';
import { prepareArtifact } from '../reports/artifacts.js';
import { FormCache } from '../services/forms.js';
import { cliChannels, CliError, type CliContext } from './context.js';
import { cliMessages as msg } from './messages.js';

/** The file system's refusal in words the office understands (a folder missing, no right to write there, a full disk). */
function cannotWrite(path: string, error: unknown): CliError {
  const code = (error as { code?: string }).code ?? '';
  return new CliError(msg.cannotWrite(path, msg.fileSystemReasons[code] ?? (error as Error).message));
}

/**
 * Writes next to the target and renames at the end: a failed export never leaves half a
 * file under the name asked for. The file is opened before anything is built, so a
 * folder that is missing or not writable is said at once, in Vietnamese.
 */
async function writeFileFrom(path: string, write: (output: Writable) => Promise<void>): Promise<void> {
  const partial = `${path}.partial`;
  const handle = await open(partial, 'w').catch((error: unknown) => {
    throw cannotWrite(path, error);
  });
  const output = handle.createWriteStream();
  // Listened to from the start: a full disk is an error of this command, not an unhandled one.
  let failure: unknown;
  output.on('error', (error) => (failure ??= error));
  const closed = finished(output);
  closed.catch(() => undefined);
  try {
    await write(output);
    await closed;
    await rename(partial, path);
  } catch (error) {
    output.destroy();
    await rm(partial, { force: true });
    throw failure === undefined ? error : cannotWrite(path, failure);
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
      const deps = { db: ctx.db, forms: new FormCache(ctx.db), clock: ctx.clock, letterhead: ctx.config.letterhead, channels: cliChannels(ctx.config) };
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
