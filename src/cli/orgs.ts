import { access } from 'node:fs/promises';
import type { Command } from 'commander';
import { importOrganizationFile, kindFromPath } from '../services/organizationImport.js';
import { listOrganizations } from '../services/organizations.js';
import { CliError, type CliContext } from './context.js';
import { cliMessages as msg } from './messages.js';

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
        throw new CliError([msg.importInvalid(result.errors.length), ...result.errors].join('\n'));
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
