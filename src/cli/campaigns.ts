import type { Command } from 'commander';
import { parseChatDateTime } from '../campaigns/dateInput.js';
import type { OrganizationType } from '../db/schema.js';
import { describePlan } from '../reminders/plan.js';
import {
  closeCampaign,
  createCampaign,
  listCampaigns,
  setDeadline,
  type CampaignListing,
  type TargetSelection,
} from '../services/campaigns.js';
import type { RoundScheduler } from '../services/scheduling.js';
import { formatDateTime, formatDeadline } from '../time.js';
import { CliError, type CliContext } from './context.js';
import { syncForms } from './forms.js';
import { cliMessages as msg } from './messages.js';
import { collectCodes, isoDate, organizationTypes, positiveInteger, reminderOffsets, timeOfDay } from './parse.js';

interface CreateOptions {
  form: string;
  formVersion?: number;
  period: string;
  periodStart?: string;
  periodEnd?: string;
  opens: string;
  due: string;
  closes?: string;
  orgs?: string[];
  types?: OrganizationType[];
  parent?: string;
  reminders?: string[];
  at?: string;
}

const ACTOR = 'cli';

function requireScheduler(ctx: CliContext): RoundScheduler {
  // A wiring mistake, not the user's: src/cli.ts passes the real scheduler.
  if (!ctx.scheduler) throw new Error('this command needs deps.scheduler (the reminder scheduler)');
  return ctx.scheduler;
}

function dateTimeOption(option: string, value: string, defaultTime: string): Date {
  const parsed = parseChatDateTime(value, defaultTime);
  if (!parsed) throw new CliError(msg.badDateTime(option, value));
  return parsed;
}

function targetSelection(opts: CreateOptions): TargetSelection {
  const given = [opts.orgs, opts.types, opts.parent].filter((o) => o !== undefined);
  if (given.length > 1) throw new CliError(msg.oneTargetOption);
  if (opts.types) return { kind: 'types', types: opts.types };
  if (opts.parent !== undefined) return { kind: 'parent', parentCode: opts.parent.trim() };
  const orgs = opts.orgs ?? ['all'];
  if (orgs.length === 1 && orgs[0]!.toLowerCase() === 'all') return { kind: 'all' };
  return { kind: 'codes', codes: orgs };
}

function stateOf(c: CampaignListing): string {
  switch (c.state) {
    case 'scheduled':
      return msg.stateScheduled;
    case 'closed':
      return msg.stateClosed(formatDateTime(c.closedAt!));
    case 'open':
      return c.closedAt ? `${msg.stateOpen} (${msg.closesLater(formatDateTime(c.closedAt))})` : msg.stateOpen;
  }
}

function warnSchedule(ctx: CliContext, error: Error | undefined): void {
  if (error) ctx.err(msg.scheduleFailed(error.message));
}

export function registerCampaignCommands(program: Command, ctx: CliContext): void {
  const campaigns = program.command('campaigns').description(msg.campaignsDescription);

  campaigns
    .command('create')
    .description(msg.campaignsCreateDescription)
    .requiredOption('--form <id>', msg.optForm)
    .option('--form-version <n>', msg.optFormVersion, positiveInteger)
    .requiredOption('--period <text>', msg.optPeriod)
    .option('--period-start <date>', msg.optPeriodStart, isoDate)
    .option('--period-end <date>', msg.optPeriodEnd, isoDate)
    .requiredOption('--opens <time>', msg.optOpens)
    .requiredOption('--due <time>', msg.optDue)
    .option('--closes <time>', msg.optCloses)
    .option('--orgs <codes>', msg.optOrgs, collectCodes)
    .option('--types <types>', msg.optTypes, organizationTypes)
    .option('--parent <code>', msg.optParent)
    .option('--reminders <offsets>', msg.optReminders, reminderOffsets)
    .option('--at <HH:mm>', msg.optAt, timeOfDay)
    .action(async (opts: CreateOptions) => {
      const opensAt = dateTimeOption('--opens', opts.opens, '00:00');
      // A deadline (or closing) given as a day means the end of that day.
      const dueAt = dateTimeOption('--due', opts.due, '23:59');
      const closesAt = opts.closes === undefined ? undefined : dateTimeOption('--closes', opts.closes, '23:59');
      const targets = targetSelection(opts);
      const scheduler = requireScheduler(ctx);

      await syncForms(ctx);
      const created = await createCampaign(
        ctx.db,
        {
          formId: opts.form.trim(),
          ...(opts.formVersion !== undefined ? { formVersion: opts.formVersion } : {}),
          periodLabel: opts.period,
          ...(opts.periodStart !== undefined ? { periodStart: opts.periodStart } : {}),
          ...(opts.periodEnd !== undefined ? { periodEnd: opts.periodEnd } : {}),
          opensAt,
          dueAt,
          ...(closesAt ? { closesAt } : {}),
          targets,
          ...(opts.reminders !== undefined ? { reminderOffsets: opts.reminders } : {}),
          ...(opts.at !== undefined ? { reminderTime: opts.at } : {}),
          actor: ACTOR,
        },
        ctx.clock,
        scheduler,
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
      ctx.err(msg.campaignPlan(describePlan({ offsets: created.reminderOffsets, time: created.reminderTime })));
      if (created.periodStart === null) ctx.err(msg.periodNotUnderstood(opts.period.trim()));
      // A past deadline is right for a round entered late (last year's, for comparison), which has --closes too.
      if (dueAt.getTime() <= ctx.clock.now().getTime() && !closesAt) ctx.err(msg.dueInThePast(created.id));
      warnSchedule(ctx, created.scheduleError);
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
            late: c.lateCount,
            state: stateOf(c),
          }),
        );
      }
    });

  campaigns
    .command('set-due')
    .description(msg.campaignsSetDueDescription)
    .argument('<id>', msg.campaignArgument)
    .argument('<due>', msg.dueArgument)
    .action(async (id: string, due: string) => {
      const dueAt = dateTimeOption('hạn chót', due, '23:59');
      const changed = await setDeadline(ctx.db, id.trim(), dueAt, ACTOR, ctx.clock, requireScheduler(ctx));
      ctx.out(msg.dueChanged(changed.campaignId, formatDeadline(changed.previousDueAt), formatDeadline(dueAt)));
      warnSchedule(ctx, changed.scheduleError);
    });

  campaigns
    .command('close')
    .description(msg.campaignsCloseDescription)
    .argument('<id>', msg.campaignArgument)
    .option('--at <time>', msg.optCloseAt)
    .action(async (id: string, opts: { at?: string }) => {
      const at = opts.at === undefined ? ctx.clock.now() : dateTimeOption('--at', opts.at, '23:59');
      const closed = await closeCampaign(ctx.db, id.trim(), at, ACTOR, ctx.clock, requireScheduler(ctx));
      ctx.out(msg.campaignClosed(closed.campaignId, formatDateTime(closed.closedAt)));
      warnSchedule(ctx, closed.scheduleError);
    });
}
