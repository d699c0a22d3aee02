/** The outbound side of Telegram for the outbox: one message (split if long) to a user, and its errors classified. */
import { Api, GrammyError, HttpError } from 'grammy';
import type { ChannelSender, ChatOrder, OutboundMessage, SendFailure } from '../../chat/port.js';
import { htmlOptions, telegramParts } from './render.js';

/** What the outbox does with a Telegram error. */
export function classifyTelegramError(error: unknown): SendFailure {
  if (error instanceof GrammyError) {
    if (error.error_code === 429) return { action: 'rate_limited', retryAfterMs: Math.max(1, error.parameters.retry_after ?? 1) * 1000 };
    if (error.error_code === 403) return { action: 'unreachable', reason: error.description };
    if (error.error_code >= 500) return { action: 'retry', reason: error.description };
    return { action: 'failed', reason: error.description };
  }
  if (error instanceof HttpError) return { action: 'retry', reason: error.message };
  throw error;
}

/** Sends every part of a message; the keyboard rides on the last. */
export async function sendTelegramMessage(api: Api, chatId: string, message: OutboundMessage): Promise<{ messageId: string; order: ChatOrder }> {
  const { chunks, keyboard } = telegramParts(message);
  let last = 0;
  for (const [i, chunk] of chunks.entries()) {
    const isLast = i === chunks.length - 1;
    const sent = await api.sendMessage(chatId, chunk, { ...htmlOptions, ...(isLast && keyboard ? { reply_markup: keyboard } : {}) });
    last = sent.message_id;
  }
  // A private chat's message ids are one sequence for both sides: the id is the message's place.
  return { messageId: String(last), order: last };
}

export function createTelegramSender(api: Api): ChannelSender {
  return {
    channel: 'telegram',
    send: (externalId, message) => sendTelegramMessage(api, externalId, message),
    classify: classifyTelegramError,
  };
}
