/**
 * Outbound messages as Telegram shows them: the markup as HTML (its parse mode), the
 * options as an inline keyboard, long texts split under Telegram's 4,096 characters
 * with the keyboard on the last part.
 */
import { InlineKeyboard } from 'grammy';
import type { OutboundMessage, OutboundPart } from '../../chat/port.js';
import { splitText } from '../../text/split.js';
import { encodeAction } from './callbackData.js';

export const TELEGRAM_TEXT_LIMIT = 4096;

export const htmlOptions = { parse_mode: 'HTML', link_preview_options: { is_disabled: true } } as const;

/** sendMessage's options for one part: HTML, and the keyboard of the options it carries. */
export function partOptions(part: OutboundPart) {
  const keyboard = part.options ? keyboardOf({ options: part.options }) : undefined;
  return { ...htmlOptions, ...(keyboard ? { reply_markup: keyboard } : {}) };
}

export function keyboardOf(message: Pick<OutboundMessage, 'options'>): InlineKeyboard | undefined {
  if (message.options.length === 0) return undefined;
  const keyboard = new InlineKeyboard();
  for (const row of message.options) {
    for (const option of row) keyboard.text(option.label, encodeAction(option.action));
    keyboard.row();
  }
  return keyboard;
}

/** The text Telegram shows: with the note on using the buttons, when there are buttons. */
export function telegramText(message: OutboundMessage): string {
  return message.buttonsNote !== undefined && message.options.length > 0 ? `${message.text}\n${message.buttonsNote}` : message.text;
}

/** The messages Telegram shows a message as: its text cut at 4,096 characters, the options riding on the last part. */
export function telegramParts(message: OutboundMessage): OutboundPart[] {
  const chunks = splitText(telegramText(message), TELEGRAM_TEXT_LIMIT);
  const last = chunks.length - 1;
  return chunks.map((text, i) => (i === last && message.options.length > 0 ? { text, options: message.options } : { text }));
}
