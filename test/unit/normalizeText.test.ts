import { describe, expect, it } from 'vitest';
import { normalizeTypedText, type NormalizedTypedText } from '../../src/text/normalize.js';

const ok = (text: string): NormalizedTypedText => ({ ok: true, text });
const refused = (reason: 'nul' | 'lone_surrogate'): NormalizedTypedText => ({ ok: false, reason });

const vietNFC = 'Đảng bộ Khối các Cơ quan và Doanh nghiệp tỉnh';

type Row = [label: string, input: string, expected: NormalizedTypedText];

const table: Row[] = [
  // Invisible-only input is empty (finding 1)
  ['zero-width space alone', '\u200b', ok('')],
  ['ZWSP, ZWNJ, ZWJ and BOM', '\u200b\u200c\u200d\ufeff', ok('')],
  ['NEL (C1) alone', '\u0085', ok('')],
  ['word joiner and Mongolian vowel separator', '\u2060\u180e', ok('')],
  ['bidi controls only', '\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069', ok('')],
  ['C0 and C1 controls only', '\u0001\u0007\u001b\u001f\u007f\u0080\u009f', ok('')],
  ['empty string', '', ok('')],
  ['spaces, tabs and line breaks only', ' \t\r\n \n', ok('')],
  ['NBSP and other Unicode spaces only', '\u00a0\u2002\u2009\u202f\u3000', ok('')],
  // Removed inside text
  ['ZWSP inside a word', 'Dân\u200b vận', ok('Dân vận')],
  ['RLO override inside', 'a\u202eb', ok('ab')],
  ['RTL mark after a number', '12\u200f', ok('12')],
  ['BOM at the start', '\ufeffCó', ok('Có')],
  ['soft hyphen', 'Việt\u00adNam', ok('ViệtNam')],
  ['escape sequence', 'a\u001b[31mb', ok('a[31mb')],
  ['NEL inside', 'một\u0085hai', ok('mộthai')],
  ['stray zero-width joiner between letters', 'a\u200db', ok('ab')],
  // Surrounding whitespace, inner whitespace as typed
  ['NBSP around a word', ' \u00a0có\u00a0 ', ok('có')],
  ['ideographic space at the edges', '\u3000Khá\u3000', ok('Khá')],
  ['tabs inside are kept', 'a\tb\t\tc', ok('a\tb\t\tc')],
  ['tabs at the edges are trimmed', '\tcó\t', ok('có')],
  ['runs of spaces inside are kept', 'Mô  hình   mới', ok('Mô  hình   mới')],
  ['CRLF becomes LF', 'dòng 1\r\ndòng 2', ok('dòng 1\ndòng 2')],
  ['lone CR is a line break', 'dòng 1\rdòng 2', ok('dòng 1\ndòng 2')],
  ['blank lines inside are kept', 'a\r\n\r\nb', ok('a\n\nb')],
  ['invisible characters around the text', '\u200b \u00a0 Tốt \u200e\ufeff', ok('Tốt')],
  // Unicode forms
  ['NFD Vietnamese becomes NFC', vietNFC.normalize('NFD'), ok(vietNFC)],
  ['Vietnamese with diacritics is kept', 'Hoàn thành xuất sắc nhiệm vụ', ok('Hoàn thành xuất sắc nhiệm vụ')],
  ['a ZWSP between a letter and its mark no longer blocks composing', 'e\u200b\u0301', ok('é')],
  ['đ and Đ are kept', 'đồng chí Đạt', ok('đồng chí Đạt')],
  // Emoji and other supplementary characters
  ['emoji (surrogate pair) kept', 'Tốt 😀', ok('Tốt 😀')],
  ['family emoji keeps its joiners', '👨\u200d👩\u200d👧', ok('👨\u200d👩\u200d👧')],
  ['emoji with variation selector and joiner kept', '🏳\ufe0f\u200d🌈', ok('🏳\ufe0f\u200d🌈')],
  ['skin-tone emoji with joiner kept', '👩🏽\u200d💻', ok('👩🏽\u200d💻')],
  ['joiner after an emoji but before a letter goes', '😀\u200da', ok('😀a')],
  ['CJK extension B (surrogate pair) kept', '𠀀 chữ Nôm', ok('𠀀 chữ Nôm')],
  ['HTML-looking text kept literally', '<b>5</b> & "x"', ok('<b>5</b> & "x"')],
  ['full-width digits are not folded here', '１２', ok('１２')],
  // Refused (finding 2): Postgres cannot store these
  ['NUL alone', '\u0000', refused('nul')],
  ['NUL inside', 'ab\u0000cd', refused('nul')],
  ['NUL among invisible characters', '\u200b\u0000', refused('nul')],
  ['lone high surrogate at the end', 'ab\ud800', refused('lone_surrogate')],
  ['lone low surrogate at the start', '\udc00x', refused('lone_surrogate')],
  ['surrogates in the wrong order', '\ude00\ud83d', refused('lone_surrogate')],
  ['lone surrogate next to a valid pair', '😀\ud83d', refused('lone_surrogate')],
];

describe('normalizeTypedText', () => {
  it('has a table of at least 30 inputs', () => {
    expect(table.length).toBeGreaterThanOrEqual(30);
  });

  it.each(table)('%s', (_label, input, expected) => {
    expect(normalizeTypedText(input)).toEqual(expected);
  });

  it('is idempotent on what it accepts', () => {
    for (const [, input] of table) {
      const once = normalizeTypedText(input);
      if (!once.ok) continue;
      expect(normalizeTypedText(once.text)).toEqual(once);
    }
  });

  it('leaves no control, zero-width or bidi character in any output', () => {
    const forbidden = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\u061c\u180e\ufeff]/u;
    for (let cp = 0; cp < 0x3000; cp++) {
      const result = normalizeTypedText(`a${String.fromCodePoint(cp)}b`);
      if (result.ok) expect(result.text).not.toMatch(forbidden);
    }
  });
});
