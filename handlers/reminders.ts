/** The reminder side of the chat: "Đã nhận" under an announcement, and the office's /nhacnho. */
import { Composer } from 'grammy';
import { decodeAction } from '../src/chat/callbackData.js';
import { reminderMessages as msg } from '../src/reminders/messages.js';
import { remindNowReply } from '../src/reminders/remindNowReply.js';
import { acknowledgeDelivery } from '../src/services/deliveries.js';
import { getCampaign, latestOpenedCampaign } from '../src/services/campaigns.js';
import type { BotContext } from './context.js';
import { botMessages } from './messages.js';

export const reminderHandlers = new Composer<BotContext>();

reminderHandlers.callbackQuery(/^k:/, async (ctx) => {
  const action = decodeAction(ctx.callbackQuery.data);
  const person = ctx.caller.person;
  const ok = action?.kind === 'ack' && person !== undefined && (await acknowledgeDelivery(ctx.deps.db, action.deliveryId, person.id, ctx.deps.clock.now()));
  await ctx.answerCallbackQuery({ text: ok ? msg.acknowledged : msg.acknowledgeRefused });
  if (!ok) return;
  // Keep "Bắt đầu báo cáo", drop "Đã nhận".
  const markup = ctx.callbackQuery.message?.reply_markup;
  if (!markup) return;
  const rows = markup.inline_keyboard.map((row) => row.filter((b) => !('callback_data' in b) || !b.callback_data?.startsWith('k:'))).filter((row) => row.length > 0);
  await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: rows } }).catch(() => undefined);
});

reminderHandlers.command('nhacnho', async (ctx) => {
  if (!ctx.caller.isAdmin) return void (await ctx.reply(botMessages.adminOnly));
  const arg = ctx.match.trim().replace(/^#/, '');
  const campaign = arg ? await getCampaign(ctx.deps.db, arg) : await latestOpenedCampaign(ctx.deps.db, ctx.deps.clock.now());
  if (!campaign) return void (await ctx.reply(arg ? botMessages.unknownCampaign(arg) : botMessages.noCampaign));
  await ctx.reply(remindNowReply(await ctx.deps.scheduler.remindNow(campaign.id, `telegram:${ctx.from!.id}`)));
});
