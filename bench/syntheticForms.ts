/**
 * Synthetic all-number forms for the dialogue bench (the peer comparison's 14 questions,
 * the flat-cost check's 40), defined here rather than in forms/: they are parsed as a
 * form file is (parseFormText: schema and cross-references) and stored with the same
 * sync as the bundled forms, so a campaign can point at them like at any other form.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../src/db/schema.js';
import { parseFormText } from '../src/forms/load.js';
import type { Form, FormInput } from '../src/forms/schema.js';
import { syncBundledForms } from '../src/services/forms.js';

/** `count` required integer questions (≥ 0), plausibility at its defaults. */
export function numericFormDefinition(id: string, count: number): FormInput {
  return {
    id,
    version: 1,
    title: `Biểu mẫu thử: ${count} câu hỏi số`,
    description: 'Biểu mẫu tổng hợp dùng cho bench, mọi câu là số nguyên không âm.',
    questions: Array.from({ length: count }, (_, i) => ({
      key: `so_lieu_${i + 1}`,
      type: 'integer' as const,
      min: 0,
      text: `Câu ${i + 1}/${count}: đơn vị có bao nhiêu hoạt động loại ${i + 1} trong kỳ?`,
      summary: { label: `hoạt động loại ${i + 1}` },
    })),
  };
}

/** Validates the definitions as form files and stores them in the database. */
export async function syncSyntheticForms(db: Kysely<Database>, definitions: readonly FormInput[]): Promise<Form[]> {
  const forms: Form[] = [];
  for (const definition of definitions) {
    const parsed = parseFormText(JSON.stringify(definition));
    if (parsed.kind !== 'ok') throw new Error(`synthetic form ${definition.id}: ${parsed.problems.join('; ')}`);
    forms.push(parsed.form);
  }
  await syncBundledForms(db, forms);
  return forms;
}
