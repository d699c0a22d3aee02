import { describe, expect, it } from 'vitest';
import { apologyFor } from '../../src/chat/boundary.js';
import { botMessages } from '../../src/chat/messages.js';
import type { InboundContent, InboundEvent } from '../../src/chat/port.js';

const event = (content: InboundContent): InboundEvent => ({
  channel: 'telegram',
  dedupeKey: '1',
  from: { externalId: '1', displayName: 'A', username: null },
  at: new Date(),
  content,
});
const text = (t: string) => event({ kind: 'text', text: t });

describe('what the person is told when the system fails', () => {
  it('names what was not done', () => {
    expect(apologyFor(text('/start AbCdEfGhIjKlMnOpQrStUv'))).toBe(botMessages.failedTo.register);
    expect(apologyFor(text('AbCdEfGhIjKlMnOpQrStUv'))).toBe(botMessages.failedTo.register);
    // Pasted as people paste it, a full stop after it: still a registration.
    expect(apologyFor(text(' AbCdEfGhIjKlMnOpQrStUv. '))).toBe(botMessages.failedTo.register);
    expect(apologyFor(text('/baocao'))).toBe(botMessages.failedTo.openReport);
    expect(apologyFor(text('baocao 2'))).toBe(botMessages.failedTo.openReport);
    expect(apologyFor(text('/tonghop 3'))).toBe(botMessages.failedTo.command('tonghop'));
    expect(apologyFor(text('tổng hợp'))).toBe(botMessages.failedTo.command('tonghop'));
    expect(apologyFor(event({ kind: 'action', action: undefined }))).toBe(botMessages.failedTo.button);
  });

  it('says an answer was not stored only for an answer', () => {
    expect(apologyFor(text('1.234'))).toBe(botMessages.internalError);
    expect(apologyFor(text('Không có'))).toBe(botMessages.internalError);
    expect(apologyFor(event({ kind: 'edited', text: '30' }))).toBe(botMessages.internalError);
  });
});
