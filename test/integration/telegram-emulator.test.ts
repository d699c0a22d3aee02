/**
 * The Telegram emulator's user-side features the end-to-end tests rely on, checked
 * over its real HTTP API: replies, forwards, messages via a bot, edits, redelivery,
 * several messages in one getUpdates answer, and one message_id sequence per private
 * chat shared by the user and the bot. Telegram's apps refuse some of these (editing
 * someone else's message, a forward, a message with no change): so does the emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator, type BotMessage, type TgUser } from '../../src/emulator/botApiEmulator.js';

let emulator: BotApiEmulator;
let offset = 0;
const user: TgUser = { id: 5101, first_name: 'Nguyễn', last_name: 'An' };
const other: TgUser = { id: 5102, first_name: 'Trần', last_name: 'Bình' };

async function call(method: string, params: object = {}): Promise<any> {
  const res = await fetch(`${emulator.apiRoot}/bot${emulator.token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = (await res.json()) as { ok: boolean; result?: unknown; description?: string };
  if (!body.ok) throw new Error(body.description);
  return body.result;
}

/** One getUpdates answer (confirming the ones before), as a bot polling without waiting gets it. */
async function poll(): Promise<any[]> {
  const updates = (await call('getUpdates', { offset, timeout: 0 })) as Array<{ update_id: number }>;
  if (updates.length > 0) offset = updates.at(-1)!.update_id + 1;
  return updates;
}

async function botSays(chatId: number, text: string): Promise<BotMessage> {
  const sent = (await call('sendMessage', { chat_id: chatId, text: `<b>${text}</b>`, parse_mode: 'HTML' })) as { message_id: number };
  return emulator.messagesTo(chatId).find((m) => m.message_id === sent.message_id)!;
}

beforeAll(async () => {
  emulator = await startBotApiEmulator();
});

afterAll(async () => {
  await emulator?.close();
});

describe('the Telegram emulator, on the user side', () => {
  it('numbers the user and the bot messages of a private chat in one sequence', async () => {
    const first = emulator.sendUserText(user, 'một');
    const prompt = await botSays(user.id, 'Câu 1/3.');
    const second = emulator.sendUserText(user, 'hai');
    expect([first.message_id, prompt.message_id, second.message_id]).toEqual([first.message_id, first.message_id + 1, first.message_id + 2]);
    // Another chat has its own sequence.
    expect(emulator.sendUserText(other, 'chào').message_id).toBe(1);
    const updates = await poll();
    expect(updates.map((u) => u.message.message_id)).toEqual([first.message_id, second.message_id, 1]);
    expect(updates[0].update_id).toBe(first.update_id);
    // sendText keeps returning the update_id.
    const updateId = emulator.sendText(user, '/baocao');
    const [command] = await poll();
    expect(command.update_id).toBe(updateId);
    expect(command.message.entities).toEqual([{ type: 'bot_command', offset: 0, length: 7 }]);
  });

  it('a reply carries the replied message as the bot would see it; a missing one is refused', async () => {
    const prompt = await botSays(user.id, 'Câu 3/14.');
    const own = emulator.sendUserText(user, '2');
    const reply = emulator.replyTo(user, prompt, '5');
    const replyToOwn = emulator.replyTo(user, own, 'ý tôi là 3');
    const [, toBot, toOwn] = await poll();
    expect(toBot.message.message_id).toBe(reply.message_id);
    expect(toBot.message.reply_to_message).toMatchObject({
      message_id: prompt.message_id,
      text: 'Câu 3/14.',
      from: { id: 123456, is_bot: true },
      chat: { id: user.id, type: 'private' },
    });
    expect(toOwn.message.reply_to_message).toMatchObject({ message_id: own.message_id, text: '2', from: { id: user.id, is_bot: false } });
    expect(() => emulator.replyTo(user, { ...prompt, message_id: 99_999 }, 'x')).toThrow(/no longer exists/);
    expect(() => emulator.replyTo(other, prompt, 'x')).toThrow(/not in chat/);
  });

  it('forwards carry forward_origin and messages via a bot carry via_bot; neither can be edited', async () => {
    const forwarded = emulator.forwardText(user, '7');
    const hidden = emulator.forwardText(user, '8', { type: 'hidden_user', sender_user_name: 'Ẩn danh' });
    const via = emulator.sendViaBot(user, '9');
    const [a, b, c] = await poll();
    expect(a.message.forward_origin).toMatchObject({ type: 'user', sender_user: { is_bot: false } });
    expect(a.message.forward_origin.date).toBeLessThanOrEqual(a.message.date);
    expect(b.message.forward_origin).toMatchObject({ type: 'hidden_user', sender_user_name: 'Ẩn danh' });
    expect(c.message.via_bot).toMatchObject({ is_bot: true, username: 'other_inline_bot' });
    expect(c.message.forward_origin).toBeUndefined();
    expect(() => emulator.editText(user, forwarded, '70')).toThrow(/cannot be edited/);
    expect(() => emulator.editText(user, hidden, '80')).toThrow(/cannot be edited/);
    expect(() => emulator.editText(user, via, '90')).toThrow(/cannot be edited/);
  });

  it('an edit is an edited_message of the same message_id with the new text and edit_date', async () => {
    const prompt = await botSays(user.id, 'Câu 8/14.');
    const sent = emulator.replyTo(user, prompt, '3');
    const edited = emulator.editText(user, sent, '30');
    expect(edited).toMatchObject({ chat_id: user.id, message_id: sent.message_id, text: '30' });
    expect(edited.update_id).toBeGreaterThan(sent.update_id);
    const [original, edit] = await poll();
    expect(edit.update_id).toBe(edited.update_id);
    expect(edit.message).toBeUndefined();
    expect(edit.edited_message).toMatchObject({
      message_id: sent.message_id,
      date: original.message.date,
      text: '30',
      from: { id: user.id },
      // A reply stays a reply when edited.
      reply_to_message: { message_id: prompt.message_id },
    });
    expect(edit.edited_message.edit_date).toBeGreaterThanOrEqual(edit.edited_message.date);
    // Edited again, from the text as it now is; an edit that changes nothing, or by someone else, is refused.
    expect(emulator.editText(user, edited, '/baocao').text).toBe('/baocao');
    const [again] = await poll();
    expect(again.edited_message.entities).toEqual([{ type: 'bot_command', offset: 0, length: 7 }]);
    expect(() => emulator.editText(user, sent, '/baocao')).toThrow(/not modified/);
    expect(() => emulator.editText(other, sent, '31')).toThrow(/was sent by/);
    expect(() => emulator.editText(user, { ...sent, message_id: 99_999 }, '31')).toThrow(/no message/);
    // A reply names the message as it now reads.
    emulator.replyTo(user, sent, 'đúng rồi');
    const [replied] = await poll();
    expect(replied.message.reply_to_message).toMatchObject({ text: '/baocao', edit_date: again.edited_message.edit_date });
    expect(replied.message.reply_to_message.reply_to_message).toBeUndefined();
  });

  it('redelivers the very same update; together() hands several updates over in one getUpdates answer', async () => {
    const sent = emulator.sendUserText(user, 'có');
    const [first] = await poll();
    expect(emulator.redeliver(sent.update_id)).toBe(sent.update_id);
    const [again] = await poll();
    expect(again).toEqual(first);
    expect(() => emulator.redeliver(999_999)).toThrow(/no update/);

    // A bot holding a long poll gets the first of two messages alone, unless they come together.
    // (Wrapped in an object: an async function returning the pending poll would wait for it.)
    const holdPoll = async () => {
      const callsBefore = emulator.calls.length;
      const held = call('getUpdates', { offset, timeout: 5 }) as Promise<Array<{ update_id: number; message: { message_id: number } }>>;
      // Recorded as it arrives, and held in the same turn (nothing is queued).
      await emulator.waitFor(() => emulator.calls.length > callsBefore);
      expect(emulator.pendingUpdates()).toBe(0);
      return { held };
    };
    let { held } = await holdPoll();
    const [p, q] = [emulator.sendUserText(user, '1.234'), emulator.sendUserText(user, '1.234')];
    const alone = await held;
    expect(alone.map((u) => u.message.message_id)).toEqual([p.message_id]);
    offset = alone.at(-1)!.update_id + 1;
    expect((await poll()).map((u) => u.message.message_id)).toEqual([q.message_id]);
    ({ held } = await holdPoll());
    const [x, y] = emulator.together(() => [emulator.sendUserText(user, '1.234'), emulator.sendUserText(user, '1.234')]);
    const batch = await held;
    expect(batch.map((u) => u.message.message_id)).toEqual([x!.message_id, y!.message_id]);
    offset = batch.at(-1)!.update_id + 1;
    expect(() => emulator.together(async () => undefined)).toThrow(/synchronous/);
  });
});
