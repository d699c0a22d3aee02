/**
 * Forms in the database. Bundled form files are copied in at start; a stored
 * (id, version) never changes afterwards, so a running campaign keeps its form.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { formSchema, type Form } from '../forms/schema.js';

export class FormVersionConflictError extends Error {
  constructor(readonly formId: string, readonly version: number) {
    super(
      `Form ${formId} version ${version} differs from the copy already in the database. ` +
        `Forms are immutable once stored: give the changed file a new version number.`,
    );
    this.name = 'FormVersionConflictError';
  }
}

function contentHash(form: Form): string {
  return createHash('sha256').update(JSON.stringify(form)).digest('hex');
}

export async function syncBundledForms(db: Kysely<Database>, forms: readonly Form[]): Promise<void> {
  for (const form of forms) {
    const hash = contentHash(form);
    await db
      .insertInto('forms')
      .values({ id: form.id, version: form.version, title: form.title, definition: JSON.stringify(form), content_hash: hash })
      .onConflict((oc) => oc.columns(['id', 'version']).doNothing())
      .execute();
    const stored = await db
      .selectFrom('forms')
      .select('content_hash')
      .where('id', '=', form.id)
      .where('version', '=', form.version)
      .executeTakeFirstOrThrow();
    if (stored.content_hash !== hash) throw new FormVersionConflictError(form.id, form.version);
  }
}

export async function listForms(
  db: Kysely<Database>,
): Promise<Array<{ id: string; version: number; title: string; questionCount: number }>> {
  const rows = await db.selectFrom('forms').select(['id', 'version', 'title', 'definition']).orderBy('id').orderBy('version').execute();
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    title: r.title,
    questionCount: formSchema.parse(r.definition).questions.length,
  }));
}

/** The latest version of every stored form, ordered by id (what /dotmoi offers); no definition is parsed. */
export async function latestForms(db: Kysely<Database>): Promise<Array<{ id: string; version: number; title: string }>> {
  return db.selectFrom('forms').distinctOn('id').select(['id', 'version', 'title']).orderBy('id').orderBy('version', 'desc').execute();
}

export async function latestFormVersion(db: Kysely<Database>, id: string): Promise<number | undefined> {
  const row = await db.selectFrom('forms').select((eb) => eb.fn.max('version').as('v')).where('id', '=', id).executeTakeFirst();
  return row?.v ?? undefined;
}

/**
 * Stored forms never change, so a parsed copy is cached per (id, version):
 * the dialogue reads its form on every answer.
 */
export class FormCache {
  private readonly cache = new Map<string, Promise<Form>>();
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * `executor`: a transaction that needs the form reads it through its own connection.
   * Reading through the pool instead, a burst of transactions on a cold cache could hold
   * every pooled connection while each waits for a read that needs one more.
   */
  get(id: string, version: number, executor: Kysely<Database> = this.db): Promise<Form> {
    const key = `${id}@${version}`;
    let form = this.cache.get(key);
    if (!form) {
      form = executor
        .selectFrom('forms')
        .select('definition')
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirstOrThrow()
        .then((row) => formSchema.parse(row.definition));
      form.catch(() => this.cache.delete(key));
      this.cache.set(key, form);
    }
    return form;
  }
}
