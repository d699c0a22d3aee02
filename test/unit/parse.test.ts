import { beforeAll, describe, expect, it } from 'vitest';
import { formatAnswer, formatDateVi, formatNumberVi, multiChoiceExample, typeHint } from '../../src/forms/format.js';
import { answerFromButton, checkQuestionConstraint, parseFreeText, parseTypedAnswer, type ParseResult } from '../../src/forms/parse.js';
import type { Form, Question } from '../../src/forms/schema.js';
import { VIETNAMESE_LETTER, bundled, ctx, makeQuestion, question } from './helpers.js';

let qcdc: Form;
let xl: Form;
beforeAll(async () => {
  qcdc = await bundled('dan_van_qcdc');
  xl = await bundled('xep_loai_to_chuc_dang');
});

function errorMessage(result: ParseResult): string {
  if (result.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return result.message;
}

/** A question's choices, value → label, in this order. */
function choices(labels: Record<string, string>): Array<{ value: string; label: string }> {
  return Object.entries(labels).map(([value, label]) => ({ value, label }));
}

function expectVietnameseError(result: ParseResult): string {
  const message = errorMessage(result);
  expect(message.trim().length).toBeGreaterThan(10);
  expect(message).toMatch(VIETNAMESE_LETTER);
  return message;
}

describe('numbers in questions', () => {
  const integerQ = (): Question => question(qcdc, 'so_tap_huan');
  const decimalQ = makeQuestion({ key: 'ty_le', type: 'decimal', text: 'Tỷ lệ?', decimals: 3 });

  it.each([
    ['1.234', 1234],
    ['1 234', 1234],
    ['77', 77],
    ['0', 0],
    ['không', 0],
    ['12 người', 12],
  ])('integer question reads %j as %d', (input, value) => {
    expect(parseTypedAnswer(integerQ(), input, ctx)).toEqual({ kind: 'ok', value });
  });

  it.each(['12,5', '12.5', '-3', '', '   ', '😀', '<b>5</b>', 'năm', '1'.repeat(31), 'x'.repeat(200)])(
    'integer question refuses %j with a Vietnamese message',
    (input) => {
      expectVietnameseError(parseTypedAnswer(integerQ(), input, ctx));
    },
  );

  it('says why an integer answer is refused', () => {
    expect(errorMessage(parseTypedAnswer(integerQ(), '12,5', ctx))).toContain('số nguyên');
    expect(errorMessage(parseTypedAnswer(integerQ(), '-3', ctx))).toContain('âm');
    expect(errorMessage(parseTypedAnswer(integerQ(), '', ctx))).toContain('bắt buộc');
    expect(errorMessage(parseTypedAnswer(integerQ(), '1'.repeat(31), ctx))).toContain('quá dài');
  });

  it('decimal question reads Vietnamese and English decimal marks', () => {
    expect(parseTypedAnswer(decimalQ, '12,5', ctx)).toEqual({ kind: 'ok', value: 12.5 });
    expect(parseTypedAnswer(decimalQ, '12.5', ctx)).toEqual({ kind: 'ok', value: 12.5 });
  });

  it('decimal question asks about "1.234" with both readings', () => {
    const result = parseTypedAnswer(decimalQ, '1.234', ctx);
    expect(result.kind).toBe('ambiguous');
    if (result.kind !== 'ambiguous') return;
    expect(result.candidates).toEqual([1234, 1.234]);
    expect(result.message).toContain('1.234');
    expect(result.message).toMatch(VIETNAMESE_LETTER);
  });

  it('decimal question with two decimals still confirms "1.234" instead of silently storing 1234', () => {
    const twoDecimals = makeQuestion({ key: 'gia_tri', type: 'decimal', text: 'Giá trị?' });
    const result = parseTypedAnswer(twoDecimals, '1.234', ctx);
    expect(result).toMatchObject({ kind: 'ambiguous', candidates: [1234] });
  });

  it('drops candidates outside the range', () => {
    const small = makeQuestion({ key: 'ty_le', type: 'decimal', text: 'Tỷ lệ?', decimals: 3, max: 100 });
    expect(parseTypedAnswer(small, '1.234', ctx)).toMatchObject({ kind: 'ambiguous', candidates: [1.234] });
  });

  it('diem_tu_cham: one decimal, 0 to 100', () => {
    const diem = question(xl, 'diem_tu_cham');
    expect(parseTypedAnswer(diem, '87,5', ctx)).toEqual({ kind: 'ok', value: 87.5 });
    expect(parseTypedAnswer(diem, '100', ctx)).toEqual({ kind: 'ok', value: 100 });
    expect(errorMessage(parseTypedAnswer(diem, '87,55', ctx))).toContain('1 chữ số thập phân');
    const range = errorMessage(parseTypedAnswer(diem, '100,5', ctx));
    expect(range).toContain('0');
    expect(range).toContain('100');
    expectVietnameseError(parseTypedAnswer(diem, '1.234', ctx));
  });

  it('integer question with min and max names the range', () => {
    const q = makeQuestion({ key: 'so', type: 'integer', text: 'Số?', min: 1, max: 1000 });
    expect(errorMessage(parseTypedAnswer(q, '0', ctx))).toBe('Giá trị phải từ 1 đến 1.000.');
    expect(errorMessage(parseTypedAnswer(q, '1.001', ctx))).toBe('Giá trị phải từ 1 đến 1.000.');
    expect(parseTypedAnswer(q, '1.000', ctx)).toEqual({ kind: 'ok', value: 1000 });
  });

  describe('a comma or dot that reads two ways, against the range (finding 7)', () => {
    const upTo100 = makeQuestion({ key: 'ty_le', type: 'decimal', text: 'Tỷ lệ?', min: 0, max: 100 });

    it('"1,234" with two decimals and max 100 names both readings, not only the range', () => {
      const message = expectVietnameseError(parseTypedAnswer(upTo100, '1,234', ctx));
      expect(message).not.toContain('Giá trị phải');
      expect(message).toContain('«1,234»');
      expect(message).toContain('1.234 thì lớn hơn 100');
      expect(message).toContain('1,234 thì có nhiều hơn 2 chữ số thập phân');
    });

    it('diem_tu_cham (one decimal, 0–100): "1,234" and "1.234" are refused naming why', () => {
      const diem = question(xl, 'diem_tu_cham');
      for (const typed of ['1,234', '1.234']) {
        const message = errorMessage(parseTypedAnswer(diem, typed, ctx));
        expect(message).toContain('lớn hơn 100');
        expect(message).toContain('nhiều hơn 1 chữ số thập phân');
      }
    });

    it('an integer question with max 100 refuses "1,234" naming both readings', () => {
      const q = makeQuestion({ key: 'so', type: 'integer', text: 'Số?', max: 100 });
      const message = errorMessage(parseTypedAnswer(q, '1,234', ctx));
      expect(message).toContain('1.234 thì lớn hơn 100');
      expect(message).toContain('1,234 thì không phải số nguyên');
      // "1.234" is plainly 1234 in an integer question: the range alone is the reason.
      expect(errorMessage(parseTypedAnswer(q, '1.234', ctx))).toBe('Giá trị phải từ 0 đến 100.');
    });

    it('asks with both readings when both are in range, with the one in range otherwise', () => {
      const wide = makeQuestion({ key: 'x', type: 'decimal', text: 'X?', decimals: 3, max: 5000 });
      expect(parseTypedAnswer(wide, '1,234', ctx)).toMatchObject({ kind: 'ambiguous', candidates: [1.234, 1234] });
      const narrow = makeQuestion({ key: 'x', type: 'decimal', text: 'X?', decimals: 3, max: 100 });
      expect(parseTypedAnswer(narrow, '1,234', ctx)).toMatchObject({ kind: 'ambiguous', candidates: [1.234] });
      const atLeast2000 = makeQuestion({ key: 'x', type: 'decimal', text: 'X?', decimals: 3, min: 2000 });
      const message = errorMessage(parseTypedAnswer(atLeast2000, '1,234', ctx));
      expect(message).toContain('1.234 thì nhỏ hơn 2.000');
      expect(message).toContain('1,234 thì nhỏ hơn 2.000');
    });

    it('one reading in range and the other excluded by the decimals: still asked, never picked silently', () => {
      expect(parseTypedAnswer(upTo100, '12,500', ctx)).toMatchObject({ kind: 'ambiguous', candidates: [12.5] });
      const big = makeQuestion({ key: 'x', type: 'decimal', text: 'X?', decimals: 1, max: 5000 });
      expect(parseTypedAnswer(big, '1,234', ctx)).toMatchObject({ kind: 'ambiguous', candidates: [1234] });
    });
  });

  it('"-0" and "-0,0" are zero', () => {
    const diem = question(xl, 'diem_tu_cham');
    for (const typed of ['-0', '-0,0', '−0']) {
      const result = parseTypedAnswer(diem, typed, ctx);
      expect(result).toEqual({ kind: 'ok', value: 0 });
      if (result.kind === 'ok') expect(Object.is(result.value, 0)).toBe(true);
    }
    expect(parseTypedAnswer(integerQ(), '-0', ctx)).toEqual({ kind: 'ok', value: 0 });
    expect(formatAnswer(diem, 0)).toBe('0');
  });

  it('an empty answer to an optional number question is a skip', () => {
    const q = makeQuestion({ key: 'so', type: 'integer', text: 'Số?', required: false });
    expect(parseTypedAnswer(q, '  ', ctx)).toEqual({ kind: 'ok', value: null });
  });
});

describe('courtesy words around a choice', () => {
  it.each([
    ['thoa_uoc', 'Đã ký ạ', 'da_ky'],
    ['thoa_uoc', 'Dạ đã ký', 'da_ky'],
    ['tu_danh_gia', 'Tốt ạ', 'tot'],
    ['tu_danh_gia', 'Khá nhé', 'kha'],
  ])('%s: %j is %j', (key, input, value) => {
    expect(parseTypedAnswer(question(qcdc, key), input, ctx)).toEqual({ kind: 'ok', value });
  });

  it.each(['3.', '3 người.', '3!'])('a number with a sentence end, %j, is 3', (input) => {
    expect(parseTypedAnswer(question(qcdc, 'so_mo_hinh_dvk'), input, ctx)).toEqual({ kind: 'ok', value: 3 });
  });
});

describe('yes/no', () => {
  const q = (): Question => question(qcdc, 'ban_chi_dao');

  it.each(['có', 'co', 'Có', 'CÓ', 'c', 'yes', 'ừ', 'Có.', 'có'.normalize('NFD'), 'rồi', '1', 'Có ạ', 'Vâng ạ', 'Rồi ạ', 'Ừm', 'có chứ', '1 ạ', 'Dạ có ạ'])('%j is yes', (input) => {
    expect(parseTypedAnswer(q(), input, ctx)).toEqual({ kind: 'ok', value: true });
  });

  it.each(['không', 'khong', 'Không!', 'KHÔNG', 'k', 'ko', 'no', 'chưa', '2', 'Không ạ', 'Chưa ạ', 'Ko có', 'Dạ không'])('%j is no', (input) => {
    expect(parseTypedAnswer(q(), input, ctx)).toEqual({ kind: 'ok', value: false });
  });

  it.each(['abc', 'có không', '<b>có</b>', '😀', 'maybe'])('%j is refused', (input) => {
    expect(expectVietnameseError(parseTypedAnswer(q(), input, ctx))).toContain('Không');
  });

  it('buttons: 0 is yes, 1 is no, anything else is refused', () => {
    expect(answerFromButton(q(), 0)).toEqual({ kind: 'ok', value: true });
    expect(answerFromButton(q(), 1)).toEqual({ kind: 'ok', value: false });
    expectVietnameseError(answerFromButton(q(), 2));
    expectVietnameseError(answerFromButton(q(), -1));
    expectVietnameseError(answerFromButton(q(), 0.5));
  });
});

describe('choice', () => {
  const tdg = (): Question => question(qcdc, 'tu_danh_gia');

  it.each([
    ['2', 'kha'],
    ['2.', 'kha'],
    ['Trung Bình', 'trung_binh'],
    ['trung binh', 'trung_binh'],
    ['TRUNG BINH', 'trung_binh'],
    ['trung_binh', 'trung_binh'],
    ['trung', 'trung_binh'],
    ['tốt', 'tot'],
    ['tot', 'tot'],
    ['Yếu.', 'yeu'],
  ])('%j is %s', (input, value) => {
    expect(parseTypedAnswer(tdg(), input, ctx)).toEqual({ kind: 'ok', value });
  });

  it.each(['0', '5', 't', 'abc', 'xuất sắc'])('%j is refused with the list of choices', (input) => {
    const message = expectVietnameseError(parseTypedAnswer(tdg(), input, ctx));
    for (const label of ['Tốt', 'Khá', 'Trung bình', 'Yếu']) expect(message).toContain(label);
  });

  it('an exact label wins over longer labels starting with it', () => {
    expect(parseTypedAnswer(question(xl, 'tu_xep_loai'), 'hoan thanh nhiem vu', ctx)).toEqual({ kind: 'ok', value: 'ht' });
    expect(parseTypedAnswer(question(xl, 'tu_xep_loai'), 'hoàn thành tốt', ctx)).toEqual({ kind: 'ok', value: 'htt' });
  });

  it('a prefix of several labels names them', () => {
    const message = errorMessage(parseTypedAnswer(question(xl, 'tu_xep_loai'), 'hoàn thành', ctx));
    expect(message).toContain('Hoàn thành xuất sắc nhiệm vụ');
    expect(message).toContain('Hoàn thành tốt nhiệm vụ');
  });

  it('a bare "không" is not taken as a label that merely starts with "Không"', () => {
    // To "Thỏa ước … đã được ký kết chưa?" a "không" could mean "Chưa ký" as well as "Không áp dụng".
    expectVietnameseError(parseTypedAnswer(question(qcdc, 'thoa_uoc'), 'không', ctx));
    expectVietnameseError(parseTypedAnswer(question(xl, 'tu_xep_loai'), 'khong', ctx));
    expect(parseTypedAnswer(question(qcdc, 'thoa_uoc'), 'không áp dụng', ctx)).toEqual({ kind: 'ok', value: 'khong_ap_dung' });
    expect(parseTypedAnswer(question(qcdc, 'thoa_uoc'), 'chưa', ctx)).toEqual({ kind: 'ok', value: 'chua_ky' });
  });

  it('a label that is exactly "Không" still matches', () => {
    const q = makeQuestion({ key: 'q', type: 'choice', text: 'Q?', choices: choices({ co: 'Có', khong: 'Không', khong_ro: 'Không rõ' }) });
    expect(parseTypedAnswer(q, 'không', ctx)).toEqual({ kind: 'ok', value: 'khong' });
  });

  it('buttons pick by position', () => {
    expect(answerFromButton(tdg(), 0)).toEqual({ kind: 'ok', value: 'tot' });
    expect(answerFromButton(tdg(), 3)).toEqual({ kind: 'ok', value: 'yeu' });
    expectVietnameseError(answerFromButton(tdg(), 4));
    expectVietnameseError(answerFromButton(question(qcdc, 'so_tap_huan'), 0));
  });
});

describe('multi_choice', () => {
  const mc = makeQuestion({
    key: 'hinh_thuc',
    type: 'multi_choice',
    text: 'Hình thức?',
    choices: choices({ tap_huan: 'Tập huấn', hoi_nghi: 'Hội nghị', doi_thoai: 'Đối thoại' }),
    minSelected: 1,
    maxSelected: 2,
  });

  it.each([
    ['1,3', ['tap_huan', 'doi_thoai']],
    ['3,1', ['tap_huan', 'doi_thoai']],
    ['1 3', ['tap_huan', 'doi_thoai']],
    ['1; 3', ['tap_huan', 'doi_thoai']],
    ['3 1 1', ['tap_huan', 'doi_thoai']],
    [' 2 ', ['hoi_nghi']],
    ['đối thoại, tap huan', ['tap_huan', 'doi_thoai']],
  ])('%j → %j (form order)', (input, values) => {
    expect(parseTypedAnswer(mc, input, ctx)).toEqual({ kind: 'ok', value: values });
  });

  it('enforces maxSelected', () => {
    expect(errorMessage(parseTypedAnswer(mc, '1,2,3', ctx))).toContain('tối đa 2');
  });

  it('enforces minSelected', () => {
    const two = makeQuestion({ key: 'm', type: 'multi_choice', text: 'M?', choices: choices({ a: 'A', b: 'B', c: 'C' }), minSelected: 2 });
    expect(errorMessage(parseTypedAnswer(two, '1', ctx))).toContain('ít nhất 2');
    expect(parseTypedAnswer(two, '1,2', ctx)).toEqual({ kind: 'ok', value: ['a', 'b'] });
  });

  it.each(['4', '0', 'khong', 'abc'])('%j is refused', (input) => {
    expectVietnameseError(parseTypedAnswer(mc, input, ctx));
  });

  it('«Không có» is "none" even beside an option it is the start of; only an option called exactly that takes it', () => {
    const docs = makeQuestion({
      key: 'van_ban',
      type: 'multi_choice',
      text: 'Văn bản?',
      choices: choices({ co: 'Có văn bản', khong_vb: 'Không có văn bản', chua_ro: 'Chưa rõ' }),
      minSelected: 0,
    });
    for (const none of ['Không có', 'Không có ạ', 'không']) expect(parseTypedAnswer(docs, none, ctx), none).toEqual({ kind: 'ok', value: [] });
    expect(parseTypedAnswer(docs, 'Không có văn bản', ctx)).toEqual({ kind: 'ok', value: ['khong_vb'] });
    expect(parseTypedAnswer(docs, '2', ctx)).toEqual({ kind: 'ok', value: ['khong_vb'] });
    const named = makeQuestion({ key: 'k', type: 'multi_choice', text: 'K?', choices: choices({ a: 'A', khong_co: 'Không có' }), minSelected: 0 });
    expect(parseTypedAnswer(named, 'Không có', ctx)).toEqual({ kind: 'ok', value: ['khong_co'] });
  });

  /** Four options, no upper limit: the shape an office's own form has. */
  const four = makeQuestion({
    key: 'hinh_thuc',
    type: 'multi_choice',
    text: 'Những hình thức đã tổ chức?',
    choices: choices({ hoi_nghi: 'Hội nghị', toa_dam: 'Tọa đàm & đối thoại', tap_huan: 'Tập huấn', khac: 'Khác' }),
  });

  it.each([
    ['1,3', ['hoi_nghi', 'tap_huan']],
    ['1, 3', ['hoi_nghi', 'tap_huan']],
    ['1 3', ['hoi_nghi', 'tap_huan']],
    ['1 và 3', ['hoi_nghi', 'tap_huan']],
    ['1 VÀ 3', ['hoi_nghi', 'tap_huan']],
    ['1 va 3', ['hoi_nghi', 'tap_huan']],
    ['1;3', ['hoi_nghi', 'tap_huan']],
    ['1 & 3', ['hoi_nghi', 'tap_huan']],
    ['1, 3.', ['hoi_nghi', 'tap_huan']],
    ['1. 3.', ['hoi_nghi', 'tap_huan']],
    ['Dạ 1 và 3 ạ', ['hoi_nghi', 'tap_huan']],
    ['1 3 ạ', ['hoi_nghi', 'tap_huan']],
    // Order-insensitive, stored in the form's order; each option once.
    ['3, 1', ['hoi_nghi', 'tap_huan']],
    ['4 3 2 1', ['hoi_nghi', 'toa_dam', 'tap_huan', 'khac']],
    ['1,1', ['hoi_nghi']],
    ['3, 3 và 3', ['tap_huan']],
    ['1', ['hoi_nghi']],
    ['1, 2 và 4', ['hoi_nghi', 'toa_dam', 'khac']],
    // Words, as a choice question reads them: labels, folded, value keys, unique prefixes.
    ['hội nghị, tập huấn', ['hoi_nghi', 'tap_huan']],
    ['Hội nghị và Tập huấn', ['hoi_nghi', 'tap_huan']],
    ['hoi nghi va tap huan', ['hoi_nghi', 'tap_huan']],
    ['tap_huan; khac', ['tap_huan', 'khac']],
    ['tập, hội', ['hoi_nghi', 'tap_huan']],
    ['3 và hội nghị', ['hoi_nghi', 'tap_huan']],
    // A label with «&» in it is one option typed whole, alone or among others.
    ['Tọa đàm & đối thoại', ['toa_dam']],
    ['toa dam & doi thoai, khác', ['toa_dam', 'khac']],
  ])('%j → %j', (input, values) => {
    expect(parseTypedAnswer(four, input, ctx)).toEqual({ kind: 'ok', value: values });
  });

  it('a courtesy word a choice answer may end or start with may also stand beside a run of numbers', () => {
    for (const word of ['ạ', 'nhé', 'nha', 'chứ', 'đấy']) {
      expect(parseTypedAnswer(four, `Tập huấn ${word}`, ctx), word).toEqual({ kind: 'ok', value: ['tap_huan'] });
      expect(parseTypedAnswer(four, `1 3 ${word}`, ctx), word).toEqual({ kind: 'ok', value: ['hoi_nghi', 'tap_huan'] });
    }
    for (const word of ['Dạ', 'Vâng', 'Thưa']) {
      expect(parseTypedAnswer(four, `${word} tập huấn`, ctx), word).toEqual({ kind: 'ok', value: ['tap_huan'] });
      expect(parseTypedAnswer(four, `${word} 1 3`, ctx), word).toEqual({ kind: 'ok', value: ['hoi_nghi', 'tap_huan'] });
    }
  });

  it.each([
    ['0', ['«0»', 'từ 1 đến 4'], 'không nhận ra'],
    ['9', ['«9»', 'từ 1 đến 4'], 'không nhận ra'],
    ['1, 9', ['«9»', 'từ 1 đến 4'], 'không nhận ra'],
    ['abc', ['không nhận ra «abc»'], 'không có mục'],
    ['1, 9 và abc', ['«9»', 'không nhận ra «abc»'], '«1»'],
    ['1-3', ['không nhận ra «1-3»'], 'không có mục'],
  ])('%j is refused, naming what was not understood, with an example of the real numbers', (input, named, absent) => {
    const message = expectVietnameseError(parseTypedAnswer(four, input, ctx));
    for (const part of named) expect(message).toContain(part);
    expect(message).not.toContain(absent);
    expect(message).toContain('ví dụ: 1, 3.');
  });

  it('an item too long for the refusal is cut', () => {
    const message = errorMessage(parseTypedAnswer(four, `1, ${'rất nhiều chữ '.repeat(20)}`, ctx));
    expect(message.length).toBeLessThan(260);
  });

  it('«không» is no option where one must be chosen: it is "too few", with the example', () => {
    const message = errorMessage(parseTypedAnswer(four, 'không', ctx));
    expect(message).toContain('ít nhất 1 mục');
    expect(message).toContain('ví dụ: 1, 3');
  });

  it.each([
    [{ count: 2 }, '1, 2'],
    [{ count: 4 }, '1, 3'],
    [{ count: 5, minSelected: 3 }, '1, 3, 5'],
    [{ count: 4, minSelected: 3 }, '1, 2, 3'],
    [{ count: 4, maxSelected: 1 }, '1'],
    [{ count: 4, minSelected: 0 }, '1, 3'],
  ])('the example in the hint (%j: %j) is itself an answer the question takes', ({ count, ...limits }, example) => {
    const labels = Object.fromEntries(Array.from({ length: count }, (_, i) => [`m${i + 1}`, `Mục ${i + 1}`]));
    const q = makeQuestion({ key: 'm', type: 'multi_choice', text: 'M?', choices: choices(labels), ...limits });
    if (q.type !== 'multi_choice') throw new Error('multi_choice expected');
    expect(multiChoiceExample(q)).toBe(example);
    expect(typeHint(q, ctx)).toContain(`ví dụ: ${example}.`);
    expect(typeHint(q, ctx)).not.toMatch(/xong/i);
    expect(parseTypedAnswer(q, example, ctx).kind).toBe('ok');
  });

  /** Labels with commas and a semicolon in them, beside plain ones. */
  const commas = makeQuestion({
    key: 'cong_tac',
    type: 'multi_choice',
    text: 'Những công tác đã làm?',
    choices: choices({
      tuyen_truyen: 'Tuyên truyền, vận động',
      kiem_tra: 'Kiểm tra',
      hoi_thao: 'Hội nghị, hội thảo, tọa đàm',
      hoi: 'Hội nghị',
      khac: 'Khác; ghi rõ',
    }),
    minSelected: 1,
  });

  it.each([
    // The example of the brief: a label with a comma, then another option.
    ['Tuyên truyền, vận động, Kiểm tra', ['tuyen_truyen', 'kiem_tra']],
    ['Kiểm tra, Tuyên truyền, vận động', ['tuyen_truyen', 'kiem_tra']],
    ['tuyen truyen , van dong; kiem tra', ['tuyen_truyen', 'kiem_tra']],
    ['Tuyên truyền,vận động', ['tuyen_truyen']],
    ['Tuyên truyền, vận động', ['tuyen_truyen']],
    // The longest label first: three pieces are «Hội nghị, hội thảo, tọa đàm», not «Hội nghị» and two unknowns.
    ['Hội nghị, hội thảo, tọa đàm, Kiểm tra', ['kiem_tra', 'hoi_thao']],
    ['Hội nghị, Kiểm tra', ['kiem_tra', 'hoi']],
    ['hội nghị, hội thảo, tọa đàm, hội nghị', ['hoi_thao', 'hoi']],
    // A prefix of one label with a comma, as a choice reads it.
    ['tuyên truyền, vận, kiểm tra', ['tuyen_truyen', 'kiem_tra']],
    // A semicolon inside a label, typed with a comma or with it.
    ['Kiểm tra, Khác; ghi rõ', ['kiem_tra', 'khac']],
    ['Khác, ghi rõ; Kiểm tra', ['kiem_tra', 'khac']],
    // Numbers still read as before.
    ['1 3', ['tuyen_truyen', 'hoi_thao']],
    ['1, 3', ['tuyen_truyen', 'hoi_thao']],
    ['1,2 và 5', ['tuyen_truyen', 'kiem_tra', 'khac']],
    ['2, Tuyên truyền, vận động', ['tuyen_truyen', 'kiem_tra']],
  ])('labels with commas: %j → %j', (input, values) => {
    expect(parseTypedAnswer(commas, input, ctx)).toEqual({ kind: 'ok', value: values });
  });

  it('the beginning of a long label whose pieces are options too is asked again, naming both readings', () => {
    const q = makeQuestion({
      key: 'hoc_tap',
      type: 'multi_choice',
      text: 'Những việc đã làm?',
      choices: choices({ nq: 'Học tập, quán triệt nghị quyết', ht: 'Học tập', ct: 'Quán triệt chỉ thị', kt: 'Kiểm tra' }),
    });
    const refused = expectVietnameseError(parseTypedAnswer(q, 'Học tập, quán triệt, kiểm tra', ctx));
    expect(refused).toContain('Học tập, quán triệt nghị quyết');
    expect(refused).toContain('Quán triệt chỉ thị');
    // Typed whole, each reading is taken.
    expect(parseTypedAnswer(q, 'Học tập, quán triệt nghị quyết, kiểm tra', ctx)).toEqual({ kind: 'ok', value: ['nq', 'kt'] });
    expect(parseTypedAnswer(q, 'Học tập, quán triệt chỉ thị, kiểm tra', ctx)).toEqual({ kind: 'ok', value: ['ht', 'ct', 'kt'] });
  });

  it('a label written without a space after its comma is typed with one, or without', () => {
    const tight = makeQuestion({ key: 't', type: 'multi_choice', text: 'T?', choices: choices({ kt: 'Kiểm tra,giám sát', khac: 'Khác' }) });
    for (const input of ['Kiểm tra, giám sát, Khác', 'kiem tra,giam sat;khac', 'Khác; Kiểm tra , giám sát']) {
      expect(parseTypedAnswer(tight, input, ctx), input).toEqual({ kind: 'ok', value: ['kt', 'khac'] });
    }
  });

  it.each([
    ['Tuyên truyền, vận động, thi đua', '«thi đua»'],
    ['vận động, Kiểm tra', '«vận động»'],
  ])('labels with commas: %j is refused, naming %s', (input, named) => {
    expect(expectVietnameseError(parseTypedAnswer(commas, input, ctx))).toContain(named);
  });

  it('"không" selects nothing where nothing is allowed', () => {
    const none = makeQuestion({ key: 'm', type: 'multi_choice', text: 'M?', choices: choices({ a: 'A', b: 'B' }), minSelected: 0 });
    expect(parseTypedAnswer(none, 'không', ctx)).toEqual({ kind: 'ok', value: [] });
  });
});

describe('text', () => {
  it('is trimmed and kept literally, HTML included', () => {
    const q = question(qcdc, 'ten_mo_hinh');
    expect(parseTypedAnswer(q, '  Mô hình <b>"Dân vận khéo"</b> & cộng đồng  ', ctx)).toEqual({
      kind: 'ok',
      value: 'Mô hình <b>"Dân vận khéo"</b> & cộng đồng',
    });
  });

  it('enforces maxLength with the numbers', () => {
    const q = question(qcdc, 'ten_mo_hinh');
    expect(parseTypedAnswer(q, 'a'.repeat(500), ctx)).toEqual({ kind: 'ok', value: 'a'.repeat(500) });
    const message = expectVietnameseError(parseTypedAnswer(q, 'a'.repeat(501), ctx));
    expect(message).toContain('501');
    expect(message).toContain('500');
  });

  it('counts decomposed Vietnamese once per letter and stores it composed', () => {
    const q = makeQuestion({ key: 't', type: 'text', text: 'T?', maxLength: 5 });
    const nfd = 'Việt'.normalize('NFD');
    expect(nfd.length).toBeGreaterThan(5);
    expect(parseTypedAnswer(q, nfd, ctx)).toEqual({ kind: 'ok', value: 'Việt' });
  });

  it('removes invisible characters and keeps inner line breaks', () => {
    const q = question(qcdc, 'ten_mo_hinh');
    expect(parseTypedAnswer(q, '\u200bMô\u00adhình\u202e «Dân vận khéo»\r\ndòng 2\ufeff ', ctx)).toEqual({
      kind: 'ok',
      value: 'Môhình «Dân vận khéo»\ndòng 2',
    });
  });

  it.each(['\u200b', '\u200b\u200c\u200d\ufeff', '\u0085', ' \u00a0\u2060 ', '\u202e\u202c', '\u0001\u007f'])(
    'invisible-only %j is empty: refused as required, a skip when optional',
    (input) => {
      expect(errorMessage(parseTypedAnswer(question(qcdc, 'ten_mo_hinh'), input, ctx))).toContain('bắt buộc');
      expect(parseTypedAnswer(question(qcdc, 'han_che'), input, ctx)).toEqual({ kind: 'ok', value: null });
    },
  );

  it('empty optional text is a skip, empty required text is refused', () => {
    expect(parseTypedAnswer(question(qcdc, 'han_che'), '   ', ctx)).toEqual({ kind: 'ok', value: null });
    // "Nothing to report" at an optional question is no answer, not content the summary would count.
    for (const nothing of ['không', 'Không có', 'ko', 'Ko có.', 'không có ý kiến', 'Chưa có', 'Không có kiến nghị!', '-']) {
      expect(parseTypedAnswer(question(qcdc, 'han_che'), nothing, ctx), nothing).toEqual({ kind: 'ok', value: null });
    }
    expect(parseTypedAnswer(question(qcdc, 'han_che'), 'Không có kinh phí tập huấn', ctx)).toEqual({ kind: 'ok', value: 'Không có kinh phí tập huấn' });
    // A required text question keeps it as typed.
    expect(parseTypedAnswer(question(qcdc, 'ten_mo_hinh'), 'Không', ctx)).toEqual({ kind: 'ok', value: 'Không' });
    expectVietnameseError(parseTypedAnswer(question(qcdc, 'ten_mo_hinh'), '   ', ctx));
  });
});

describe('characters that cannot be stored (finding 2)', () => {
  it.each(['\u0000', 'abc\u0000', 'ab\ud800', '\udc00x', '12\u0000'])('%j gets the validation message in every question type', (input) => {
    for (const form of [qcdc, xl]) {
      for (const q of form.questions) {
        const message = errorMessage(parseTypedAnswer(q, input, ctx));
        expect(message).toBe('Câu trả lời có ký tự không hợp lệ (ký tự điều khiển hoặc ký tự lỗi). Đồng chí gõ lại câu trả lời.');
      }
    }
  });

  it('invisible characters around a number, a choice or a date are ignored', () => {
    expect(parseTypedAnswer(question(qcdc, 'so_tap_huan'), '\u200b77\u200e', ctx)).toEqual({ kind: 'ok', value: 77 });
    expect(parseTypedAnswer(question(qcdc, 'ban_chi_dao'), '\ufeffcó\u0085', ctx)).toEqual({ kind: 'ok', value: true });
    expect(parseTypedAnswer(question(qcdc, 'tu_danh_gia'), '\u2066Khá\u2069', ctx)).toEqual({ kind: 'ok', value: 'kha' });
    expect(parseTypedAnswer(question(xl, 'ngay_kiem_diem'), '05/12/2026\u200b', ctx)).toEqual({ kind: 'ok', value: '2026-12-05' });
    expect(errorMessage(parseTypedAnswer(question(qcdc, 'so_tap_huan'), '\u200b', ctx))).toContain('bắt buộc');
  });
});

describe('parseFreeText (late-submission reason)', () => {
  it('normalizes, counts characters of the stored text and refuses what cannot be stored', () => {
    expect(parseFreeText('  Họp\u200b chi bộ\r\nmuộn ', 1000)).toEqual({ kind: 'ok', text: 'Họp chi bộ\nmuộn' });
    expect(parseFreeText('\u200b\ufeff', 1000)).toEqual({ kind: 'empty' });
    expect(parseFreeText('Việt'.normalize('NFD'), 4)).toEqual({ kind: 'ok', text: 'Việt' });
    expect(parseFreeText('abcde', 4)).toEqual({ kind: 'too_long', length: 5 });
    expect(parseFreeText('a\u0000', 1000)).toMatchObject({ kind: 'invalid', message: expect.stringContaining('không hợp lệ') });
    expect(parseFreeText('a\ud800', 1000).kind).toBe('invalid');
  });
});

describe('dates', () => {
  const anyDate = makeQuestion({ key: 'd', type: 'date', text: 'Ngày?' });
  const future = makeQuestion({ key: 'd', type: 'date', text: 'Ngày?', allowFuture: true });

  it.each([
    ['05/12/2026', '2026-12-05'],
    ['5/12/2026', '2026-12-05'],
    ['05-12-2026', '2026-12-05'],
    ['5.12.2026', '2026-12-05'],
    ['2026-12-05', '2026-12-05'],
    ['05/12', '2026-12-05'],
    ['5/12/26', '2026-12-05'],
    ['ngày 5/12/2026', '2026-12-05'],
    ['Ngày 05/12/2026.', '2026-12-05'],
    ['5 / 12 / 2026', '2026-12-05'],
    ['29/02/2024', '2024-02-29'],
    ['10/12/2026', '2026-12-10'],
    ['Ngày 5 tháng 12 năm 2026', '2026-12-05'],
    ['5 tháng 12 năm 2026', '2026-12-05'],
    ['05 tháng 12, 2026', '2026-12-05'],
    ['5 tháng 12', '2026-12-05'],
    ['5 THÁNG 12 NĂM 2026.', '2026-12-05'],
  ])('%j → %s', (input, iso) => {
    expect(parseTypedAnswer(anyDate, input, ctx)).toEqual({ kind: 'ok', value: iso });
  });

  it('refuses what it cannot read with an example the question takes, in both ways of writing it', () => {
    const refused = parseTypedAnswer(anyDate, 'hôm qua', ctx);
    expect(refused.kind).toBe('error');
    const example = /ví dụ: (\S+) hoặc «(.+)»\./.exec(refused.kind === 'error' ? refused.message : '');
    expect(example).not.toBeNull();
    for (const typed of [example![1]!, example![2]!]) expect(parseTypedAnswer(anyDate, typed, ctx).kind, typed).toBe('ok');
  });

  it.each(['15/12/2026', '15-12-2026', '2026-12-15'])('future-allowed question reads %j', (input) => {
    expect(parseTypedAnswer(future, input, ctx)).toEqual({ kind: 'ok', value: '2026-12-15' });
  });

  it('"15/12" is this year', () => {
    expect(parseTypedAnswer(future, '15/12', ctx)).toEqual({ kind: 'ok', value: '2026-12-15' });
  });

  it.each(['31/02/2026', '29/02/2026', '00/12/2026', '32/12/2026', '5/13/2026'])('%j is not on the calendar', (input) => {
    expect(expectVietnameseError(parseTypedAnswer(anyDate, input, ctx))).toContain('không có trên lịch');
  });

  it.each(['abc', '12/2026', '15/12/1026', '2026/12/05', '<b>5/12</b>'])('%j is unreadable', (input) => {
    expect(expectVietnameseError(parseTypedAnswer(anyDate, input, ctx))).toContain('ngày/tháng/năm');
  });

  it('refuses a future date unless allowFuture', () => {
    expect(expectVietnameseError(parseTypedAnswer(anyDate, '11/12/2026', ctx))).toContain('10/12/2026');
    expect(parseTypedAnswer(future, '11/12/2026', ctx)).toEqual({ kind: 'ok', value: '2026-12-11' });
  });

  it('within: period refuses dates outside the period and names it', () => {
    const q = question(xl, 'ngay_kiem_diem');
    const message = expectVietnameseError(parseTypedAnswer(q, '31/12/2025', ctx));
    expect(message).toContain('01/01/2026');
    expect(message).toContain('31/12/2026');
    expect(parseTypedAnswer(q, '01/01/2026', ctx)).toEqual({ kind: 'ok', value: '2026-01-01' });
    expect(parseTypedAnswer(q, '01/01/2026', { today: '2026-12-10' })).toEqual({ kind: 'ok', value: '2026-01-01' });
  });
});

describe('checkQuestionConstraint', () => {
  it('names both numbers when dv_htxs exceeds the total', () => {
    const q = question(xl, 'dv_htxs');
    const answers = new Map([['tong_dang_vien', 12]]);
    expect(checkQuestionConstraint(q, 13, answers)).toBe(
      'Số đảng viên hoàn thành xuất sắc nhiệm vụ (13) không được lớn hơn tổng số đảng viên (12).',
    );
    expect(checkQuestionConstraint(q, 12, answers)).toBeNull();
  });

  it('is not evaluated while the other answer is missing, nor for a skip', () => {
    const q = question(xl, 'dv_htxs');
    expect(checkQuestionConstraint(q, 13, new Map())).toBeNull();
    expect(checkQuestionConstraint(q, null, new Map([['tong_dang_vien', 1]]))).toBeNull();
  });
});

describe('format', () => {
  it.each([
    [1234, undefined, '1.234'],
    [1234567.5, undefined, '1.234.567,5'],
    [95.6, 1, '95,6'],
    [100, 1, '100'],
    [87.55, 1, '87,6'],
    [0.1 + 0.2, undefined, '0,3'],
    [-1234.5, 2, '-1.234,5'],
    [-0.0001, 2, '0'],
    [0, 0, '0'],
  ])('formatNumberVi(%d, %s) = %s', (n, decimals, text) => {
    expect(formatNumberVi(n, decimals)).toBe(text);
  });

  it('formatDateVi', () => {
    expect(formatDateVi('2026-12-15')).toBe('15/12/2026');
    expect(formatDateVi('not a date')).toBe('not a date');
  });

  it('formatAnswer shows each type the Vietnamese way and keeps text literal (escaping is the renderer’s job)', () => {
    expect(formatAnswer(question(qcdc, 'ban_chi_dao'), true)).toBe('Có');
    expect(formatAnswer(question(qcdc, 'ban_chi_dao'), false)).toBe('Không');
    expect(formatAnswer(question(qcdc, 'tu_danh_gia'), 'trung_binh')).toBe('Trung bình');
    expect(formatAnswer(question(qcdc, 'so_tap_huan'), 1234)).toBe('1.234');
    expect(formatAnswer(question(xl, 'diem_tu_cham'), 87.5)).toBe('87,5');
    expect(formatAnswer(question(xl, 'ngay_kiem_diem'), '2026-12-05')).toBe('05/12/2026');
    expect(formatAnswer(question(qcdc, 'han_che'), null)).toBe('(không có)');
    expect(formatAnswer(question(qcdc, 'so_doi_thoai'), null)).toBe('(bỏ qua)');
    expect(formatAnswer(question(qcdc, 'han_che'), '<b>x</b>')).toBe('<b>x</b>');
  });

  it('typeHint describes ranges and periods with examples that are themselves valid', () => {
    const diem = question(xl, 'diem_tu_cham');
    const hint = typeHint(diem, ctx);
    expect(hint).toContain('từ 0 đến 100');
    expect(hint).toContain('87,5');
    expect(parseTypedAnswer(diem, '87,5', ctx).kind).toBe('ok');
    const dateHint = typeHint(question(xl, 'ngay_kiem_diem'), ctx);
    expect(dateHint).toContain('01/01/2026');
    expect(dateHint).toContain('10/12/2026');
  });
});

describe('hostile input never throws', () => {
  const nasty = [
    '',
    ' ',
    '\n\t',
    '😀😀😀',
    '<b>5</b>',
    '<script>alert(1)</script>',
    '&amp;',
    'x'.repeat(5000),
    '9'.repeat(400),
    '1,'.repeat(200),
    '1 '.repeat(300),
    '-'.repeat(50),
    '\u0000',
    '\u202e12',
    'ngày ',
    '//',
    '1/1/1/1',
    'không'.normalize('NFD'),
    'NaN',
    '__proto__',
    'constructor',
  ];

  it('every question of both forms answers every input with ok, error or ambiguous', () => {
    for (const form of [qcdc, xl]) {
      for (const q of form.questions) {
        for (const input of nasty) {
          const result = parseTypedAnswer(q, input, ctx);
          expect(['ok', 'error', 'ambiguous']).toContain(result.kind);
          if (result.kind === 'error') expect(result.message).toMatch(VIETNAMESE_LETTER);
        }
      }
    }
  });
});
