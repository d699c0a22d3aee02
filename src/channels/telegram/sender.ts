/** The outbound side of Telegram for the outbox: one message (split if long, part by part) to a user, and its errors classified. */
import { Api, GrammyError, HttpError } from 'grammy';
import { sendInOrder, type ChannelSender, type ChatOrder, type OutboundPart, type SendFailure } from '../../chat/port.js';
import { partOptions, telegramParts } from './render.js';

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

/** Sends one part, with the keyboard of the options it carries. */
export async function sendTelegramPart(api: Api, chatId: string, part: OutboundPart): Promise<{ messageId: string; order: ChatOrder }> {
  const sent = await api.sendMessage(chatId, part.text, partOptions(part));
  // A private chat's message ids are one sequence for both sides: the id is the message's place.
  return { messageId: String(sent.message_id), order: sent.message_id };
}

export function createTelegramSender(api: Api): ChannelSender {
  const sendPart = (externalId: string, part: OutboundPart) => sendTelegramPart(api, externalId, part);
  return {
    channel: 'telegram',
    // Every part of a message; the keyboard rides on the last.
    send: (externalId, message) => sendInOrder(telegramParts(message), (part) => sendPart(externalId, part)),
    parts: telegramParts,
    sendPart,
    classify: classifyTelegramError,
  };
}
