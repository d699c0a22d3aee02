/**
 * Plausibility of a number answer, checked when it is typed: a figure far from
 * what the same organization reported last round, or far above what most
 * organizations report this round, is stored only after the person confirms it.
 * Real data-collection systems find such figures after the fact, when nobody
 * remembers whether 1.234 was meant to be 12; asking at entry costs one tap.
 * Pure: the service gathers the figures (PlausibilityContext), this decides.
 */
import type { PlausibilitySettings, Question } from './schema.js';

/** The thresholds used when neither the question nor the form sets them. */
export const PLAUSIBILITY_DEFAULTS = { ratio: 10, fromZero: 50, percentile: 99, minAnswers: 30 } as const;

export interface ResolvedPlausibility {
  ratio: number;
  fromZero: number;
  percentile: number;
  minAnswers: number;
  off: boolean;
}

/** What the service knows about the other answers to this form. */
export interface PlausibilityContext {
  /** This organization's numeric answers in the previous round of the same form, by question key. */
  previous: ReadonlyMap<string, { value: number; periodLabel: string }>;
  /**
   * This round's answers so far, by question key: `p99` is the value at the
   * question's percentile (resolvePlausibility(...).percentile, 99 unless the
   * form says otherwise) and `answered` how many organizations it is taken over.
   */
  percentiles: ReadonlyMap<string, { p99: number; answered: number }>;
}

export type Implausible =
  | { reason: 'previous'; previous: number; periodLabel: string }
  | { reason: 'percentile'; p99: number; answered: number };

/**
 * The settings in force for a question: its own fields, else the form's, else
 * the defaults, field by field. Why exported: the service computes the
 * percentile each question asks for, and must read it the same way.
 */
export function resolvePlausibility(question: Question, formDefaults?: PlausibilitySettings): ResolvedPlausibility {
  const own = question.type === 'integer' || question.type === 'decimal' ? question.plausibility : undefined;
  const pick = <K extends keyof PlausibilitySettings>(k: K): PlausibilitySettings[K] => own?.[k] ?? formDefaults?.[k];
  return {
    ratio: pick('ratio') ?? PLAUSIBILITY_DEFAULTS.ratio,
    fromZero: pick('fromZero') ?? PLAUSIBILITY_DEFAULTS.fromZero,
    percentile: pick('percentile') ?? PLAUSIBILITY_DEFAULTS.percentile,
    minAnswers: pick('minAnswers') ?? PLAUSIBILITY_DEFAULTS.minAnswers,
    off: pick('off') ?? false,
  };
}

/** Comparisons of products must not flip on binary noise (0.3 × 10 = 3.0000000000000004). */
function clean(n: number): number {
  return Number(n.toFixed(9));
}

/**
 * Undefined when `value` is plausible for `question`, else why it is not.
 * Why this order: the previous round is this organization's own figure, the
 * clearest thing to show the person; the round's percentile only speaks when
 * the organization has no usable previous figure or it agrees. Magnitudes are
 * compared, so a negative decimal is judged like its absolute value.
 */
export function checkPlausibility(
  question: Question,
  value: number,
  context: PlausibilityContext,
  formDefaults?: PlausibilitySettings,
): Implausible | undefined {
  if (question.type !== 'integer' && question.type !== 'decimal') return undefined;
  if (!Number.isFinite(value)) return undefined;
  const settings = resolvePlausibility(question, formDefaults);
  if (settings.off) return undefined;
  const now = Math.abs(value);

  const before = context.previous.get(question.key);
  if (before !== undefined && Number.isFinite(before.value)) {
    const then = Math.abs(before.value);
    const jump =
      then === 0
        ? now >= settings.fromZero
        : now !== 0 && (clean(now) >= clean(then * settings.ratio) || clean(now * settings.ratio) <= clean(then));
    if (jump) return { reason: 'previous', previous: before.value, periodLabel: before.periodLabel };
  }

  const round = context.percentiles.get(question.key);
  if (round !== undefined && round.answered >= settings.minAnswers && clean(value) > clean(round.p99)) {
    return { reason: 'percentile', p99: round.p99, answered: round.answered };
  }
  return undefined;
}
