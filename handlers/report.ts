/**
 * The report dialogue in Telegram: /baocao opens (or resumes) a report, typed
 * messages and buttons answer it, /huy pauses it. All decisions are taken by
 * the reporting service; this file only translates updates and replies.
 */
import { Composer, InlineKeyboard } from 'grammy';
import type { Input } from '../src/dialogue/types.js';
import { openCampaignsForPerson } from '../src/services/campaigns.js';
import { acknowledgeByOpening } from '../src/services/deliveries.js';
import { forgetSeenPrompt, handleReportInput, openReport, pauseReport } from '../src/services/reporting.js';
import { decodeAction, encodeAction } from '../src/chat/callbackData.js';
import type { BotContext } from './context.js';
import { botMessages as msg } from './messages.js';
import { showReportReply } from './render.js';

export const reportHandlers = new Composer<BotContext>();

function reportingDeps(ctx: BotContext) {
  const { db, clock, forms } = ctx.deps;
  return { db, clock, forms };
}

/** Opens (or resumes) the report; doing so also acknowledges the round's announcement. */
async function openAndAcknowledge(ctx: BotContext, personId: string, campaignId: string, organizationId: string): Promise<void> {
  const reply = await openReport(reportingDeps(ctx), { personId, campaignId, organizationId });
  if (reply.kind === 'prompt') await acknowledgeByOpening(ctx.deps.db, { campaignId, personId }, ctx.deps.clock.now());
  await showReportReply(ctx, reply);
}

reportHandlers.command('baocao', async (ctx) => {
  const person = ctx.caller.person;
  if (!person) return void (await ctx.reply(msg.notRegistered));
  const open = await openCampaignsForPerson(ctx.deps.db, person.id, ctx.deps.clock.now());
  const only = open.length === 1 ? open[0] : undefined;
  if (open.length === 0) return void (await ctx.reply(msg.noOpenCampaignForReport));
  if (only) return openAndAcknowledge(ctx, person.id, only.campaignId, only.organizationId);
  const keyboard = new InlineKeyboard();
  for (const c of open) {
    const form = await ctx.deps.forms.get(c.formId, c.formVersion);
    keyboard.text(msg.campaignButton(c.organizationName, form.title, c.periodLabel), encodeAction({ kind: 'open', campaignId: c.campaignId, organizationId: c.organizationId })).row();
  }
  await ctx.reply(msg.chooseCampaign, { reply_markup: keyboard });
});

reportHandlers.command('huy', async (ctx) => {
  const person = ctx.caller.person;
  if (!person) return void (await ctx.reply(msg.notRegistered));
  await ctx.reply((await pauseReport(ctx.deps.db, person.id)) ? msg.paused : msg.nothingToPause);
});

async function answer(ctx: BotContext, input: Input, button?: { submissionId: string; step: number }): Promise<void> {
  const person = ctx.caller.person;
  if (!person) return void (await ctx.reply(msg.notRegistered));
  const reply = await handleReportInput(reportingDeps(ctx), { updateId: ctx.update.update_id, personId: person.id, input, button });
  try {
    await showReportReply(ctx, reply);
  } catch (error) {
    await forgetSeenPrompt(ctx.deps.db, person.id);
    throw error;
  }
}

reportHandlers.callbackQuery(/^[ro]:/, async (ctx) => {
  const action = decodeAction(ctx.callbackQuery.data);
  await ctx.answerCallbackQuery(action ? undefined : { text: msg.staleButton });
  if (!action) return;
  if (action.kind === 'report') {
    return answer(ctx, action.input, { submissionId: action.submissionId, step: action.step });
  }
  if (action.kind !== 'open') return;
  const person = ctx.caller.person;
  if (!person) return void (await ctx.reply(msg.notRegistered));
  await openAndAcknowledge(ctx, person.id, action.campaignId, action.organizationId);
});

// Commands were handled above; anything else typed is an answer to the current question.
reportHandlers.on('message:text', async (ctx, next) => {
  if (ctx.message.text.startsWith('/')) return next();
  await answer(ctx, { kind: 'text', text: ctx.message.text });
});

// Buttons of an older version of the bot, or of a message from another chat.
reportHandlers.on('callback_query:data', async (ctx) => {
  await ctx.answerCallbackQuery({ text: msg.staleButton });
});

// A photo, sticker or voice message cannot answer a question: say so and show the question again.
reportHandlers.on('message', async (ctx, next) => {
  if (ctx.message.text !== undefined) return next();
  await ctx.reply(msg.textOnly);
  if (ctx.caller.person?.active_submission_id) await answer(ctx, { kind: 'show' });
});

