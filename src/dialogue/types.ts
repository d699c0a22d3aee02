/**
 * The report dialogue's vocabulary. Channel-neutral: a prompt is text plus
 * choices, an input is what the person typed or pressed. No grammY here, so a
 * second chat channel can reuse the whole dialogue.
 */
import type { AnswerValue, Answers, Form } from '../forms/schema.js';
import type { ParseContext } from '../forms/parse.js';
import type { PlausibilityContext } from '../forms/plausibility.js';

/** Where a report stands. Stored as JSON in submissions.cursor. */
export type Cursor =
  /**
   * Asking question `key`. `review`: the person came from the review screen and goes back there.
   * `returnTo`: asked again within an edit (its number was refused or to be retyped); once answered, back there.
   */
  | { at: 'question'; key: string; review: boolean; selected?: string[]; returnTo?: Cursor }
  /**
   * A typed number could be read two ways; the person picks one. `returnTo`: the
   * number came from an edit_answer, and once it is settled the person goes back
   * to where they were (absent: as after answering the question at `key`).
   */
  | { at: 'confirm'; key: string; candidates: number[]; review: boolean; returnTo?: Cursor }
  /** A number far from the usual one is stored only once the person confirms it (Đúng / Nhập lại). `returnTo` as for confirm. */
  | { at: 'plausible'; key: string; value: number; review: boolean; returnTo?: Cursor }
  | { at: 'review' }
  /** Submitted after the deadline: asking why. */
  | { at: 'late_reason' }
  | { at: 'done' };

export type Input =
  | { kind: 'text'; text: string }
  /** A choice button: yes/no, a choice, or a candidate number. */
  | { kind: 'pick'; index: number }
  /** A multi-choice button: select or unselect. */
  | { kind: 'toggle'; index: number }
  | { kind: 'finish_multi' }
  | { kind: 'skip' }
  | { kind: 'back' }
  | { kind: 'edit'; questionNo: number }
  /**
   * A changed answer to question `questionNo` (1-based), wherever the cursor is:
   * the person edited the message that answered it, or replied to its prompt.
   */
  | { kind: 'edit_answer'; questionNo: number; text: string }
  | { kind: 'submit' }
  /** Show the current prompt again, changing nothing. */
  | { kind: 'show' };

export interface PromptButton {
  label: string;
  input: Input;
  /**
   * What the person types instead of pressing (`2`, `xong`, `quay lại`, `gửi`):
   * step() understands it in every channel, so a text-only channel lists it.
   */
  say: string;
  /**
   * Text-only channels do not list it: the prompt text already explains it (e.g.
   * «sửa N»), or it only makes sense as a button (multi-choice «Xong»). Its `say` still works.
   */
  unlisted?: boolean;
  /** How a text-only channel lists it, when the label shows a button's own state (a toggle's ☑/☐). */
  textLabel?: string;
}

export interface Prompt {
  /** HTML: every user or file value in it is escaped. Channel-neutral: it reads right with and without buttons. */
  text: string;
  buttons: PromptButton[][];
  /** HTML said only where the buttons are shown as buttons: how to use them (toggles, then «Xong»). */
  buttonsNote?: string;
}

export type Effect =
  /** `confirmedOutlier`: the value failed the plausibility check and the person confirmed it (answers.confirmed_outlier). */
  | { kind: 'set'; key: string; value: AnswerValue; confirmedOutlier?: boolean }
  /** An answer that no longer applies (its question became irrelevant). */
  | { kind: 'unset'; key: string }
  | { kind: 'submit' }
  /** A sent report became incomplete or inconsistent through an edit: it is "not sent" again. */
  | { kind: 'unsubmit' }
  | { kind: 'late_reason'; text: string };

export type SubmissionStatus = 'draft' | 'submitted';

export interface DialogueState {
  form: Form;
  answers: Answers;
  cursor: Cursor;
  status: SubmissionStatus;
  /** Changes are refused: the campaign closed, or a submitted report is past its deadline. */
  locked: false | 'closed' | 'past_deadline';
  /** A first submission now would be late. */
  pastDeadline: boolean;
  parse: ParseContext;
  /** "23/11/2026 09:30": when this step happens, for confirmations. */
  nowLabel: string;
  /** Heading shown above the review: organization, form, period. HTML: the caller escapes it (it is shown as is). */
  title: string;
  /** The figures number answers are compared with at entry; absent: no plausibility check. */
  plausibility?: PlausibilityContext;
}

export interface Transition {
  cursor: Cursor;
  effects: Effect[];
  /** Shown above the prompt: an error, a confirmation. HTML. */
  notice?: string;
  prompt: Prompt;
  /** Whether anything stored changes (cursor or answers): the step counter moves only then. */
  changed: boolean;
  /** The prompt only re-renders the message it came from (multi-choice toggles). */
  inPlace?: boolean;
}
