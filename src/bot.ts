/**
 * createBot(deps): the bot with its plugins, error boundary and handlers.
 * This file and main.ts are the composition roots: the only src/ files that
 * know grammY and the handlers/ folder. Everything below them is channel-neutral.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { Bot, GrammyError, HttpError, type BotConfig } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { adminHandlers } from '../handlers/admin.js';
import type { BotContext, BotDeps } from '../handlers/context.js';
import { botMessages, commandMenus } from '../handlers/messages.js';
import { registrationHandlers } from '../handlers/registration.js';
import { reportHandlers } from '../handlers/report.js';
import { roundHandlers } from '../handlers/rounds.js';
import { statusHandlers } from '../handlers/status.js';
import { reminderHandlers } from '../handlers/reminders.js';
import { markReachable } from './services/deliveries.js';
import { findPersonByTelegramId, isAdmin } from './services/people.js';

export type { BotContext, BotDeps };

export interface BotOptions {
  token: string;
  /** The Bot API server: Telegram's, or the local emulator in tests and the demo. */
  apiRoot?: string;
  /** Known bot identity: skips getMe at start (tests, benchmarks). */
  botInfo?: UserFromGetMe;
}

export function createBot(deps: BotDeps, options: BotOptions): Bot<BotContext> {
  const config: BotConfig<BotContext> = { client: { apiRoot: options.apiRoot } };
  if (options.botInfo) config.botInfo = options.botInfo;
  const bot = new Bot<BotContext>(options.token, config);

  // Telegram's 429 (retry_after) and transient network errors: wait and retry, up to a bound.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));

  // One chat's updates are handled in order (the runner runs different chats concurrently).
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));

  bot.use(async (ctx, next) => {
    const telegramUserId = ctx.from?.id;
    ctx.deps = deps;
    ctx.log = deps.logger.child({ updateId: ctx.update.update_id, userId: telegramUserId });
    const person = telegramUserId === undefined ? undefined : await findPersonByTelegramId(deps.db, telegramUserId);
    // Someone who blocked the bot and now writes again can be reached again.
    if (person?.unreachable_at) await markReachable(deps.db, person.id);
    ctx.caller = {
      telegramUserId: telegramUserId ?? 0,
      person,
      isAdmin: telegramUserId !== undefined && isAdmin({ is_admin: person?.is_admin ?? false, telegram_user_id: telegramUserId }, deps.adminIds),
    };
    await next();
  });

  // Bots only talk to people in private chats: a secretary's answers must not be read in a group.
  bot.chatType('private').use(registrationHandlers, roundHandlers, reminderHandlers, reportHandlers, statusHandlers, adminHandlers);
  bot.chatType('private').on('message', (ctx) => ctx.reply(botMessages.unknownCommand));

  bot.catch(async (error) => {
    error.ctx.log.error({ err: error.error }, 'update failed');
    // A failed Telegram call happened after the service's transaction committed: the answer is stored.
    const sendingFailed = error.error instanceof GrammyError || error.error instanceof HttpError;
    try {
      if (error.ctx.callbackQuery) await error.ctx.answerCallbackQuery().catch(() => undefined);
      if (error.ctx.chat) await error.ctx.reply(sendingFailed ? botMessages.replyFailed : botMessages.internalError);
    } catch (replyError) {
      error.ctx.log.error({ err: replyError }, 'could not tell the user about the failure');
    }
  });
  return bot;
}

/** The command menus: one for everybody, a longer one in each admin's chat. */
export async function publishCommandMenus(bot: Bot<BotContext>, adminIds: readonly number[]): Promise<void> {
  await bot.api.setMyCommands([...commandMenus.secretary]);
  for (const chatId of adminIds) {
    const merged = [...commandMenus.admin, ...commandMenus.secretary.filter((c) => !commandMenus.admin.some((a) => a.command === c.command))];
    await bot.api.setMyCommands(merged, { scope: { type: 'chat', chat_id: chatId } }).catch(() => {
      // The admin has not opened a chat with the bot yet; the default menu applies until then.
    });
  }
}
