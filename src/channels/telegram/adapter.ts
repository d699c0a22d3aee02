/**
 * Telegram as a channel: grammY receives updates (polling through the runner, one chat's
 * updates in order), turns each private message or button press into an InboundEvent for
 * the chat layer, and shows the reply — HTML, inline keyboards, edits in place, callback
 * answers. Everything Telegram-specific stays in this folder.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { Bot, GrammyError, InputFile, type BotConfig, type Context } from 'grammy';
import type { InlineKeyboardMarkup, UserFromGetMe } from 'grammy/types';
import type { Chat } from '../../chat/router.js';
import { handleEvent } from '../../chat/boundary.js';
import { commandMenus } from '../../chat/messages.js';
import type { Action, Attachment, ChatOrder, InboundContent, InboundEvent, OutboundMessage, Reply } from '../../chat/port.js';
import type { Logger } from '../../logger.js';
import { LastReplies } from '../lastReply.js';
import { decodeAction } from './callbackData.js';
import { retryNetworkErrors } from './networkRetry.js';
import { keyboardOf, partOptions, telegramParts, telegramText, TELEGRAM_TEXT_LIMIT } from './render.js';
import { isExpiredQuery } from './queries.js';
import { workingSign } from './working.js';

export interface TelegramOptions {
  token: string;
  /** The Bot API server: Telegram's, or the local emulator in tests and the demo. */
  apiRoot?: string;
  /** Known bot identity: skips getMe at start (tests, benchmarks). */
  botInfo?: UserFromGetMe;
  logger: Logger;
  /**
   * This process sends every reply of its chats (polling: one receiver), so the last
   * prompt it sent is the last the person saw. Not with webhooks: replicas share chats.
   */
  onlyReceiver?: boolean;
}

export type TelegramContext = Context & { log: Logger };

/** The name shown for a Telegram user: first and last name, else the username, else the id. */
function displayName(from: NonNullable<Context['from']>): string {
  return [from.first_name, from.last_name].filter(Boolean).join(' ') || from.username || String(from.id);
}

function contentOf(ctx: Context, lastPromptIds: readonly number[] | undefined): InboundContent {
  if (ctx.callbackQuery) {
    const action = ctx.callbackQuery.data === undefined ? undefined : decodeAction(ctx.callbackQuery.data);
    // An inaccessible message (too old for Telegram to show) has date 0: when it was sent is not known.
    const sent = ctx.callbackQuery.message?.date ?? 0;
    return { kind: 'action', action, ...(sent > 0 ? { shownAt: new Date(sent * 1000) } : {}) };
  }
  const message = ctx.message ?? ctx.editedMessage;
  if (!message) return { kind: 'other' };
  if (message.forward_origin || message.via_bot) return { kind: 'forwarded' };
  if (message.text === undefined) return { kind: 'other' };
  if (ctx.editedMessage) return { kind: 'edited', text: message.text };
  const replied = message.reply_to_message;
  // Only a reply to this bot's own message can name a question.
  const quoted =
    replied?.text !== undefined
      ? { text: replied.text, fromBot: replied.from?.id === ctx.me.id, ...reportOfButtons(replied), ...(lastPromptIds?.includes(replied.message_id) ? { latest: true } : {}) }
      : undefined;
  return { kind: 'text', text: message.text, ...(quoted ? { quoted } : {}) };
}

/** The report a prompt's buttons belong to: its callback data names it. */
function reportOfButtons(message: { reply_markup?: InlineKeyboardMarkup }): { submissionId?: string } {
  for (const row of message.reply_markup?.inline_keyboard ?? []) {
    for (const button of row) {
      const action = 'callback_data' in button && button.callback_data ? decodeAction(button.callback_data) : undefined;
      if (action?.kind === 'report') return { submissionId: action.submissionId };
    }
  }
  return {};
}

/**
 * The update as a channel-neutral event. `lastPromptIds`: the ids of the last report
 * prompt this process sent in the chat, one per part (polling only, see onlyReceiver).
 */
export function toInboundEvent(ctx: Context, seen: { lastPromptIds?: readonly number[] | undefined } = {}): InboundEvent | undefined {
  const from = ctx.from;
  const message = ctx.message ?? ctx.editedMessage;
  if (!from || from.is_bot || (!message && !ctx.callbackQuery)) return undefined;
  return {
    channel: 'telegram',
    dedupeKey: String(ctx.update.update_id),
    from: { externalId: String(from.id), displayName: displayName(from), username: from.username ?? null },
    at: message ? new Date(message.date * 1000) : new Date(),
    ...(message ? { messageRef: `${message.chat.id}:${message.message_id}` } : {}),
    // Message ids of a private chat are one sequence for both sides: a smaller id was sent before.
    ...(ctx.message ? { order: ctx.message.message_id } : {}),
    content: contentOf(ctx, seen.lastPromptIds),
  };
}

/** Keeps only the options of the pressed message whose action is not of `kind`. */
function withoutKind(ctx: Context, kind: Action['kind']) {
  const rows = ctx.callbackQuery?.message?.reply_markup?.inline_keyboard ?? [];
  return rows
    .map((row) => row.filter((b) => !('callback_data' in b) || decodeAction(b.callback_data ?? '')?.kind !== kind))
    .filter((row) => row.length > 0);
}

const CHOSEN = '✓ ';
/** How long a call to Telegram may go unanswered before it is given up (grammY's default is 500 s). */
export const TELEGRAM_CALL_TIMEOUT_SECONDS = 60;

/**
 * Only the pressed option, marked chosen: the prompt shows what was answered, and it
 * keeps naming its report (reportOfButtons), so a reply to it later edits that report's
 * question, not whichever report is open then. Pressed again, it is a stale button.
 */
function chosenOnly(ctx: Context): InlineKeyboardMarkup | undefined {
  const data = ctx.callbackQuery?.data;
  const pressed = ctx.callbackQuery?.message?.reply_markup?.inline_keyboard.flat().find((b) => 'callback_data' in b && b.callback_data === data);
  if (!data || !pressed) return undefined;
  return { inline_keyboard: [[{ text: pressed.text.startsWith(CHOSEN) ? pressed.text : `${CHOSEN}${pressed.text}`, callback_data: data }]] };
}

function retiredMarkup(ctx: Context, pressed: Exclude<Reply['pressed'], 'keep' | undefined>): InlineKeyboardMarkup | undefined {
  if (pressed === 'retire') return undefined;
  if (pressed === 'chosen') return chosenOnly(ctx);
  return { inline_keyboard: withoutKind(ctx, pressed.retire) };
}

async function retirePressed(ctx: Context, reply: Reply): Promise<void> {
  if (!ctx.callbackQuery?.message || !reply.pressed || reply.pressed === 'keep') return;
  const markup = retiredMarkup(ctx, reply.pressed);
  try {
    await ctx.editMessageReplyMarkup({ reply_markup: markup });
  } catch (error) {
    // Already without buttons, or too old to edit: nothing to retire.
    if (!(error instanceof GrammyError)) throw error;
  }
}

function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.description.includes('message is not modified');
}

async function answerQuery(ctx: Context, reply: Reply): Promise<void> {
  try {
    await ctx.answerCallbackQuery(reply.toast ? { text: reply.toast.text, show_alert: reply.toast.alert ?? false } : undefined);
  } catch (error) {
    if (!isExpiredQuery(error)) throw error;
  }
}

interface ShowOptions {
  /** Hears every message sent, with the ids of its parts (a long text is sent in several). */
  sent: (messageIds: number[], message: OutboundMessage) => void;
  /** The pressed button was answered already (a slow reply's notice): Telegram takes one answer. */
  answeredQuery: boolean;
}

/** Shows a reply in the chat the event came from. */
async function showReply(ctx: Context, reply: Reply, { sent, answeredQuery }: ShowOptions): Promise<void> {
  if (ctx.callbackQuery && !answeredQuery) await answerQuery(ctx, reply);
  const [first, ...rest] = reply.messages;
  if (first && reply.inPlace && ctx.callbackQuery?.message && telegramText(first).length <= TELEGRAM_TEXT_LIMIT) {
    try {
      // Within Telegram's limit, the text is one part.
      await ctx.editMessageText(telegramText(first), { parse_mode: 'HTML', reply_markup: keyboardOf(first) });
    } catch (error) {
      if (!isNotModified(error)) throw error;
    }
    return showMessages(ctx, rest, sent);
  }
  await retirePressed(ctx, reply);
  await showMessages(ctx, reply.messages, sent);
}

async function showMessages(ctx: Context, messages: Reply['messages'], sent: ShowOptions['sent']): Promise<void> {
  for (const message of messages) {
    if (message.attachment) {
      sent([(await sendAttachment(ctx, message.attachment, message.text)).message_id], message);
      continue;
    }
    const ids: number[] = [];
    for (const part of telegramParts(message)) ids.push((await ctx.reply(part.text, partOptions(part))).message_id);
    sent(ids, message);
  }
}

/** A file with its caption (Telegram allows 1,024 characters of caption: ours are one line). */
function sendAttachment(ctx: Context, attachment: Attachment, caption: string) {
  const file = new InputFile(attachment.data, attachment.fileName);
  const options = { caption, parse_mode: 'HTML' as const };
  return attachment.as === 'photo' ? ctx.replyWithPhoto(file, options) : ctx.replyWithDocument(file, options);
}

export function createTelegramBot(chat: Chat, options: TelegramOptions): Bot<TelegramContext> {
  // A call Telegram never answers is given up after a minute (grammY's default is 500 s), so
  // a reply stuck in a network that drops packets cannot hold a stop for long; a long poll
  // waits at most 30 s (polling.ts), well within it.
  const config: BotConfig<TelegramContext> = { client: { apiRoot: options.apiRoot, timeoutSeconds: TELEGRAM_CALL_TIMEOUT_SECONDS } };
  if (options.botInfo) config.botInfo = options.botInfo;
  const bot = new Bot<TelegramContext>(options.token, config);

  // Telegram's 429 (retry_after) and its 5xx: wait and retry, up to a bound. Network errors
  // are retried a few times only (auto-retry would retry them for ever, silently).
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60, rethrowHttpErrors: true }));
  bot.api.config.use(retryNetworkErrors());

  // One chat's updates are handled in order (the runner runs different chats concurrently).
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));
  bot.use(async (ctx, next) => {
    ctx.log = options.logger.child({ channel: 'telegram', updateId: ctx.update.update_id });
    await next();
  });

  // The report prompt each chat saw last (its parts): a reply to it answers the question it shows now.
  const lastPrompts = new LastReplies<readonly number[]>();
  // Bots only talk to people in private chats: a secretary's answers must not be read in a group.
  bot.chatType('private').use(async (ctx) => {
    const chatId = String(ctx.chat.id);
    const event = toInboundEvent(ctx, { lastPromptIds: lastPrompts.get(chatId) });
    if (!event) return;
    const working = workingSign(ctx, ctx.log);
    await handleEvent(
      chat,
      event,
      {
        async show(reply) {
          // The last message shown: sent, or the pressed one edited in place when nothing is sent.
          let order: ChatOrder | undefined = ctx.callbackQuery?.message?.message_id;
          const sent = (messageIds: number[], message: OutboundMessage) => {
            order = messageIds.at(-1) ?? order;
            if (options.onlyReceiver && message.prompt) lastPrompts.record(chatId, messageIds);
          };
          try {
            await showReply(ctx, reply, { sent, answeredQuery: working.answeredQuery });
          } finally {
            working.stop();
          }
          return order;
        },
        async apologise(text) {
          working.stop();
          if (ctx.callbackQuery && !working.answeredQuery) await ctx.answerCallbackQuery().catch(() => undefined);
          await ctx.reply(text);
        },
        working: working.start,
      },
      ctx.log,
    );
  });

  bot.catch((error) => {
    options.logger.error({ err: error.error, updateId: error.ctx.update.update_id }, 'update failed');
  });
  return bot;
}

/** The command menus: one for everybody, a longer one in each Telegram admin's chat. */
export async function publishCommandMenus(bot: Bot<TelegramContext>, adminChatIds: readonly string[]): Promise<void> {
  await bot.api.setMyCommands([...commandMenus.secretary]);
  for (const chatId of adminChatIds) {
    const merged = [...commandMenus.admin, ...commandMenus.secretary.filter((c) => !commandMenus.admin.some((a) => a.command === c.command))];
    await bot.api.setMyCommands(merged, { scope: { type: 'chat', chat_id: chatId } }).catch(() => {
      // The admin has not opened a chat with the bot yet; the default menu applies until then.
    });
  }
}
