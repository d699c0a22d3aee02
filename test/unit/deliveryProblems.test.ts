/** /dot N's list of messages that did not arrive or may have arrived twice: labels, reasons, grouping, the cap. */
import { describe, expect, it } from 'vitest';
import { roundMessages as msg } from '../../src/chat/messages.js';
import { problemLines, problemText, slotLabel } from '../../src/chat/rounds.js';
import type { DeliveryProblem, DeliveryProblems } from '../../src/services/deliveries.js';

describe('slotLabel', () => {
  it.each([
    ['announce', 'announcement', 'thông báo mở đợt'],
    ['r-7d', 'reminder', 'nhắc 7 ngày trước hạn'],
    ['r0d', 'reminder', 'nhắc ngày hết hạn'],
    ['r+3d', 'reminder', 'nhắc 3 ngày sau hạn'],
    ['r-1d@2026-12-22', 'reminder', 'nhắc 1 ngày trước hạn'],
    ['escalate', 'escalation', 'danh sách đơn vị chưa nộp'],
    ['digest-2026-12-07', 'digest', 'tin tổng hợp ngày 07/12/2026'],
    [`manual-${Date.parse('2026-12-10T09:00:00+07:00')}`, 'reminder', 'nhắc ngay lúc 10/12/2026 09:00'],
    ['<odd>', 'reminder', 'tin «&lt;odd&gt;»'],
  ] as const)('%s → %s', (key, kind, label) => expect(slotLabel(key, kind)).toBe(label));
});

describe('problemText', () => {
  const failed = (reason: string, failure: DeliveryProblem['failure'], resendCount = 0) => problemText({ status: 'failed', reason, failure, resendCount });
  it('says why in words', () => {
    expect(failed('unreachable: Forbidden: bot was blocked by the user', 'unreachable')).toBe('chưa đến: người nhận đã chặn bot');
    expect(failed('unreachable: Forbidden: user is deactivated', 'unreachable')).toBe('chưa đến: tài khoản của người nhận đã bị xoá');
    expect(failed('Bad Request: chat not found', 'rejected')).toBe('chưa đến: không tìm thấy người nhận (có thể chưa từng nhắn cho bot)');
    expect(failed('Bad Request: <weird>', 'rejected')).toBe('chưa đến: kênh nhắn tin từ chối (Bad Request: &lt;weird&gt;)');
    expect(failed('Internal Server Error', 'transient')).toBe('chưa đến: lỗi mạng hoặc lỗi máy chủ của kênh nhắn tin, đã thử nhiều lần');
    expect(failed('interrupted while sending, gave up after 3 resends', 'interrupted', 3)).toBe('chưa đến: bị gián đoạn khi đang gửi, đã gửi lại 3 lần vẫn không xong');
    expect(failed('interrupted while sending', 'interrupted')).toBe('chưa đến: bị gián đoạn khi đang gửi');
    expect(problemText({ status: 'skipped', reason: 'unreachable', failure: null, resendCount: 0 })).toMatch(/^chưa gửi: /);
    expect(problemText({ status: 'sent', reason: null, failure: null, resendCount: 1 })).toBe('đã gửi lại sau sự cố, có thể đã nhận hai lần');
    expect(problemText({ status: 'queued', reason: null, failure: null, resendCount: 1 })).toBe('đang gửi lại sau sự cố, có thể sẽ nhận hai lần');
  });
});

describe('problemLines', () => {
  let id = 0;
  const row = (org: string | null, person: string, slotKey: string, over: Partial<DeliveryProblem> = {}): DeliveryProblem => ({
    id: String(++id),
    kind: slotKey === 'announce' ? 'announcement' : slotKey === 'escalate' ? 'escalation' : 'reminder',
    slotKey,
    status: 'failed',
    reason: 'unreachable: Forbidden: bot was blocked by the user',
    failure: 'unreachable',
    maybeDuplicate: false,
    resendCount: 0,
    organization: org ? { code: org, name: `Chi bộ ${org}` } : null,
    person: { id: person, name: `Người ${person}` },
    resendable: false,
    ...over,
  });
  const problems = (first: DeliveryProblem[], over: Partial<DeliveryProblems> = {}): DeliveryProblems => ({ total: first.length, undelivered: first.length, resendable: 0, first, ...over });

  it("groups by organization and person, and a person's messages by what happened to them", () => {
    const lines = problemLines(
      problems(
        [
          row('A1', '1', 'announce'),
          row('A1', '1', 'r-3d'),
          row('A1', '2', 'announce', { status: 'sent', maybeDuplicate: true, resendCount: 1 }),
          row('B2', '3', 'r0d', { failure: 'transient', reason: 'Bad Gateway', resendable: true }),
          row(null, '9', 'escalate', { failure: 'transient', reason: 'Bad Gateway', resendable: true }),
        ],
        { undelivered: 4, resendable: 2 },
      ),
      { maxChars: 4000, canResend: true },
    );
    expect(lines).toEqual([
      msg.problemsHeading(5),
      '<b>A1</b> Chi bộ A1',
      '  • Người 1: thông báo mở đợt, nhắc 3 ngày trước hạn — chưa đến: người nhận đã chặn bot',
      '  • Người 2: thông báo mở đợt — đã gửi lại sau sự cố, có thể đã nhận hai lần',
      '<b>B2</b> Chi bộ B2',
      '  • Người 3: nhắc ngày hết hạn — chưa đến: lỗi mạng hoặc lỗi máy chủ của kênh nhắn tin, đã thử nhiều lần',
      '<b>Tin gửi cán bộ quản trị</b>',
      '  • Người 9: danh sách đơn vị chưa nộp — chưa đến: lỗi mạng hoặc lỗi máy chủ của kênh nhắn tin, đã thử nhiều lần',
      msg.resendHint(2),
    ]);
    expect(problemLines(problems([]), { maxChars: 4000, canResend: true })).toEqual([]);
  });

  it('names as many people as fit and counts the rest; explains when nothing can go again yet; no hint on a closed round', () => {
    const many = Array.from({ length: 30 }, (_, i) => row(`C${String(i).padStart(2, '0')}`, String(i), 'announce', { person: { id: String(i), name: 'Đồng chí có tên rất dài '.repeat(3) + i } }));
    const lines = problemLines(problems(many, { total: 250, undelivered: 250 }), { maxChars: 1500, canResend: true });
    const text = lines.join('\n');
    expect(text.length).toBeLessThanOrEqual(1500);
    const named = lines.filter((l) => l.startsWith('  • ')).length;
    expect(named).toBeGreaterThan(0);
    expect(named).toBeLessThan(30);
    expect(lines).toContain(msg.problemsMore(250 - named));
    expect(lines.at(-1)).toBe(msg.resendNotYet);
    expect(problemLines(problems(many.slice(0, 2)), { maxChars: 4000, canResend: false }).at(-1)).toMatch(/^  • /);
  });
});
