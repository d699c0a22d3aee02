/**
 * The error boundary every channel adapter puts around one event: the use case, then its
 * reply. A failed use case (nothing of it committed) is apologised for; a reply that
 * could not be shown is recorded as undelivered (the person did not see the new prompt)
 * and apologised for differently, since what they sent was stored.
 */
import type { Logger } from '../logger.js';
import { botMessages } from './messages.js';
import type { InboundEvent, Reply } from './port.js';
import type { Chat } from './router.js';

export interface ChannelSide {
  /** Shows the reply in the chat the event came from. */
  show(reply: Reply): Promise<void>;
  /** Tells the person something went wrong (plain text). */
  apologise(text: string): Promise<void>;
}

export type Outcome = 'handled' | 'failed';

/**
 * Handles one event end to end. 'failed' when the use case threw: the adapter decides
 * whether the platform should deliver the event again (a webhook answers 500).
 */
export async function handleEvent(chat: Chat, event: InboundEvent, side: ChannelSide, log: Logger): Promise<Outcome> {
  let reply: Reply;
  try {
    reply = await chat.handle(event);
  } catch (error) {
    log.error({ err: error }, 'update failed');
    await side.apologise(botMessages.internalError).catch((err: unknown) => log.error({ err }, 'could not tell the user about the failure'));
    return 'failed';
  }
  try {
    await side.show(reply);
  } catch (error) {
    log.error({ err: error }, 'reply not delivered');
    await chat.undelivered(reply).catch((err: unknown) => log.error({ err }, 'could not record the undelivered reply'));
    await side.apologise(botMessages.replyFailed).catch(() => undefined);
  }
  return 'handled';
}
