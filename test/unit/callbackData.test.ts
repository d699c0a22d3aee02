/** Telegram's callback payloads: every action within 64 bytes, and only the bot's own decoded. */
import { describe, expect, it } from 'vitest';
import { CALLBACK_DATA_MAX_BYTES, decodeAction, encodeAction } from '../../src/channels/telegram/callbackData.js';
import type { Action } from '../../src/chat/port.js';

const BIG = '999999999999999999';

describe('callback data', () => {
  const actions: Action[] = [
    { kind: 'report', submissionId: BIG, step: 999_999_999, input: { kind: 'edit', questionNo: 9999 } },
    { kind: 'report', submissionId: '1', step: 0, input: { kind: 'pick', index: 3 } },
    { kind: 'report', submissionId: '1', step: 2, input: { kind: 'toggle', index: 0 } },
    { kind: 'report', submissionId: '1', step: 2, input: { kind: 'finish_multi' } },
    { kind: 'report', submissionId: '1', step: 2, input: { kind: 'skip' } },
    { kind: 'report', submissionId: '1', step: 2, input: { kind: 'back' } },
    { kind: 'report', submissionId: '1', step: 2, input: { kind: 'submit' } },
    { kind: 'report', submissionId: '1', step: 2, input: { kind: 'show' } },
    { kind: 'open', campaignId: BIG, organizationId: BIG },
    { kind: 'ack', deliveryId: BIG },
    { kind: 'wizard', seq: 123456789, value: 'def' },
    { kind: 'round', campaignId: BIG, action: 'close_ok' },
    { kind: 'round', campaignId: '7', action: 'remind' },
    { kind: 'round', campaignId: BIG, action: 'resend' },
    { kind: 'round', campaignId: BIG, action: 'remind_ok' },
    { kind: 'round', campaignId: '7', action: 'remind_no' },
    { kind: 'notSubmitted', campaignId: '12', page: 2 },
    { kind: 'notSubmitted', campaignId: BIG, page: 999_999_999, parentId: BIG },
    { kind: 'notSubmitted', campaignId: '12', page: 3, afterCode: 'CB01:ĐB-7' },
    { kind: 'notSubmitted', campaignId: '12', page: 3, parentId: '44', afterCode: 'DB01.049' },
  ];

  it.each(actions)('round-trips %j within 64 bytes', (action) => {
    const data = encodeAction(action);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
    expect(decodeAction(data)).toEqual(action);
  });

  it('decodes nothing it did not produce', () => {
    for (const data of ['dt:1:zz', 'r:1:2:x9', 'r:a:2:p0', 'o:1', 'k:', 'dm:1:ABC', 'ns:1:0', 'ns:1:2:', 'ns:1', 'hello', '']) expect(decodeAction(data)).toBeUndefined();
  });

  it('gives «Gửi lại» of /dot N a code of its own', () => {
    expect(encodeAction({ kind: 'round', campaignId: '12', action: 'resend' })).toBe('dt:12:g');
    expect(decodeAction('dt:12:g')).toEqual({ kind: 'round', campaignId: '12', action: 'resend' });
    const codes = (['due', 'close', 'close_ok', 'close_no', 'remind', 'remind_ok', 'remind_no', 'resend'] as const).map((action) => encodeAction({ kind: 'round', campaignId: '1', action }));
    expect(new Set(codes).size).toBe(codes.length);
    expect(decodeAction('dt:12:gg')).toBeUndefined();
  });

  it('refuses typed text as a button', () => {
    expect(() => encodeAction({ kind: 'report', submissionId: '1', step: 1, input: { kind: 'text', text: 'x' } })).toThrow();
  });
});
