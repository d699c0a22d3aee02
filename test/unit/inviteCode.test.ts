/** An invite code is recognised as people paste it, and nothing else is taken for one. */
import { describe, expect, it } from 'vitest';
import { bareInviteCode, cleanInviteCode } from '../../src/chat/registration.js';

const CODE = 'Qx3_-a9ZkLmN0pRsTuVwXy';

describe('an invite code pasted alone', () => {
  it.each([CODE, ` ${CODE} `, `${CODE}.`, `«${CODE}»`, `"${CODE}"`, `“${CODE}”.`, `Mã mời: ${CODE}`, `mã mời ${CODE}`, `Ma moi: «${CODE}»`, `start ${CODE}`])('is read from %j', (pasted) => {
    expect(bareInviteCode(pasted)).toBe(CODE);
  });

  it.each(['có', '1.234', `${CODE}x`, `Mô hình ${CODE}`, 'Đề nghị tăng cường tập huấn cho cán bộ'])('is not read from %j', (text) => {
    expect(bareInviteCode(text)).toBeUndefined();
  });

  it('is cleaned the same way after /start', () => {
    expect(cleanInviteCode(`${CODE}.`)).toBe(CODE);
    expect(cleanInviteCode(`«${CODE}»`)).toBe(CODE);
  });
});
