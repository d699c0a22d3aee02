/**
 * The error boundary every channel adapter puts around one event: the use case, then its
 * reply. A failed use case (nothing of it committed) is apologised for; a reply that
 * could not be shown is recorded as undelivered (the person did not see the new prompt)
 * and apologised for differently, since what they sent was stored.
 */
import type { Logger } from '../logger.js';
import { updateSeconds, updatesHandled, type UpdateKind, type UpdateOutcome } from '../metrics.js';
import { bareInviteCode } from './registration.js';
import { parseCommand } from './commands.js';
import { botMessages } from './messages.js';
import { HandlingFailed, isSilent, type ChatOrder, type InboundEvent, type Reply, type Working } from './port.js';
import type { Chat } from './router.js';

export interface ChannelSide {
  /** Shows the reply in the chat the event came from; where its last message sits in the chat, if the channel tells. */
  show(reply: Reply): Promise<ChatOrder | undefined>;
  /** Tells the person something went wrong (plain text). */
  apologise(text: string): Promise<void>;
  /** Shows that a slow reply is coming (see Working); channels without such a sign leave it out. */
  working?: Working;
}

export type Outcome = 'handled' | 'failed';

/**
 * What to tell the person when their event could not be handled (Postgres away, a bug):
 * what was not done — not "your answer was not stored" to someone who was registering.
 */
export function apologyFor(event: InboundEvent): string {
  const failed = botMessages.failedTo;
  const { content } = event;
  if (content.kind === 'action') return failed.button;
  if (content.kind !== 'text') return botMessages.internalError;
  const command = parseCommand(content.text);
  if (command?.name === 'start' || bareInviteCode(content.text)) return failed.register;
  if (command?.name === 'baocao') return failed.openReport;
  if (command) return failed.command(command.name);
  return botMessages.internalError;
}

/**
 * Handles one event end to end. 'failed' when the use case threw: the adapter decides
 * whether the platform should deliver the event again (a webhook answers 500).
 */
export async function handleEvent(chat: Chat, event: InboundEvent, side: ChannelSide, log: Logger): Promise<Outcome> {
  const kind = updateKind(event);
  const timer = updateSeconds.startTimer({ channel: event.channel, kind });
  const counted = (outcome: UpdateOutcome) => {
    updatesHandled.inc({ channel: event.channel, kind, outcome });
    timer();
  };
  let reply: Reply;
  try {
    reply = await chat.handle(event, side.working);
  } catch (error) {
    const failure = error instanceof HandlingFailed ? error : undefined;
    log.error({ err: failure?.cause ?? error }, 'update failed');
    // Said once: the same event delivered again while the outage lasts is not apologised for again.
    if (!failure?.again) {
      await side.apologise(apologyFor(event)).catch((err: unknown) => log.error({ err }, 'could not tell the user about the failure'));
    }
    counted('failed');
    return 'failed';
  }
  let order: ChatOrder | undefined;
  try {
    order = await side.show(reply);
  } catch (error) {
    log.error({ err: error }, 'reply not delivered');
    await chat.undelivered(reply).catch((err: unknown) => log.error({ err }, 'could not record the undelivered reply'));
    await side.apologise(botMessages.replyFailed).catch(() => undefined);
    counted('undelivered');
    return 'handled';
  }
  // Only a reply shown is recorded: after silence (a duplicate while its first handler may
  // still be replying), the event received again can still be answered if that handler died.
  if (!isSilent(reply)) chat.replied(event, reply, order);
  counted('handled');
  return 'handled';
}

function updateKind(event: InboundEvent): UpdateKind {
  switch (event.content.kind) {
    case 'text':
      return parseCommand(event.content.text) ? 'command' : 'answer';
    case 'action':
      return 'button';
    case 'edited':
      return 'edit';
    default:
      return 'other';
  }
}
