/**
 * The office's commands are refused to anyone else here on the server, whatever
 * the client's menu shows. One guard for every admin composer.
 */
import type { Composer } from 'grammy';
import type { BotContext } from './context.js';
import { botMessages } from './messages.js';

/**
 * Registers the refusal for `commands` (and for the buttons whose callback data match
 * `callbackData`, if given) on `composer`; returns the branch only admins reach.
 */
export function adminBranch(composer: Composer<BotContext>, commands: string[], callbackData?: RegExp): Composer<BotContext> {
  composer.command(commands, async (ctx, next) => {
    if (ctx.caller.isAdmin) return next();
    ctx.log.warn({ command: ctx.message?.text }, 'admin command refused');
    await ctx.reply(botMessages.adminOnly);
  });
  if (callbackData) {
    composer.callbackQuery(callbackData, async (ctx, next) => {
      if (ctx.caller.isAdmin) return next();
      ctx.log.warn({ data: ctx.callbackQuery.data }, 'admin button refused');
      await ctx.answerCallbackQuery({ text: botMessages.adminOnly, show_alert: true });
    });
  }
  return composer.filter((ctx) => ctx.caller.isAdmin);
}
