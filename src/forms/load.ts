/**
 * Loading form files. All problems of all files are collected and thrown as one
 * error, so whoever edits the forms fixes everything in one pass instead of
 * restarting the bot once per mistake.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { validateFormReferences } from './logic.js';
import { formLoadMessages as lm } from './messages.js';
import { formSchema, type Form } from './schema.js';

/**
 * The repository's forms/ folder. This file runs from src/forms/ (tsx, vitest)
 * or from dist/src/forms/ (compiled), and the folder is not copied into dist.
 */
export const bundledFormsDir: string = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  const twoUp = resolve(here, '..', '..');
  return join(basename(twoUp) === 'dist' ? dirname(twoUp) : twoUp, 'forms');
})();

/** Every `*.json` form in `dir`, in file-name order; throws one Error listing every problem. */
export async function loadFormsFromDir(dir: string): Promise<Form[]> {
  return loadForms([dir]);
}

/**
 * Every form of every folder (the bundled one, then the office's own, FORMS_DIR): one
 * (id, version) defined twice anywhere is a problem too. Throws one Error listing all.
 */
export async function loadForms(dirs: readonly string[]): Promise<Form[]> {
  const problems: string[] = [];
  const loaded: Array<{ file: string; form: Form }> = [];
  for (const dir of dirs) {
    const files = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      problems.push(`${dir}: ${error.code === 'ENOENT' ? lm.folderMissing : error.message}`);
      return [] as string[];
    });
    for (const file of files.filter((name) => name.endsWith('.json')).sort()) {
      const shown = dirs.length > 1 ? join(dir, file) : file;
      const result = parseFormText(await readFile(join(dir, file), 'utf8'));
      if (result.kind === 'ok') loaded.push({ file: shown, form: result.form });
      problems.push(...result.problems.map((p) => `${shown}: ${p}`));
    }
  }
  problems.push(...duplicateVersions(loaded));

  if (problems.length > 0) {
    throw new Error(`${lm.invalidFiles(dirs.join(', '), problems.length)}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return loaded.map((l) => l.form);
}

/** The folders forms are read from: the bundled one (`bundled`, another in tests), and the office's own when FORMS_DIR names one. */
export function formsDirs(config: { formsDir?: string }, bundled: string = bundledFormsDir): string[] {
  return [bundled, ...(config.formsDir ? [config.formsDir] : [])];
}

type FileResult = { kind: 'ok'; form: Form; problems: string[] } | { kind: 'error'; problems: string[] };

/** One file's content: JSON syntax, then the schema, then cross-references. */
export function parseFormText(text: string): FileResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { kind: 'error', problems: [lm.invalidJson(err instanceof Error ? err.message : String(err))] };
  }
  const parsed = formSchema.safeParse(json);
  if (!parsed.success) return { kind: 'error', problems: parsed.error.issues.map(describeIssue) };
  const problems = validateFormReferences(parsed.data);
  return problems.length === 0 ? { kind: 'ok', form: parsed.data, problems } : { kind: 'error', problems };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return `${formatPath(issue.path)}: ${issue.message}`;
}

/** ['questions', 3, 'key'] → 'questions[3].key', the way the other messages name places. */
function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(form)';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/** A campaign points at (id, version), so two files claiming the same pair would be a silent coin toss. */
function duplicateVersions(loaded: Array<{ file: string; form: Form }>): string[] {
  const firstFile = new Map<string, string>();
  const problems: string[] = [];
  for (const { file, form } of loaded) {
    const id = `${form.id} v${form.version}`;
    const other = firstFile.get(id);
    if (other !== undefined) problems.push(`${file}: ${lm.definedTwice(id, other)}`);
    else firstFile.set(id, file);
  }
  return problems;
}
