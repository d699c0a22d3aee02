/**
 * Commands of the committee office. Every one checks the caller's admin right
 * here on the server, whatever the client's menu shows.
 */
import { Composer } from 'grammy';
import type { Campaign } from '../src/db/schema.js';
import { buildSummary, getSummaryCampaign, listNotSubmitted, renderNotSubmitted, renderSummary } from '../src/reports/summary.js';
import { remindNowReply } from '../src/reminders/remindNowReply.js';
import { getCampaign, latestOpenedCampaign } from '../src/services/campaigns.js';
import { reopenSubmission } from '../src/services/submissions.js';
import { escapeHtml } from '../src/text/html.js';
import { adminBranch } from './adminGuard.js';
import { actorOf, type BotContext } from './context.js';
import { botMessages as msg } from './messages.js';
import { sendHtml } from './render.js';

export const adminHandlers = new Composer<BotContext>();

/** Not-submitted organizations named in a chat message; the full list is in the CLI and the export. */
const NOT_SUBMITTED_IN_CHAT = 100;

const admins = adminBranch(adminHandlers, ['tonghop', 'chuanop', 'molai', 'nhacnho']);

/**
 * Loads the round named by the argument ('#12' or '12'), or else the most recent one
 * that has opened; says so and returns undefined when there is none.
 */
async function fromArgument<T>(ctx: BotContext, arg: string, load: (campaignId: string) => Promise<T | undefined>): Promise<T | undefined> {
  const id = arg ? arg.replace(/^#/, '') : (await latestOpenedCampaign(ctx.deps.db, ctx.deps.clock.now()))?.id;
  const found = id === undefined ? undefined : await load(id);
  if (found === undefined) await ctx.reply(arg ? msg.unknownCampaign(arg) : msg.noCampaign);
  return found;
}

/** The campaign named by the argument, or the most recent one that has opened. */
function campaignFromArgument(ctx: BotContext, arg: string): Promise<Campaign | undefined> {
  return fromArgument(ctx, arg, (id) => getCampaign(ctx.deps.db, id));
}

admins.command('tonghop', async (ctx) => {
  const summary = await fromArgument(ctx, ctx.match.trim(), (id) => buildSummary(ctx.deps.db, id, ctx.deps.forms, ctx.deps.clock.now()));
  if (!summary) return;
  await sendHtml(ctx, renderSummary(summary, 'html'));
});

admins.command('chuanop', async (ctx) => {
  const info = await fromArgument(ctx, ctx.match.trim(), (id) => getSummaryCampaign(ctx.deps.db, id, ctx.deps.clock.now()));
  if (!info) return;
  const list = await listNotSubmitted(ctx.deps.db, info.id, { limit: NOT_SUBMITTED_IN_CHAT });
  await sendHtml(ctx, renderNotSubmitted({ campaign: info }, list, 'html'));
});

admins.command('nhacnho', async (ctx) => {
  const campaign = await campaignFromArgument(ctx, ctx.match.trim());
  if (!campaign) return;
  await ctx.reply(remindNowReply(await ctx.deps.scheduler.remindNow(campaign.id, actorOf(ctx))));
});

admins.command('molai', async (ctx) => {
  const [code, campaignArg = ''] = ctx.match.trim().split(/\s+/);
  if (!code) return void (await ctx.reply(msg.reopenUsage));
  const campaign = await campaignFromArgument(ctx, campaignArg);
  if (!campaign) return;
  const result = await reopenSubmission(
    ctx.deps.db,
    { campaignId: campaign.id, organizationCode: code, actor: actorOf(ctx) },
    ctx.deps.clock.now(),
  );
  switch (result.kind) {
    case 'unknown_org':
      return void (await ctx.reply(msg.reopenUnknownOrg(code)));
    case 'not_submitted':
      return void (await ctx.reply(msg.reopenNotSubmitted(result.organizationName)));
    case 'ok':
      return sendHtml(ctx, msg.reopened(escapeHtml(result.organizationName)));
  }
});
