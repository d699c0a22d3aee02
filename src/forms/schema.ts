/**
 * The form file format. A form is data: it is validated here when loaded, and a
 * campaign points at one exact (id, version), so editing a file never changes a
 * running campaign. Every other module uses the types inferred from this schema.
 */
import { z } from 'zod';
import '../zodLocale.js';

const key = z.string().regex(/^[a-z][a-z0-9_]*$/, 'key must be snake_case ascii');

/** A value an answer can hold, as used in conditions and comparisons. */
const literal = z.union([z.number(), z.string(), z.boolean()]);

/** Skip logic: when is a question asked. */
export type Condition =
  | { question: string; equals: string | number | boolean }
  | { question: string; in: Array<string | number | boolean> }
  | { question: string; answered: boolean }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ question: key, equals: literal }),
    z.strictObject({ question: key, in: z.array(literal).min(1) }),
    z.strictObject({ question: key, answered: z.boolean() }),
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);

/** A number taken from the answers: one answer, or the sum of several. */
export const operandSchema = z.union([
  z.strictObject({ answer: key }),
  z.strictObject({ sum: z.array(key).min(1) }),
  z.strictObject({ value: z.number() }),
]);
export type Operand = z.infer<typeof operandSchema>;

export const comparisonSchema = z.strictObject({
  left: operandSchema,
  op: z.enum(['eq', 'ne', 'lt', 'lte', 'gt', 'gte']),
  right: operandSchema,
});
export type Comparison = z.infer<typeof comparisonSchema>;

/**
 * A check with its own message. The message may name numbers: {left} and
 * {right} are the two sides, {key} is the answer to question `key`.
 */
export const constraintSchema = comparisonSchema.extend({ message: z.string().min(1) });
export type Constraint = z.infer<typeof constraintSchema>;

export const choiceSchema = z.strictObject({
  value: key,
  label: z.string().min(1),
});
export type Choice = z.infer<typeof choiceSchema>;

/** A choice proposed from a number answer: the first band whose `min` the number reaches. */
export const proposalSchema = z.strictObject({
  from: key,
  bands: z.array(z.strictObject({ min: z.number().optional(), choice: key })).min(1),
});
export type Proposal = z.infer<typeof proposalSchema>;

/** How /tonghop presents a question. Optional: every type has a sensible default. */
export const questionSummarySchema = z.strictObject({
  /** Short noun phrase used in the consolidated report, e.g. "mô hình «Dân vận khéo»". */
  label: z.string().optional(),
  /** Choices reported together, e.g. "hoàn thành tốt và hoàn thành xuất sắc nhiệm vụ". */
  groups: z.array(z.strictObject({ label: z.string(), choices: z.array(key).min(1) })).optional(),
  /** A target share of organizations giving one of these answers, e.g. 80% rated "Tốt". */
  target: z
    .strictObject({ choices: z.array(literal).min(1), share: z.number().gt(0).lte(1), label: z.string() })
    .optional(),
  /**
   * Choice questions: the whole predicate of each choice in the report, e.g.
   * da_ky → "đơn vị đã ký Thỏa ước lao động tập thể". The line then reads
   * "{count} {phrase}", and "không có {phrase}" for zero; a choice without a
   * phrase falls back to "{label} {choice label}". Keys must be choice values.
   */
  phrases: z.record(key, z.string().trim().min(1)).optional(),
  hidden: z.boolean().optional(),
});
export type QuestionSummary = z.infer<typeof questionSummarySchema>;

/**
 * When a number answer is asked to be confirmed at entry (see plausibility.ts).
 * Every field is optional and no default is applied here: a stored form must
 * parse to exactly what it parsed to before this field existed (its content
 * hash is compared at start), so the defaults live in code.
 */
export const plausibilitySchema = z.strictObject({
  /** Implausible when ≥ ratio × or ≤ 1/ratio of the previous round's answer (both non-zero). Default 10. */
  ratio: z.number().gt(1).optional(),
  /** Implausible when the previous answer was 0 and this one reaches it. Default 50. */
  fromZero: z.number().gt(0).optional(),
  /** Implausible above this percentile of the round's answers so far. Default 99. */
  percentile: z.number().gt(0).lt(100).optional(),
  /** The percentile counts only once this many organizations have answered. Default 30. */
  minAnswers: z.number().int().min(1).optional(),
  /** No plausibility check (on a question; on the form, for every question that does not say otherwise). */
  off: z.boolean().optional(),
});
export type PlausibilitySettings = z.infer<typeof plausibilitySchema>;

const base = {
  key,
  text: z.string().min(1),
  /** Overrides the default format hint of the type. */
  hint: z.string().optional(),
  required: z.boolean().default(true),
  relevant: conditionSchema.optional(),
  constraint: constraintSchema.optional(),
  summary: questionSummarySchema.optional(),
};

export const questionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...base,
    type: z.literal('integer'),
    min: z.number().int().default(0),
    max: z.number().int().optional(),
    plausibility: plausibilitySchema.optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('decimal'),
    min: z.number().optional(),
    max: z.number().optional(),
    /** Digits allowed after the decimal mark. */
    decimals: z.number().int().min(0).max(6).default(2),
    plausibility: plausibilitySchema.optional(),
  }),
  z.strictObject({ ...base, type: z.literal('yes_no') }),
  z.strictObject({
    ...base,
    type: z.literal('choice'),
    choices: z.array(choiceSchema).min(2),
    proposal: proposalSchema.optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('multi_choice'),
    choices: z.array(choiceSchema).min(2),
    minSelected: z.number().int().min(0).default(1),
    maxSelected: z.number().int().min(1).optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('text'),
    maxLength: z.number().int().min(1).max(4000).default(1000),
  }),
  z.strictObject({
    ...base,
    type: z.literal('date'),
    /** 'period': the date must fall within the campaign's period. */
    within: z.enum(['period', 'any']).default('any'),
    /** Dates after today are refused unless this is true. */
    allowFuture: z.boolean().default(false),
  }),
]);
export type Question = z.infer<typeof questionSchema>;
export type QuestionType = Question['type'];
export type QuestionOf<T extends QuestionType> = Extract<Question, { type: T }>;

/** A rule across questions, checked when `attachTo` is answered and again before submitting. */
export const ruleSchema = constraintSchema.extend({
  id: key,
  /** Only checked when this holds. */
  when: conditionSchema.optional(),
  /** The question re-asked when the rule fails; defaults to the last question it names. */
  attachTo: key.optional(),
});
export type Rule = z.infer<typeof ruleSchema>;

export const formSchema = z.strictObject({
  id: key,
  version: z.number().int().min(1),
  title: z.string().min(1),
  description: z.string().optional(),
  questions: z.array(questionSchema).min(1),
  rules: z.array(ruleSchema).default([]),
  /** Defaults for the plausibility of every number question; a question's own settings win field by field. */
  plausibility: plausibilitySchema.optional(),
});
export type Form = z.infer<typeof formSchema>;
/** What a form file contains before defaults are applied. */
export type FormInput = z.input<typeof formSchema>;

/** A typed answer. `null` means an optional question was skipped. */
export type AnswerValue = number | boolean | string | string[] | null;
/** Date answers are ISO 'YYYY-MM-DD' strings; choice answers are choice values. */
export type Answers = ReadonlyMap<string, AnswerValue>;
