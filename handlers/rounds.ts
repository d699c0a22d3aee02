/**
 * The office's round commands: /dotmoi (a wizard that opens a round step by
 * step, its state in Postgres) and /dot (rounds with their progress; change a
 * deadline, close a round, remind now). Every command, typed answer and button
 * checks the caller's admin right here on the server.
 *
 * Registered before the report dialogue: an admin's typed text goes to their
 * wizard when one is active, and /huy cancels the wizard first.
 */
import { Composer, InlineKeyboard } from 'grammy';
import { decodeRoundButton, encodeRoundButton, ROUND_BUTTON_PATTERN, type RoundButton } from '../src/campaigns/roundButtons.js';
import { isBigintId } from '../src/db/ids.js';
import type { Person } from '../src/db/schema.js';
import { formatDateVi } from '../src/forms/format.js';
import { describePlan } from '../src/reminders/plan.js';
import { remindNowReply } from '../src/reminders/remindNowReply.js';
import {
  beginDeadlineChange,
  beginNewRound,
  cancelWizard,
  describeOpening,
  wizardInput,
  type WizardDeps,
  type WizardInput,
  type WizardPrompt,
  type WizardReply,
} from '../src/services/campaignWizard.js';
import { CampaignInputError, closeCampaign, getCampaignListing } from '../src/services/campaigns.js';
import { announcementStats } from '../src/services/deliveries.js';
import { unreachableReporters } from '../src/services/outreach.js';
import { upsertPerson } from '../src/services/people.js';
import { escapeHtml } from '../src/text/html.js';
import { formatDateTime, formatDeadline } from '../src/time.js';
import { adminBranch } from './adminGuard.js';
import { actorOf, displayName, type BotContext } from './context.js';
import { botMessages, roundMessages as msg } from './messages.js';
import { retireButtons, sendHtml } from './render.js';
import { roundListLines, stateText } from './roundList.js';

export const roundHandlers = new Composer<BotContext>();

function wizardDeps(ctx: BotContext): WizardDeps {
  const { db, clock, scheduler } = ctx.deps;
  return { db, clock, scheduler };
}

/** The admin's person row; admins from ADMIN_IDS who never registered get one now (the wizard state hangs on it). */
async function adminPerson(ctx: BotContext): Promise<Person> {
  if (ctx.caller.person) return ctx.caller.person;
  const from = ctx.from!;
  const person = await upsertPerson(
    ctx.deps.db,
    { telegramUserId: from.id, displayName: displayName(from), username: from.username ?? null },
    ctx.deps.clock.now(),
  );
  ctx.caller.person = person;
  return person;
}

function keyboardOf(prompt: WizardPrompt, seq: number): InlineKeyboard | undefined {
  if (prompt.buttons.length === 0) return undefined;
  const keyboard = new InlineKeyboard();
  for (const row of prompt.buttons) {
    for (const b of row) keyboard.text(b.label, encodeRoundButton({ kind: 'wizard', seq, value: b.value }));
    keyboard.row();
  }
  return keyboard;
}

async function showWizardReply(ctx: BotContext, reply: WizardReply): Promise<void> {
  switch (reply.kind) {
    case 'none':
    case 'stale':
      return;
    case 'prompt':
      return sendHtml(ctx, reply.prompt.text, keyboardOf(reply.prompt, reply.seq));
    case 'cancelled':
      return void (await ctx.reply(msg.cancelled));
    case 'created': {
      const { campaign, input } = reply;
      await sendHtml(
        ctx,
        msg.created(
          campaign.id,
          escapeHtml(reply.formTitle),
          escapeHtml(input.periodLabel),
          describeOpening(input, ctx.deps.clock.now()),
          formatDeadline(input.dueAt),
          campaign.targetCount,
          describePlan({ offsets: campaign.reminderOffsets, time: campaign.reminderTime }),
        ),
      );
      if (campaign.scheduleError) {
        ctx.log.error({ err: campaign.scheduleError, campaignId: campaign.id }, 'scheduling a new round failed');
        await ctx.reply(msg.scheduleFailed);
      }
      return;
    }
    case 'deadline_changed':
      await sendHtml(ctx, msg.dueChanged(reply.campaignId, formatDeadline(reply.previousDueAt), formatDeadline(reply.dueAt)));
      if (reply.scheduleError) {
        ctx.log.error({ err: reply.scheduleError, campaignId: reply.campaignId }, 're-planning reminders failed');
        await ctx.reply(msg.scheduleFailed);
      }
      return;
  }
}

const admins = adminBranch(roundHandlers, ['dotmoi', 'dot'], ROUND_BUTTON_PATTERN);

// ---------------------------------------------------------------- /dotmoi and the wizard

admins.command('dotmoi', async (ctx) => {
  const person = await adminPerson(ctx);
  await showWizardReply(ctx, await beginNewRound(wizardDeps(ctx), person.id, ctx.update.update_id));
});

// /huy ends the admin's wizard; without one it goes on to the report dialogue's /huy.
admins.command('huy', async (ctx, next) => {
  const person = ctx.caller.person;
  if (!person || !(await cancelWizard(ctx.deps.db, person.id, ctx.deps.clock.now()))) return next();
  await ctx.reply(msg.cancelled);
});

async function toWizard(ctx: BotContext, input: WizardInput, seq?: number): Promise<WizardReply> {
  const person = ctx.caller.person;
  if (!person) return input.kind === 'button' ? { kind: 'stale' } : { kind: 'none' };
  return wizardInput(wizardDeps(ctx), {
    personId: person.id,
    updateId: ctx.update.update_id,
    input,
    actor: actorOf(ctx),
    ...(seq !== undefined ? { seq } : {}),
  });
}

admins.on('message:text', async (ctx, next) => {
  if (ctx.message.text.startsWith('/')) return next();
  const reply = await toWizard(ctx, { kind: 'text', text: ctx.message.text });
  if (reply.kind === 'none') return next();
  await showWizardReply(ctx, reply);
});

// ---------------------------------------------------------------- /dot

/** Organizations or people named in /dot N's outreach lines; the rest are counted. */
const NAMED_IN_DETAILS = 10;

/** Who acknowledged the announcement, and who cannot be reached. */
async function outreachLines(ctx: BotContext, campaignId: string): Promise<string[]> {
  const [acks, unreachable] = await Promise.all([
    announcementStats(ctx.deps.db, campaignId, NAMED_IN_DETAILS),
    unreachableReporters(ctx.deps.db, campaignId, NAMED_IN_DETAILS),
  ]);
  const lines: string[] = [];
  const more = (total: number, shown: number) => (total > shown ? msg.andMore(total - shown) : '');
  if (acks.sent > 0) {
    lines.push(msg.acknowledgements(acks.sent, acks.acknowledged));
    const { total, first } = acks.notAcknowledged;
    if (total > 0) lines.push(msg.notAcknowledged(total, first.map((o) => escapeHtml(o.code)).join(', ') + more(total, first.length)));
  }
  if (unreachable.total > 0) {
    const names = unreachable.first.map((r) => `${escapeHtml(r.reporter)} (${escapeHtml(r.code)})`).join(', ');
    lines.push(msg.unreachable(unreachable.total, names + more(unreachable.total, unreachable.first.length)));
  }
  return lines;
}

async function showRound(ctx: BotContext, id: string): Promise<void> {
  const c = await getCampaignListing(ctx.deps.db, id, ctx.deps.clock);
  if (!c) return void (await ctx.reply(botMessages.unknownCampaign(id)));
  const text = msg.details({
    id: c.id,
    title: escapeHtml(c.formTitle),
    form: `${escapeHtml(c.formId)} v${c.formVersion}`,
    period: escapeHtml(c.periodLabel),
    periodDates: c.periodStart && c.periodEnd ? `${formatDateVi(c.periodStart)} – ${formatDateVi(c.periodEnd)}` : null,
    opens: formatDeadline(c.opensAt),
    due: formatDeadline(c.dueAt),
    state: stateText(c),
    targets: c.targetCount,
    submitted: c.submittedCount,
    late: c.lateCount,
    drafts: c.draftCount,
    plan: describePlan({ offsets: c.reminderOffsets, time: c.reminderTime }),
  });
  const outreach = await outreachLines(ctx, c.id);
  const fullText = [text, ...outreach].join('\n');
  if (c.state === 'closed') return sendHtml(ctx, fullText);
  const keyboard = new InlineKeyboard()
    .text(msg.changeDueButton, encodeRoundButton({ kind: 'round', campaignId: c.id, action: 'due' }))
    .text(msg.closeButton, encodeRoundButton({ kind: 'round', campaignId: c.id, action: 'close' }));
  if (c.state === 'open') keyboard.row().text(msg.remindButton, encodeRoundButton({ kind: 'round', campaignId: c.id, action: 'remind' }));
  await sendHtml(ctx, fullText, keyboard);
}

admins.command('dot', async (ctx) => {
  const arg = ctx.match.trim().replace(/^#/, '');
  if (arg) {
    if (!isBigintId(arg)) return void (await ctx.reply(msg.usage));
    return showRound(ctx, arg);
  }
  const lines = await roundListLines(ctx);
  if (lines.length === 0) return void (await ctx.reply(msg.listNone));
  await sendHtml(ctx, [...lines, '', msg.listFooter].join('\n'));
});

// ---------------------------------------------------------------- buttons

async function roundAction(ctx: BotContext, button: Extract<RoundButton, { kind: 'round' }>): Promise<void> {
  const { campaignId } = button;
  const { db, clock, scheduler } = ctx.deps;
  switch (button.action) {
    case 'due': {
      const person = await adminPerson(ctx);
      const reply = await beginDeadlineChange(wizardDeps(ctx), person.id, campaignId, ctx.update.update_id);
      if (reply.kind === 'refused') return void (await ctx.reply(reply.message));
      return showWizardReply(ctx, reply);
    }
    case 'close': {
      const c = await getCampaignListing(db, campaignId, clock);
      if (!c) return void (await ctx.reply(botMessages.unknownCampaign(campaignId)));
      const keyboard = new InlineKeyboard()
        .text(msg.confirmCloseButton, encodeRoundButton({ kind: 'round', campaignId, action: 'close_ok' }))
        .row()
        .text(msg.keepOpenButton, encodeRoundButton({ kind: 'round', campaignId, action: 'close_no' }));
      return sendHtml(ctx, msg.confirmClose(c.id, escapeHtml(c.formTitle)), keyboard);
    }
    case 'close_no':
      return void (await ctx.reply(msg.keptOpen(campaignId)));
    case 'close_ok': {
      try {
        const closed = await closeCampaign(db, campaignId, clock.now(), actorOf(ctx), clock, scheduler);
        await ctx.reply(msg.closedNow(campaignId, formatDateTime(closed.closedAt)));
        if (closed.scheduleError) {
          ctx.log.error({ err: closed.scheduleError, campaignId }, 'removing the reminders of a closed round failed');
          await ctx.reply(msg.scheduleFailed);
        }
      } catch (error) {
        if (!(error instanceof CampaignInputError)) throw error;
        await ctx.reply(error.message);
      }
      return;
    }
    case 'remind':
      // Unknown, not yet open or closed: the scheduler answers not_open.
      return void (await ctx.reply(remindNowReply(await scheduler.remindNow(campaignId, actorOf(ctx)))));
  }
}

admins.callbackQuery(ROUND_BUTTON_PATTERN, async (ctx) => {
  const button = decodeRoundButton(ctx.callbackQuery.data);
  if (!button) return void (await ctx.answerCallbackQuery({ text: botMessages.staleButton }));
  if (button.kind === 'round') {
    await ctx.answerCallbackQuery();
    await retireButtons(ctx);
    return roundAction(ctx, button);
  }
  const reply = await toWizard(ctx, { kind: 'button', value: button.value }, button.seq);
  if (reply.kind === 'stale' || reply.kind === 'none') return void (await ctx.answerCallbackQuery({ text: botMessages.staleButton }));
  await ctx.answerCallbackQuery();
  await retireButtons(ctx);
  await showWizardReply(ctx, reply);
});
