import { access } from 'node:fs/promises';
import type { Command } from 'commander';
import { importOrganizationFile, kindFromPath } from '../services/organizationImport.js';
import { listOrganizations } from '../services/organizations.js';
import { CliError, type CliContext } from './context.js';
import { cliMessages as msg } from './messages.js';

/**
 * Errors printed for a refused file: the first ones by line, then how many more. A file
 * wrong on every line (50.000 rows with a wrong type) is fixed from the top, not read
 * through 50.000 lines of a terminal.
 */
const IMPORT_ERRORS_SHOWN = 200;

export function registerOrgCommands(program: Command, ctx: CliContext): void {
  const orgs = program.command('orgs').description(msg.orgsDescription);

  orgs
    .command('import')
    .description(msg.orgsImportDescription)
    .argument('<file>', msg.fileArgument)
    .action(async (file: string) => {
      const kind = kindFromPath(file);
      if (!kind) throw new CliError(msg.badFileKind(file));
      try {
        await access(file);
      } catch {
        throw new CliError(msg.fileNotFound(file));
      }
      const result = await importOrganizationFile(ctx.db, file, kind, ctx.clock);
      if (result.kind === 'invalid') {
        const shown = result.errors.slice(0, IMPORT_ERRORS_SHOWN);
        const rest = result.errors.length - shown.length;
        throw new CliError([msg.importInvalid(result.errors.length), ...shown, ...(rest > 0 ? [msg.importMoreErrors(rest)] : [])].join('\n'));
      }
      ctx.out(msg.imported(result));
    });

  orgs
    .command('list')
    .description(msg.orgsListDescription)
    .action(async () => {
      const rows = await listOrganizations(ctx.db);
      if (rows.length === 0) {
        ctx.err(msg.noOrgs);
        return;
      }
      ctx.out(msg.orgsHeader);
      for (const r of rows) ctx.out([r.code, r.type, r.name, r.parentCode ?? '', String(r.reporterCount)].join('\t'));
      ctx.err(msg.orgsTotal(rows.length));
    });
}
