/**
 * Reading numbers the way Vietnamese users type them in chat.
 *
 * The Vietnamese habit is '.' for thousands and ',' for the decimal mark
 * ("1.234" = 1234, "12,5" = 12.5), spaces may also group thousands, and many
 * people type English style ("12.5", "1,234,567"). Most inputs have only one
 * sensible reading; the dangerous ones are a single separator followed by
 * exactly three digits ("1.234", "1,234"), which are valid in both styles.
 *
 * Policy (the bot must never silently misread a value):
 * - Every input yields a primary reading (the Vietnamese one) and possibly one
 *   alternative reading (the English one).
 * - A reading is acceptable when it satisfies the question's integer/decimals
 *   constraints.
 * - Only the primary reading exists → 'ok'.
 * - In a question without decimals (integer, or decimals: 0), an alternative
 *   with a fraction is not something the user can have meant, so when only the
 *   primary is acceptable the answer is 'ok'. This is why "1.234" in an integer
 *   question is simply 1234: that is what a Vietnamese user means, and the
 *   English reading 1.234 could not be an answer.
 * - In a question that takes decimals, the fractional reading is a plausible
 *   intention even when it has too many decimals ("1.234" typed for 1,234 in a
 *   two-decimal question): storing 1234 would silently multiply by 1000, so
 *   the result is 'ambiguous' and the bot asks.
 * - Otherwise, if at least one reading is acceptable → 'ambiguous', with
 *   `candidates` = the acceptable readings, primary first. A single candidate is
 *   still ambiguous: "1,234" in an integer question can only be 1234, but the
 *   user may have meant 1,234 (one point two three four) and typed the wrong
 *   kind of question, so the bot asks for confirmation.
 * - No acceptable reading → 'error' with the primary reading's reason.
 * - "1.000" / "1,000" only read as 1000: a decimal reading with a fraction of
 *   exactly "000" is not something people type, so it is not an alternative.
 * - An 'ambiguous' result lists in `excluded` the readings the integer/decimals
 *   constraints ruled out, so that when the question's range also rules out
 *   every candidate the refusal can name both readings and why ("1,234" in a
 *   0–100 question with one decimal: 1.234 is too large, 1,234 has too many
 *   decimals), instead of a bare range the person's intended value is inside.
 * - "-0", "-0,0" are zero (never -0): only a sign in front of a non-zero value
 *   makes the input negative.
 */
import { foldVietnamese } from '../text/normalize.js';

export type NumberError = 'empty' | 'not_a_number' | 'negative' | 'not_integer' | 'too_many_decimals' | 'too_long';

/** A reading of an ambiguous input that the question's integer/decimals rule excludes. */
export type ExcludedReading = { value: number; decimals: number; reason: 'not_integer' | 'too_many_decimals' };

export type NumberParse =
  | { kind: 'ok'; value: number }
  /** `excluded` is present only when a reading was excluded. */
  | { kind: 'ambiguous'; candidates: number[]; excluded?: ExcludedReading[] }
  | { kind: 'error'; reason: NumberError };

export type NumberOptions = { integer: boolean; decimals: number };

/** Longer input is not a number someone typed on purpose (and keeps regexes cheap). */
export const MAX_NUMBER_INPUT_LENGTH = 30;

/** A number as digit strings, so no float arithmetic happens before the final conversion. */
type Reading = { intDigits: string; fracDigits: string };

type Readings = { primary: Reading; alternative?: Reading | undefined };

/**
 * Words after a number that change it: "5 nghìn" or "12 k" must not become 5 or 12,
 * nor "87 rưỡi" (87,5), "3 đôi" (6), "1 tá" (12) or "87 phẩy 5" become 87, 3, 1 or 87;
 * so they make the input unreadable instead of being dropped as a unit.
 */
const MULTIPLIER_WORDS = new Set([
  'k', 'm', 'b', 'tr', 'nghin', 'ngan', 'trieu', 'ty', 'ti', 'van', 'tram', 'chuc', 'muoi',
  'ruoi', 'nua', 'ta', 'phay', 'cham', 'hon', 'tren', 'duoi', 'khoang',
]);
/** Such words whose folded form is also a unit ("3 đội", "3 đối thoại", "2 lễ"): compared with their marks. */
const MARKED_MULTIPLIER_WORDS = new Set(['đôi', 'lẻ']);

/** Words meaning zero that people type instead of "0". */
const ZERO_WORDS = new Set(['khong']);

const MINUS_SIGNS = /^[-\u2212\u2013\u2014]/;

/** Number part (digits, '.', ',', whitespace) optionally followed by a unit in letters only. */
const NUMBER_WITH_UNIT = /^([0-9.,\s]*[0-9])(?:\s+([\p{L}\p{M}]+(?:\s+[\p{L}\p{M}]+)*))?$/u;

export function parseVietnameseNumber(text: string, opts: NumberOptions): NumberParse {
  // NFKC also turns full-width digits ("１２", typed with some phone keyboards) into ASCII ones.
  // A sentence's end typed after it ("3.", "3 người!") is not part of the number.
  const trimmed = text.normalize('NFKC').trim().replace(/[.!?…]+$/u, '').trimEnd();
  if (trimmed === '') return error('empty');
  // A sentence pasted at a number question is not a number, whatever its length; only long digits are "too long".
  if ([...trimmed].length > MAX_NUMBER_INPUT_LENGTH) return error(/\p{L}{2,}\s+\p{L}{2,}/u.test(trimmed) ? 'not_a_number' : 'too_long');
  if (ZERO_WORDS.has(foldVietnamese(trimmed))) return { kind: 'ok', value: 0 };

  let body = trimmed;
  if (body.startsWith('+')) body = body.slice(1).trimStart();
  // Only a sign in front of something numeric is a negative number; "-abc" is just unreadable.
  if (MINUS_SIGNS.test(body) && /[0-9]/.test(body)) {
    const negated = readNumberPart(body.slice(1).trimStart());
    if (negated === undefined) return error('not_a_number');
    // "-0" and "-0,0" are zero: read without the sign, so -0 is never stored or shown.
    if (/[1-9]/.test(negated)) return error('negative');
    const zero = readingsOf(negated);
    return zero ? decide(zero, opts) : error('not_a_number');
  }

  const numberPart = readNumberPart(body);
  if (!numberPart) return error('not_a_number');
  const readings = readingsOf(numberPart);
  if (!readings) return error('not_a_number');
  return decide(readings, opts);
}

/** The digits-and-separators part of the input, or undefined when the rest is not a unit word. */
function readNumberPart(body: string): string | undefined {
  const match = NUMBER_WITH_UNIT.exec(body);
  if (!match) return undefined;
  const unit = match[2];
  if (unit !== undefined) {
    const marked = unit.normalize('NFC').toLocaleLowerCase('vi').split(/\s+/)[0] ?? '';
    const firstWord = foldVietnamese(unit).split(' ')[0] ?? '';
    if (MULTIPLIER_WORDS.has(firstWord) || MARKED_MULTIPLIER_WORDS.has(marked)) return undefined;
  }
  return match[1];
}

function readingsOf(numberPart: string): Readings | undefined {
  if (/\s/.test(numberPart)) {
    const reading = readSpaceGrouped(numberPart);
    return reading ? { primary: reading } : undefined;
  }
  const dots = count(numberPart, '.');
  const commas = count(numberPart, ',');
  if (dots === 0 && commas === 0) return { primary: { intDigits: numberPart, fracDigits: '' } };
  if (dots > 0 && commas > 0) {
    const reading = readMixed(numberPart);
    return reading ? { primary: reading } : undefined;
  }
  const sep = dots > 0 ? '.' : ',';
  if (dots + commas > 1) {
    // Repeated separator: only thousands grouping makes sense ("1.234.567", "1,234,567").
    const digits = groupedDigits(numberPart, sep);
    return digits === undefined ? undefined : { primary: { intDigits: digits, fracDigits: '' } };
  }
  return readSingleSeparator(numberPart, sep);
}

/** "1 234" or "1 234,5": spaces group thousands, so a '.' or ',' can only be the decimal mark. */
function readSpaceGrouped(numberPart: string): Reading | undefined {
  const match = /^([0-9]{1,3}(?:\s[0-9]{3})+)(?:[.,]([0-9]+))?$/.exec(numberPart.replace(/\s+/g, ' '));
  if (!match || match[1] === undefined || match[1].startsWith('0')) return undefined;
  return { intDigits: match[1].replace(/ /g, ''), fracDigits: match[2] ?? '' };
}

/** Both separators: the last one is the decimal mark and must occur once ("1.234,5", "1,234.5"). */
function readMixed(numberPart: string): Reading | undefined {
  const decimalMark = numberPart.lastIndexOf('.') > numberPart.lastIndexOf(',') ? '.' : ',';
  const thousandsMark = decimalMark === '.' ? ',' : '.';
  if (count(numberPart, decimalMark) !== 1) return undefined;
  const [intPart = '', fracPart = ''] = numberPart.split(decimalMark);
  if (!/^[0-9]+$/.test(fracPart)) return undefined;
  const intDigits = groupedDigits(intPart, thousandsMark);
  return intDigits === undefined ? undefined : { intDigits, fracDigits: fracPart };
}

function readSingleSeparator(numberPart: string, sep: '.' | ','): Readings | undefined {
  const [head = '', tail = ''] = numberPart.split(sep);
  if (!/^[0-9]+$/.test(head) || !/^[0-9]+$/.test(tail)) return undefined;
  const asDecimal: Reading = { intDigits: head, fracDigits: tail };
  const asThousands = isThousandsHead(head) && tail.length === 3 ? { intDigits: head + tail, fracDigits: '' } : undefined;
  if (!asThousands) return { primary: asDecimal };
  // Nobody writes "1.000" or "1,000" to mean one, so round thousands are not ambiguous.
  if (tail === '000') return { primary: asThousands };
  return sep === '.' ? { primary: asThousands, alternative: asDecimal } : { primary: asDecimal, alternative: asThousands };
}

/** Digits of a thousands-grouped integer, or undefined when the grouping is wrong ("1,23,4"). */
function groupedDigits(text: string, sep: '.' | ','): string | undefined {
  const groups = text.split(sep);
  const [first, ...rest] = groups;
  if (first === undefined || !isThousandsHead(first)) return undefined;
  if (rest.length === 0 || !rest.every((g) => /^[0-9]{3}$/.test(g))) return undefined;
  return groups.join('');
}

/** The first group of a grouped number: 1–3 digits and no leading zero ("0.123" is never 123). */
function isThousandsHead(group: string): boolean {
  return /^[1-9][0-9]{0,2}$/.test(group);
}

function decide(readings: Readings, opts: NumberOptions): NumberParse {
  const primary = evaluate(readings.primary, opts);
  if (!readings.alternative) return primary;
  const alternative = evaluate(readings.alternative, opts);
  const noFractions = opts.integer || opts.decimals === 0;
  if (primary.kind === 'ok' && alternative.kind !== 'ok' && noFractions) return primary;
  const candidates = [primary, alternative].flatMap((r) => (r.kind === 'ok' ? [r.value] : []));
  if (candidates.length === 0) return primary;
  const excluded = excludedReadings([
    [readings.primary, primary],
    [readings.alternative, alternative],
  ]);
  const unique = [...new Set(candidates)];
  return excluded.length === 0 ? { kind: 'ambiguous', candidates: unique } : { kind: 'ambiguous', candidates: unique, excluded };
}

/** The readings refused for their fraction, with the value they would have had, for the refusal message. */
function excludedReadings(evaluated: Array<[Reading, ReturnType<typeof evaluate>]>): ExcludedReading[] {
  return evaluated.flatMap(([reading, result]) => {
    if (result.kind !== 'error' || (result.reason !== 'not_integer' && result.reason !== 'too_many_decimals')) return [];
    const frac = reading.fracDigits.replace(/0+$/, '');
    const value = Number(frac === '' ? reading.intDigits : `${reading.intDigits}.${frac}`);
    return Number.isFinite(value) ? [{ value, decimals: frac.length, reason: result.reason }] : [];
  });
}

function evaluate(reading: Reading, opts: NumberOptions): { kind: 'ok'; value: number } | { kind: 'error'; reason: NumberError } {
  // Trailing zeros carry no value: "12,0" is an integer and "87,50" has one decimal.
  const frac = reading.fracDigits.replace(/0+$/, '');
  if (opts.integer && frac !== '') return error('not_integer');
  const allowed = opts.integer ? 0 : opts.decimals;
  if (frac.length > allowed) return error('too_many_decimals');
  const intDigits = reading.intDigits.replace(/^0+(?=[0-9])/, '');
  const value = Number(frac === '' ? intDigits : `${intDigits}.${frac}`);
  if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) return error('too_long');
  return { kind: 'ok', value: roundTo(value, allowed) };
}

/** Rounds away binary float noise so callers compare and store the decimal they were shown. */
export function roundTo(value: number, decimals: number): number {
  const written = String(Math.abs(value));
  // Exponent notation (tiny or huge values, non-finite): nothing a form answer shows, toFixed is enough.
  if (!Number.isFinite(value) || written.includes('e')) return Number(value.toFixed(decimals));
  // toFixed works on the binary value, so 87.55 (stored as 87.5499…) would become 87.5;
  // shifting by the decimal exponent rounds the decimal that was written, half away from zero.
  const shifted = Math.round(Number(`${written}e${decimals}`));
  return Math.sign(value) * Number(`${shifted}e-${decimals}`) + 0;
}

function count(text: string, ch: string): number {
  return text.split(ch).length - 1;
}

function error(reason: NumberError): { kind: 'error'; reason: NumberError } {
  return { kind: 'error', reason };
}
