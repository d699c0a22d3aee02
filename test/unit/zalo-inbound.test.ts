import { describe, expect, it } from 'vitest';
import { parseZaloJson, parseZaloUpdate, type ZaloUpdate } from '../../src/channels/zalo/client.js';
import { zaloUpdateToEvent } from '../../src/channels/zalo/inbound.js';

const HEX_USER = 'e4ea2cd5189df1c3a88c';
// Above 2^53: Number('8493021736254019283') would give 8493021736254019000.
const BIG_NUMERIC_USER = '8493021736254019283';

function update(overrides: { event_name?: string; message?: Partial<ZaloUpdate['message']> } = {}): ZaloUpdate {
  return {
    event_name: overrides.event_name ?? 'message.text.received',
    message: {
      message_id: '16f6366b3f02645a3d15',
      date: 1766619597466,
      chat: { id: HEX_USER, chat_type: 'PRIVATE' },
      from: { id: HEX_USER, display_name: 'Nguyễn Văn A', is_bot: false },
      text: 'Xin chào',
      ...overrides.message,
    },
  };
}

describe('zaloUpdateToEvent', () => {
  it('turns a text message into a text event keyed by message_id, placed in its chat by its date (Zalo\'s clock)', () => {
    expect(zaloUpdateToEvent(update())).toEqual({
      channel: 'zalo',
      dedupeKey: '16f6366b3f02645a3d15',
      from: { externalId: HEX_USER, displayName: 'Nguyễn Văn A', username: null },
      at: new Date(1766619597466),
      messageRef: '16f6366b3f02645a3d15',
      order: 1766619597466,
      content: { kind: 'text', text: 'Xin chào' },
    });
  });

  it('reads date as milliseconds, not seconds', () => {
    expect(zaloUpdateToEvent(update())?.at.toISOString()).toBe('2025-12-24T23:39:57.466Z');
  });

  it('keeps a numeric-looking id beyond 2^53 as the exact text', () => {
    const event = zaloUpdateToEvent(update({ message: { chat: { id: BIG_NUMERIC_USER }, from: { id: BIG_NUMERIC_USER, display_name: 'B' } } }));
    expect(event?.from.externalId).toBe(BIG_NUMERIC_USER);
  });

  it.each(['message.image.received', 'message.sticker.received', 'message.voice.received', 'message.unsupported.received'])(
    'turns %s into an "other" event',
    (eventName) => {
      const event = zaloUpdateToEvent(update({ event_name: eventName, message: { text: undefined } }));
      expect(event?.content).toEqual({ kind: 'other' });
      expect(event?.dedupeKey).toBe('16f6366b3f02645a3d15');
    },
  );

  it('does not treat text on a non-text event as typed text', () => {
    expect(zaloUpdateToEvent(update({ event_name: 'message.image.received', message: { text: 'caption' } }))?.content).toEqual({ kind: 'other' });
  });

  it('falls back to a generic display name', () => {
    expect(zaloUpdateToEvent(update({ message: { from: { id: HEX_USER } } }))?.from.displayName).toBe('Người dùng Zalo');
    expect(zaloUpdateToEvent(update({ message: { from: { id: HEX_USER, display_name: '   ' } } }))?.from.displayName).toBe('Người dùng Zalo');
  });

  it('ignores messages from bots', () => {
    expect(zaloUpdateToEvent(update({ message: { from: { id: HEX_USER, display_name: 'Bot', is_bot: true } } }))).toBeUndefined();
  });

  it('ignores group chats, whatever the case of chat_type', () => {
    expect(zaloUpdateToEvent(update({ message: { chat: { id: 'g1', chat_type: 'GROUP' } } }))).toBeUndefined();
    expect(zaloUpdateToEvent(update({ message: { chat: { id: 'g1', chat_type: 'group' } } }))).toBeUndefined();
  });

  it('accepts private chats in any case, and a missing chat_type as private', () => {
    expect(zaloUpdateToEvent(update({ message: { chat: { id: HEX_USER, chat_type: 'private' } } }))?.content.kind).toBe('text');
    expect(zaloUpdateToEvent(update({ message: { chat: { id: HEX_USER } } }))?.content.kind).toBe('text');
  });
});

describe('parseZaloUpdate', () => {
  const bare = {
    event_name: 'message.text.received',
    message: {
      message_id: 'abc123',
      date: 1766619597466,
      chat: { id: BIG_NUMERIC_USER, chat_type: 'PRIVATE' },
      from: { id: BIG_NUMERIC_USER, display_name: 'Trần Thị B', is_bot: false },
      text: '2',
    },
  };

  it('accepts a bare update', () => {
    expect(parseZaloUpdate(bare)).toEqual(bare);
  });

  it('accepts an update wrapped in { ok, result }', () => {
    expect(parseZaloUpdate({ ok: true, result: bare })).toEqual(bare);
  });

  it('refuses an { ok: false } envelope', () => {
    expect(parseZaloUpdate({ ok: false, result: bare })).toBeUndefined();
    expect(parseZaloUpdate({ ok: false, error_code: 408, description: 'Request timeout' })).toBeUndefined();
  });

  it('ignores unknown extra fields', () => {
    const parsed = parseZaloUpdate({ ...bare, extra: 1, message: { ...bare.message, photo_url: 'https://x/y.jpg', sticker: 's' } });
    expect(parsed).toEqual(bare);
  });

  it('refuses what is not an update', () => {
    expect(parseZaloUpdate(null)).toBeUndefined();
    expect(parseZaloUpdate('hello')).toBeUndefined();
    expect(parseZaloUpdate([bare])).toBeUndefined();
    expect(parseZaloUpdate({ event_name: 'message.text.received' })).toBeUndefined();
    expect(parseZaloUpdate({ message: bare.message })).toBeUndefined();
    expect(parseZaloUpdate({ ...bare, message: { ...bare.message, message_id: '' } })).toBeUndefined();
    expect(parseZaloUpdate({ ...bare, message: { ...bare.message, from: undefined } })).toBeUndefined();
  });

  it('turns safe numeric ids into text and refuses unsafe ones', () => {
    const small = parseZaloUpdate({ ...bare, message: { ...bare.message, from: { id: 42 }, chat: { id: 42 } } });
    expect(small?.message.from.id).toBe('42');
    expect(small?.message.chat.id).toBe('42');
    const unsafe = parseZaloUpdate({ ...bare, message: { ...bare.message, from: { id: 2 ** 60 } } });
    expect(unsafe).toBeUndefined();
  });

  it('uses the sender as the chat when chat is missing; a message without a date is kept undated, and placed nowhere in its chat', () => {
    const before = Date.now();
    const parsed = parseZaloUpdate({ event_name: 'message.text.received', message: { message_id: 'm1', from: { id: 'u1' }, text: 'a' } });
    expect(parsed?.message.chat).toEqual({ id: 'u1' });
    expect(parsed?.message.date).toBeUndefined();
    const event = zaloUpdateToEvent(parsed!);
    // Received now; but this machine's clock is not Zalo's: nothing is judged "sent before" by it.
    expect(event?.at.getTime()).toBeGreaterThanOrEqual(before);
    expect(event?.order).toBeUndefined();
  });

  it('reads a date given as a digit string', () => {
    expect(parseZaloUpdate({ ...bare, message: { ...bare.message, date: '1766619597466' } })?.message.date).toBe(1766619597466);
  });
});

describe('parseZaloJson', () => {
  it('keeps ids sent as bare numbers beyond 2^53 exact', () => {
    const raw = `{"ok":true,"result":{"event_name":"message.text.received","message":{"message_id":123,"date":1766619597466,`
      + `"chat":{"id": ${BIG_NUMERIC_USER},"chat_type":"PRIVATE"},"from":{"id":${BIG_NUMERIC_USER}},"text":"id: 5"}}}`;
    const parsed = parseZaloUpdate(parseZaloJson(raw));
    expect(parsed?.message.from.id).toBe(BIG_NUMERIC_USER);
    expect(parsed?.message.chat.id).toBe(BIG_NUMERIC_USER);
    expect(parsed?.message.message_id).toBe('123');
    expect(parsed?.message.date).toBe(1766619597466);
  });

  it('leaves look-alikes inside strings alone', () => {
    expect(parseZaloJson('{"text":"\\"id\\": 12345678901234567890","n":1}')).toEqual({ text: '"id": 12345678901234567890', n: 1 });
  });
});
