/** Telegram updates as channel-neutral events: replies name the prompt's report, forwards are not answers. */
import { Api, Context } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { encodeAction } from '../../src/channels/telegram/callbackData.js';
import { toInboundEvent } from '../../src/channels/telegram/adapter.js';
import { replyTarget } from '../../src/chat/edits.js';
import { say } from '../../src/chat/port.js';
import { reportReply } from '../../src/chat/report.js';

const me = { id: 42, is_bot: true, first_name: 'Bot', username: 'bot' } as UserFromGetMe;
const user = { id: 1001, is_bot: false, first_name: 'An' };
const chat = { id: 1001, type: 'private' as const, first_name: 'An' };

function eventOf(message: Record<string, unknown>, edited = false, lastPromptIds?: readonly number[]) {
  const body = { message_id: 50, date: 1_780_000_000, chat, from: user, ...message };
  const update = (edited ? { update_id: 7, edited_message: body } : { update_id: 7, message: body }) as unknown as Update;
  return toInboundEvent(new Context(update, new Api('1:x'), me), { lastPromptIds });
}

describe('toInboundEvent', () => {
  it('a reply to a prompt of the bot carries that prompt and the report its buttons name', () => {
    const back = encodeAction({ kind: 'report', submissionId: '77', step: 4, input: { kind: 'back' } });
    const event = eventOf({
      text: '5',
      reply_to_message: { message_id: 40, date: 1, chat, from: me, text: 'Câu 3/14. Số mô hình?', reply_markup: { inline_keyboard: [[{ text: '« Quay lại', callback_data: back }]] } },
    });
    expect(event?.content).toEqual({ kind: 'text', text: '5', quoted: { text: 'Câu 3/14. Số mô hình?', fromBot: true, submissionId: '77' } });
    expect(replyTarget(event?.content.kind === 'text' ? event.content.quoted : undefined)).toEqual({ questionNo: 3, submissionId: '77' });
  });

  it('a reply to someone else is no prompt; forwards and messages via a bot are not answers', () => {
    const other = eventOf({ text: '5', reply_to_message: { message_id: 40, date: 1, chat, from: user, text: 'Câu 3/14. x' } });
    expect(replyTarget(other?.content.kind === 'text' ? other.content.quoted : undefined)).toBeUndefined();
    expect(eventOf({ text: '5', forward_origin: { type: 'hidden_user', sender_user_name: 'X', date: 1 } })?.content).toEqual({ kind: 'forwarded' });
    expect(eventOf({ text: '5', via_bot: { id: 9, is_bot: true, first_name: 'Other' } })?.content).toEqual({ kind: 'forwarded' });
  });

  it('a new message is placed in its chat by its id (one sequence for both sides); an edit is not placed', () => {
    expect(eventOf({ text: '1.234' })?.order).toBe(50);
    expect(eventOf({ text: '1.234' })?.messageRef).toBe('1001:50');
    expect(eventOf({ text: '1.235' }, true)?.order).toBeUndefined();
    expect(eventOf({ text: '1.235' }, true)?.messageRef).toBe('1001:50');
  });
});

describe('the last prompt shown', () => {
  it('is the message the chat layer marks as the report prompt it shows, not a text that reads like one', () => {
    const prompt = { text: '<b>Câu 3/14.</b> Số mô hình?', buttons: [] };
    const reply = reportReply({ kind: 'prompt', submissionId: '77', step: 4, prompt, inPlace: false }, 'p1');
    expect(reply.shows).toEqual({ personId: 'p1', submissionId: '77', step: 4 });
    expect(reply.messages.at(-1)?.prompt).toBe(true);
    expect(say('<b>Câu 3/14.</b> đã được lưu').messages[0]?.prompt).toBeUndefined();
  });

  it('a reply to any part of it is to the latest prompt; to an older message it is not', () => {
    const quoting = (messageId: number) =>
      eventOf({ text: '5', reply_to_message: { message_id: messageId, date: 1, chat, from: me, text: 'Câu 3/14. Số mô hình?' } }, false, [40, 41]);
    for (const part of [40, 41]) expect(quoting(part)?.content).toMatchObject({ quoted: { latest: true } });
    const older = quoting(39)?.content;
    expect(older?.kind === 'text' ? older.quoted : undefined).toEqual({ text: 'Câu 3/14. Số mô hình?', fromBot: true });
  });
});

describe('a pressed button', () => {
  const press = (message: Record<string, unknown> | undefined) => {
    const data = encodeAction({ kind: 'round', campaignId: '12', action: 'remind_ok' });
    const update = { update_id: 8, callback_query: { id: 'q1', from: user, chat_instance: 'c', data, ...(message ? { message } : {}) } } as unknown as Update;
    return toInboundEvent(new Context(update, new Api('1:x'), me));
  };

  it('carries when the message it is on was sent, where Telegram tells', () => {
    const shown = press({ message_id: 40, date: 1_780_000_000, chat, from: me, text: 'Nhắc ngay đợt #12?' });
    expect(shown?.content).toEqual({ kind: 'action', action: { kind: 'round', campaignId: '12', action: 'remind_ok' }, shownAt: new Date(1_780_000_000_000) });
    // Too old for Telegram to show (date 0), or no message: not known.
    expect(press({ message_id: 40, date: 0, chat })?.content).toEqual({ kind: 'action', action: { kind: 'round', campaignId: '12', action: 'remind_ok' } });
  });
});
