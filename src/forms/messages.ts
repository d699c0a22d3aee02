/**
 * Every Vietnamese text the forms layer shows to users, in one place so the
 * wording can be reviewed (and changed) by the office without reading code.
 *
 * Parameters are already formatted for display (formatNumberVi, formatDateVi):
 * this module only assembles sentences, so it depends on nothing.
 */
import type { NumberError } from './numbers.js';

/** Why one reading of a number that reads two ways ("1,234") cannot be the answer. */
export type ReadingProblem = 'too_small' | 'too_large' | 'not_integer' | 'too_many_decimals';

function readingProblem(problem: ReadingProblem, min: string | undefined, max: string | undefined, decimals: number): string {
  switch (problem) {
    case 'too_small':
      return min === undefined ? 'không hợp lệ' : `nhỏ hơn ${min}`;
    case 'too_large':
      return max === undefined ? 'không hợp lệ' : `lớn hơn ${max}`;
    case 'not_integer':
      return 'không phải số nguyên';
    case 'too_many_decimals':
      return decimals === 0 ? 'không phải số nguyên' : `có nhiều hơn ${decimals} chữ số thập phân`;
  }
}

const numberErrors: Record<NumberError, string> = {
  empty: 'Đồng chí chưa nhập số.',
  not_a_number: 'Không đọc được số. Đồng chí chỉ nhập một số, ví dụ: 12 hoặc 1.234 hoặc 87,5.',
  negative: 'Số không được âm.',
  not_integer: 'Câu này cần một số nguyên (không có phần thập phân).',
  too_many_decimals: 'Số có quá nhiều chữ số thập phân.',
  too_long: 'Số quá dài. Đồng chí kiểm tra lại.',
};

export const formMessages = {
  labels: {
    yes: 'Có',
    no: 'Không',
    skipped: '(bỏ qua)',
    /** An optional text question left empty: "(nếu có)" answered with nothing to report. */
    nothing: '(không có)',
    done: 'Xong',
  },

  number: {
    error: (reason: NumberError): string => numberErrors[reason],
    /** Replaces the generic too_many_decimals text when the limit is known. */
    tooManyDecimals: (decimals: number): string =>
      decimals === 0
        ? numberErrors.not_integer
        : `Chỉ được nhập tối đa ${decimals} chữ số thập phân.`,
    outOfRange: (min: string | undefined, max: string | undefined): string => {
      if (min !== undefined && max !== undefined) return `Giá trị phải từ ${min} đến ${max}.`;
      if (min !== undefined) return `Giá trị phải lớn hơn hoặc bằng ${min}.`;
      if (max !== undefined) return `Giá trị phải nhỏ hơn hoặc bằng ${max}.`;
      return 'Giá trị không hợp lệ.';
    },
    /**
     * A number that reads two ways where neither reading can be the answer
     * ("1,234" in a question of 0–100 with one decimal): each reading is named
     * with its problem, so the person is not told "từ 0 đến 100" about a value
     * they believe is inside it.
     */
    noReading: (
      typed: string,
      readings: ReadonlyArray<{ shown: string; problem: ReadingProblem }>,
      range: { min: string | undefined; max: string | undefined; decimals: number },
    ): string =>
      `Không nhận được số «${typed}»: ${readings
        .map((r) => `hiểu là ${r.shown} thì ${readingProblem(r.problem, range.min, range.max, range.decimals)}`)
        .join('; ')}. Đồng chí nhập lại số đúng.`,
    /** Asked before buttons listing the candidate values. */
    ambiguous: (typed: string, candidateCount: number): string =>
      candidateCount >= 2
        ? `Số «${typed}» có thể hiểu theo hai cách. Đồng chí chọn giá trị đúng:`
        : `Số «${typed}» có thể bị hiểu nhầm. Đồng chí xác nhận giá trị đúng:`,
  },

  date: {
    /** `example`: a date the question takes (today, or the period's end before today), so typing it works. */
    unreadable: (example: { short: string; words: string }) =>
      `Không đọc được ngày. Đồng chí nhập theo dạng ngày/tháng/năm, ví dụ: ${example.short} hoặc «${example.words}».`,
    notOnCalendar: (typed: string): string => `Ngày «${typed}» không có trên lịch. Đồng chí kiểm tra lại.`,
    outsidePeriod: (start: string, end: string): string =>
      `Ngày phải nằm trong kỳ báo cáo, từ ${start} đến ${end}.`,
    future: (today: string): string => `Ngày không được sau hôm nay (${today}).`,
  },

  text: {
    tooLong: (length: string, max: string): string => `Câu trả lời dài ${length} ký tự, tối đa ${max} ký tự.`,
  },

  required: 'Đây là câu hỏi bắt buộc. Đồng chí vui lòng nhập câu trả lời.',

  /** A typed answer holding a NUL or a broken character (lone surrogate): refused, nothing is stored. */
  invalidCharacters:
    'Câu trả lời có ký tự không hợp lệ (ký tự điều khiển hoặc ký tự lỗi). Đồng chí gõ lại câu trả lời.',

  yesNo: {
    unrecognised: 'Không nhận ra câu trả lời. Đồng chí gõ 1 (Có) hoặc 2 (Không), hoặc gõ «có»/«không».',
  },

  choice: {
    /** With `labels`, the choices are listed so the person sees what can be typed. */
    unrecognised: (count: number, labels?: readonly string[]): string =>
      labels === undefined || labels.length === 0
        ? `Không nhận ra lựa chọn. Đồng chí gõ số thứ tự của lựa chọn (1–${count}).`
        : `Không nhận ra lựa chọn. Đồng chí gõ số thứ tự của lựa chọn: ${labels.map((l, i) => `${i + 1}. ${l}`).join('; ')}.`,
    severalMatch: (typed: string, labels: string[]): string =>
      `«${typed}» khớp với nhiều lựa chọn: ${labels.join('; ')}. Đồng chí gõ đầy đủ hơn hoặc gõ số thứ tự.`,
    /** A button press that no longer matches the question (e.g. an old message). */
    invalidButton: 'Lựa chọn không hợp lệ. Đồng chí chọn lại một trong các lựa chọn của câu hỏi hiện tại.',
  },

  multiChoice: {
    /**
     * Items of a typed multi-choice answer that match no option: numbers outside
     * 1–count, words that are no label. Both named as typed, so the person sees
     * exactly what to correct; `example` is typed numbers the question takes.
     */
    unrecognised: (outOfRange: readonly string[], unknown: readonly string[], count: number, example: string): string => {
      const quoted = (items: readonly string[]): string => items.map((i) => `«${i}»`).join(', ');
      const problems = [
        ...(outOfRange.length === 0 ? [] : [`không có mục ${quoted(outOfRange)} (các mục được đánh số từ 1 đến ${count})`]),
        ...(unknown.length === 0 ? [] : [`không nhận ra ${quoted(unknown)}`]),
      ];
      return `Chưa ghi câu trả lời: ${problems.join('; ')}. Đồng chí gõ các số của những mục đúng, cách nhau bằng dấu phẩy, ví dụ: ${example}.`;
    },
    tooFew: (min: number, example: string): string =>
      `Cần chọn ít nhất ${min} mục: gõ các số của những mục đúng, cách nhau bằng dấu phẩy, ví dụ: ${example}.`,
    tooMany: (max: number, example: string): string =>
      `Chỉ được chọn tối đa ${max} mục: gõ các số của những mục đúng, cách nhau bằng dấu phẩy, ví dụ: ${example}.`,
  },

  hints: {
    integer: (range: string | undefined, example: string): string =>
      `Nhập một số nguyên ${range ?? '≥ 0'}, ví dụ: ${example}`,
    decimal: (range: string | undefined, decimals: number, example: string): string => {
      const rangePart = range === undefined ? '' : ` ${range}`;
      const decimalsPart = decimals === 0 ? ', không có phần thập phân' : `, tối đa ${decimals} chữ số thập phân`;
      return `Nhập một số${rangePart}${decimalsPart}, ví dụ: ${example}`;
    },
    /** How a numeric range is described inside a hint. */
    range: (min: string | undefined, max: string | undefined): string | undefined => {
      if (min !== undefined && max !== undefined) return `từ ${min} đến ${max}`;
      if (min !== undefined) return `≥ ${min}`;
      if (max !== undefined) return `≤ ${max}`;
      return undefined;
    },
    date: (example: string): string => `Nhập ngày theo dạng DD/MM/YYYY, ví dụ: ${example}`,
    dateInPeriod: (example: string, start: string, end: string): string =>
      `Nhập ngày theo dạng DD/MM/YYYY, trong kỳ báo cáo từ ${start} đến ${end}, ví dụ: ${example}`,
    yesNo: 'Chọn Có hoặc Không (gõ 1 hoặc 2, hoặc «có»/«không»)',
    choice: 'Chọn một lựa chọn hoặc gõ số thứ tự',
    /**
     * Typing, the one way every channel has: all the numbers in one message, since a
     * message with one number is the whole answer (the next message answers the next question).
     */
    multiChoice: (example: string, limit: string | undefined, noneAllowed: boolean, single: boolean): string =>
      (single
        ? `Gõ số của mục đúng, ví dụ: ${example}.`
        : `Gõ các số của những mục đúng trong một tin nhắn, cách nhau bằng dấu phẩy, ví dụ: ${example}.`) +
      (limit === undefined ? '' : ` ${limit}.`) +
      (noneAllowed ? ' Nếu không có mục nào, gõ «không».' : ''),
    /** How many options a multi-choice answer takes, when the form limits it. */
    multiChoiceLimit: (min: number, max: number | undefined): string | undefined => {
      if (max !== undefined && min === max) return `Chọn đúng ${min} mục`;
      if (max !== undefined && min > 1) return `Chọn từ ${min} đến ${max} mục`;
      if (max !== undefined) return `Chọn tối đa ${max} mục`;
      if (min > 1) return `Chọn ít nhất ${min} mục`;
      return undefined;
    },
    text: (max: string): string => `Nhập nội dung, tối đa ${max} ký tự`,
  },
} as const;

export type FormMessages = typeof formMessages;

/** Problems of the form files themselves, for whoever edits them (the bot or the CLI refuses to start on them). */
export const formLoadMessages = {
  invalidFiles: (dirs: string, count: number) => `Các tệp biểu mẫu trong ${dirs} có ${count} lỗi:`,
  invalidJson: (detail: string) => `không phải JSON hợp lệ: ${detail}`,
  definedTwice: (id: string, other: string) => `biểu mẫu ${id} đã được định nghĩa trong ${other}`,
  folderMissing: 'không có thư mục này',
} as const;

/** What a form file gets wrong beyond its shape (forms/logic.ts validateFormReferences), for whoever edits it. */
export const formReferenceMessages = {
  duplicateKey: (key: string) => `mã câu hỏi "${key}" bị trùng`,
  duplicateRule: (id: string) => `mã quy tắc "${id}" bị trùng`,
  ruleWithoutQuestion: 'quy tắc không nhắc đến câu hỏi nào, nên không bao giờ có ích',
  unknownQuestion: (key: string) => `không có câu hỏi "${key}"`,
  minAboveMax: (min: unknown, max: unknown) => `min (${String(min)}) lớn hơn max (${String(max)})`,
  duplicateChoice: (value: string) => `giá trị lựa chọn "${value}" bị trùng`,
  minSelectedTooMany: (min: number, choices: number) => `minSelected ${min} nhiều hơn số lựa chọn (${choices})`,
  maxBelowMin: (max: unknown, min: unknown) => `maxSelected ${String(max)} nhỏ hơn minSelected ${String(min)}`,
  groupsOnlyChoice: 'chỉ câu hỏi lựa chọn mới có nhóm (groups)',
  phrasesOnlyChoice: 'chỉ câu hỏi chọn một mới có câu diễn đạt (phrases)',
  notAChoice: (shown: string, key: string) => `${shown} không phải là lựa chọn của "${key}"`,
  neverYesNo: (shown: string, key: string) => `${shown} không bao giờ khớp câu có/không "${key}" (dùng true hoặc false)`,
  neverNumber: (shown: string, key: string) => `${shown} không bao giờ khớp câu số "${key}"`,
  neverType: (shown: string, type: string, key: string) => `${shown} không bao giờ khớp câu ${type} "${key}"`,
  notEarlier: (key: string) => `"${key}" không đứng trước trong biểu mẫu`,
  notANumber: (key: string, type: string) => `"${key}" là câu ${type}, không phải câu số`,
  bandWithoutMinLast: 'khoảng không có min phải là khoảng cuối cùng',
  bandMinOrder: (min: number, previous: unknown) => `min ${min} phải nhỏ hơn min của khoảng trước (${String(previous)})`,
} as const;
