import { describe, expect, it } from 'vitest';
import {
  MAX_NUMBER_INPUT_LENGTH,
  parseVietnameseNumber,
  roundTo,
  type ExcludedReading,
  type NumberParse,
} from '../../src/forms/numbers.js';

const INT = { integer: true, decimals: 0 };
const DEC2 = { integer: false, decimals: 2 };
const DEC3 = { integer: false, decimals: 3 };
const DEC1 = { integer: false, decimals: 1 };

const ok = (value: number): NumberParse => ({ kind: 'ok', value });
const amb = (...candidates: number[]): NumberParse => ({ kind: 'ambiguous', candidates });
/** Ambiguous, with the readings the integer/decimals rule excluded. */
const ambEx = (candidates: number[], ...excluded: ExcludedReading[]): NumberParse => ({ kind: 'ambiguous', candidates, excluded });
const tooManyDecimals = (value: number, decimals: number): ExcludedReading => ({ value, decimals, reason: 'too_many_decimals' });
const notInteger = (value: number, decimals: number): ExcludedReading => ({ value, decimals, reason: 'not_integer' });
const err = (reason: Extract<NumberParse, { kind: 'error' }>['reason']): NumberParse => ({ kind: 'error', reason });

type Row = [input: string, opts: typeof INT, expected: NumberParse];

const table: Row[] = [
  // Plain numbers
  ['0', INT, ok(0)],
  ['12', INT, ok(12)],
  [' 12 ', INT, ok(12)],
  ['007', INT, ok(7)],
  ['+5', INT, ok(5)],
  // Vietnamese thousands and decimal marks
  ['1.234', INT, ok(1234)],
  ['1.234.567', INT, ok(1234567)],
  ['12,5', DEC2, ok(12.5)],
  ['0,5', DEC2, ok(0.5)],
  ['1.234,5', DEC2, ok(1234.5)],
  ['12,50', DEC1, ok(12.5)],
  ['12,0', INT, ok(12)],
  // Spaces group thousands (also a no-break space)
  ['1 234', INT, ok(1234)],
  ['1 234 567', INT, ok(1234567)],
  ['1\u00a0234', INT, ok(1234)],
  ['12 345,67', DEC2, ok(12345.67)],
  ['1 23', INT, err('not_a_number')],
  // English habits where only one reading exists
  ['12.5', DEC2, ok(12.5)],
  ['1,234,567', INT, ok(1234567)],
  ['1,234.5', DEC2, ok(1234.5)],
  ['1.000', DEC2, ok(1000)],
  ['1,000', INT, ok(1000)],
  // Ambiguous: a single separator followed by exactly three digits
  ['1.234', DEC3, amb(1234, 1.234)],
  ['1,234', DEC3, amb(1.234, 1234)],
  ['12.500', DEC2, amb(12500, 12.5)],
  ['1.234', DEC2, ambEx([1234], tooManyDecimals(1.234, 3))],
  ['1,234', INT, ambEx([1234], notInteger(1.234, 3))],
  ['1,234', DEC2, ambEx([1234], tooManyDecimals(1.234, 3))],
  ['1,234', DEC1, ambEx([1234], tooManyDecimals(1.234, 3))],
  ['12,500', DEC1, amb(12.5, 12500)],
  // Not an integer / too many decimals
  ['12,5', INT, err('not_integer')],
  ['12.5', INT, err('not_integer')],
  ['1.234,5', INT, err('not_integer')],
  ['87,55', DEC1, err('too_many_decimals')],
  ['0.123', DEC2, err('too_many_decimals')],
  ['0.123', DEC3, ok(0.123)],
  // Negative
  ['-5', INT, err('negative')],
  ['−5', DEC2, err('negative')],
  ['- 12,5', DEC2, err('negative')],
  ['-abc', INT, err('not_a_number')],
  // Minus zero is zero
  ['-0', INT, ok(0)],
  ['-0,0', DEC1, ok(0)],
  ['−0', DEC2, ok(0)],
  ['- 0,00', DEC2, ok(0)],
  ['-0,0', INT, ok(0)],
  ['-00', INT, ok(0)],
  ['-0 người', INT, ok(0)],
  ['-0,5', DEC2, err('negative')],
  ['-0,01', DEC2, err('negative')],
  ['-0x', INT, err('not_a_number')],
  // Words: units are dropped, multipliers and other words are refused
  ['12 người', INT, ok(12)],
  ['12 đồng chí', INT, ok(12)],
  ['không', INT, ok(0)],
  ['khong', INT, ok(0)],
  ['5 nghìn', INT, err('not_a_number')],
  // Words that change the number are not units: never read as the bare number.
  ['87 rưỡi', INT, err('not_a_number')],
  ['3 đôi', INT, err('not_a_number')],
  ['1 tá', INT, err('not_a_number')],
  ['87 phẩy 5', INT, err('not_a_number')],
  ['20 hơn', INT, err('not_a_number')],
  // …but a unit that folds like one of them is a unit.
  ['3 đội', INT, ok(3)],
  ['3 đối thoại', INT, ok(3)],
  ['2 lễ', INT, ok(2)],
  ['3 triệu', INT, err('not_a_number')],
  ['12k', INT, err('not_a_number')],
  ['12 k', INT, err('not_a_number')],
  ['mười hai', INT, err('not_a_number')],
  ['abc', INT, err('not_a_number')],
  // Garbage, markup, emoji, broken separators
  ['', INT, err('empty')],
  ['   ', DEC2, err('empty')],
  ['<b>5</b>', INT, err('not_a_number')],
  ['😀', INT, err('not_a_number')],
  ['5😀', INT, err('not_a_number')],
  ['1e3', INT, err('not_a_number')],
  ['0x10', INT, err('not_a_number')],
  ['NaN', DEC2, err('not_a_number')],
  ['Infinity', DEC2, err('not_a_number')],
  ['1.2.3', INT, err('not_a_number')],
  ['1..2', DEC2, err('not_a_number')],
  [',5', DEC2, err('not_a_number')],
  ['5,', DEC2, err('not_a_number')],
  ['1,23,4', INT, err('not_a_number')],
  // Full-width digits from some phone keyboards
  ['１２', INT, ok(12)],
  ['１.２３４', INT, ok(1234)],
  // Length
  ['99999999999999999999', INT, err('too_long')],
  ['1'.repeat(MAX_NUMBER_INPUT_LENGTH + 1), INT, err('too_long')],
  // A sentence pasted where a number is asked is not a number (not "too long").
  ['Chi bộ đã tổ chức ba mô hình dân vận khéo trong năm', INT, err('not_a_number')],
];

describe('parseVietnameseNumber', () => {
  it('has a table of at least 40 inputs', () => {
    expect(table.length).toBeGreaterThanOrEqual(40);
  });

  it.each(table)('%j with %j → %j', (input, opts, expected) => {
    expect(parseVietnameseNumber(input, opts)).toEqual(expected);
  });

  it('reads decomposed (NFD) "không" as zero', () => {
    expect(parseVietnameseNumber('không'.normalize('NFD'), INT)).toEqual(ok(0));
  });

  it('reads minus zero as +0, never -0', () => {
    for (const input of ['-0', '-0,0', '−0', '-0.000', '-00']) {
      const parsed = parseVietnameseNumber(input, DEC3);
      expect(parsed.kind).toBe('ok');
      if (parsed.kind === 'ok') expect(Object.is(parsed.value, 0)).toBe(true);
    }
  });

  it('returns exact decimals, without float noise', () => {
    expect(parseVietnameseNumber('0,3', DEC2)).toEqual(ok(0.3));
    expect(parseVietnameseNumber('1.234.567,89', DEC2)).toEqual(ok(1234567.89));
  });
});

describe('roundTo', () => {
  it('removes binary noise', () => {
    expect(roundTo(0.1 + 0.2, 2)).toBe(0.3);
    expect(roundTo(87.55, 1)).toBe(87.6);
  });
});
