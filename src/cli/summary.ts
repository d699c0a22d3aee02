import type { Command } from 'commander';
import { buildSummary, renderSummary } from '../reports/summary.js';
import { FormCache } from '../services/forms.js';
import { CliError, type CliContext } from './context.js';
import { cliMessages as msg } from './messages.js';

export function registerSummaryCommand(program: Command, ctx: CliContext): void {
  program
    .command('summary')
    .description(msg.summaryDescription)
    .argument('<campaign>', msg.campaignArgument)
    .action(async (campaignId: string) => {
      const id = campaignId.trim();
      // campaigns.id is a bigint: anything else is simply not a campaign.
      const summary = /^\d{1,18}$/.test(id) ? await buildSummary(ctx.db, id, new FormCache(ctx.db), ctx.clock.now()) : undefined;
      if (!summary) throw new CliError(msg.unknownCampaign(campaignId));
      ctx.out(renderSummary(summary, 'plain'));
    });
}
