import type { Command } from 'commander';
import { formsDirs, loadForms } from '../forms/load.js';
import { FormVersionConflictError, listForms, syncBundledForms } from '../services/forms.js';
import { CliError, type CliContext } from './context.js';
import { cliMessages as msg } from './messages.js';

/** Copies the bundled form files into the database (new versions only; stored ones never change). */
export async function syncForms(ctx: CliContext): Promise<void> {
  let forms;
  try {
    // ctx.formsDir (tests) stands for the bundled folder; FORMS_DIR adds the office's own.
    forms = await loadForms(formsDirs(ctx.config, ctx.formsDir));
  } catch (error) {
    throw new CliError(msg.formsInvalid(error instanceof Error ? error.message : String(error)));
  }
  try {
    await syncBundledForms(ctx.db, forms);
  } catch (error) {
    if (error instanceof FormVersionConflictError) throw new CliError(msg.formVersionConflict(error.formId, error.version));
    throw error;
  }
}

export function registerFormCommands(program: Command, ctx: CliContext): void {
  const forms = program.command('forms').description(msg.formsDescription);

  forms
    .command('list')
    .description(msg.formsListDescription)
    .action(async () => {
      await syncForms(ctx);
      for (const f of await listForms(ctx.db)) {
        ctx.out([f.id, String(f.version), f.title, msg.questionCount(f.questionCount)].join('\t'));
      }
    });
}
