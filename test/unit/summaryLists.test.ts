/**
 * The «Chưa nộp» and «Nộp muộn» lists of the chat summary (/tonghop) at national scale:
 * one organization a line, the first CHAT_LIST_LIMIT of each, a late reason cut at a
 * word near CHAT_REASON_CHARS, then one line saying how many more and where they are.
 * Zalo takes 2,000 characters a message and the splitter cuts between lines.
 */
import { describe, expect, it } from 'vitest';
import type { LateOrgRef, OrgRef, Summary } from '../../src/reports/figures.js';
import { CHAT_LIST_LIMIT, CHAT_REASON_CHARS, renderNotSubmitted, renderSummary } from '../../src/reports/text.js';
import { splitText } from '../../src/text/split.js';

const code = (i: number) => `CB${String(i).padStart(5, '0')}`;
/** 161 characters, words of every length, an HTML-looking part past the cut and one before it. */
const LONG_REASON =
  'Đồng chí Bí thư <đi công tác> dài ngày tại Hà Nội, Phó Bí thư nghỉ ốm; văn phòng chi bộ chưa tổng hợp kịp số liệu của các tổ chức & đoàn thể trực thuộc nên nộp chậm';

function makeSummary(notSubmitted: number, late: Array<LateOrgRef>, lateTotal = late.length): Summary {
  const first: OrgRef[] = Array.from({ length: Math.min(30, notSubmitted) }, (_, i) => ({ code: code(i + 1), name: `Chi bộ số ${i + 1}` }));
  return {
    campaign: {
      id: '42',
      formId: 'dan_van_qcdc',
      formVersion: 1,
      formTitle: 'Công tác dân vận',
      periodLabel: 'Năm 2026',
      opensAt: new Date('2026-12-01T01:00:00Z'),
      dueAt: new Date('2026-12-15T10:00:00Z'),
      closedAt: null,
      closed: false,
      pastDue: true,
    },
    generatedAt: new Date('2026-12-16T02:30:00Z'),
    targets: { total: 50_000, byType: { dang_bo_co_so: 0, chi_bo_co_so: 50_000, chi_bo_truc_thuoc: 0 } },
    submitted: { total: 50_000 - notSubmitted, onTime: 50_000 - notSubmitted - lateTotal, late: lateTotal, byType: { dang_bo_co_so: 0, chi_bo_co_so: 50_000 - notSubmitted, chi_bo_truc_thuoc: 0 } },
    notSubmitted: { total: notSubmitted, first },
    late: { total: lateTotal, first: late },
    questions: [],
    byType: [],
  } as Summary;
}

const lateOrgs = (n: number, reason: (i: number) => string | null = () => LONG_REASON): LateOrgRef[] =>
  Array.from({ length: n }, (_, i) => ({ code: code(40_001 + i), name: `Chi bộ Công ty số ${i + 1}`, lateReason: reason(i) }));

function section(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const from = lines.findIndex((l) => l.startsWith(heading));
  const to = lines.findIndex((l, i) => i > from && !l.startsWith('• ') && !l.startsWith('… và'));
  return lines.slice(from, to === -1 ? undefined : to);
}

describe('the lists of the chat summary', () => {
  it('names the first 10 of each list, one a line, then how many more and where they are', () => {
    expect(CHAT_LIST_LIMIT).toBe(10);
    const plain = renderSummary(makeSummary(5_000, lateOrgs(30), 1_234), 'plain');

    const notSubmitted = section(plain, 'Chưa nộp');
    expect(notSubmitted).toEqual([
      'Chưa nộp (5.000):',
      ...Array.from({ length: 10 }, (_, i) => `• ${code(i + 1)} — Chi bộ số ${i + 1}`),
      '… và 4.990 tổ chức khác: xem bằng lệnh /chuanop 42 hoặc trang «Chưa nộp» của tệp Excel.',
    ]);

    const late = section(plain, 'Nộp muộn');
    expect(late[0]).toBe('Nộp muộn (1.234):');
    expect(late.slice(1, -1)).toHaveLength(10);
    expect(late.at(-1)).toBe('… và 1.224 tổ chức khác: xem trang «Nộp muộn» của tệp Excel.');
    // The whole list is a few short lines, far under Zalo's 2,000 characters a message.
    expect(late.join('\n').length).toBeLessThan(1_400);
    expect(splitText(plain, 2_000)).toEqual([plain]);
  });

  it('cuts a long late reason at a word, before 80 characters, with «…», and escapes it after the cut', () => {
    expect(CHAT_REASON_CHARS).toBe(80);
    const summary = makeSummary(0, lateOrgs(2, (i) => (i === 0 ? LONG_REASON : 'Bí thư đi\ncông tác   <ngắn> & gọn')));
    const plain = section(renderSummary(summary, 'plain'), 'Nộp muộn');
    const prefix = `• ${code(40_001)} — Chi bộ Công ty số 1: `;
    expect(plain[1]).toBe(`${prefix}Đồng chí Bí thư <đi công tác> dài ngày tại Hà Nội, Phó Bí thư nghỉ ốm; văn…`);
    const reason = plain[1]!.slice(prefix.length);
    expect([...reason].length).toBeLessThanOrEqual(CHAT_REASON_CHARS);
    expect(LONG_REASON.startsWith(reason.slice(0, -1))).toBe(true);
    expect(LONG_REASON[reason.length - 1]).toBe(' ');
    // A short one is whole, on one line; no line pointing to the rest.
    expect(plain[2]).toBe(`• ${code(40_002)} — Chi bộ Công ty số 2: Bí thư đi công tác <ngắn> & gọn`);
    expect(plain).toHaveLength(3);

    const html = section(renderSummary(summary, 'html'), 'Nộp muộn');
    expect(html[1]).toBe(`${prefix}Đồng chí Bí thư &lt;đi công tác&gt; dài ngày tại Hà Nội, Phó Bí thư nghỉ ốm; văn…`);
    expect(html[2]).toBe(`• ${code(40_002)} — Chi bộ Công ty số 2: Bí thư đi công tác &lt;ngắn&gt; &amp; gọn`);
  });

  it('lists a late organization without a reason by itself, and every organization when there are 10 or fewer', () => {
    const plain = renderSummary(makeSummary(10, lateOrgs(3, (i) => (i === 0 ? null : i === 1 ? '   ' : 'Mất điện'))), 'plain');
    expect(section(plain, 'Chưa nộp')).toHaveLength(11);
    expect(section(plain, 'Nộp muộn')).toEqual([
      'Nộp muộn (3):',
      `• ${code(40_001)} — Chi bộ Công ty số 1`,
      `• ${code(40_002)} — Chi bộ Công ty số 2`,
      `• ${code(40_003)} — Chi bộ Công ty số 3: Mất điện`,
    ]);
    expect(plain).not.toContain('tổ chức khác');
  });
});

describe('a page of /chuanop', () => {
  it('cuts long names so that 50 lines stay one Telegram message, and names a page pressed past the count as a page', () => {
    const campaign = makeSummary(0, []).campaign;
    const long = 'Chi bộ Phòng Kế hoạch – Tài chính và Quản lý dự án đầu tư xây dựng công trình giao thông nông thôn';
    const first: OrgRef[] = Array.from({ length: 50 }, (_, i) => ({ code: code(101 + i), name: long }));
    const text = renderNotSubmitted({ campaign }, { total: 120, first }, 'html', { page: 3, size: 50 });
    const items = text.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(items).toHaveLength(50);
    expect(items[0]).toMatch(/^101\. CB00101 — Chi bộ Phòng Kế hoạch.*…$/);
    expect(text.length).toBeLessThanOrEqual(4096);
    // Pressed on after reports came in: page 3 of a count that now fits two.
    expect(renderNotSubmitted({ campaign }, { total: 90, first: first.slice(0, 1) }, 'html', { page: 3, size: 50 })).toContain('Trang 3/3');
  });
});
