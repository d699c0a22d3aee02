/** "Đã nhận" under an announcement. The office's /nhacnho is in admin.ts with its other commands. */
import { Composer } from 'grammy';
import { decodeAction } from '../src/chat/callbackData.js';
import { reminderMessages as msg } from '../src/reminders/messages.js';
import { acknowledgeDelivery } from '../src/services/deliveries.js';
import type { BotContext } from './context.js';

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
