/**
 * Zalo as a channel: each update becomes an InboundEvent for the chat layer, and each
 * reply goes back as plain text — options as numbered lines with the words to type,
 * split at 2,000 characters, no edits (every step is a new message). A pressed-button
 * notice (Telegram's callback answer) has no place in Zalo: it is sent as a message.
 */
import { handleEvent } from '../../chat/boundary.js';
import { sendInOrder, type ChannelSender, type ChatOrder, type OutboundMessage, type OutboundPart, type Reply, type SentPart } from '../../chat/port.js';
import type { Chat } from '../../chat/router.js';
import type { Logger } from '../../logger.js';
import { sleep } from '../sleep.js';
import { renderForText } from '../text/render.js';
import { classifyZaloSendError, type ZaloClient, type ZaloSentMessage, type ZaloUpdate } from './client.js';
import { zaloUpdateToEvent } from './inbound.js';

export const ZALO_TEXT_LIMIT = 2000;

/**
 * Zalo's sender. `partAttempts`: how often a part Zalo refuses for the rate is sent again
 * (after the wait it asks for, at most 5 s) before the message fails — for the chat's
 * replies, which have no queue to wait in; the outbox gives 1 and pauses the whole queue
 * for as long as Zalo asks instead.
 */
export function createZaloSender(client: Pick<ZaloClient, 'sendMessage'>, options: { partAttempts?: number } = {}): ChannelSender {
  const attempts = Math.max(1, options.partAttempts ?? 1);
  const sendPart = (chatId: string, part: OutboundPart) => sendZaloPart(client, chatId, part.text, attempts);
  return {
    channel: 'zalo',
    // A part refused for the rate is sent again, never the parts before it: a long review arrives once, whole.
    send: (chatId, message) => sendInOrder(zaloParts(message), (part) => sendPart(chatId, part)),
    parts: zaloParts,
    sendPart,
    classify: classifyZaloSendError,
  };
}

/** The chat's replies: a part refused for the rate is waited out a few times rather than failing the reply. */
export const REPLY_PART_ATTEMPTS = 3;
const MAX_PART_WAIT_MS = 5000;

/** A message as Zalo shows it: plain text with its options as lines, cut at 2,000 characters. */
function zaloParts(message: OutboundMessage): OutboundPart[] {
  return renderForText(message, ZALO_TEXT_LIMIT).map((text) => ({ text }));
}

/** One part; its place in the chat is its date, by Zalo's clock (none when Zalo gave no date). */
async function sendZaloPart(client: Pick<ZaloClient, 'sendMessage'>, chatId: string, text: string, attempts: number): Promise<SentPart> {
  const sent = await sendWithRateWaits(client, chatId, text, attempts);
  return { messageId: sent.message_id, ...(sent.date !== undefined ? { order: sent.date } : {}) };
}

async function sendWithRateWaits(client: Pick<ZaloClient, 'sendMessage'>, chatId: string, text: string, attempts: number): Promise<ZaloSentMessage> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.sendMessage(chatId, text);
    } catch (error) {
      const failure = classifyZaloSendError(error);
      if (failure.action !== 'rate_limited' || attempt >= attempts) throw error;
      await sleep(Math.min(failure.retryAfterMs, MAX_PART_WAIT_MS));
    }
  }
}

function plain(text: string): OutboundMessage {
  return { text, options: [] };
}

/** What the person sees of a reply: its messages, or its notice when it has nothing else to say. */
function messagesOf(reply: Reply): OutboundMessage[] {
  if (reply.messages.length > 0) return reply.messages;
  return reply.toast ? [plain(reply.toast.text)] : [];
}

/**
 * Handles one Zalo update end to end: the chat layer's use case, then its reply. A failed
 * use case is apologised for and rethrown, so a webhook answers 500 and Zalo delivers the
 * update again (its transaction rolled back, nothing of it was stored).
 */
export function createZaloHandler(chat: Chat, sender: ChannelSender, logger: Logger): (update: ZaloUpdate) => Promise<void> {
  return async (update) => {
    const event = zaloUpdateToEvent(update);
    if (!event) return;
    const log = logger.child({ channel: 'zalo', dedupeKey: event.dedupeKey });
    const to = event.from.externalId;
    const outcome = await handleEvent(
      chat,
      event,
      {
        async show(reply) {
          let order: ChatOrder | undefined;
          for (const message of messagesOf(reply)) order = (await sender.send(to, message)).order;
          return order;
        },
        apologise: async (text) => {
          await sender.send(to, plain(text));
        },
      },
      log,
    );
    // Nothing of it was stored: a webhook answers 500 and Zalo delivers it again.
    if (outcome === 'failed') throw new Error(`zalo update ${event.dedupeKey} failed`);
  };
}
