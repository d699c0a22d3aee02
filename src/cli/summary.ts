import type { Command } from 'commander';
import { buildSummary } from '../reports/figures.js';
import { renderSummary } from '../reports/text.js';
import { FormCache } from '../services/forms.js';
import { CliError, type CliContext } from './context.js';
import { cliMessages as msg } from './messages.js';

export function registerSummaryCommand(program: Command, ctx: CliContext): void {
  program
    .command('summary')
    .description(msg.summaryDescription)
    .argument('<campaign>', msg.campaignArgument)
    .action(async (campaignId: string) => {
      // Text that is not a bigint id is simply not a campaign: buildSummary answers undefined.
      const summary = await buildSummary(ctx.db, campaignId.trim(), new FormCache(ctx.db), ctx.clock.now());
      if (!summary) throw new CliError(msg.unknownCampaign(campaignId));
      ctx.out(renderSummary(summary, 'plain'));
    });
}
