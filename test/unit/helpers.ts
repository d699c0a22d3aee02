/**
 * Shared helpers of the unit tests: the bundled forms (loaded straight through
 * src/forms/load.ts, no database) and small inline forms. The dialogue driver is
 * test/support/dialogueState.ts.
 */
import { bundledFormsDir, loadFormsFromDir } from '../../src/forms/load.js';
import { formSchema, type Form, type FormInput, type Question } from '../../src/forms/schema.js';
import type { ParseContext } from '../../src/forms/parse.js';

let loaded: Promise<Form[]> | undefined;

export async function bundled(id: 'dan_van_qcdc' | 'xep_loai_to_chuc_dang'): Promise<Form> {
  loaded ??= loadFormsFromDir(bundledFormsDir);
  const form = (await loaded).find((f) => f.id === id);
  if (!form) throw new Error(`no bundled form ${id}`);
  return form;
}

export function question(form: Form, key: string): Question {
  const q = form.questions.find((x) => x.key === key);
  if (!q) throw new Error(`no question ${key} in ${form.id}`);
  return q;
}

/** A form from inline JSON, defaults applied, throwing on a schema error. */
export function makeForm(input: Omit<FormInput, 'id' | 'version' | 'title'> & Partial<FormInput>): Form {
  return formSchema.parse({ id: 'test_form', version: 1, title: 'Biểu mẫu thử', ...input });
}

/** The one question of a one-question inline form. */
export function makeQuestion(q: FormInput['questions'][number]): Question {
  return makeForm({ questions: [q] }).questions[0]!;
}

export const ctx: ParseContext = { today: '2026-12-10', period: { start: '2026-01-01', end: '2026-12-31' } };

/** Every letter Vietnamese adds to ASCII: a message using one of them was written with full diacritics. */
export const VIETNAMESE_LETTER = /[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]/i;
