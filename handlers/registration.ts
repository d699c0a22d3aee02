/**
 * /start: the invite link a secretary opens sends "/start CODE". A valid code
 * binds the person to the organization; anything else binds nothing and says why.
 */
import { Composer } from 'grammy';
import { openCampaignsForPerson } from '../src/services/campaigns.js';
import { redeemInvite } from '../src/services/invites.js';
import { escapeHtml } from '../src/text/html.js';
import { formatDeadline } from '../src/time.js';
import { displayName, type BotContext } from './context.js';
import { botMessages as msg } from './messages.js';
import { sendHtml } from './render.js';

export const registrationHandlers = new Composer<BotContext>();

/** What is open for the person now, as lines under the greeting. */
async function openCampaignLines(ctx: BotContext, personId: string): Promise<string[]> {
  const open = await openCampaignsForPerson(ctx.deps.db, personId, ctx.deps.clock.now());
  if (open.length === 0) return [msg.noOpenCampaigns];
  const lines: string[] = [msg.openCampaignsHeading];
  for (const c of open) {
    const form = await ctx.deps.forms.get(c.formId, c.formVersion);
    lines.push(msg.openCampaignLine(escapeHtml(form.title), escapeHtml(c.periodLabel), formatDeadline(c.dueAt)));
  }
  return lines;
}

const failureMessages = {
  unknown: msg.inviteUnknown,
  used: msg.inviteUsed,
  expired: msg.inviteExpired,
  revoked: msg.inviteRevoked,
} as const;

registrationHandlers.command('start', async (ctx) => {
  const code = ctx.match.trim();
  const name = escapeHtml(displayName(ctx.from!));
  if (!code) {
    const person = ctx.caller.person;
    if (!person) return void (await ctx.reply(ctx.caller.isAdmin ? msg.helpAdmin.trim() : msg.notRegistered, { parse_mode: 'HTML' }));
    return sendHtml(ctx, [msg.welcomeKnown(name), '', ...(await openCampaignLines(ctx, person.id)), '', msg.startReportHint].join('\n'));
  }
  const result = await redeemInvite(
    ctx.deps.db,
    { code, telegramUser: { id: ctx.from!.id, displayName: displayName(ctx.from!), username: ctx.from!.username ?? null } },
    ctx.deps.clock,
  );
  if (result.kind !== 'ok') return void (await ctx.reply(failureMessages[result.kind]));
  const org = escapeHtml(result.organization.name);
  const greeting = result.alreadyMember ? msg.welcomeAgain(name, org) : msg.welcomeBound(name, org);
  await sendHtml(ctx, [greeting, '', ...(await openCampaignLines(ctx, result.personId)), '', msg.startReportHint].join('\n'));
});
