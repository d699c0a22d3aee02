/**
 * The channel port: what the chat layer receives from a channel adapter and what
 * it gives back. Nothing here knows Telegram or Zalo; each adapter under
 * src/channels/ turns its updates into InboundEvents and renders OutboundMessages
 * with its own means (inline keyboards and HTML, or numbered lines of plain text).
 */
import type { Input } from '../dialogue/types.js';

/** The chat apps the bot serves. A person may have an identity in each. */
export type ChannelName = 'telegram' | 'zalo';
export const CHANNEL_NAMES: readonly ChannelName[] = ['telegram', 'zalo'];

/** One account of a person in one chat app. External ids are text: Zalo's exceed 2^53. */
export interface Identity {
  channel: ChannelName;
  externalId: string;
}

/** What an option does when chosen, whatever the channel (a button press or the typed word). */
export type Action =
  /** An input to the report dialogue, shown at `step` of the report (stale once the report moved on). */
  | { kind: 'report'; submissionId: string; step: number; input: Input }
  /** Start or resume an organization's report of a round. */
  | { kind: 'open'; campaignId: string; organizationId: string }
  /** "Đã nhận" under an announcement. */
  | { kind: 'ack'; deliveryId: string }
  /** A button of the admin's wizard (/dotmoi, a new deadline), shown at prompt `seq`. */
  | { kind: 'wizard'; seq: number; value: string }
  /** An action on a round from /dot N. */
  | { kind: 'round'; campaignId: string; action: RoundAction }
  /** One of the office's files of a round, from /tonghop. */
  | { kind: 'file'; campaignId: string; file: FileKind }
  /**
   * «Trang sau ▶» of /chuanop: a page of the round's organizations not submitted, of one
   * parent if given; `afterCode`, the last organization the page before showed (the next
   * starts after it, whatever was submitted since).
   */
  | { kind: 'notSubmitted'; campaignId: string; page: number; parentId?: string; afterCode?: string };

/** The office's files of a round: the workbook, the Word draft, the chart. */
export type FileKind = 'xlsx' | 'docx' | 'png';
export const FILE_KINDS: readonly FileKind[] = ['xlsx', 'docx', 'png'];
/** One letter per file kind, where bytes are counted: button payloads and download links. */
export const FILE_CODES: Record<FileKind, string> = { xlsx: 'x', docx: 'w', png: 'c' };

/**
 * «Gửi lại» ('resend'): the round's deliveries that failed and may be sent again go out again.
 * «Nhắc ngay» ('remind') only asks; 'remind_ok' sends, 'remind_no' does not.
 */
export type RoundAction = 'due' | 'close' | 'close_ok' | 'close_no' | 'remind' | 'remind_ok' | 'remind_no' | 'resend';

/**
 * Text with light emphasis: the HTML subset <b> and <i>, every value from a user or
 * a file escaped with escapeHtml. Telegram shows it as HTML; text-only channels
 * drop the tags and unescape the entities.
 */
export type Markup = string;

export interface Option {
  /** Plain text, short enough for a button. */
  label: string;
  action: Action;
  /**
   * What the person types instead (`2`, `có`, `quay lại`, `gửi`, `/baocao`): every
   * channel understands it, so a text-only channel lists it beside the label.
   */
  say: string;
  /**
   * Text-only channels do not list it: the message text already explains how to type
   * it (e.g. «sửa N»), or it only makes sense as a button (multi-choice «Xong»).
   */
  unlisted?: boolean;
  /** The label a text-only channel lists instead, when `label` shows a button's own state (a toggle's ☑/☐). */
  textLabel?: string;
}

/** A file sent with a message (its text is the caption). */
export interface Attachment {
  fileName: string;
  contentType: string;
  data: Buffer;
  /** A photo shows inline; a document is a file to download. */
  as: 'document' | 'photo';
}

export interface OutboundMessage {
  /** Reads right with and without buttons: a text-only channel lists the options under it. */
  text: Markup;
  /**
   * Said only by a channel that shows the options as buttons, after the text: how to use
   * them (multi-choice toggles, then «Xong»). A text-only channel leaves it out.
   */
  buttonsNote?: Markup;
  /** Rows of options; the last message of a reply usually carries them. */
  options: Option[][];
  /** Only on channels whose capabilities say `files`. */
  attachment?: Attachment;
  /**
   * It is the report prompt the reply `shows`: a channel that remembers the last prompt it
   * sent in a chat (Telegram polling, see Quoted.latest) knows it by this, not by its text.
   */
  prompt?: true;
}

/** What a channel can show beyond text and options. */
export interface ChannelCapabilities {
  /** Sends files; a channel without it gets a link to download them instead. */
  files: boolean;
}

export const CHANNEL_CAPABILITIES: Record<ChannelName, ChannelCapabilities> = {
  telegram: { files: true },
  // Zalo's Bot API has no way to send a document to a person.
  zalo: { files: false },
};

/** The message a typed text replies to, as far as the channel can tell. */
export interface Quoted {
  text: string;
  fromBot: boolean;
  /** The report the quoted prompt belongs to, when its options name it (Telegram's buttons do). */
  submissionId?: string;
  /**
   * It is the last report prompt the bot sent in this chat: the one the person is at
   * now. Known only where one process sends every reply (Telegram polling).
   */
  latest?: boolean;
}

export type InboundContent =
  /** Typed text; `quoted` is the message it replies to, when the channel has replies. */
  | { kind: 'text'; text: string; quoted?: Quoted }
  /** The person edited a message they sent (`messageRef` of the event names it): they mean to change that answer. */
  | { kind: 'edited'; text: string }
  /** Forwarded, or sent via another bot: never an answer. */
  | { kind: 'forwarded' }
  /** A button press. `action` is undefined for a payload this bot no longer understands; `shownAt`: when the message the button is on was sent, where the channel tells (a confirmation pressed hours later asks again). */
  | { kind: 'action'; action: Action | undefined; shownAt?: Date }
  /** A photo, sticker, voice message…: not an answer. */
  | { kind: 'other' };

export interface InboundEvent {
  channel: ChannelName;
  /** Unique per channel for one update: Telegram's update_id, Zalo's message_id. */
  dedupeKey: string;
  from: { externalId: string; displayName: string; username: string | null };
  /** When the person sent it, by the platform's clock. */
  at: Date;
  /** The person's message, unique within the channel (e.g. 'chat:message'): an edit of it later names it again. */
  messageRef?: string;
  /**
   * The message's place in its chat, comparable with the places of the bot's messages
   * there (ChannelSender.send): one placed before the prompt of the question the person is
   * at was sent before that question was shown (two quick messages, a platform delivering
   * it again minutes later) and was meant for the one before.
   */
  order?: ChatOrder;
  content: InboundContent;
}

/** What the chat layer answers to one inbound event. */
export interface Reply {
  messages: OutboundMessage[];
  /** A short notice about a pressed button (Telegram: the callback answer). */
  toast?: { text: string; alert?: boolean };
  /**
   * What happens to the options of the message whose button was pressed: kept, all
   * removed, all but the pressed one, which stays marked as chosen (an answer taken), or
   * only those of one action kind (after «Đã nhận», «Bắt đầu báo cáo» stays).
   */
  pressed?: 'keep' | 'retire' | 'chosen' | { retire: Action['kind'] };
  /** The first message replaces the pressed one where the channel can edit (multi-choice toggles). */
  inPlace?: boolean;
  /**
   * The report prompt the reply shows the person (its last message). Shown, where it sits
   * in the chat is recorded: a message placed before it was not written for it. Not
   * delivered, the person did not see it: their next typed message was written for the
   * one before and must not answer this one.
   */
  shows?: ShownReport;
}

/** A report's prompt at one step, shown to one person. */
export interface ShownReport {
  personId: string;
  submissionId: string;
  step: number;
}

/**
 * A message's place in its chat's order, by the platform: Telegram's message id (one
 * sequence for both sides of a private chat); Zalo's date in milliseconds (its ids carry
 * no order), by Zalo's clock for both sides, never this machine's.
 */
export type ChatOrder = number;

/**
 * An event's handling failed (nothing of it committed). `again`: it had failed here before
 * (a platform delivering it again while Postgres is away), and the person was told then.
 */
export class HandlingFailed extends Error {
  override readonly name = 'HandlingFailed';
  constructor(
    override readonly cause: unknown,
    readonly again: boolean,
  ) {
    super('the event could not be handled', { cause });
  }
}

export const NO_REPLY: Reply = { messages: [] };

/**
 * Said by a use case that will take a while (a file being made and sent), before its
 * reply: the channel shows the person the bot is at work (Telegram: the pressed button
 * answered at once with `notice`, "sending a file…" in the chat header until the reply
 * is shown). Returns at once and never throws.
 */
export type Working = (notice: string) => void;

/** Nothing is shown for it (a duplicate met with silence): no reply can be recorded as shown. */
export function isSilent(reply: Reply): boolean {
  return reply.messages.length === 0 && !reply.toast;
}

/** A reply of one message. */
export function say(text: Markup, options: Option[][] = []): Reply {
  return { messages: [{ text, options }] };
}

/** Why sending a message to a person failed, as the outbox must act on it. */
export type SendFailure =
  | { action: 'rate_limited'; retryAfterMs: number }
  /** Blocked the bot, or unknown to the platform: unreachable until they write again. */
  | { action: 'unreachable'; reason: string }
  | { action: 'failed'; reason: string }
  | { action: 'retry'; reason: string };

/**
 * One of the messages a channel sends a long message as: its text in the channel's own
 * format (Telegram's HTML, Zalo's plain text), and the options it carries where the
 * channel shows them as buttons (Telegram: on the last part). Plain JSON, so the outbox
 * can keep the parts of a message it has begun and send the rest of the same text later.
 */
export interface OutboundPart {
  text: string;
  options?: Option[][];
}

/** A part the platform took: its message id, and its place in the chat when the platform tells. */
export interface SentPart {
  messageId: string;
  order?: ChatOrder;
}

/** The outbound side of a channel, for the outbox and the chat layer's replies alike. */
export interface ChannelSender {
  readonly channel: ChannelName;
  /** Sends one message (split by the adapter if long): every part in order, and what the last part gave. */
  send(externalId: string, message: OutboundMessage): Promise<SentPart>;
  /** The parts `send` sends the message as, in order (pure: the same message gives the same parts). */
  parts(message: OutboundMessage): OutboundPart[];
  /** Sends one part: the outbox sends them one by one, recording after each how far it got. */
  sendPart(externalId: string, part: OutboundPart): Promise<SentPart>;
  /** What the outbox does with an error thrown by send or sendPart; rethrows what it does not know. */
  classify(error: unknown): SendFailure;
}

/** Sends `parts` in order, each once; what the last gave. A message with no part is a bug of its caller. */
export async function sendInOrder(parts: readonly OutboundPart[], sendPart: (part: OutboundPart) => Promise<SentPart>): Promise<SentPart> {
  let last: SentPart | undefined;
  for (const part of parts) last = await sendPart(part);
  if (!last) throw new Error('a message with no text to send');
  return last;
}

/** What makes an inbound event unique: services record it with their writes, so a redelivery changes nothing. */
export type EventKey = Pick<InboundEvent, 'channel' | 'dedupeKey'>;
