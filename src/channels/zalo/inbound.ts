/**
 * Turns a Zalo update into the channel port's InboundEvent. Zalo has no buttons,
 * so everything is either typed text or "something else" (a photo, a sticker…).
 */
import type { InboundEvent } from '../../chat/port.js';
import type { ZaloUpdate } from './client.js';

const TEXT_EVENT = 'message.text.received';
const PRIVATE_CHAT = 'PRIVATE';
const FALLBACK_DISPLAY_NAME = 'Người dùng Zalo';

/**
 * The event for the chat layer, or undefined for what this product does not talk
 * to: other bots and group chats (it serves people in private chats only).
 */
export function zaloUpdateToEvent(update: ZaloUpdate): InboundEvent | undefined {
  const { message } = update;
  if (message.from.is_bot === true) return undefined;
  const chatType = message.chat.chat_type ?? PRIVATE_CHAT;
  if (chatType.toUpperCase() !== PRIVATE_CHAT) return undefined;
  const displayName = message.from.display_name?.trim() || FALLBACK_DISPLAY_NAME;
  const text = update.event_name === TEXT_EVENT ? message.text : undefined;
  return {
    channel: 'zalo',
    dedupeKey: message.message_id,
    from: { externalId: message.from.id, displayName, username: null },
    at: message.date !== undefined ? new Date(message.date) : new Date(),
    messageRef: message.message_id,
    // Zalo's ids carry no order; its dates do, on the clock that dates the bot's messages too
    // (undated, it is placed nowhere: this machine's clock is not Zalo's).
    ...(message.date !== undefined ? { order: message.date } : {}),
    content: text === undefined ? { kind: 'other' } : { kind: 'text', text },
  };
}
