/**
 * Zalo as a channel: each update becomes an InboundEvent for the chat layer, and each
 * reply goes back as plain text — options as numbered lines with the words to type,
 * split at 2,000 characters, no edits (every step is a new message). A pressed-button
 * notice (Telegram's callback answer) has no place in Zalo: it is sent as a message.
 */
import { handleEvent } from '../../chat/boundary.js';
import type { ChannelSender, OutboundMessage, Reply } from '../../chat/port.js';
import type { Chat } from '../../chat/router.js';
import type { Logger } from '../../logger.js';
import { LastReplies } from '../lastReply.js';
import { renderForText } from '../text/render.js';
import { classifyZaloSendError, type ZaloClient, type ZaloUpdate } from './client.js';
import { zaloUpdateToEvent } from './inbound.js';

export const ZALO_TEXT_LIMIT = 2000;

export function createZaloSender(client: Pick<ZaloClient, 'sendMessage'>): ChannelSender {
  return {
    channel: 'zalo',
    async send(chatId, message) {
      let last = '';
      for (const part of renderForText(message, ZALO_TEXT_LIMIT)) last = (await client.sendMessage(chatId, part)).message_id;
      return { messageId: last };
    },
    classify: classifyZaloSendError,
  };
}

function plain(text: string): OutboundMessage {
  return { text, options: [] };
}

/** What the person sees of a reply: its messages, or its notice when it has nothing else to say. */
function messagesOf(reply: Reply): OutboundMessage[] {
  if (reply.messages.length > 0) return reply.messages;
  return reply.toast ? [plain(reply.toast.text)] : [];
}

/** Replies share the bot's quota with the outbox: a 429 is waited out a few times rather than losing the reply. */
const REPLY_ATTEMPTS = 3;
const MAX_REPLY_WAIT_MS = 5000;

async function sendReply(sender: ChannelSender, to: string, message: OutboundMessage): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await sender.send(to, message);
      return;
    } catch (error) {
      const failure = sender.classify(error);
      if (failure.action !== 'rate_limited' || attempt >= REPLY_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(failure.retryAfterMs, MAX_REPLY_WAIT_MS)));
    }
  }
}

/**
 * Handles one Zalo update end to end: the chat layer's use case, then its reply. A failed
 * use case is apologised for and rethrown, so a webhook answers 500 and Zalo delivers the
 * update again (its transaction rolled back, nothing of it was stored).
 */
export function createZaloHandler(chat: Chat, sender: ChannelSender, logger: Logger): (update: ZaloUpdate) => Promise<void> {
  // When each chat last got a reply: Zalo ids carry no order, its dates (milliseconds) do.
  const lastReplies = new LastReplies<number>();
  return async (update) => {
    const received = zaloUpdateToEvent(update);
    if (!received) return;
    const repliedAt = lastReplies.get(received.from.externalId);
    const event = repliedAt !== undefined && received.at.getTime() < repliedAt ? { ...received, sentBeforeLastReply: true as const } : received;
    const log = logger.child({ channel: 'zalo', dedupeKey: event.dedupeKey });
    const to = event.from.externalId;
    const outcome = await handleEvent(
      chat,
      event,
      {
        async show(reply) {
          for (const message of messagesOf(reply)) {
            // Recorded as it starts: nothing the person sends after seeing it can be dated earlier.
            lastReplies.record(to, Date.now());
            await sendReply(sender, to, message);
          }
        },
        apologise: (text) => sendReply(sender, to, plain(text)),
      },
      log,
    );
    // Nothing of it was stored: a webhook answers 500 and Zalo delivers it again.
    if (outcome === 'failed') throw new Error(`zalo update ${event.dedupeKey} failed`);
  };
}
