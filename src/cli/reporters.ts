import type { Command } from 'commander';
import { identityKey } from '../chat/identity.js';
import type { Identity } from '../chat/port.js';
import { listReporters, removeReporter } from '../services/reporters.js';
import { cliChannels, CliError, type CliContext } from './context.js';
import { cliMessages as msg } from './messages.js';
import { identityArgument, oneCode } from './parse.js';

export function registerReporterCommands(program: Command, ctx: CliContext): void {
  const reporters = program.command('reporters').description(msg.reportersDescription);

  reporters
    .command('list')
    .description(msg.reportersListDescription)
    .requiredOption('--org <ma>', msg.optOneOrg, oneCode)
    .action(async (opts: { org: string }) => {
      const list = await listReporters(ctx.db, opts.org, cliChannels(ctx.config));
      if (!list) throw new CliError(msg.unknownOrg(opts.org));
      if (list.length === 0) ctx.err(msg.noReporters(opts.org));
      for (const r of list) {
        const mark = r.unreachable ? msg.unreachableMark : r.refused.length > 0 ? msg.refusedMark(r.refused.map(identityKey).join(',')) : undefined;
        ctx.out(`${r.identities.map(identityKey).join(',') || '-'}\t${r.name}${mark ? `\t${mark}` : ''}`);
      }
    });

  reporters
    .command('remove')
    .description(msg.reportersRemoveDescription)
    .requiredOption('--org <ma>', msg.optOneOrg, oneCode)
    .argument('<id>', msg.telegramIdArgument, identityArgument)
    .action(async (id: Identity, opts: { org: string }) => {
      const result = await removeReporter(ctx.db, { orgCode: opts.org, identity: id }, ctx.clock);
      if (result.kind === 'unknown_org') throw new CliError(msg.unknownOrg(opts.org));
      if (result.kind === 'not_reporter') throw new CliError(msg.notReporter(identityKey(id), opts.org));
      ctx.out(msg.reporterRemoved(result.name, opts.org));
    });
}
