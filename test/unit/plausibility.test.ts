import { describe, expect, it } from 'vitest';
import { PLAUSIBILITY_DEFAULTS, checkPlausibility, resolvePlausibility, type PlausibilityContext } from '../../src/forms/plausibility.js';
import type { FormInput, PlausibilitySettings, Question } from '../../src/forms/schema.js';
import { makeForm, makeQuestion } from './helpers.js';

const q = (extra: Partial<Extract<FormInput['questions'][number], { type: 'integer' }>> = {}): Question =>
  makeQuestion({ key: 'so', type: 'integer', text: 'Số?', ...extra });

function context(
  previous?: number,
  round?: { p99: number; answered: number },
  key = 'so',
): PlausibilityContext {
  return {
    previous: new Map(previous === undefined ? [] : [[key, { value: previous, periodLabel: 'Năm 2025' }]]),
    percentiles: new Map(round === undefined ? [] : [[key, round]]),
  };
}

describe('checkPlausibility: the previous round', () => {
  it('≥ 10× the previous answer is implausible, just under is not', () => {
    expect(checkPlausibility(q(), 30, context(3))).toEqual({ reason: 'previous', previous: 3, periodLabel: 'Năm 2025' });
    expect(checkPlausibility(q(), 1234, context(3))).toMatchObject({ reason: 'previous' });
    expect(checkPlausibility(q(), 29, context(3))).toBeUndefined();
  });

  it('≤ 1/10 of the previous answer is implausible, just over is not', () => {
    expect(checkPlausibility(q(), 3, context(30))).toEqual({ reason: 'previous', previous: 30, periodLabel: 'Năm 2025' });
    expect(checkPlausibility(q(), 4, context(30))).toBeUndefined();
  });

  it('decimals at the exact boundary are not lost to float noise', () => {
    const d = makeQuestion({ key: 'so', type: 'decimal', text: 'Số?', decimals: 2 });
    expect(checkPlausibility(d, 0.3, context(3))).toMatchObject({ reason: 'previous' });
    expect(checkPlausibility(d, 3, context(0.3))).toMatchObject({ reason: 'previous' });
    expect(checkPlausibility(d, 0.31, context(3))).toBeUndefined();
  });

  it('a zero on either side is not a ratio: 3 → 0 is plausible', () => {
    expect(checkPlausibility(q(), 0, context(3))).toBeUndefined();
    expect(checkPlausibility(q(), 0, context(0))).toBeUndefined();
  });

  it('from 0 to ≥ 50 is implausible, to 49 is not', () => {
    expect(checkPlausibility(q(), 50, context(0))).toEqual({ reason: 'previous', previous: 0, periodLabel: 'Năm 2025' });
    expect(checkPlausibility(q(), 49, context(0))).toBeUndefined();
  });

  it('no previous answer for the key: nothing to compare', () => {
    expect(checkPlausibility(q(), 1234, context(3, undefined, 'other'))).toBeUndefined();
    expect(checkPlausibility(q(), 1234, context())).toBeUndefined();
  });

  it('negative decimals are judged by their magnitude', () => {
    const d = makeQuestion({ key: 'so', type: 'decimal', text: 'Số?', min: -1000 });
    expect(checkPlausibility(d, -30, context(-3))).toMatchObject({ reason: 'previous' });
    expect(checkPlausibility(d, -5, context(-3))).toBeUndefined();
  });
});

describe('checkPlausibility: the round percentile', () => {
  it('above the 99th percentile once 30 organizations answered', () => {
    expect(checkPlausibility(q(), 41, context(undefined, { p99: 40, answered: 30 }))).toEqual({ reason: 'percentile', p99: 40, answered: 30 });
    expect(checkPlausibility(q(), 40, context(undefined, { p99: 40, answered: 30 }))).toBeUndefined();
  });

  it('not before the 30th answer', () => {
    expect(checkPlausibility(q(), 1000, context(undefined, { p99: 40, answered: 29 }))).toBeUndefined();
  });

  it('the previous round speaks first; a plausible previous still lets the percentile speak', () => {
    expect(checkPlausibility(q(), 1000, context(3, { p99: 40, answered: 100 }))).toMatchObject({ reason: 'previous' });
    expect(checkPlausibility(q(), 60, context(10, { p99: 40, answered: 100 }))).toEqual({ reason: 'percentile', p99: 40, answered: 100 });
  });

  it('only number questions are checked', () => {
    const text = makeQuestion({ key: 'so', type: 'text', text: 'Tên?' });
    expect(checkPlausibility(text, 1000, context(3, { p99: 1, answered: 100 }))).toBeUndefined();
  });
});

describe('plausibility settings', () => {
  it('defaults in code when neither the question nor the form sets anything', () => {
    expect(PLAUSIBILITY_DEFAULTS).toEqual({ ratio: 10, fromZero: 50, percentile: 99, minAnswers: 30 });
    expect(resolvePlausibility(q())).toEqual({ ratio: 10, fromZero: 50, percentile: 99, minAnswers: 30, off: false });
  });

  it('form-level defaults apply to every question', () => {
    const form: PlausibilitySettings = { ratio: 3, fromZero: 5, minAnswers: 10 };
    expect(checkPlausibility(q(), 9, context(3), form)).toMatchObject({ reason: 'previous' });
    expect(checkPlausibility(q(), 8, context(3), form)).toBeUndefined();
    expect(checkPlausibility(q(), 5, context(0), form)).toMatchObject({ reason: 'previous' });
    expect(checkPlausibility(q(), 41, context(undefined, { p99: 40, answered: 10 }), form)).toMatchObject({ reason: 'percentile' });
    expect(resolvePlausibility(q(), form)).toEqual({ ratio: 3, fromZero: 5, percentile: 99, minAnswers: 10, off: false });
  });

  it("a question's own settings win over the form's, field by field", () => {
    const question = q({ plausibility: { ratio: 100, percentile: 95 } });
    const form: PlausibilitySettings = { ratio: 3, fromZero: 5 };
    expect(resolvePlausibility(question, form)).toEqual({ ratio: 100, fromZero: 5, percentile: 95, minAnswers: 30, off: false });
    expect(checkPlausibility(question, 30, context(3), form)).toBeUndefined();
    expect(checkPlausibility(question, 300, context(3), form)).toMatchObject({ reason: 'previous' });
    expect(checkPlausibility(question, 5, context(0), form)).toMatchObject({ reason: 'previous' });
  });

  it('off on the question, or on the form unless the question turns it back on', () => {
    expect(checkPlausibility(q({ plausibility: { off: true } }), 1234, context(3))).toBeUndefined();
    expect(checkPlausibility(q(), 1234, context(3), { off: true })).toBeUndefined();
    expect(checkPlausibility(q({ plausibility: { off: false } }), 1234, context(3), { off: true })).toMatchObject({ reason: 'previous' });
  });

  it('the form file takes plausibility on number questions and on the form, and refuses nonsense', () => {
    const form = makeForm({
      plausibility: { ratio: 5 },
      questions: [{ key: 'so', type: 'decimal', text: 'Số?', plausibility: { percentile: 90, minAnswers: 50, off: false } }],
    });
    expect(form.plausibility).toEqual({ ratio: 5 });
    expect(form.questions[0]).toMatchObject({ plausibility: { percentile: 90, minAnswers: 50, off: false } });
    expect(() => makeQuestion({ key: 'so', type: 'integer', text: 'Số?', plausibility: { ratio: 1 } })).toThrow();
    expect(() => makeQuestion({ key: 'so', type: 'integer', text: 'Số?', plausibility: { percentile: 100 } })).toThrow();
    expect(() => makeQuestion({ key: 'so', type: 'integer', text: 'Số?', plausibility: { nonsense: 1 } as never })).toThrow();
    expect(() => makeQuestion({ key: 'so', type: 'text', text: 'Tên?', plausibility: {} } as never)).toThrow();
  });

  it('a form without plausibility parses exactly as before (its stored hash does not move)', () => {
    const form = makeForm({ questions: [{ key: 'so', type: 'integer', text: 'Số?' }] });
    expect('plausibility' in form).toBe(false);
    expect('plausibility' in form.questions[0]!).toBe(false);
  });
});
