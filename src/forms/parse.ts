/**
 * Turning what a user typed (or the button they pressed) into a typed answer,
 * with a Vietnamese message when it cannot be accepted.
 */
import { calendarDate } from '../time.js';
import { truncate } from '../text/html.js';
import { foldVietnamese, normalizeTypedText } from '../text/normalize.js';
import { formatDateVi, formatNumberVi, multiChoiceExample } from './format.js';
import { evaluateComparison, fillMessage } from './logic.js';
import { formMessages as m, type ReadingProblem } from './messages.js';
import { parseVietnameseNumber } from './numbers.js';
import type { AnswerValue, Answers, Choice, Question, QuestionOf } from './schema.js';

export type ParseContext = {
  /** Today in the installation's time zone, 'YYYY-MM-DD'. */
  today: string;
  /** The campaign's period, for dates that must fall within it. */
  period?: { start: string; end: string } | undefined;
};

export type ParseResult =
  | { kind: 'ok'; value: AnswerValue }
  | { kind: 'error'; message: string }
  | { kind: 'ambiguous'; candidates: number[]; message: string };

/**
 * Every typed answer is normalized first (normalizeTypedText): a NUL or a lone
 * surrogate is refused with a validation message, and what is empty once
 * invisible characters are gone ("\u200b", "\u0085") is empty input. Empty
 * input on an optional question is a skip (null); on a required one it is an
 * error. Everything else is read according to the question's type.
 */
export function parseTypedAnswer(question: Question, raw: string, ctx: ParseContext): ParseResult {
  const normalized = normalizeTypedText(raw);
  if (!normalized.ok) return fail(m.invalidCharacters);
  const text = normalized.text;
  if (text === '') return question.required ? fail(m.required) : ok(null);
  switch (question.type) {
    case 'integer':
    case 'decimal':
      return parseNumberAnswer(question, text);
    case 'yes_no':
      return parseYesNo(text);
    case 'choice':
      return parseChoice(question, text);
    case 'multi_choice':
      return parseMultiChoice(question, text);
    case 'text':
      return parseText(question, text);
    case 'date':
      return parseDateAnswer(question, text, ctx);
  }
}

export type FreeTextResult =
  | { kind: 'ok'; text: string }
  | { kind: 'empty' }
  | { kind: 'too_long'; length: number }
  | { kind: 'invalid'; message: string };

/**
 * Free text typed outside a form question (the late-submission reason):
 * normalized like a text answer, so "\u200b" is empty, a NUL is refused with
 * m.invalidCharacters, and the length is counted in characters of the stored
 * (NFC) text. Why: such text goes to Postgres like an answer does, and would
 * fail the same way.
 */
export function parseFreeText(raw: string, maxChars: number): FreeTextResult {
  const normalized = normalizeTypedText(raw);
  if (!normalized.ok) return { kind: 'invalid', message: m.invalidCharacters };
  if (normalized.text === '') return { kind: 'empty' };
  const length = [...normalized.text].length;
  return length > maxChars ? { kind: 'too_long', length } : { kind: 'ok', text: normalized.text };
}

/** A button under the question: yes/no (0 = Có, 1 = Không) or a choice by position. */
export function answerFromButton(question: Question, index: number): ParseResult {
  if (!Number.isInteger(index) || index < 0) return fail(m.choice.invalidButton);
  if (question.type === 'yes_no') {
    if (index === 0) return ok(true);
    if (index === 1) return ok(false);
    return fail(m.choice.invalidButton);
  }
  if (question.type === 'choice') {
    const choice = question.choices[index];
    return choice ? ok(choice.value) : fail(m.choice.invalidButton);
  }
  return fail(m.choice.invalidButton);
}

/**
 * The question's own constraint, checked with `value` as its answer. Null when
 * it holds, or cannot be evaluated yet because another answer is missing.
 */
export function checkQuestionConstraint(question: Question, value: AnswerValue, answers: Answers): string | null {
  if (question.constraint === undefined || value === null) return null;
  const withValue = new Map(answers);
  withValue.set(question.key, value);
  const outcome = evaluateComparison(question.constraint, withValue);
  if (!outcome || outcome.holds) return null;
  return fillMessage(question.constraint.message, outcome, withValue);
}

// ---------------------------------------------------------------------------
// Numbers

function parseNumberAnswer(question: QuestionOf<'integer'> | QuestionOf<'decimal'>, text: string): ParseResult {
  const integer = question.type === 'integer';
  const decimals = question.type === 'decimal' ? question.decimals : 0;
  const parsed = parseVietnameseNumber(text, { integer, decimals });
  const inRange = (n: number): boolean =>
    (question.min === undefined || n >= question.min) && (question.max === undefined || n <= question.max);
  const rangeError = (): ParseResult =>
    fail(m.number.outOfRange(optionalNumber(question.min, decimals), optionalNumber(question.max, decimals)));

  switch (parsed.kind) {
    case 'error':
      return fail(parsed.reason === 'too_many_decimals' ? m.number.tooManyDecimals(decimals) : m.number.error(parsed.reason));
    case 'ok':
      return inRange(parsed.value) ? ok(parsed.value) : rangeError();
    case 'ambiguous': {
      // Even one remaining candidate is confirmed: the user may have meant the other reading.
      const candidates = parsed.candidates.filter(inRange);
      if (candidates.length > 0) {
        return { kind: 'ambiguous', candidates, message: m.number.ambiguous(text.trim(), candidates.length) };
      }
      // No reading can be stored: name each one and why, not a bare range the intended value may be inside.
      const tooLargeOrSmall = (n: number): ReadingProblem =>
        question.max !== undefined && n > question.max ? 'too_large' : 'too_small';
      const readings = [
        ...parsed.candidates.map((n) => ({ shown: formatNumberVi(n, decimals), problem: tooLargeOrSmall(n) })),
        ...(parsed.excluded ?? []).map((r) => ({ shown: formatNumberVi(r.value, r.decimals), problem: r.reason })),
      ];
      return fail(
        m.number.noReading(text.trim(), readings, {
          min: optionalNumber(question.min, decimals),
          max: optionalNumber(question.max, decimals),
          decimals,
        }),
      );
    }
  }
}

function optionalNumber(n: number | undefined, decimals: number): string | undefined {
  return n === undefined ? undefined : formatNumberVi(n, decimals);
}

// ---------------------------------------------------------------------------
// Yes / no

/**
 * Folded words for yes and no. "1" and "2" because the buttons read "1. Có" and
 * "2. Không"; "u" is a folded "ừ".
 */
const YES_WORDS = new Set(['co', 'c', 'yes', 'y', 'u', 'uh', 'um', 'roi', 'da', 'dung', 'ok', 'vang', 'da co', 'co roi', 'co chu', '1']);
const NO_WORDS = new Set(['khong', 'k', 'ko', 'kg', 'no', 'n', 'chua', 'chua co', 'khong co', 'ko co', 'k co', 'chua a', '2']);

function parseYesNo(text: string): ParseResult {
  for (const folded of answerForms(text)) {
    if (YES_WORDS.has(folded)) return ok(true);
    if (NO_WORDS.has(folded)) return ok(false);
  }
  return fail(m.yesNo.unrecognised);
}

/** Folded, without the sentence punctuation people add in chat ("Có.", "không!"). */
function foldAnswer(text: string): string {
  return foldVietnamese(text).replace(/[.!?…]+$/u, '').trim();
}

/** The courtesy words around a chat answer, folded: at its end ("Có ạ", "Tốt nhé"), at its start ("Dạ không"). */
const COURTESY = { end: ['a', 'nhe', 'nha', 'chu', 'day'], start: ['da', 'vang', 'thua'] } as const;
const COURTESY_END = new RegExp(`(?:\\s+(?:${COURTESY.end.join('|')}))+$`);
const COURTESY_START = new RegExp(`^(?:${COURTESY.start.join('|')})\\s+(?=\\S)`);

/**
 * The typed answer as read: folded; then, if that is no answer, without the courtesy word
 * at its end, then also at its start ("Loại A" is tried as itself first; "Đã ký ạ" is
 * "đã ký" before the "dạ" reading of its first word is tried).
 */
function answerForms(text: string): string[] {
  const folded = foldAnswer(text);
  const ended = folded.replace(COURTESY_END, '').trim();
  const bare = ended.replace(COURTESY_START, '').trim();
  return [...new Set([folded, ended, bare])].filter((form) => form !== '');
}

// ---------------------------------------------------------------------------
// Choices

type ChoiceMatch = { kind: 'found'; index: number } | { kind: 'none' } | { kind: 'several'; indexes: number[] };

/** A minimum so that a stray letter or two never picks a choice by prefix. */
const MIN_PREFIX_LENGTH = 3;

/**
 * Bare "không"/"có" answer the question's wording, not a label: "không" to
 * "Thỏa ước đã được ký kết chưa?" means "Chưa ký", yet it is a prefix of
 * "Không áp dụng". They still match a label that is exactly that word.
 */
const NEVER_PREFIXES = new Set(['khong', 'co']);

/** The typed items of one answer against the choices, and the labels they were compared with. */
interface ChoiceMatcher {
  match(typed: string): ChoiceMatch;
  readonly choices: Choice[];
  /** The choices' labels folded, in the choices' order. */
  readonly labels: readonly string[];
}

/**
 * One typed item against the choices: its 1-based number, its value key, its
 * label folded, or a folded prefix of exactly one label. An exact label wins
 * over prefixes, so "tot" is "Tốt" and "hoan thanh nhiem vu" is not one of
 * the longer "Hoàn thành … nhiệm vụ" labels. Made once per answer: the labels
 * are folded once, and an item typed (or tried) twice is matched once.
 */
function choiceMatcher(choices: Choice[]): ChoiceMatcher {
  const labels = choices.map((c) => foldVietnamese(c.label));
  const matched = new Map<string, ChoiceMatch>();
  const match = (typed: string): ChoiceMatch => {
    const key = typed.trim();
    const known = matched.get(key);
    if (known) return known;
    let found: ChoiceMatch = { kind: 'none' };
    for (const folded of answerForms(key)) {
      found = matchFolded(choices, labels, folded);
      if (found.kind !== 'none') break;
    }
    matched.set(key, found);
    return found;
  };
  return { match, choices, labels };
}

function matchFolded(choices: Choice[], labels: readonly string[], folded: string): ChoiceMatch {
  const position = /^(\d+)[.)]?$/.exec(folded);
  if (position) {
    const index = Number(position[1]) - 1;
    return index >= 0 && index < choices.length ? { kind: 'found', index } : { kind: 'none' };
  }
  const exact = choices.findIndex((c, i) => labels[i] === folded || c.value === folded.replace(/ /g, '_'));
  if (exact >= 0) return { kind: 'found', index: exact };
  if ([...folded].length < MIN_PREFIX_LENGTH || NEVER_PREFIXES.has(folded)) return { kind: 'none' };
  const prefixed = labels.flatMap((label, i) => (label.startsWith(folded) ? [i] : []));
  const [only] = prefixed;
  if (prefixed.length === 1 && only !== undefined) return { kind: 'found', index: only };
  return prefixed.length === 0 ? { kind: 'none' } : { kind: 'several', indexes: prefixed };
}

function parseChoice(question: QuestionOf<'choice'>, text: string): ParseResult {
  const match = choiceMatcher(question.choices).match(text);
  switch (match.kind) {
    case 'found':
      return ok(question.choices[match.index]?.value ?? null);
    case 'several':
      return fail(m.choice.severalMatch(text.trim(), labelsAt(question.choices, match.indexes)));
    case 'none':
      return fail(m.choice.unrecognised(question.choices.length, question.choices.map((c) => c.label)));
  }
}

function labelsAt(choices: Choice[], indexes: number[]): string[] {
  return indexes.flatMap((i) => choices[i]?.label ?? []);
}

/** Words meaning "none of them": an answer where selecting nothing is allowed, else "too few". */
const NONE_WORDS = new Set(['khong', 'khong co']);

/** A typed option number ("3", "3." or "3)" as in the prompt's lines), once folded. */
const OPTION_NUMBER = /^\d+[.)]?$/;

/** Courtesy words people put around an answer ("1 3 ạ", "dạ 1 3"), folded. */
const COURTESY_WORDS: ReadonlySet<string> = new Set([...COURTESY.end, ...COURTESY.start]);

/**
 * Between two items inside a piece that is no option as a whole: the word «và»
 * ("1 và 3", "hội nghị và tọa đàm"), '&' or '+'. Why only then: a label may
 * contain «và» or '&' ("Tọa đàm & đối thoại"), and is one item typed whole.
 */
const JOINED_ITEMS = /\s+(?:và|va)\s+|\s*[&+]\s*/iu;

type TypedItem = { typed: string; match: ChoiceMatch };

/** Where a typed answer splits into items: a comma or a semicolon, with the spaces around it. */
const ITEM_SEPARATOR = /\s*[,;]\s*/g;

/**
 * The items of a typed multi-choice answer, each with what it matched. ',' and ';'
 * separate, except inside a label that has them: runs of pieces that together are
 * such a label ("Tuyên truyền, vận động, Kiểm tra" is «Tuyên truyền, vận động» and
 * «Kiểm tra») are taken first, the longest first. A piece that is no option as a
 * whole is split at «và», '&', '+'; and a run of numbers may be separated by spaces
 * alone ("1 3"): labels have spaces inside, numbers do not.
 */
function typedItems(matcher: ChoiceMatcher, text: string): TypedItem[] {
  const item = (typed: string): TypedItem => ({ typed, match: matcher.match(typed) });
  const pieces = text.split(ITEM_SEPARATOR).map((piece) => piece.trim());
  const joiners = labelJoiners(matcher.choices);
  const longest = Math.max(0, ...joiners.keys());
  const items: TypedItem[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const label = labelRun(pieces, i, Math.min(longest, pieces.length - i), joiners, item, matcher.labels);
    if (label) {
      items.push(label.item);
      i += label.pieces - 1;
    } else items.push(...pieceItems(pieces[i]!, item));
  }
  return items;
}

/**
 * How the labels join their parts, by the number of pieces: for 2 pieces the first
 * separator of each label that has one (", " or ";"), for 3 the first two, and so on.
 * A run of typed pieces is read joined as a label joins them, whatever was typed
 * between them ("Khác , ghi rõ" is «Khác; ghi rõ»). Empty when no label has one.
 */
function labelJoiners(choices: Choice[]): Map<number, string[][]> {
  const byLength = new Map<number, Map<string, string[]>>();
  for (const choice of choices) {
    const separators = choice.label.match(ITEM_SEPARATOR) ?? [];
    for (let n = 2; n <= separators.length + 1; n++) {
      const joiner = separators.slice(0, n - 1);
      const known = byLength.get(n) ?? new Map<string, string[]>();
      known.set(joiner.join('\u0000'), joiner);
      byLength.set(n, known);
    }
  }
  return new Map([...byLength].map(([n, joiners]) => [n, [...joiners.values()]]));
}

/**
 * The longest run of pieces from `start` (two or more, at most `longest`) that is one
 * option, read as a label joins its parts: its whole label, or the beginning of only one
 * («tuyên truyền, vận»). A beginning whose pieces are each an option too («Học tập, quán
 * triệt» beside «Học tập», «Quán triệt chỉ thị» and «Học tập, quán triệt nghị quyết») can
 * be read both ways: it is returned as matching several, and the answer is asked again.
 */
function labelRun(
  pieces: readonly string[],
  start: number,
  longest: number,
  joiners: ReadonlyMap<number, string[][]>,
  item: (typed: string) => TypedItem,
  labels: readonly string[],
): { item: TypedItem; pieces: number } | undefined {
  for (let n = longest; n >= 2; n--) {
    const run = pieces.slice(start, start + n);
    if (run.some((piece) => piece === '')) continue;
    for (const joiner of joiners.get(n) ?? []) {
      const joined = item(run.map((piece, k) => (k === 0 ? piece : `${joiner[k - 1]}${piece}`)).join(''));
      if (joined.match.kind !== 'found') continue;
      const { index } = joined.match;
      if (answerForms(joined.typed).includes(labels[index]!)) return { item: joined, pieces: n };
      const alone = run.map((piece) => item(piece).match);
      if (!alone.every((m) => m.kind === 'found')) return { item: joined, pieces: n };
      const indexes = [index, ...alone.map((m) => (m as { index: number }).index)];
      return { item: { typed: joined.typed, match: { kind: 'several', indexes: [...new Set(indexes)] } }, pieces: n };
    }
  }
  return undefined;
}

/** One piece between separators: an option whole, else items joined by «và», '&', '+', or numbers apart. */
function pieceItems(piece: string, item: (typed: string) => TypedItem): TypedItem[] {
  if (piece === '') return [];
  const whole = item(piece);
  if (whole.match.kind === 'found') return [whole];
  const parts = piece.split(JOINED_ITEMS).map((p) => p.trim()).filter((p) => p !== '');
  return parts.flatMap((part): TypedItem[] => {
    const words = part.split(/\s+/);
    const folded = words.map(foldAnswer);
    const numbers = words.filter((_, i) => OPTION_NUMBER.test(folded[i] ?? ''));
    const onlyNumbers = numbers.length >= 2 && folded.every((w) => OPTION_NUMBER.test(w) || COURTESY_WORDS.has(w));
    if (onlyNumbers) return numbers.map(item);
    return parts.length === 1 ? [whole] : [item(part)];
  });
}

/**
 * Several options typed in one message ("1,3", "1 3", "1 và 3", "tập huấn; đối
 * thoại"), each read as a choice question reads its one answer (number, value key,
 * label, unique prefix). Why one message holds the whole answer: a channel without
 * buttons has nothing to toggle, and a later message answers the next question.
 * Every item not understood is named in the refusal, and nothing is stored; the
 * set is stored in the form's order, each option once.
 */
function parseMultiChoice(question: QuestionOf<'multi_choice'>, text: string): ParseResult {
  const example = multiChoiceExample(question);
  const forms = answerForms(text);
  const none = forms.some((form) => NONE_WORDS.has(form));
  // An option whose label has a comma or «và» in it, typed whole, is that option alone. «Không
  // có» is "none", even beside an option «Không có văn bản» it is a prefix of: only an option
  // called exactly that takes it.
  const matcher = choiceMatcher(question.choices);
  const whole = matcher.match(text);
  const exact = whole.kind === 'found' && forms.includes(matcher.labels[whole.index]!);
  if (whole.kind === 'found' && (!none || exact)) return selection(question, new Set([whole.index]), example);
  if (none) {
    return question.minSelected === 0 ? ok([]) : fail(m.multiChoice.tooFew(question.minSelected, example));
  }
  // "0" is "none" only where none is allowed; elsewhere it is a number outside the list.
  if (question.minSelected === 0 && forms.includes('0')) return ok([]);
  const selected = new Set<number>();
  const outOfRange: string[] = [];
  const unknown: string[] = [];
  for (const { typed, match } of typedItems(matcher, text)) {
    if (match.kind === 'several') return fail(m.choice.severalMatch(typed, labelsAt(question.choices, match.indexes)));
    if (match.kind === 'found') selected.add(match.index);
    else (OPTION_NUMBER.test(foldAnswer(typed)) ? outOfRange : unknown).push(truncate(typed, SHOWN_ITEM_CHARS));
  }
  if (outOfRange.length > 0 || unknown.length > 0) {
    return fail(m.multiChoice.unrecognised(unique(outOfRange), unique(unknown), question.choices.length, example));
  }
  return selection(question, selected, example);
}

/** How much of an item not understood the refusal repeats (a paragraph typed at the question is not echoed whole). */
const SHOWN_ITEM_CHARS = 40;

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/** The options chosen, checked against the form's limits, as values in the form's order (equal selections stored identically). */
function selection(question: QuestionOf<'multi_choice'>, selected: ReadonlySet<number>, example: string): ParseResult {
  if (selected.size < question.minSelected) return fail(m.multiChoice.tooFew(question.minSelected, example));
  if (question.maxSelected !== undefined && selected.size > question.maxSelected) {
    return fail(m.multiChoice.tooMany(question.maxSelected, example));
  }
  return ok(question.choices.flatMap((c, i) => (selected.has(i) ? [c.value] : [])));
}

// ---------------------------------------------------------------------------
// Text

/**
 * What people type for "nothing to report" at an optional text question ("Hạn chế, khó
 * khăn (nếu có)"): stored as no answer, so the summary does not count it as content.
 */
const NOTHING_TO_REPORT = /^(khong|ko|k|kg|khg|chua|khong co|ko co|k co|chua co|khong co gi|khong co y kien|khong y kien|khong co kien nghi|khong co de xuat|khong co han che|khong co kho khan|khong co han che kho khan|khong co van de gi|khong co gi a|khong a|khong co a|khong co y kien gi|khong de xuat|khong kien nghi|nil|none|n\/a|-+)$/;

/**
 * Kept literally (HTML-looking text is fine here; output is escaped when sent).
 * Length is counted in characters of the NFC form, so a phone sending
 * decomposed Vietnamese is not charged twice per accented letter.
 */
function parseText(question: QuestionOf<'text'>, text: string): ParseResult {
  // Stored in NFC so the same words typed on different phones compare equal.
  const value = text.normalize('NFC').trim();
  // Folded only where it can matter: an optional question (a long required answer is not folded).
  if (!question.required && NOTHING_TO_REPORT.test(foldVietnamese(value).replace(/[.!,;]+$/, '').trim())) return ok(null);
  const length = [...value].length;
  if (length > question.maxLength) {
    return fail(m.text.tooLong(formatNumberVi(length), formatNumberVi(question.maxLength)));
  }
  return ok(value);
}

// ---------------------------------------------------------------------------
// Dates

/** Years outside this are typing mistakes ("15/12/1026"), not report dates. */
const MIN_YEAR = 1900;
const MAX_YEAR = 2100;

type DateParts = { year: number; month: number; day: number };

function parseDateAnswer(question: QuestionOf<'date'>, text: string, ctx: ParseContext): ParseResult {
  const typed = text.normalize('NFC').trim();
  const parts = readDateParts(typed, ctx.today);
  if (!parts || parts.year < MIN_YEAR || parts.year > MAX_YEAR) return fail(m.date.unreadable(dateExample(question, ctx)));
  const iso = calendarDate(parts.year, parts.month, parts.day);
  if (!iso) return fail(m.date.notOnCalendar(typed));
  if (question.within === 'period' && ctx.period !== undefined) {
    if (iso < ctx.period.start || iso > ctx.period.end) {
      return fail(m.date.outsidePeriod(formatDateVi(ctx.period.start), formatDateVi(ctx.period.end)));
    }
  }
  if (!question.allowFuture && iso > ctx.today) return fail(m.date.future(formatDateVi(ctx.today)));
  return ok(iso);
}

/** A date the question would take, for the example of the refusal: today, or the end of its period if that is earlier. */
function dateExample(question: QuestionOf<'date'>, ctx: ParseContext): { short: string; words: string } {
  const periodEnd = question.within === 'period' ? ctx.period?.end : undefined;
  const iso = periodEnd !== undefined && periodEnd < ctx.today ? periodEnd : ctx.today;
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  return { short: formatDateVi(iso), words: `${day} tháng ${month} năm ${year}` };
}

/**
 * D/M/YYYY with '/', '-' or '.', a two-digit year meaning 20YY, ISO
 * YYYY-MM-DD, or D/M meaning this year. An optional leading "ngày" is allowed.
 */
function readDateParts(typed: string, today: string): DateParts | undefined {
  const body = typed
    .replace(/^ngày\s+/iu, '')
    // "05/12/2026." at the end of a sentence, "5 / 12 / 2026" typed with spaces.
    .replace(/\.$/, '')
    .replace(/\s*([/.-])\s*/g, '$1');
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(body);
  if (iso) return { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) };
  // The way documents write it: "15 tháng 11 năm 2026", "15 tháng 11" (the year of today).
  const words = /^(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s*(?:năm|,)?\s*(\d{4}))?$/iu.exec(body.normalize('NFC'));
  if (words) return { year: words[3] === undefined ? Number(today.slice(0, 4)) : Number(words[3]), month: Number(words[2]), day: Number(words[1]) };
  const dmy = /^(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{4}|\d{2}))?$/.exec(body);
  if (!dmy) return undefined;
  const yearText = dmy[4];
  const year =
    yearText === undefined ? Number(today.slice(0, 4)) : yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  return { year, month: Number(dmy[3]), day: Number(dmy[1]) };
}

// ---------------------------------------------------------------------------

function ok(value: AnswerValue): ParseResult {
  return { kind: 'ok', value };
}

function fail(message: string): ParseResult {
  return { kind: 'error', message };
}
