import { describe, expect, it } from 'vitest';
import { parseFormText } from '../../src/forms/load.js';
import { formatNumberVi } from '../../src/forms/format.js';
import { formalCount, formalFraction, formatCount, formatFraction, formatPercent, formatRatio } from '../../src/reports/format.js';
import { escapeHtml } from '../../src/text/html.js';
import { splitText } from '../../src/text/split.js';

// Counts as a person writes them in a message (chat, status, sheet, chart), and as the formal document (the Word draft) does.
describe('formatCount and formalCount', () => {
  it.each([
    [0, '0', '0'],
    [1, '1', '01'],
    [5, '5', '05'],
    [9, '9', '09'],
    [10, '10', '10'],
    [77, '77', '77'],
    [152, '152', '152'],
    [1234, '1.234', '1.234'],
    [50000, '50.000', '50.000'],
    [1234567, '1.234.567', '1.234.567'],
    [-5, '-5', '-5'],
  ])('%d → %s, formally %s', (n, plain, formal) => {
    expect(formatCount(n)).toBe(plain);
    expect(formalCount(n)).toBe(formal);
  });

  it('formats a non-integer like a number', () => {
    expect(formatCount(2.5)).toBe('2,5');
    expect(formalCount(2.5)).toBe('2,5');
  });
});

describe('formatFraction and formalFraction', () => {
  // Formally, one rule for every fraction of the document: both sides have at least two digits, zero is "00".
  it.each([
    [0, 1, '0/1', '00/01'],
    [0, 159, '0/159', '00/159'],
    [1, 3, '1/3', '01/03'],
    [3, 9, '3/9', '03/09'],
    [10, 10, '10/10', '10/10'],
    [152, 159, '152/159', '152/159'],
    [1000, 2000, '1.000/2.000', '1.000/2.000'],
    [0, 0, '0/0', '00/00'],
  ])('%d/%d → %s, formally %s', (part, total, plain, formal) => {
    expect(formatFraction(part, total)).toBe(plain);
    expect(formalFraction(part, total)).toBe(formal);
  });
});

describe('formatNumberVi', () => {
  it.each([
    [1234.5, 2, '1.234,5'],
    [0.25, 2, '0,25'],
    [87.55, 1, '87,6'],
    [1.005, 2, '1,01'],
    [-0.001, 2, '0'],
    [3, 2, '3'],
  ])('%d (%d decimals) → %s', (n, decimals, expected) => {
    expect(formatNumberVi(n, decimals)).toBe(expected);
  });
});

describe('formatPercent', () => {
  it.each([
    [152, 159, '95,6%'],
    [159, 159, '100%'],
    [0, 159, '0%'],
    [3, 4, '75%'],
    [2, 3, '66,7%'],
    [1, 3, '33,3%'],
    [4, 9, '44,4%'],
    [2, 201, '1,0%'],
    [9999, 10000, '99,9%'],
    [1, 50000, '<0,1%'],
    [5, 0, '0%'],
  ])('%d/%d → %s', (part, total, expected) => {
    expect(formatPercent(part, total)).toBe(expected);
  });

  it('writes a target share without decimals when exact', () => {
    expect(formatRatio(0.8)).toBe('80%');
    expect(formatRatio(0.855)).toBe('85,5%');
  });
});

describe('escapeHtml', () => {
  it('escapes the characters of Telegram HTML', () => {
    expect(escapeHtml('<b>A & B</b>')).toBe('&lt;b&gt;A &amp; B&lt;/b&gt;');
  });
});

describe('splitText', () => {
  it('keeps a short text in one chunk', () => {
    expect(splitText('a\nb\nc', 4096)).toEqual(['a\nb\nc']);
  });

  it('gives no chunk for a blank text', () => {
    expect(splitText('', 4096)).toEqual([]);
    expect(splitText('\n\n  \n', 4096)).toEqual([]);
  });

  it('cuts between lines, each chunk within the limit', () => {
    const text = ['aaaa', 'bbbb', 'cccc', 'dddd'].join('\n');
    // "aaaa\nbbbb" is 9 characters: two lines fit in 10, three do not.
    expect(splitText(text, 10)).toEqual(['aaaa\nbbbb', 'cccc\ndddd']);
    expect(splitText(text, 9)).toEqual(['aaaa\nbbbb', 'cccc\ndddd']);
    expect(splitText(text, 8)).toEqual(['aaaa', 'bbbb', 'cccc', 'dddd']);
  });

  it('drops blank lines at the edges of a chunk but keeps them inside', () => {
    expect(splitText('aaaa\n\nbbbb\n\ncccc', 10)).toEqual(['aaaa\n\nbbbb', 'cccc']);
  });

  it('hard-splits a line longer than the limit, preferring spaces', () => {
    const chunks = splitText('một hai ba bốn năm sáu bảy tám', 12);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(12);
    expect(chunks).toEqual(['một hai ba', 'bốn năm sáu', 'bảy tám']);
  });

  it('hard-splits a line without spaces at the limit', () => {
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('never cuts inside an HTML entity or tag', () => {
    const line = 'abcdefg&amp;hij<b>k</b>';
    const chunks = splitText(line, 10);
    expect(chunks.join('')).toBe(line);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(10);
      expect(chunk).not.toMatch(/&[a-z]*$/);
      expect(chunk).not.toMatch(/<[^>]*$/);
    }
    expect(chunks[0]).toBe('abcdefg');
  });

  it('never splits a surrogate pair', () => {
    const chunks = splitText('abcd😀efgh', 5);
    expect(chunks).toEqual(['abcd', '😀efg', 'h']);
  });

  it('puts the rest of a hard-split line together with the following lines', () => {
    expect(splitText(`${'x'.repeat(12)}\nab`, 10)).toEqual(['x'.repeat(10), 'xx\nab']);
  });

  it('refuses a nonsensical limit', () => {
    expect(() => splitText('abc', 0)).toThrow(RangeError);
  });
});

describe('summary.phrases in a form file', () => {
  const formWith = (question: Record<string, unknown>) =>
    JSON.stringify({ id: 'mau', version: 1, title: 'Mẫu', questions: [{ key: 'so', type: 'integer', text: 'Số?' }, question] });
  const choiceQuestion = (summary: Record<string, unknown>) => ({
    key: 'thoa_uoc',
    type: 'choice',
    text: 'Thỏa ước?',
    choices: [
      { value: 'da_ky', label: 'Đã ký' },
      { value: 'chua_ky', label: 'Chưa ký' },
    ],
    summary,
  });

  it('accepts phrases keyed by choice values, some choices left to the default', () => {
    const result = parseFormText(formWith(choiceQuestion({ label: 'Thỏa ước', phrases: { da_ky: 'đơn vị đã ký Thỏa ước' } })));
    expect(result.problems).toEqual([]);
    expect(result.kind).toBe('ok');
    const question = result.kind === 'ok' ? result.form.questions[1] : undefined;
    expect(question?.summary?.phrases).toEqual({ da_ky: 'đơn vị đã ký Thỏa ước' });
  });

  it('refuses a phrase for a value that is not a choice of the question', () => {
    const result = parseFormText(formWith(choiceQuestion({ phrases: { da_ky: 'đơn vị đã ký', khong_ap_dung: 'đơn vị không thuộc diện ký' } })));
    expect(result).toEqual({
      kind: 'error',
      problems: ['questions[1].summary.phrases.khong_ap_dung: "khong_ap_dung" không phải là lựa chọn của "thoa_uoc"'],
    });
  });

  it('refuses phrases on a question that is not a single choice', () => {
    const result = parseFormText(formWith({ key: 'co', type: 'yes_no', text: 'Có?', summary: { phrases: { true: 'đơn vị có' } } }));
    expect(result).toEqual({ kind: 'error', problems: ['questions[1].summary.phrases: chỉ câu hỏi chọn một mới có câu diễn đạt (phrases)'] });
  });

  it('refuses an empty phrase', () => {
    const result = parseFormText(formWith(choiceQuestion({ phrases: { da_ky: '  ' } })));
    expect(result.kind).toBe('error');
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^questions\[1\]\.summary\.phrases\.da_ky: /);
  });
});
