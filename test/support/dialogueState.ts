/**
 * Pure builders for the report dialogue (src/dialogue): a fresh state of a form, what
 * the service does with a transition, a run of inputs through the machine, and the
 * small values (inputs, cursors, button labels) tests compare against. No database.
 */
import { startCursor, step } from '../../src/dialogue/machine.js';
import type { Cursor, DialogueState, Input, Prompt, Transition } from '../../src/dialogue/types.js';
import type { AnswerValue, Form } from '../../src/forms/schema.js';

/** A draft of `form` with no answer, at its first question, on 10/12/2026 in the 2026 period. */
export function newState(form: Form, overrides: Partial<DialogueState> = {}): DialogueState {
  const answers = new Map<string, AnswerValue>();
  return {
    form,
    answers,
    cursor: startCursor(form, answers),
    status: 'draft',
    locked: false,
    pastDeadline: false,
    parse: { today: '2026-12-10', period: { start: '2026-01-01', end: '2026-12-31' } },
    nowLabel: '10/12/2026 09:00',
    title: 'T',
    ...overrides,
  };
}

/** What the service does with a transition: store the cursor, apply the effects to the answers. */
export function apply(state: DialogueState, t: Transition): DialogueState {
  const answers = new Map(state.answers);
  let status = state.status;
  for (const effect of t.effects) {
    if (effect.kind === 'set') answers.set(effect.key, effect.value);
    if (effect.kind === 'unset') answers.delete(effect.key);
    if (effect.kind === 'submit') status = 'submitted';
    if (effect.kind === 'unsubmit') status = 'draft';
  }
  return { ...state, answers, status, cursor: t.cursor };
}

/** Runs inputs one after another; returns the final state and the last transition. */
export function run(state: DialogueState, ...inputs: Input[]): { state: DialogueState; last: Transition } {
  let current = state;
  let last: Transition | undefined;
  for (const input of inputs) {
    last = step(current, input);
    current = apply(current, last);
  }
  if (!last) throw new Error('no input');
  return { state: current, last };
}

export const text = (t: string): Input => ({ kind: 'text', text: t });
export const pick = (index: number): Input => ({ kind: 'pick', index });

/** Texts typed one after another: `run` with a text input each. */
export function typed(state: DialogueState, ...texts: string[]): { state: DialogueState; last: Transition } {
  return run(state, ...texts.map(text));
}

export const at = (key: string, review = false): Cursor => ({ at: 'question', key, review });
export const labels = (prompt: Prompt): string[] => prompt.buttons.flat().map((b) => b.label);
