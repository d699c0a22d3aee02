/**
 * Display formatting in Vietnamese conventions: '.' groups thousands, ',' is the
 * decimal mark, dates are DD/MM/YYYY.
 */
import { formMessages as m } from './messages.js';
import { roundTo } from './numbers.js';
import type { ParseContext } from './parse.js';
import type { AnswerValue, Question, QuestionOf } from './schema.js';

/** Enough for any form answer (schema caps decimals at 6) without showing float noise. */
const DEFAULT_MAX_DECIMALS = 6;

/**
 * "1.234,5". `decimals` is the most digits shown after the comma; trailing zeros
 * are dropped because reports write "100%" and "95,6%", never "100,0%".
 */
export function formatNumberVi(n: number, decimals?: number): string {
  if (!Number.isFinite(n)) return String(n);
  const places = decimals ?? DEFAULT_MAX_DECIMALS;
  // Rounded as a decimal first: (87.55).toFixed(1) alone gives "87.5".
  const fixed = roundTo(Math.abs(n), places).toFixed(places);
  const [intPart = '0', rawFrac = ''] = fixed.split('.');
  const frac = rawFrac.replace(/0+$/, '');
  const grouped = intPart.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  // A value that rounds to zero is shown as "0", not "-0".
  const sign = n < 0 && /[1-9]/.test(intPart + frac) ? '-' : '';
  return `${sign}${grouped}${frac === '' ? '' : `,${frac}`}`;
}

/** '2026-12-15' → '15/12/2026'; anything else is returned unchanged. */
export function formatDateVi(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return iso;
  const [, year, month, day] = match;
  return `${day}/${month}/${year}`;
}

/** An answer as shown back to the user (confirmation, review before submitting). */
export function formatAnswer(question: Question, value: AnswerValue): string {
  if (value === null) return question.type === 'text' ? m.labels.nothing : m.labels.skipped;
  switch (question.type) {
    case 'yes_no':
      if (typeof value === 'boolean') return value ? m.labels.yes : m.labels.no;
      break;
    case 'choice':
      if (typeof value === 'string') return choiceLabel(question, value);
      break;
    case 'multi_choice':
      if (Array.isArray(value)) return value.map((v) => choiceLabel(question, v)).join('; ');
      break;
    case 'integer':
      if (typeof value === 'number') return formatNumberVi(value, 0);
      break;
    case 'decimal':
      if (typeof value === 'number') return formatNumberVi(value, question.decimals);
      break;
    case 'date':
      if (typeof value === 'string') return formatDateVi(value);
      break;
    case 'text':
      if (typeof value === 'string') return value;
      break;
  }
  // A value of the wrong shape (old data, a form edited in place) is still shown, not hidden.
  return Array.isArray(value) ? value.join('; ') : String(value);
}

function choiceLabel(question: QuestionOf<'choice'> | QuestionOf<'multi_choice'>, value: string): string {
  return question.choices.find((c) => c.value === value)?.label ?? value;
}

/** The short instruction shown under a question: the form's own hint, else one per type. */
export function typeHint(question: Question, ctx?: ParseContext): string {
  if (question.hint !== undefined) return question.hint;
  switch (question.type) {
    case 'integer':
      return m.hints.integer(rangeText(question.min, question.max, 0), formatNumberVi(exampleNumber(question.min, question.max, 0)));
    case 'decimal':
      return m.hints.decimal(
        rangeText(question.min, question.max, question.decimals),
        question.decimals,
        formatNumberVi(exampleNumber(question.min, question.max, question.decimals), question.decimals),
      );
    case 'yes_no':
      return m.hints.yesNo;
    case 'choice':
      return m.hints.choice;
    case 'multi_choice':
      return multiChoiceHint(question);
    case 'text':
      return m.hints.text(formatNumberVi(question.maxLength));
    case 'date':
      return dateHint(question, ctx);
  }
}

/**
 * Option numbers a multi-choice question takes, as one would type them ("1, 3"):
 * two where the form allows two (more if it asks for more), spread out when there
 * is room so they do not read as a range. Why from the question: the example in a
 * hint or a refusal must itself be an answer the question accepts.
 */
export function multiChoiceExample(question: QuestionOf<'multi_choice'>): string {
  const count = question.choices.length;
  const wanted = Math.max(1, Math.min(Math.max(2, question.minSelected), question.maxSelected ?? count, count));
  const spread = 1 + 2 * (wanted - 1) <= count;
  return Array.from({ length: wanted }, (_, i) => String(spread ? 1 + 2 * i : 1 + i)).join(', ');
}

/** What to type at a multi-choice question, whatever the channel, with the form's limits; the form's own hint is not consulted. */
export function multiChoiceHint(question: QuestionOf<'multi_choice'>): string {
  return m.hints.multiChoice(
    multiChoiceExample(question),
    m.hints.multiChoiceLimit(question.minSelected, question.maxSelected),
    question.minSelected === 0,
    question.maxSelected === 1,
  );
}

function rangeText(min: number | undefined, max: number | undefined, decimals: number): string | undefined {
  const fmt = (n: number | undefined): string | undefined => (n === undefined ? undefined : formatNumberVi(n, decimals));
  return m.hints.range(fmt(min), fmt(max));
}

/** An example the user could actually type: the usual one if the range allows it. */
function exampleNumber(min: number | undefined, max: number | undefined, decimals: number): number {
  const usual = decimals === 0 ? [12, 87, 1] : [87.5, 12.5, 1.5, 0.5];
  const fits = (n: number): boolean => (min === undefined || n >= min) && (max === undefined || n <= max);
  return usual.find(fits) ?? min ?? max ?? 0;
}

const FALLBACK_DATE_EXAMPLE = '2026-12-15';

function dateHint(question: QuestionOf<'date'>, ctx: ParseContext | undefined): string {
  const period = question.within === 'period' ? ctx?.period : undefined;
  let example = ctx?.today ?? FALLBACK_DATE_EXAMPLE;
  if (period) {
    // The example must itself be acceptable, so it is kept inside the period.
    if (example < period.start) example = period.start;
    if (example > period.end) example = period.end;
    return m.hints.dateInPeriod(formatDateVi(example), formatDateVi(period.start), formatDateVi(period.end));
  }
  return m.hints.date(formatDateVi(example));
}
