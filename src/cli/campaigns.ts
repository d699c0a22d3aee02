import type { Command } from 'commander';
import { createCampaign, listCampaigns } from '../services/campaigns.js';
import { formatDateTime, formatDeadline, parseLocalDateTime } from '../time.js';
import { CliError, type CliContext } from './context.js';
import { syncForms } from './forms.js';
import { cliMessages as msg } from './messages.js';
import { positiveInteger } from './parse.js';

interface CreateOptions {
  form: string;
  formVersion?: number;
  period: string;
  opens: string;
  due: string;
  orgs: string;
}

export function registerCampaignCommands(program: Command, ctx: CliContext): void {
  const campaigns = program.command('campaigns').description(msg.campaignsDescription);

  campaigns
    .command('create')
    .description(msg.campaignsCreateDescription)
    .requiredOption('--form <id>', msg.optForm)
    .option('--form-version <n>', msg.optFormVersion, positiveInteger)
    .requiredOption('--period <text>', msg.optPeriod)
    .requiredOption('--opens <time>', msg.optOpens)
    .requiredOption('--due <time>', msg.optDue)
    .option('--orgs <codes>', msg.optOrgs, 'all')
    .action(async (opts: CreateOptions) => {
      const opensAt = parseLocalDateTime(opts.opens, '00:00');
      if (!opensAt) throw new CliError(msg.badDateTime('--opens', opts.opens));
      // A deadline given as a day means the end of that day.
      const dueAt = parseLocalDateTime(opts.due, '23:59');
      if (!dueAt) throw new CliError(msg.badDateTime('--due', opts.due));
      const orgs = opts.orgs.trim();
      const organizationCodes =
        orgs.toLowerCase() === 'all' ? ('all' as const) : orgs.split(',').map((c) => c.trim()).filter(Boolean);

      await syncForms(ctx);
      const created = await createCampaign(
        ctx.db,
        {
          formId: opts.form.trim(),
          ...(opts.formVersion !== undefined ? { formVersion: opts.formVersion } : {}),
          periodLabel: opts.period,
          opensAt,
          dueAt,
          organizationCodes,
        },
        ctx.clock,
      );
      // stdout is the id alone, so scripts can write ID=$(baocao campaigns create …).
      ctx.out(created.id);
      ctx.err(
        msg.campaignCreated({
          id: created.id,
          form: opts.form.trim(),
          period: opts.period.trim(),
          opens: formatDateTime(opensAt),
          due: formatDeadline(dueAt),
          targets: created.targetCount,
        }),
      );
    });

  campaigns
    .command('list')
    .description(msg.campaignsListDescription)
    .action(async () => {
      const rows = await listCampaigns(ctx.db, ctx.clock);
      if (rows.length === 0) ctx.err(msg.noCampaigns);
      for (const c of rows) {
        ctx.out(
          msg.campaignLine({
            id: c.id,
            form: `${c.formId}@${c.formVersion}`,
            period: c.periodLabel,
            opens: formatDateTime(c.opensAt),
            due: formatDateTime(c.dueAt),
            submitted: c.submittedCount,
            targets: c.targetCount,
            closed: c.closedAt && c.closedAt.getTime() <= ctx.clock.now().getTime() ? formatDateTime(c.closedAt) : null,
          }),
        );
      }
    });
}
