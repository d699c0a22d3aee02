/**
 * Turns the channel-neutral replies of the services into Telegram messages:
 * HTML text, inline keyboards, long texts split under Telegram's 4,096 limit.
 */
import { GrammyError, InlineKeyboard } from 'grammy';
import type { Prompt } from '../src/dialogue/types.js';
import { splitForTelegram } from '../src/reports/split.js';
import type { ReportReply } from '../src/services/reporting.js';
import { encodeAction } from '../src/chat/callbackData.js';
import type { BotContext } from './context.js';
import { botMessages as msg } from './messages.js';

function keyboardFor(prompt: Prompt, submissionId: string, step: number): InlineKeyboard | undefined {
  if (prompt.buttons.length === 0) return undefined;
  const keyboard = new InlineKeyboard();
  for (const row of prompt.buttons) {
    for (const button of row) keyboard.text(button.label, encodeAction({ kind: 'report', submissionId, step, input: button.input }));
    keyboard.row();
  }
  return keyboard;
}

/** Sends HTML text, split into several messages when long; the keyboard goes on the last one. */
export async function sendHtml(ctx: BotContext, text: string, keyboard?: InlineKeyboard): Promise<void> {
  const chunks = splitForTelegram(text);
  for (const [i, chunk] of chunks.entries()) {
    const last = i === chunks.length - 1;
    await ctx.reply(chunk, { parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...(last && keyboard ? { reply_markup: keyboard } : {}) });
  }
}

function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.description.includes('message is not modified');
}

/** Removes the buttons of the message a button was pressed on, so it cannot be pressed again. */
export async function retireButtons(ctx: BotContext): Promise<void> {
  if (!ctx.callbackQuery?.message) return;
  try {
    await ctx.editMessageReplyMarkup({ reply_markup: undefined });
  } catch (error) {
    // Already without buttons, or too old to edit: nothing to retire.
    if (!(error instanceof GrammyError)) throw error;
  }
}

export async function showReportReply(ctx: BotContext, reply: ReportReply): Promise<void> {
  switch (reply.kind) {
    case 'no_active':
      await ctx.reply(msg.noActiveReport);
      return;
    case 'forbidden':
      await ctx.reply(msg.forbiddenReport);
      return;
    case 'prompt': {
      const text = [reply.notice, reply.prompt.text].filter(Boolean).join('\n\n');
      const keyboard = keyboardFor(reply.prompt, reply.submissionId, reply.step);
      if (reply.inPlace && ctx.callbackQuery?.message && text.length <= 4096) {
        try {
          await ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: keyboard });
        } catch (error) {
          if (!isNotModified(error)) throw error;
        }
        return;
      }
      await retireButtons(ctx);
      await sendHtml(ctx, text, keyboard);
    }
  }
}
